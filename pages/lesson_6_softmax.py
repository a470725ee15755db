"""Lesson 6: softmax — ten scores become ten probabilities (004 3-7); temperature; two classes = sigmoid;
one-hot labels (to_categorical) and the cross-entropy loss (004 3-8).

Every section is a fragment: ②'s and ③'s widgets rerun only their section; ①'s ten scores, which
② uses, rerun ① and ②, not ③ (two classes, on its own) or the whole page. Figures are built once per distinct input for the whole class (core.ui.shared_chart)."""
from types import SimpleNamespace

import numpy as np
import streamlit as st

from core import links
from core.charts import softmax as charts
from core.charts.style import NO_BAR
from core.presenter import figure_alt, fold
from core.ui import lesson_links, quiz, shared_chart, tr, try_this
from lessons import softmax as sm

T = "lesson_6."
TEMPERATURES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
PRESETS = {
    "zeros": [0.0] * 10,
    "confident": [0.5, -1.0, 0.8, 1.2, -0.5, 0.3, -1.5, 4.0, 0.2, 1.0],
    "rivals": [-1.0, -2.0, 0.0, 0.5, 2.5, -0.5, -1.0, 1.0, 0.0, 2.3],
}


@st.cache_resource(show_spinner=False)
def cached() -> SimpleNamespace:
    """This page's figure builders, cached server-wide by their arguments. Made once per process:
    wrapping a function reads its source (~2 ms each), too slow for every rerun."""
    return SimpleNamespace(bars=shared_chart(charts.softmax_figure), two=shared_chart(charts.two_class_figure),
                           one_hot=shared_chart(charts.one_hot_figure), loss=shared_chart(charts.cross_entropy_figure))


def set_logits(values) -> None:
    for k, value in enumerate(values):
        st.session_state[f"l6_z{k}"] = float(value)


def random_logits() -> None:
    seed = st.session_state.get("l6_seed", 0) + 1
    st.session_state["l6_seed"] = seed
    set_logits(np.round(np.random.default_rng(seed).normal(0.0, 1.8, size=10).clip(-5, 5), 1))


@st.fragment
def two_classes() -> None:
    """② two classes: softmax of (z₁, z₂) is the sigmoid of z₁ − z₂ (sliders rerun only this)."""
    st.header(tr(T + "two_header"))
    st.markdown(tr(T + "two_text"))
    sliders, curve = st.columns([1, 2], gap="medium")
    with sliders:
        z1 = st.slider("z₁", -6.0, 6.0, 1.0, 0.1, key="l6_two_z1")
        z2 = st.slider("z₂", -6.0, 6.0, -0.5, 0.1, key="l6_two_z2")
        pair = sm.softmax([z1, z2])
        st.metric(tr(T + "two_softmax"), f"{pair[0]:.4f}")
        st.metric(tr(T + "two_sigmoid"), f"{float(sm.sigmoid(z1 - z2)):.4f}")
    diffs = np.linspace(-8, 8, 161)
    softmax_first = sm.softmax(np.stack([z2 + diffs, np.full_like(diffs, z2)], axis=-1))[:, 0]  # each pair at once
    with curve:
        st.plotly_chart(cached().two(
            diffs, softmax_first, sm.sigmoid(diffs), z1 - z2,
            {"sigmoid": tr(T + "legend_sigmoid"), "softmax": tr(T + "legend_softmax"), "now": tr(T + "legend_now"),
             "x": "z₁ − z₂", "y": "y₁"}), key="l6_two_fig", config=NO_BAR)
    st.latex(rf"y_1 = \frac{{e^{{z_1}}}}{{e^{{z_1}} + e^{{z_2}}}} = \frac{{1}}{{1 + e^{{-(z_1 - z_2)}}}}"
             rf" = \frac{{1}}{{1 + e^{{-({z1:.1f} - ({z2:.1f}))}}}} = \sigma({z1 - z2:.1f}) = {pair[0]:.4f}")
    st.info(tr(T + "two_precise"))


