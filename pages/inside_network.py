"""Inside the network: one digit through every layer — feature maps, filters, dense units, one pixel's sum, why.

Layer outputs and figures are cached server-wide by their inputs (a class on test image 0 shares
one build). The page is a fragment; the tabs run lazily (only the open one), each a fragment of its own.
"""
import random

import numpy as np
import streamlit as st

from core import gallery
from core.charts import answers, digits, layers
from core.charts.style import INK, NO_BAR, SIGNED
from core.lab import explain
from core.ui import lang, lang_key, mnist_or_stop, model_picker, shared_chart, tr

T = "inside_network."
digit_chart = shared_chart(digits.digit_figure)
grid_chart = shared_chart(layers.map_grid)
bars_chart = shared_chart(layers.activation_bars)
pixel_chart = shared_chart(layers.pixel_sum_figure)
channel_chart = shared_chart(layers.channel_figure)
why_chart = shared_chart(layers.attribution_figure)


@st.cache_resource(show_spinner=False, max_entries=32)
def warmed(_model, model_token: str) -> bool:
    """Trace the model's sub-models once per model and server, when it is first shown."""
    explain.warm_up(_model)
    return True


@st.cache_resource(show_spinner=False, max_entries=256)
def activations(_model, model_token: str, image: np.ndarray) -> dict[str, np.ndarray]:
    """Every layer's output for one image, once per model and image (never modified afterwards)."""
    return explain.layer_outputs(_model, image)


@st.cache_data(show_spinner=False, max_entries=64)
def why_map(_model, model_token: str, image: np.ndarray, target: int, method: str) -> np.ndarray:
    if method == "occlusion":
        return explain.occlusion_map(_model, image, target)
    return explain.gradient_x_input(_model, image, target)


def current_drawing() -> np.ndarray | None:
    """The lab's last prepared drawing (28, 28), if there is a usable one."""
    drawing = st.session_state.get("last_digit")
    if drawing is not None and np.shape(drawing) != (28, 28):
        st.warning(tr(T + "bad_drawing"))
        return None
    return None if drawing is None else np.asarray(drawing, dtype=np.float32)


def choose_source(drawing: np.ndarray | None) -> str:
    """ "drawing", "test" or "gallery"; a drawing that is new since the last run is shown at once."""
    sources = (["drawing"] if drawing is not None else []) + ["test", "gallery"]
    key = lang_key("inside_source", sources[0])
    if drawing is not None:
        stamp = hash(drawing.tobytes())
        if st.session_state.get("inside_drawing_seen") != stamp:
            st.session_state["inside_drawing_seen"] = stamp
            st.session_state[key] = "drawing"
    if st.session_state.get(key) not in sources:
        st.session_state[key] = "test"
    labels = {s: tr(T + f"source_{s}") for s in sources}
    return st.radio(tr(T + "source"), sources, format_func=labels.get, horizontal=True, key=key)


@st.cache_resource(show_spinner=False, max_entries=2)
def class_drawings(folder: str, version: int) -> gallery.Pool:
    """The class gallery's visible drawings (hidden ones never) at one version of the pool."""
    return gallery.Gallery(folder).pool()


def another_drawing(ids: tuple[int, ...]) -> None:
    """🎲: another drawing of the digit chosen, at random (not the one shown, when there is another)."""
    others = [i for i in ids if i != st.session_state.get("inside_gallery_id")] or list(ids)
    st.session_state["inside_gallery_id"] = random.choice(others)


def gallery_drawing(controls) -> tuple[np.ndarray, int] | None:
    """One drawing of the class gallery as the input: a digit, then 🎲 for another one of it.

    Students see one prepared 28×28 at a time, picked at random: no grid, no number to step
    through, no sender's canvas, no download (the pool as a whole stays the teacher's, behind the PIN).
    """
    store = gallery.Gallery()
    pool = class_drawings(str(store.folder), store.version())
    if not len(pool):
        st.info(tr(T + "gallery_empty"))
        return None
    counts = np.bincount(pool.digits, minlength=10)
    there = [d for d in range(10) if counts[d]]
    if st.session_state.get("inside_gallery_digit") not in there:
        st.session_state["inside_gallery_digit"] = there[0]
    names = {d: tr(T + "gallery_count", digit=d, n=int(counts[d])) for d in there}
    digit = controls[1].selectbox(tr(T + "gallery_digit"), there, format_func=names.get, key="inside_gallery_digit")
    ids = tuple(int(i) for i in pool.ids[pool.digits == digit])
    if st.session_state.get("inside_gallery_id") not in ids:  # a new digit, or the drawing was hidden
        st.session_state["inside_gallery_id"] = random.choice(ids)
    controls[2].button("🎲 " + tr(T + "gallery_another"), on_click=another_drawing, args=(ids,),
                       key="inside_gallery_random", width="stretch", disabled=len(ids) < 2)
    row = int(np.flatnonzero(pool.ids == st.session_state["inside_gallery_id"])[0])
    return pool.images[row].astype(np.float32) / 255.0, digit


def roll() -> None:
    st.session_state["inside_index"] = random.randrange(len(mnist.x_test))


