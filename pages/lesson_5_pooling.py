"""Lesson 5: pooling (004's 4×4 example, max and average, size and stride, what a shift changes),
flatten (5×5×64 → 1600) and dropout (a mask, training vs inference).

Every section is a fragment: its widgets rerun only that section (the settings of ①, reused by
② and ③, rerun ① to ③, which hold ②'s and ③'s own fragments). Figures are built once per distinct
input for the whole class (core.ui.shared_chart)."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import streamlit as st

from core import data, links
from core.charts import pooling as charts
from core.charts.panels import fmt
from core.charts.style import NO_BAR
from core.presenter import figure_alt, fold
from core.ui import edited_numbers, lang_key, lesson_links, quiz, shared_chart, tr, try_this
from lessons import convolution as conv
from lessons import pooling

T = "lesson_5."


@st.cache_resource(show_spinner=False)
def cached() -> SimpleNamespace:
    """This page's figure builders, cached server-wide by their arguments. Made once per process:
    wrapping a function reads its source (~2 ms each), too slow for every rerun."""
    return SimpleNamespace(example=shared_chart(charts.pooling_figure), maps=shared_chart(charts.maps_row_figure),
                           shift=shared_chart(charts.shift_figure), flatten=shared_chart(charts.flatten_figure),
                           dropout=shared_chart(charts.dropout_figure))


def names(prefix: str, options) -> callable:
    """format_func showing each option's text ``<prefix><option>``, fixed in the language of this run."""
    return {option: tr(prefix + str(option)) for option in options}.get


def slider_in_range(label: str, top: int, key: str, default: int = 0) -> int:
    """A 0…top slider (kept in the URL) whose remembered value is pulled back inside when the range shrinks."""
    key = links.linked(key, links.number(0, 99))
    st.session_state[key] = min(int(st.session_state.get(key, default)), top)
    return st.slider(label, 0, top, key=key) if top > 0 else 0


def choose_digit() -> tuple[np.ndarray, str]:
    """A (28, 28) image in [0, 1]: the last drawing, an MNIST test digit, or (without MNIST) a stand-in."""
    drawing = st.session_state.get("last_digit")
    if drawing is not None and np.shape(drawing) == (28, 28):
        sources = ["canvas", "mnist"]
        if st.radio(tr(T + "source"), sources, format_func=names(T + "source_", sources), horizontal=True,
                    key=lang_key("l5_source", "canvas")) == "canvas":
            return np.asarray(drawing, dtype=float), tr(T + "source_canvas")
    try:
        mnist = data.load_mnist()
    except data.MnistError as error:
        st.warning(tr(f"data.{error.key}", **error.values) + " " + tr(T + "no_mnist"))
        return conv.enlarge_to_28(conv.integer_grid()), tr(T + "stand_in")
    index = st.number_input(tr(T + "index"), 0, len(mnist.x_test) - 1,
                            **links.widget("l5_index", links.number(0, 9999, default=0)))
    return mnist.x_test[index] / 255.0, tr(T + "mnist_caption", index=index, label=int(mnist.y_test[index]))


@st.fragment
def example_picture(x: np.ndarray, mode: str, size: int, stride: int) -> None:
    """① the chosen output cell, its window on the input, and the arithmetic (sliders rerun only this)."""
    out = pooling.pool2d(x, size, stride, mode)
    n_out = out.shape[0]
    left, right = st.columns(2)
    with left:
        row = slider_in_range(tr(T + "row"), n_out - 1, "l5_row")
    with right:
        col = slider_in_range(tr(T + "col"), n_out - 1, "l5_col")
    st.plotly_chart(cached().example(x, out, size, stride, row, col, mode,
                                     (tr(T + "input_title"), tr(T + "output_title", n=n_out))),
                    key="l5_example_fig", config=NO_BAR)
    figure_alt(tr("present.figure_alt.lesson_5", n=n_out, row=row, col=col, mode=tr(T + f"mode_{mode}"),
                  value=fmt(out[row, col])))
    window = pooling.pool_window(x, size, stride, row, col)
    numbers = ", ".join(fmt(v) for v in window.ravel())
    if mode == "max":
        step = rf"\max({numbers}) = {fmt(window.max())}"
    else:
        step = rf"\frac{{{' + '.join(fmt(v) for v in window.ravel())}}}{{{window.size}}} = {window.mean():.2f}"
    matrix = r" \\ ".join(" & ".join(fmt(v) for v in r_) for r_ in out)
    st.latex(rf"\mathrm{{out}}[{row}, {col}] = {step} \qquad"
             rf" \left\lfloor \frac{{4 - {size}}}{{{stride}}} \right\rfloor + 1 = {n_out}"
             rf" \qquad \mathrm{{out}} = \begin{{bmatrix}} {matrix} \end{{bmatrix}}")