@st.fragment
def cross_entropy_section(probs: np.ndarray, top: int) -> None:
    """③ one-hot labels and cross-entropy of ①'s prediction (the true class reruns only this)."""
    st.header(tr(T + "ce_header"))
    st.markdown(tr(T + "ce_text"))
    true_class = st.radio(tr(T + "true_class"), list(range(10)), horizontal=True,
                          **links.widget("l6_true", links.choices(range(10), 7), index=True))
    target = sm.to_categorical(true_class, 10)
    loss = sm.cross_entropy(probs, target)
    st.latex(rf"\texttt{{to\_categorical({true_class}, 10)}} = [{', '.join(str(int(v)) for v in target)}]")
    st.plotly_chart(cached().one_hot(target, probs, (tr(T + "row_target"), tr(T + "row_prediction"))),
                    key="l6_onehot_fig", config=NO_BAR)
    formula, picture = st.columns([1, 1], gap="medium")
    with formula:
        st.latex(rf"\begin{{aligned}} L &= -\sum_{{k=0}}^{{9}} t_k \log y_k = -\log y_{{{true_class}}} \\"
                 rf" &= -\log {probs[true_class]:.4f} = {loss:.3f} \end{{aligned}}")
        st.markdown(tr(T + "ce_result", loss=f"{loss:.3f}", k=true_class, top=top))
    with picture:
        st.plotly_chart(cached().loss(float(probs[true_class]), {"x": tr(T + "ce_x", k=true_class), "y": "L = −log y"}),
                        key="l6_ce_fig", config=NO_BAR)


@st.fragment
def softmax_sections() -> None:
    """① ten scores → ten probabilities, then ② the cross-entropy of those probabilities: ①'s widgets rerun
    these two sections (② holds a fragment of its own), not ③ or the rest of the page."""
    st.header(tr(T + "ten_header"))
    for k, value in enumerate(PRESETS["confident"]):
        st.session_state.setdefault(f"l6_z{k}", value)
    with fold(tr("present.settings")):
        buttons = st.columns(4)
        for column, name in zip(buttons[:3], PRESETS):
            column.button(tr(T + f"preset_{name}"), key=f"l6_preset_{name}", on_click=set_logits, args=(PRESETS[name],),
                          width="stretch")
        buttons[3].button(tr(T + "preset_random"), key="l6_preset_random", on_click=random_logits, width="stretch")
        logits = np.zeros(10)
        for start in (0, 5):
            for k, column in zip(range(start, start + 5), st.columns(5)):
                logits[k] = column.slider(f"z{k}", -5.0, 5.0, step=0.1, **links.widget(f"l6_z{k}", links.number(-5.0, 5.0, 0.1)))
        temperature = st.select_slider(tr(T + "temperature"), options=TEMPERATURES,
                                       **links.widget("l6_temperature", links.choices(TEMPERATURES, 1.0)),
                                       help=tr(T + "temperature_help"))
    probs = sm.softmax(logits, temperature)
    top = int(np.argmax(probs))
    st.plotly_chart(cached().bars(logits, probs, top, (tr(T + "logits_title"), tr(T + "probs_title"))),
                    key="l6_bars_fig", config=NO_BAR)
    figure_alt(tr("present.figure_alt.lesson_6", top=top, p=f"{probs[top]:.1%}"))
    scaled = logits / temperature
    short = [f"{v:.2f}".rstrip("0").rstrip(".") for v in scaled]  # 0.5, -1, 4
    terms = " + ".join(f"e^{{{v}}}" for v in short)
    total = float(np.sum(np.exp(scaled)))
    st.latex(rf"\begin{{aligned}} y_k &= \frac{{e^{{z_k / T}}}}{{\sum_{{j=0}}^{{9}} e^{{z_j / T}}}} \\"
             rf" \textstyle\sum_{{j}} e^{{z_j / T}} &= {terms} = {total:.2f} \\"
             rf" y_{{{top}}} &= \frac{{e^{{{short[top]}}}}}{{{total:.2f}}}"
             rf" = \frac{{{np.exp(scaled[top]):.2f}}}{{{total:.2f}}} = {probs[top]:.3f} \end{{aligned}}")
    st.markdown(tr(T + "ten_result", top=top, p=f"{probs[top]:.1%}", total=f"{probs.sum():.3f}", t=temperature))
    st.caption(tr(T + "temperature_note"))

    cross_entropy_section(probs, top)


st.title(tr("nav.lesson_6"))
with fold(tr("present.text")):
    st.markdown(tr(T + "intro"))
softmax_sections()
two_classes()  # ③ needs nothing of ①: outside its fragment, a score's move does not redraw it

try_this("lesson_6.try_this")
quiz("lesson_6")
lesson_links("pages/lesson_6_softmax.py")