@st.fragment
def feature_maps(model, outputs):
    st.markdown(tr(T + "maps_intro"))
    shown = st.select_slider(tr(T + "maps_shown"), [4, 8, 16, 32, 64], value=16, key="inside_maps_shown")
    for name in explain.feature_layer_names(model):
        maps = outputs[name]  # (h, w, channels)
        h, w, channels = maps.shape
        count = min(shown, channels)
        st.markdown(tr(T + "layer_heading", name=name, kind=explain.layer_kind(model, name),
                       h=h, w=w, c=channels, shown=count))
        grid = grid_chart(np.moveaxis(maps[:, :, :count], -1, 0), [f"#{k}" for k in range(count)],
                          colorbar_title=tr(T + "activation"))
        st.plotly_chart(grid, key=f"inside_maps_{name}", config=NO_BAR)


def filters_and_dense(model, outputs):
    kernels, _ = explain.first_layer_filters(model)
    first = explain.conv_layer_names(model)[0]
    st.subheader(tr(T + "filters_title", name=first, k=kernels.shape[0], n=kernels.shape[-1]))
    st.markdown(tr(T + "filters_caption"))
    grid = grid_chart(np.moveaxis(kernels, -1, 0), [f"#{k}" for k in range(kernels.shape[-1])],
                      colorscale=SIGNED, zmid=0.0, colorbar_title=tr(T + "weight"))
    st.plotly_chart(grid, key="inside_filters", config=NO_BAR)
    dense_names = explain.hidden_dense_names(model)
    if not dense_names:
        st.info(tr(T + "no_dense"))
    for name in dense_names:
        units = outputs[name]
        st.subheader(tr(T + "dense_title", name=name, units=len(units)))
        st.caption(tr(T + "dense_caption", active=int((units > 0).sum()), units=len(units)))
        st.plotly_chart(bars_chart(units, tr(T + "activation")), key=f"inside_dense_{name}", config=NO_BAR)


@st.fragment
def one_pixel(model, outputs, image):
    st.markdown(tr(T + "pixel_intro"))
    conv_names = explain.conv_layer_names(model)
    cols = st.columns(4)
    layer = cols[0].selectbox(tr(T + "pixel_layer"), conv_names, key="inside_pixel_layer")
    maps = outputs[layer]
    channel = cols[1].number_input(tr(T + "pixel_map", n=maps.shape[-1] - 1), 0, maps.shape[-1] - 1, 0,
                                   key=f"inside_pixel_map_{layer}")
    best_row, best_col = np.unravel_index(int(maps[:, :, channel].argmax()), maps.shape[:2])
    row, col = int(best_row), int(best_col)
    if maps.shape[0] > 1:  # a slider needs two values at least
        row = cols[2].slider(tr(T + "pixel_row"), 0, maps.shape[0] - 1, row, key=f"inside_row_{layer}_{channel}")
    if maps.shape[1] > 1:
        col = cols[3].slider(tr(T + "pixel_col"), 0, maps.shape[1] - 1, col, key=f"inside_col_{layer}_{channel}")
    pixel = explain.explain_pixel(model, outputs, image, layer, channel, row, col)
    source = explain.layer_input(model, outputs, image, layer)
    in_channels = source.shape[-1]
    shown_channel = 0
    if in_channels > 1:
        strongest = int(np.abs(pixel.per_channel).argmax())
        shown_channel = st.columns(2)[0].number_input(tr(T + "pixel_channel", n=in_channels), 0, in_channels - 1,
                                                      strongest, key=f"inside_pixel_channel_{layer}")
    k = pixel.kernel.shape[0]
    box = (pixel.top, pixel.left, k, pixel.kernel.shape[1])
    if in_channels == 1:  # the image itself, drawn as a digit
        source_view = digit_chart(source[:, :, 0], tr(T + "source_image"), box=box)
    else:
        plane = source[:, :, shown_channel]
        source_view = digit_chart(plane, tr(T + "source_map", name=explain.previous_layer(model, layer),
                                            channel=shown_channel),
                                  box=box, colorscale=layers.MAPS, zmax=max(1.0, float(plane.max())))
    target = maps[:, :, channel]
    views = st.columns(2)
    views[0].plotly_chart(source_view, key="inside_pixel_source", config=NO_BAR)
    views[1].plotly_chart(digit_chart(target, tr(T + "target_map", name=layer, channel=channel), box=(row, col, 1, 1),
                                      colorscale=layers.MAPS, zmax=max(1.0, float(target.max()))),
                          key="inside_pixel_target", config=NO_BAR)
    st.plotly_chart(pixel_chart(pixel.kernel[:, :, shown_channel], pixel.patch[:, :, shown_channel],
                                (tr(T + "kernel_title"), tr(T + "patch_title"), tr(T + "products_title")),
                                patch_colorscale=INK if in_channels == 1 else layers.MAPS),
                    key="inside_pixel_sum", config=NO_BAR)
    if in_channels > 1:
        bars = channel_chart(pixel.per_channel, tr(T + "channels_title", n=in_channels), tr(T + "channels_axis"),
                             chosen=shown_channel)
        st.plotly_chart(bars, key="inside_channels", config=NO_BAR)
    formula = "sum_first" if in_channels == 1 else "sum_deep"
    st.markdown(tr(T + formula, n=in_channels, k=k, sum=f"{pixel.weighted_sum:.4f}", bias=f"{pixel.bias:+.4f}",
                   total=f"{pixel.total:.4f}", value=f"{pixel.value:.4f}"))
    keras_value = float(maps[row, col, channel])
    ok = abs(keras_value - pixel.value) <= 1e-4 * max(1.0, abs(keras_value))
    st.markdown(tr(T + ("keras_same" if ok else "keras_differs"), value=f"{keras_value:.4f}"))
    st.page_link("pages/lesson_4_convolution.py", label=tr(T + "to_lesson"), icon="🔍")


