"""Lesson 4: convolution — a kernel slides over the image; patch × kernel, summed, is one output pixel.
Stride, padding and the size formula; how LeNet-5's 6 maps become 16 (000).

Every section is a fragment: the input reruns all sections (not the page's text, quiz and links);
the kernel / size section (with the window inside it) and the 6 → 16 section rerun only themselves.
Figures are built once per distinct input for the whole class (core.ui.shared_chart)."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import streamlit as st

from core import data, links, presenter
from core.charts import convolution as charts
from core.charts.panels import fmt
from core.charts.style import NO_BAR
from core.presenter import figure_alt, fold
from core.ui import edited_numbers, lang_key, lesson_links, quiz, shared_chart, tr, try_this
from lessons import convolution as conv

T = "lesson_4."


@st.cache_resource(show_spinner=False)
def cached() -> SimpleNamespace:
    """This page's figure builders and LeNet maps, cached server-wide by their arguments. Made once
    per process: wrapping a function reads its source (~2 ms each), too slow for every rerun."""
    return SimpleNamespace(input=shared_chart(charts.conv_input_figure), output=shared_chart(charts.feature_map_figure),
                           arithmetic=shared_chart(charts.arithmetic_figure),
                           channels=shared_chart(charts.channels_figure), grid=shared_chart(charts.maps_grid_figure),
                           lenet_maps=shared_chart(conv.lenet_maps))


def names(prefix: str, options) -> callable:
    """format_func showing each option's text ``<prefix><option>``, fixed in the language of this run."""
    return {option: tr(prefix + str(option)) for option in options}.get


def slider_in_range(label: str, top: int, key: str, default: int) -> int:
    """A 0…top slider (kept in the URL) whose remembered value is pulled back inside when the range shrinks."""
    key = links.linked(key, links.number(0, 99))
    st.session_state[key] = min(int(st.session_state.get(key, default)), top)
    return st.slider(label, 0, top, key=key, disabled=top == 0) if top > 0 else 0


def choose_image(grid_area) -> tuple[np.ndarray, str]:
    """The input picked by the student → ((H, W) image, its description); the grid's editor goes in grid_area."""
    drawing = st.session_state.get("last_digit")
    if drawing is not None and np.shape(drawing) != (28, 28):
        drawing = None
    sources = (["canvas"] if drawing is not None else []) + ["mnist", "grid"]
    source = st.radio(tr(T + "source"), sources, format_func=names(T + "source_", sources),
                      horizontal=True, **links.widget(lang_key("l4_source", sources[0]), links.choices(sources), index=True))
    if source == "grid":
        st.caption(tr(T + "grid_help"))
        with grid_area:
            grid = st.data_editor(pd.DataFrame(conv.integer_grid().astype(int), columns=[str(c) for c in range(8)]),
                                  key="l4_grid", hide_index=True, width="stretch")
        return edited_numbers(grid, T), tr(T + "source_grid")
    if source == "mnist":
        try:
            mnist = data.load_mnist()
        except data.MnistError as error:
            st.error(tr(f"data.{error.key}", **error.values))
            st.info(tr(T + "no_mnist"))
            return conv.integer_grid(), tr(T + "source_grid")
        index = st.number_input(tr(T + "index"), 0, len(mnist.x_test) - 1,
                                **links.widget("l4_index", links.number(0, 9999, default=0)))
        image = mnist.x_test[index] / 255.0
        caption = tr(T + "mnist_caption", index=index, label=int(mnist.y_test[index]))
    else:
        image, caption = np.asarray(drawing, dtype=float), tr(T + "source_canvas")
    raw = st.radio(tr(T + "scale"), [False, True], format_func=names(T + "scale_", [False, True]),
                   horizontal=True,
                   **links.widget(lang_key("l4_scale", False), links.choices([False, True], False), index=True))
    return (np.round(image * 255.0) if raw else image), caption