@st.fragment
def real_section(mode: str, size: int, stride: int) -> None:
    """② pooling a real feature map, and ③ inside it (it needs ②'s image and kernel)."""
    st.header(tr(T + "real_header"))
    st.markdown(tr(T + "real_text"))
    pick, kernel_pick = st.columns(2, gap="medium")
    with pick:
        image, caption = choose_digit()
    with kernel_pick:
        name = st.selectbox(tr(T + "kernel"), list(conv.PRESETS), format_func=names("lesson_4.kernel_", conv.PRESETS),
                            **links.widget(lang_key("l5_kernel", "edge_vertical"), links.choices(conv.PRESETS), index=True))
        st.caption(tr(T + "settings_reused", mode=tr(T + f"mode_{mode}"), size=size, stride=stride))
    feature = conv.relu(conv.conv2d(image, conv.preset(name, 3)))
    pooled = pooling.pool2d(feature, size, stride, mode)
    st.plotly_chart(cached().maps(
        [image, feature, pooled],
        [caption, tr(T + "feature_title", n=feature.shape[0]), tr(T + "pooled_title", n=pooled.shape[0])],
        height=330), key="l5_real_fig", config=NO_BAR)
    shift_section(image, conv.preset(name, 3), mode, size, stride)


@st.fragment
def shift_section(image: np.ndarray, kernel: np.ndarray, mode: str, size: int, stride: int) -> None:
    """③ move the image by a pixel: how alike the maps stay before and after pooling (sliders rerun only this)."""
    st.header(tr(T + "shift_header"))
    st.markdown(tr(T + "shift_text"))
    move_down, move_right = st.columns(2, gap="medium")
    with move_down:
        down = st.slider(tr(T + "down"), -2, 2, 0, key="l5_down")
    with move_right:
        right_by = st.slider(tr(T + "right"), -2, 2, 1, key="l5_right")
    feature = conv.relu(conv.conv2d(image, kernel))
    pooled = pooling.pool2d(feature, size, stride, mode)
    moved = pooling.shift(image, down, right_by)
    feature_moved = conv.relu(conv.conv2d(moved, kernel))
    pooled_moved = pooling.pool2d(feature_moved, size, stride, mode)
    before, after = pooling.similarity(feature, feature_moved), pooling.similarity(pooled, pooled_moved)
    figure, numbers_col = st.columns([2, 1], gap="medium")
    with figure:
        st.plotly_chart(cached().shift(
            [[image, feature, pooled], [moved, feature_moved, pooled_moved]],
            [tr(T + "row_original"), tr(T + "row_moved")],
            [tr(T + "col_image"), tr(T + "col_feature"), tr(T + "col_pooled")]), key="l5_shift_fig", config=NO_BAR)
    with numbers_col:
        st.metric(tr(T + "similarity_before"), f"{before:.0%}")
        st.metric(tr(T + "similarity_after"), f"{after:.0%}", delta=f"{(after - before) * 100:+.0f} pt")
        st.latex(r"\mathrm{sim}(A, B) = \frac{\sum A B}{\sqrt{\sum A^2 \sum B^2}}")
        st.caption(tr(T + "similarity_help"))
    st.markdown(tr(T + "shift_honest"))


@st.fragment
def flatten_section() -> None:
    """④ flatten: an h × w × c tensor read out in Keras' order (sliders rerun only this)."""
    st.header(tr(T + "flatten_header"))
    st.markdown(tr(T + "flatten_text"))
    sliders, tensor = st.columns([1, 2], gap="medium")
    with sliders:
        h = st.slider(tr(T + "flat_h"), 1, 4, 2, key="l5_h")
        w = st.slider(tr(T + "flat_w"), 1, 4, 3, key="l5_w")
        c = st.slider(tr(T + "flat_c"), 1, 3, 2, key="l5_c")
        st.latex(rf"{h} \times {w} \times {c} = {h * w * c}")
        st.latex(r"5 \times 5 \times 64 = 1600")
    with tensor:
        st.plotly_chart(cached().flatten(h, w, c, tr(T + "channel_title"), tr(T + "vector_title")),
                        key="l5_flatten_fig", config=NO_BAR)
    st.markdown(tr(T + "flatten_doc"))
    st.info(tr(T + "correction_flatten"))


