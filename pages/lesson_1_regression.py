"""Lesson 1: simple linear regression — fit y = ax + b by hand, watch Q_t, reveal least squares;
then the document's aside on solving 3x + 2y = 13, 5x + 3y = 21: by substitution, line by line,
and by trying values."""
import numpy as np
import streamlit as st

from core import links
from core.charts import regression as charts
from core.charts.style import NO_BAR
from core.presenter import figure_alt, fold
from core.ui import lesson_links, quiz, shared_chart, tr, tr_list, try_this
from lessons import regression

A_VALUES = np.linspace(-1.0, 3.0, 81)  # the a and b slider ranges: the axes of the loss landscape
B_VALUES = np.linspace(-4.0, 8.0, 81)
line_chart = shared_chart(charts.regression_figure)
landscape_chart = shared_chart(charts.loss_landscape_figure)
system_chart = shared_chart(charts.system_figure)


@st.cache_resource(show_spinner=False, max_entries=64)
def data_set(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray, dict, np.ndarray]:
    """Points, their least-squares parts and Q_t over the (a, b) grid, once per server for each data
    setting (the a, b sliders reuse it). Never modified."""
    x, y = regression.make_points(n, noise, seed=seed)
    return x, y, regression.least_squares_parts(x, y), regression.loss_grid(x, y, A_VALUES, B_VALUES)


st.title(tr("nav.lesson_1"))
with fold(tr("present.text")):
    st.markdown(tr("lesson_1.intro"))


@st.fragment
def fit_a_line() -> None:
    """The line, its Q_t, the loss landscape and least squares: reruns alone when its widgets move."""
    controls, chart = st.columns([1, 2], gap="medium")
    with controls:
        st.markdown(f"**{tr('lesson_1.line_header')}**")
        a = st.slider(tr("lesson_1.a"), -1.0, 3.0, step=0.05, **links.widget("l1_a", links.number(-1.0, 3.0, 0.05, 0.3)))
        b = st.slider(tr("lesson_1.b"), -4.0, 8.0, step=0.1, **links.widget("l1_b", links.number(-4.0, 8.0, 0.1, 3.0)))
        show_squares = st.toggle(tr("lesson_1.show_squares"), value=True, key="l1_squares")
        reveal = st.toggle(tr("lesson_1.reveal"), value=False, key="l1_reveal")
        st.markdown(f"**{tr('lesson_1.data_header')}**")
        n = st.slider(tr("lesson_1.count"), 3, 40, **links.widget("l1_n", links.number(3, 40, default=12)))
        noise = st.slider(tr("lesson_1.noise"), 0.0, 2.0, step=0.1, **links.widget("l1_noise", links.number(0.0, 2.0, 0.1, 1.0)))
        seed = st.number_input(tr("lesson_1.seed"), 0, 9999, **links.widget("l1_seed", links.number(0, 9999, default=0)))

    x, y, parts, grid = data_set(n, noise, int(seed))
    q_now = regression.sum_of_squares(x, y, a, b)
    best = (parts["a"], parts["b"])
    q_best = regression.sum_of_squares(x, y, *best)
    labels = {"points": tr("lesson_1.legend_points"), "line": tr("lesson_1.legend_line"),
              "best": tr("lesson_1.legend_best"), "residual": tr("lesson_1.legend_residual"),
              "title": tr("lesson_1.landscape_title")}
    with chart:
        st.plotly_chart(line_chart(x, y, a, b, show_squares=show_squares, best=best if reveal else None, labels=labels),
                        key="l1_fig", config=NO_BAR)
        figure_alt(tr("present.figure_alt.lesson_1", n=len(x), a=f"{a:g}", b=f"{b:g}", q=f"{q_now:.2f}"))

    st.subheader(tr("lesson_1.formula_header"))
    r = regression.residuals(x, y, a, b)
    terms = " + ".join(rf"\{{{y[i]:.2f} - ({a:.2f} \times {x[i]:.2f} {b:+.2f})\}}^2" for i in range(2))
    squares = " + ".join(f"({r[i]:.2f})^2" for i in range(2))
    st.latex(rf"\begin{{aligned}} Q_t &= \sum_{{i=1}}^{{{n}}} \{{y_i - (a x_i + b)\}}^2 \\ "
             rf"&= {terms} + \cdots \\ &= {squares} + \cdots = {q_now:.2f} \end{{aligned}}")
    st.caption(tr("lesson_1.formula_caption", n=n))
    numbers, landscape = st.columns([1, 1], gap="medium")
    with numbers:
        st.metric(tr("lesson_1.q_now"), f"{q_now:.2f}",
                  delta=tr("lesson_1.q_gap", gap=f"{q_now - q_best:.2f}") if reveal else None, delta_color="inverse")
        st.metric(tr("lesson_1.q_best"), f"{q_best:.2f}" if reveal else "?",
                  help=None if reveal else tr("lesson_1.q_best_hidden"))
        st.markdown(f"**{tr('lesson_1.steps_header')}**")
        st.markdown(tr("lesson_1.steps"))
    with landscape:
        st.plotly_chart(landscape_chart(A_VALUES, B_VALUES, grid, (a, b), best if reveal else None, labels),
                        key="l1_landscape", config=NO_BAR)

    st.subheader(tr("lesson_1.ls_header"))
    if reveal:
        st.markdown(tr("lesson_1.ls_text"))
        st.latex(rf"\begin{{aligned}} a &= \frac{{\sum (x_i - \bar{{x}})(y_i - \bar{{y}})}}{{\sum (x_i - \bar{{x}})^2}}"
                 rf" = \frac{{{parts['s_xy']:.2f}}}{{{parts['s_xx']:.2f}}} = {parts['a']:.3f} \\ "
                 rf"b &= \bar{{y}} - a \bar{{x}} = {parts['y_mean']:.2f} - {parts['a']:.3f} \times {parts['x_mean']:.2f}"
                 rf" = {parts['b']:.3f} \end{{aligned}}")
    else:
        st.info(tr("lesson_1.ls_hidden"))


