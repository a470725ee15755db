"""Lesson 7: gradient descent (004 3-9) — on a curve, then on lesson 1's loss surface over (a, b);
the learning rate, divergence, and the optimizers of the documents (SGD, momentum, Adam).

① (the curve) and ②+③ (the surface and the fitted line) are fragments: a widget reruns only its
own section. Paths, the surface and the figures are computed once per distinct input for the
whole class (st.cache_data, core.ui.shared_chart)."""
import numpy as np
import pandas as pd
import streamlit as st

from core import links
from core.charts import descent as charts
from core.charts.style import NO_BAR
from core.presenter import figure_alt, fold
from core.ui import lang_key, lesson_links, quiz, tr, try_this
from lessons import gradient_descent as gd

T = "lesson_7."
RATES = gd.learning_rates()
STARTS = {"bowl": 4.0, "two_valleys": 2.2}


def names(prefix: str, options) -> callable:
    """format_func showing each option's text ``<prefix><option>``, fixed in the language of this run."""
    return {option: tr(prefix + str(option)) for option in options}.get


def tex_number(value: float) -> str:
    """4 significant digits for LaTeX; large values as 4.78 × 10^{6}."""
    if abs(value) < 1e5:
        return f"{value:.4g}"
    mantissa, exponent = f"{value:.2e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def rate_slider(label: str, key: str, default: float) -> float:
    return st.select_slider(label, options=RATES, **links.widget(key, links.choices(RATES, default)),
                            format_func=lambda r: f"{r:g}")


def status(path: gd.Path, name: str) -> None:
    """Converged, still going, or diverged — said plainly."""
    if path.diverged_at is not None:
        st.error(tr(T + "diverged", name=name, step=path.diverged_at))
    elif path.losses[-1] > path.losses[0]:
        st.warning(tr(T + "growing", name=name))
    elif len(path.points) > 1 and np.max(np.abs(path.points[-1] - path.points[-2])) < 1e-4:
        st.success(tr(T + "settled", name=name, steps=len(path.points) - 1))
    else:
        st.info(tr(T + "moving", name=name))