@st.fragment
def window_section(image: np.ndarray, kernel: np.ndarray, stride: int, padding: int, relu_on: bool) -> None:
    """The window: patch × kernel = one output pixel (its sliders rerun only this section)."""
    st.header(tr(T + "window_header"))
    above = st.container()  # the explanation; in presenter mode it goes under the figures, so that they fit
    k, n = kernel.shape[0], image.shape[0]
    out_n = conv.output_size(n, k, stride, padding)
    start_row, start_col = conv.half_ink_window(image, k, stride, padding)
    pick_row, pick_col = st.columns(2)
    with pick_row:
        row = slider_in_range(tr(T + "row"), out_n - 1, "l4_row", start_row)
    with pick_col:
        col = slider_in_range(tr(T + "col"), out_n - 1, "l4_col", start_col)

    feature = conv.conv2d(image, kernel, stride, padding)
    shown = conv.relu(feature) if relu_on else feature
    patch = conv.window(image, k, row, col, stride, padding)
    value = float(np.sum(patch * kernel))
    figures = cached()
    left, right = st.columns(2, gap="medium")
    with left:
        st.plotly_chart(figures.input(conv.pad(image, padding), padding, k, row * stride, col * stride,
                                      tr(T + "input_title", n=n, p=padding)), key="l4_input_fig", config=NO_BAR)
    with right:
        st.plotly_chart(figures.output(shown, row, col, tr(T + "output_title", size=out_n)),
                        key="l4_output_fig", config=NO_BAR)
    figure_alt(tr("present.figure_alt.lesson_4", n=n, k=k, row=row, col=col, size=out_n, value=f"{shown[row, col]:.3f}"))
    with st.container() if presenter.on() else above, fold(tr("present.text")):
        st.markdown(tr(T + "window_text"))
    st.plotly_chart(figures.arithmetic(patch, kernel, (tr(T + "patch"), tr(T + "kernel"), tr(T + "products"))),
                    key="l4_arith_fig", config=NO_BAR)
    rows_tex = []
    for u in range(k):
        factors = [fmt(w) if w >= 0 else f"({fmt(w)})" for w in kernel[u]]  # (-1) in brackets
        terms = " + ".join(rf"{fmt(patch[u, v])} \cdot {factors[v]}" for v in range(k))
        rows_tex.append(("&= " if u == 0 else "&\\quad + ") + terms)
    exact = all(float(fmt(v)) == v for v in np.concatenate([patch.ravel(), kernel.ravel()]))
    ending = r"\\ &" + ("=" if exact else r"\approx") + f" {value:.3f}"
    if relu_on:
        ending += rf" \;\xrightarrow{{\mathrm{{ReLU}}}}\; \max(0, {value:.3f}) = {max(value, 0.0):.3f}"
    st.latex(rf"\begin{{aligned}} \mathrm{{out}}[{row}, {col}] &= \sum_{{u=0}}^{{{k - 1}}} \sum_{{v=0}}^{{{k - 1}}}"
             rf" x[{row * stride} + u,\ {col * stride} + v] \cdot K[u, v] \\ " + r" \\ ".join(rows_tex) + ending
             + r" \end{aligned}")
    st.caption(tr(T + "no_flip"))


@st.fragment
def channels_section(image: np.ndarray) -> None:
    """6 maps → 16 maps (LeNet-5, 000): its slider reruns only this section."""
    st.header(tr(T + "channels_header"))
    st.markdown(tr(T + "channels_text"))
    if image.shape == (28, 28):
        image28 = image / 255.0 if image.max() > 1.0 else image
    else:
        image28 = conv.enlarge_to_28(image)
        st.caption(tr(T + "enlarged"))
    figures = cached()
    pooled1, pooled2 = figures.lenet_maps(image28)
    st.latex(r"28{\times}28{\times}1 \xrightarrow{5\times5,\ 6} 24{\times}24{\times}6 \xrightarrow{\text{pool}}"
             r" 12{\times}12{\times}6 \xrightarrow{5\times5\times6,\ 16} 8{\times}8{\times}16"
             r" \xrightarrow{\text{pool}} 4{\times}4{\times}16 \to 256")
    pick, formula = st.columns([1, 2], gap="medium")
    with pick:
        j = st.slider(tr(T + "which_map"), 1, 16, **links.widget("l4_map", links.number(1, 16, default=1))) - 1
    with formula:
        st.latex(rf"\begin{{gathered}} O_{{{j + 1}}} = \sum_{{c=1}}^{{6}} X_c * K_{{{j + 1},c}} + b_{{{j + 1}}} \\"
                 rf" \text{{{tr(T + 'params_word')}}}: 5 \times 5 \times 6 \times 16 + 16 = 2416 \end{{gathered}}")
    kernels = conv.lenet_conv2_kernels()[:, :, :, j:j + 1]  # 5×5×6: the six slices of kernel j
    partials = conv.channel_partials(pooled1, kernels)[:, :, :, 0]  # 8×8×6, one per input map
    st.plotly_chart(figures.channels(pooled1, kernels[:, :, :, 0], partials,
                                     (tr(T + "row_inputs"), tr(T + "row_kernels"), tr(T + "row_partials")),
                                     tr(T + "sum_title", j=j + 1)),
                    key="l4_channels_fig", config=NO_BAR)
    st.markdown(tr(T + "sixteen_text", h=pooled2.shape[0], total=pooled2.size))
    st.plotly_chart(figures.grid(pooled2, j), key="l4_sixteen_fig", config=NO_BAR)
    st.info(tr(T + "correction_pool"))
    st.caption(tr(T + "example_weights"))