def relation(left: float, right: float) -> str:
    return "=" if abs(left - right) < 1e-9 else "<" if left < right else ">"


def signed(coefficient: float, name: str) -> str:
    """A term with its sign for a formula: −1, y → "- y"; 9, y → "+ 9y"."""
    size = "" if abs(coefficient) == 1 else f"{abs(coefficient):g}"
    return f"{'-' if coefficient < 0 else '+'} {size}{name}"


def substitution_lines() -> list[str]:
    """004's working by substitution as LaTeX lines, the numbers taken from lessons.regression."""
    s = regression.substitution_steps()
    a1, b1, c1, a2, b2, c2 = (f"{s[k]:g}" for k in ("a1", "b1", "c1", "a2", "b2", "c2"))
    return [
        rf"{a1}x = {c1} - {b1}y \;\Rightarrow\; x = ({c1} - {b1}y) \div {a1}",
        rf"{a2} \times ({c1} - {b1}y) \div {a1} + {b2}y = {c2}",
        rf"{a2} \times ({c1} - {b1}y) + {s['a1b2']:g}y = {s['a1c2']:g}",
        rf"{s['a2c1']:g} - {s['a2b1']:g}y + {s['a1b2']:g}y = {s['a1c2']:g}",
        rf"{s['a2c1']:g} {signed(s['y_coef'], 'y')} = {s['a1c2']:g} \;\Rightarrow\; y = {s['y']:g}",
        rf"{a1}x + {b1} \times {s['y']:g} = {c1} \;\Rightarrow\; {a1}x = {s['a1x']:g}"
        rf" \;\Rightarrow\; x = {s['x']:g}",
    ]


def show_next_line(total: int) -> None:
    st.session_state["l1_subst_n"] = min(total, st.session_state.get("l1_subst_n", 1) + 1)


@st.fragment
def solve_by_substitution() -> None:
    """The aside, first way: 代入法, one line of the working per click (reruns alone)."""
    st.header(tr("lesson_1.aside_header"))
    st.subheader(tr("lesson_1.subst_header"))
    st.markdown(tr("lesson_1.subst_text"))
    lines, words = substitution_lines(), tr_list("lesson_1.subst_steps")
    shown = st.session_state.setdefault("l1_subst_n", 1)
    for line, word in zip(lines[:shown], words):
        st.markdown(word)
        st.latex(line)
    if shown < len(lines):
        b1, b2, _ = st.columns([1, 1, 3])
        b1.button("▶ " + tr("lesson_1.subst_next"), on_click=show_next_line, args=(len(lines),), key="l1_subst_next")
        b2.button("⏩ " + tr("lesson_1.subst_all"), key="l1_subst_all",
                  on_click=lambda: st.session_state.update(l1_subst_n=len(lines)))
    else:
        st.success(tr("lesson_1.subst_done"))


@st.fragment
def solve_by_trying() -> None:
    """The aside, second way: try x and y until both equations hold (reruns alone)."""
    st.subheader(tr("lesson_1.trial_header"))
    st.markdown(tr("lesson_1.aside_text"))
    sliders, plane = st.columns([1, 1], gap="medium")
    with sliders:
        sx = st.slider(tr("lesson_1.aside_x"), 0.0, 6.0, 2.0, 0.5, key="l1_sx")
        sy = st.slider(tr("lesson_1.aside_y"), 0.0, 6.0, 2.0, 0.5, key="l1_sy")
        r1, r2 = regression.system_residuals(sx, sy)
        left1, left2 = r1 + 13, r2 + 21
        st.latex(rf"\begin{{aligned}} 3 \times {sx:g} + 2 \times {sy:g} &= {left1:g} {relation(left1, 13)} 13"
                 rf" && (\text{{{r1:+g}}}) \\ 5 \times {sx:g} + 3 \times {sy:g} &= {left2:g} {relation(left2, 21)} 21"
                 rf" && (\text{{{r2:+g}}}) \\ ({r1:g})^2 + ({r2:g})^2 &= {r1 ** 2 + r2 ** 2:g} \end{{aligned}}")
        if abs(r1) < 1e-9 and abs(r2) < 1e-9:
            st.success(tr("lesson_1.aside_solved"))
        elif r1 < 0 and r2 < 0:
            st.info(tr("lesson_1.aside_small"))
        elif r1 > 0 and r2 > 0:
            st.info(tr("lesson_1.aside_large"))
        else:
            st.info(tr("lesson_1.aside_mixed"))
    with plane:
        st.plotly_chart(system_chart(sx, sy, {"try": tr("lesson_1.aside_try")}), key="l1_system", config=NO_BAR)


fit_a_line()
solve_by_substitution()
solve_by_trying()

with st.expander(tr("lesson_1.corrections_title")):
    st.markdown("\n".join(f"- {item}" for item in tr_list("lesson_1.corrections")))
try_this("lesson_1.try_this")
quiz("lesson_1")
lesson_links("pages/lesson_1_regression.py")