def results_table(paths: dict[str, gd.Path], best: tuple[float, float], best_loss: float) -> str:
    """③ where each optimizer ended against the least-squares answer, as a Markdown table (a table
    element would cost a DataFrame and its Arrow conversion on every move of a slider)."""
    header = [tr(T + "col_method"), "a", "b", "Q", tr(T + "col_distance"), tr(T + "col_state")]
    rows = [[tr(T + f"opt_{name}"), *(f"{v:.4f}" for v in (*path.end, path.losses[-1])),
             f"{float(np.hypot(*(path.end - np.array(best)))):.4f}",
             tr(T + "state_diverged", step=path.diverged_at) if path.diverged_at else ""]
            for name, path in paths.items()]
    rows.append([tr(T + "legend_best"), f"{best[0]:.4f}", f"{best[1]:.4f}", f"{best_loss:.4f}", f"{0:.4f}", ""])
    lines = [header, ["---"] + ["---:"] * 4 + ["---"], *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


@st.fragment
def curve_section() -> None:
    """① one parameter: descent on a curve (its widgets rerun only this section)."""
    st.header(tr(T + "curve_header"))
    controls, picture = st.columns([1, 2], gap="medium")
    with controls:
        curve = st.radio(tr(T + "curve"), list(gd.CURVES), format_func=names(T + "curve_", gd.CURVES),
                         horizontal=True,
                         **links.widget(lang_key("l7_curve", "bowl"), links.choices(gd.CURVES, "bowl"), index=True))
        low, high = gd.CURVE_RANGES[curve]
        x0 = st.slider(tr(T + "start_x"), low, high, step=0.1,
                       **links.widget(f"l7_x0_{curve}", links.number(low, high, 0.1, STARTS[curve])))
        lr1 = rate_slider(tr(T + "rate"), "l7_rate1", 0.1)
        steps1 = st.slider(tr(T + "steps"), 1, 60, **links.widget("l7_steps1", links.number(1, 60, default=15)))
    path1 = charts.curve_path(curve, x0, lr1, steps1)
    f, df = gd.CURVES[curve]
    with picture:
        st.plotly_chart(charts.curve_view(
            curve, x0, lr1, steps1,
            {"curve": tr(T + "legend_curve"), "path": tr(T + "legend_path"), "start": tr(T + "legend_start"),
             "end": tr(T + "legend_end")}), key="l7_curve_fig", config=NO_BAR)
        figure_alt(tr("present.figure_alt.lesson_7", x0=f"{x0:.2f}", lr=f"{lr1:g}", steps=steps1,
                      end=f"{float(path1.points[-1][0]):.3f}"))
    slope0 = float(df(x0))
    st.latex(rf"x_1 = x_0 - \eta\, f'(x_0) = {x0:.2f} - {lr1:g} \times ({slope0:.2f}) = {x0 - lr1 * slope0:.3f}"
             rf"\qquad x_{{{len(path1.points) - 1}}} = {tex_number(path1.end[0])},\ f = {tex_number(path1.losses[-1])}")
    status(path1, "x")
    with st.expander(tr(T + "steps_table")):
        shown = path1.points[:, 0][:21]
        st.dataframe(pd.DataFrame({"t": np.arange(len(shown)), "x": shown, "f(x)": f(shown), "f'(x)": df(shown)}),
                     hide_index=True, width="stretch")
    st.markdown(tr(T + "curve_text"))


@st.fragment
def surface_section() -> None:
    """② two parameters on lesson 1's loss surface, and ③ the lines they reach (one fragment: ③ shows ②'s paths)."""
    st.header(tr(T + "surface_header"))
    st.markdown(tr(T + "surface_text"))
    with st.expander(tr(T + "data_expander")):
        d1, d2, d3 = st.columns(3)
        n = d1.slider(tr(T + "count"), 3, 40, 12, key="l7_n")
        noise = d2.slider(tr(T + "noise"), 0.0, 3.0, 1.0, 0.1, key="l7_noise")
        seed = d3.number_input(tr(T + "seed"), 0, 9999, 0, key="l7_seed")
    points = (n, noise, int(seed))
    x, y, best = charts.line_points(points)
    best_loss = gd.mse(np.array(best), x, y)
    knobs, surface = st.columns([1, 2], gap="medium")
    with knobs:
        a0 = st.slider(tr(T + "start_a"), -1.0, 3.0, step=0.1, **links.widget("l7_a0", links.number(-1.0, 3.0, 0.1, -0.5)))
        b0 = st.slider(tr(T + "start_b"), -4.0, 8.0, step=0.1, **links.widget("l7_b0", links.number(-4.0, 8.0, 0.1, 6.0)))
        lr2 = rate_slider(tr(T + "rate"), "l7_rate2", 0.02)
        steps2 = st.slider(tr(T + "steps"), 1, 1000, **links.widget("l7_steps2", links.number(1, 1000, default=200)))
        chosen = st.pills(tr(T + "optimizers"), list(gd.OPTIMIZERS), selection_mode="multi",
                          format_func=names(T + "opt_", gd.OPTIMIZERS), key=lang_key("l7_opts", list(gd.OPTIMIZERS)))
    chosen, start = tuple(chosen), (a0, b0)
    paths = charts.line_paths(points, start, lr2, steps2, chosen)
    labels = {name: tr(T + f"opt_{name}") for name in gd.OPTIMIZERS}
    labels.update(start=tr(T + "legend_start"), best=tr(T + "legend_best"), colorbar="log₁₀ Q",
                  x=tr(T + "step_axis"), y="Q = Q_t / n", points=tr(T + "legend_points"))
    with surface:
        st.plotly_chart(charts.surface_view(points, start, lr2, steps2, chosen, labels), key="l7_surface_fig",
                        config=NO_BAR)
    if not chosen:
        st.warning(tr(T + "none_chosen"))
    for column, (name, path) in zip(st.columns(max(1, len(paths))), paths.items()):
        with column:
            status(path, labels[name])
    grad0 = gd.mse_gradient(np.array([a0, b0]), x, y)
    st.latex(rf"\begin{{aligned}} Q(a, b) &= \frac{{1}}{{n}} \sum_{{i=1}}^{{{n}}} \{{y_i - (a x_i + b)\}}^2, \quad"
             rf" \frac{{\partial Q}}{{\partial a}} = -\frac{{2}}{{n}} \sum x_i r_i,"
             rf" \quad \frac{{\partial Q}}{{\partial b}} = -\frac{{2}}{{n}} \sum r_i \\"
             rf" a_1 &= a_0 - \eta \frac{{\partial Q}}{{\partial a}} = {a0:.2f} - {lr2:g} \times ({grad0[0]:.2f})"
             rf" = {a0 - lr2 * grad0[0]:.3f} \\"
             rf" b_1 &= b_0 - \eta \frac{{\partial Q}}{{\partial b}} = {b0:.2f} - {lr2:g} \times ({grad0[1]:.2f})"
             rf" = {b0 - lr2 * grad0[1]:.3f} \end{{aligned}}")
    st.caption(tr(T + "mean_note"))

    # ---- ③ the fitted line and the least-squares answer
    st.header(tr(T + "fit_header"))
    curves_col, line_col = st.columns(2, gap="medium")
    with curves_col:
        st.plotly_chart(charts.losses_view(points, start, lr2, steps2, chosen, labels), key="l7_losses_fig",
                        config=NO_BAR)
    with line_col:
        st.plotly_chart(charts.line_view(points, start, lr2, steps2, chosen, labels), key="l7_line_fig",
                        config=NO_BAR)
    st.markdown(results_table(paths, best, best_loss))
    st.latex(rf"a^* = \frac{{\sum (x_i - \bar x)(y_i - \bar y)}}{{\sum (x_i - \bar x)^2}} = {best[0]:.4f},"
             rf"\qquad b^* = \bar y - a^* \bar x = {best[1]:.4f}")
    st.markdown(tr(T + "fit_text"))



st.title(tr("nav.lesson_7"))
with fold(tr("present.text")):
    st.markdown(tr(T + "intro"))
    st.latex(r"\theta \leftarrow \theta - \eta \, \frac{\partial Q}{\partial \theta}")
    st.info(tr(T + "correction_direction"))

curve_section()
surface_section()
with st.expander(tr(T + "optimizers_expander")):
    st.markdown(tr(T + "opt_sgd_text"))
    st.latex(r"\theta \leftarrow \theta - \eta\, g")
    st.markdown(tr(T + "opt_momentum_text"))
    st.latex(r"v \leftarrow 0.9\, v - \eta\, g, \qquad \theta \leftarrow \theta + v")
    st.markdown(tr(T + "opt_adam_text"))
    st.latex(r"m \leftarrow 0.9\, m + 0.1\, g,\quad v \leftarrow 0.999\, v + 0.001\, g^2,\quad"
             r"\theta \leftarrow \theta - \eta \frac{\sqrt{1 - 0.999^t}}{1 - 0.9^t} \frac{m}{\sqrt{v} + 10^{-7}}")

try_this("lesson_7.try_this")
quiz("lesson_7")
lesson_links("pages/lesson_7_gradient_descent.py")