@st.fragment
def convolution_section(image: np.ndarray, kernel_area, size_area, settings) -> None:
    """Kernel (in ``kernel_area``), stride / padding / ReLU (in ``size_area``), the size formula (in
    ``settings``, folded in presenter mode) and the window: these widgets rerun only this section."""
    with kernel_area:
        k = st.radio(tr(T + "kernel_size"), [3, 5], format_func=lambda s: f"{s}×{s}", horizontal=True,
                     **links.widget("l4_k", links.choices([3, 5], 3), index=True))
        name = st.selectbox(tr(T + "preset"), list(conv.PRESETS), format_func=names(T + "kernel_", conv.PRESETS),
                            **links.widget(lang_key("l4_preset", "edge_horizontal"), links.choices(conv.PRESETS), index=True))
        st.caption(tr(T + "kernel_help"))
        edited = st.data_editor(pd.DataFrame(conv.preset(name, k), columns=[str(c) for c in range(k)]),
                                key=f"l4_kernel_{k}_{name}")
        kernel = edited_numbers(edited, T)
    with size_area:
        stride = st.slider(tr(T + "stride"), 1, 3, **links.widget("l4_stride", links.number(1, 3, default=1)))
        padding = st.slider(tr(T + "padding"), 0, 2, **links.widget("l4_padding", links.number(0, 2, default=0)))
        relu_on = st.checkbox(tr(T + "relu"), **links.widget("l4_relu", links.flag()), help=tr(T + "relu_help"))

    n = image.shape[0]
    out_n = conv.output_size(n, k, stride, padding)
    with settings:
        st.latex(rf"O = \left\lfloor \frac{{n + 2p - k}}{{s}} \right\rfloor + 1"
                 rf" = \left\lfloor \frac{{{n} + 2 \cdot {padding} - {k}}}{{{stride}}} \right\rfloor + 1 = {out_n}"
                 rf" \qquad ({n}{{\times}}{n} \;\to\; {out_n}{{\times}}{out_n})")
        if out_n > 0 and (n + 2 * padding - k) % stride:
            st.caption(tr(T + "floored", room=n + 2 * padding - k, stride=stride,
                          exact=f"{(n + 2 * padding - k) / stride:.2f}"))
        if padding == (k - 1) // 2 and stride == 1:
            st.caption(tr(T + "same_note"))
    if out_n == 0:
        st.error(tr(T + "too_small", n=n, k=k, padding=padding))
        return
    window_section(image, kernel, stride, padding, relu_on)


@st.fragment
def lesson_sections() -> None:
    """The input and all that is drawn from it: the input reruns these sections (not the page's text,
    quiz and links); the kernel / size section and the 6 → 16 section are fragments inside."""
    settings = fold(tr("present.settings"))  # folded in presenter mode, with the size formula
    col_input, col_kernel, col_size = settings.columns([1, 1.2, 1.1], gap="medium")
    grid_area = settings.container()  # the integer grid's editor, full width under the three columns
    with col_input:
        st.subheader(tr(T + "input_header"))
        image, image_caption = choose_image(grid_area)
        st.caption(image_caption)
    col_kernel.subheader(tr(T + "kernel_header"))
    col_size.subheader(tr(T + "size_header"))
    convolution_section(image, col_kernel, col_size, settings)
    st.header(tr(T + "doc_sizes_header"))
    st.markdown(doc_sizes_table())
    channels_section(image)


def doc_sizes_table() -> str:
    """The documents' convolutions and their output sizes by the formula, as a Markdown table."""
    cases = [("004", "Conv2D(32, (3, 3))", 28, 3, 1, 0), ("004", "Conv2D(64, (3, 3))", 13, 3, 1, 0),
             ("000", "Conv2D(6, (5, 5))", 28, 5, 1, 0), ("000", "LeNet-5 (32×32)", 32, 5, 1, 0),
             ("000", "Conv2D(16, (5, 5))", 12, 5, 1, 0), ("003", "Conv2D(16, (3, 3), padding='same')", 28, 3, 1, 1)]
    lines = ["| " + " | ".join(tr(T + c) for c in ("col_doc", "col_layer", "col_formula", "col_out")) + " |",
             "|---|---|---|---|"]
    for doc, layer, n, k, s, p in cases:
        out = conv.output_size(n, k, s, p)
        lines.append(f"| {doc} | `{layer}` | ({n} + 2·{p} − {k}) / {s} + 1 = {out} | {out}×{out} |")
    return "\n".join(lines)


st.title(tr("nav.lesson_4"))
with fold(tr("present.text")):  # the explanation and the brain analogy fold away in presenter mode
    st.markdown(tr(T + "intro"))
    st.info(tr("documents.cells.simple"))
lesson_sections()

try_this("lesson_4.try_this")
quiz("lesson_4")
lesson_links("pages/lesson_4_convolution.py")