def new_mask() -> None:
    st.session_state["l5_seed"] = st.session_state.get("l5_seed", 0) + 1


@st.fragment
def dropout_section() -> None:
    """⑤ dropout: a random mask in training, none in inference (widgets rerun only this)."""
    st.header(tr(T + "dropout_header"))
    st.markdown(tr(T + "dropout_text"))
    rate_col, phase_col, button_col = st.columns([2, 2, 1], gap="medium")
    with rate_col:
        rate = st.slider(tr(T + "rate"), 0.0, 0.9, 0.5, 0.05, key="l5_rate")
    with phase_col:
        phases = ["training", "inference"]
        phase = st.radio(tr(T + "phase"), phases, format_func=names(T + "phase_", phases), horizontal=True,
                         key=lang_key("l5_phase", "training"))
    with button_col:
        st.button(tr(T + "new_mask"), key="l5_new_mask", on_click=new_mask)
    seed = st.session_state.get("l5_seed", 0)
    training = phase == "training"
    activations = np.round(np.random.default_rng(7).uniform(0.1, 0.9, size=(4, 6)), 1)
    mask = pooling.dropout_mask(activations.shape, rate, seed)
    passed = pooling.dropout(activations, rate, mask, training=training)
    st.plotly_chart(cached().dropout(activations, mask if training else np.ones_like(mask), passed,
                                     (tr(T + "before"), tr(T + "mask"), tr(T + "after"))),
                    key="l5_dropout_fig", config=NO_BAR)
    kept_col, sum_x_col, sum_y_col, formula_col = st.columns([1, 1, 1, 3], gap="medium")
    kept_col.metric(tr(T + "kept"), f"{int(mask.sum()) if training else activations.size} / {activations.size}")
    sum_x_col.metric("Σ x", f"{activations.sum():.1f}")
    sum_y_col.metric("Σ y", f"{passed.sum():.1f}")
    with formula_col:
        if training:
            st.latex(rf"y = \frac{{x \cdot m}}{{1 - r}} = \frac{{x \cdot m}}{{1 - {rate:.2f}}}"
                     rf" = x \cdot m \times {1 / (1 - rate):.2f}")
        else:
            st.latex(r"y = x \quad (\text{" + tr(T + "no_dropout") + "})")
    st.markdown(tr(T + "dropout_doc"))


@st.fragment
def pooling_sections() -> None:
    """① the document's 4×4 example and ② / ③ on a real map: ①'s settings are reused below, so its
    widgets rerun these sections (not flatten, dropout or the quiz)."""
    st.header(tr(T + "example_header"))
    controls, picture = st.columns([1, 2], gap="medium")
    with controls:
        mode = st.radio(tr(T + "mode"), ["max", "average"], format_func=names(T + "mode_", ["max", "average"]),
                        horizontal=True,
                        **links.widget(lang_key("l5_mode", "max"), links.choices(["max", "average"], "max"), index=True))
        size = st.radio(tr(T + "size"), [2, 3], format_func=lambda s: f"{s}×{s}", horizontal=True,
                        **links.widget("l5_size", links.choices([2, 3], 2), index=True))
        stride = st.radio(tr(T + "stride"), [1, 2, 3], horizontal=True,
                          **links.widget("l5_stride", links.choices([1, 2, 3], 2), index=True))
        st.caption(tr(T + "edit_help"))
        table = st.data_editor(pd.DataFrame(pooling.DOC_EXAMPLE, columns=[str(c) for c in range(4)]),
                               hide_index=True, key="l5_table")
        x = edited_numbers(table, T)
    with picture:
        example_picture(x, mode, size, stride)
    st.markdown(tr(T + "example_text"))
    st.info(tr(T + "correction_stride"))
    real_section(mode, size, stride)


st.title(tr("nav.lesson_5"))
with fold(tr("present.text")):  # the explanation and the brain analogy fold away in presenter mode
    st.markdown(tr(T + "intro"))
    st.info(tr("documents.cells.complex"))
pooling_sections()
flatten_section()
dropout_section()

try_this("lesson_5.try_this")
quiz("lesson_5")
lesson_links("pages/lesson_5_pooling.py")