@st.fragment
def why_this_answer(model, token, image, answer):
    st.markdown(tr(T + "why_intro"))
    cols = st.columns(2)
    methods = {m: tr(T + f"method_{m}") for m in ("gradient", "occlusion")}  # gradient first: one backward pass
    method = cols[0].radio(tr(T + "why_method"), list(methods), horizontal=True,
                           format_func=methods.get, key=lang_key("inside_why_method", "gradient"))
    targets = {"answer": tr(T + "target_answer", digit=answer)} | {d: str(d) for d in range(10)}
    target = cols[1].selectbox(tr(T + "why_target"), list(targets), format_func=targets.get,
                               key=lang_key("inside_why_target", "answer"))
    target = answer if target == "answer" else int(target)
    attribution = why_map(model, token, image, target, method)
    left, right = st.columns([3, 2])
    left.plotly_chart(why_chart(image, attribution, tr(T + "why_title", digit=target), tr(T + "why_colorbar")),
                      key="inside_why", config=NO_BAR)
    right.markdown(tr(T + f"why_{method}", digit=target))
    right.markdown(tr(T + "why_colours", digit=target))
    if not np.abs(attribution).max() > 0:
        right.info(tr(T + "why_blank"))


@st.fragment
def details(model, token, outputs, image, answer):
    """The four tabs; only the open one runs (switching tabs reruns this fragment, not the page)."""
    names = ("maps", "dense", "pixel", "why")
    tabs = st.tabs([tr(T + f"tab_{name}") for name in names], on_change="rerun", key=f"inside_tab_{lang()}")
    open_tab = next((name for name, tab in zip(names, tabs) if tab.open), "maps")
    with tabs[names.index(open_tab)]:
        if open_tab == "maps":
            feature_maps(model, outputs)
        elif open_tab == "dense":
            filters_and_dense(model, outputs)
        elif open_tab == "pixel":
            one_pixel(model, outputs, image)
        else:
            why_this_answer(model, token, image, answer)


@st.fragment
def inside() -> None:
    """The whole page: its own widgets rerun this, not the app around it."""
    drawing = current_drawing()
    source = choose_source(drawing)
    controls = st.columns([5, 4, 2], vertical_alignment="bottom")
    with controls[0]:
        _, model, token = model_picker("inside_network", "inside_model")
        with st.spinner(tr("common.loading_tensorflow")):
            warmed(model, token)
    picked = gallery_drawing(controls) if source == "gallery" else None
    if source == "drawing":
        image, true_label, input_title = drawing, None, tr(T + "drawing_title")
    elif picked is not None:
        image, true_label = picked
        input_title = tr(T + "gallery_title", digit=true_label)
    else:
        st.session_state.setdefault("inside_index", 0)
        index = controls[1].number_input(tr(T + "index"), 0, len(mnist.x_test) - 1, st.session_state["inside_index"],
                                         key="inside_index")  # given its value too: drawn late, it would show 0
        controls[2].button("🎲 " + tr(T + "random"), on_click=roll, key="inside_random", width="stretch")
        image = mnist.x_test[index].astype(np.float32) / 255.0
        true_label = int(mnist.y_test[index])
        input_title = tr(T + "test_title", index=index, label=true_label)

    outputs = activations(model, token, image)
    probabilities = outputs[model.layers[-1].name]
    answer = int(probabilities.argmax())

    left, right = st.columns([2, 3])
    left.plotly_chart(digit_chart(image, input_title), key="inside_input", config=NO_BAR)
    if drawing is None:
        left.caption(tr(T + "no_drawing"))
        left.page_link("pages/cnn_lab.py", label=tr("nav.cnn_lab"), icon="✏️")
    with right:
        numbers = st.columns(2)
        numbers[0].metric(tr(T + "answer"), str(answer))
        numbers[1].metric(tr(T + "confidence"), f"{probabilities[answer]:.1%}")
        if true_label is not None:
            st.markdown(tr(T + ("true_ok" if true_label == answer else "true_wrong"), label=true_label))
        caption = tr(T + "probability") + ("" if true_label is None else " · " + tr(T + "true_mark"))
        st.html(answers.probability_bars(probabilities, caption, true_label))

    details(model, token, outputs, image, answer)


st.title("🧠 " + tr(T + "title"))
st.caption(tr(T + "intro"))
mnist = mnist_or_stop()
inside()
