"""Lesson 2: the perceptron of 004 (inputs 1, 2, 3, weights 1, θ = 5 → 6 > 5 → 1), the activation
functions step / sigmoid / ReLU with their slopes, and AND / OR as one straight decision line."""
import numpy as np
import pandas as pd
import streamlit as st

from core import links
from core.charts import perceptron as charts
from core.charts.style import NO_BAR
from core.presenter import figure_alt, fold
from core.ui import lesson_links, quiz, shared_chart, tr, tr_list, try_this
from lessons import perceptron

DOC_EXAMPLE = {"l2_x1": 1.0, "l2_x2": 2.0, "l2_x3": 3.0, "l2_w1": 1.0, "l2_w2": 1.0, "l2_w3": 1.0, "l2_theta": 5.0}
for key, value in DOC_EXAMPLE.items():
    st.session_state.setdefault(key, value)
A_GRID = np.linspace(-6, 6, 601)
CURVES = {name: (function(A_GRID), slope(A_GRID)) for name, (function, slope) in perceptron.ACTIVATIONS.items()}
activation_chart = shared_chart(charts.activation_figure)
gate_chart = shared_chart(charts.gate_figure)


def back_to_document() -> None:
    st.session_state.update(DOC_EXAMPLE)


st.title(tr("nav.lesson_2"))
with fold(tr("present.text")):
    st.markdown(tr("lesson_2.intro"))


@st.fragment
def one_neuron() -> None:
    """Inputs, weights, θ and the activation: the formula with numbers and the curve (reruns alone)."""
    st.header(tr("lesson_2.neuron_header"))
    with fold(tr("present.settings")):
        columns = st.columns(3)
        for i, column in enumerate(columns, start=1):
            column.slider(tr("lesson_2.input", i=i), -3.0, 3.0, step=0.5,
                          **links.widget(f"l2_x{i}", links.number(-3.0, 3.0, 0.5, DOC_EXAMPLE[f"l2_x{i}"])))
            column.slider(tr("lesson_2.weight", i=i), -2.0, 2.0, step=0.1,
                          **links.widget(f"l2_w{i}", links.number(-2.0, 2.0, 0.1, DOC_EXAMPLE[f"l2_w{i}"])))
        st.slider(tr("lesson_2.theta"), -6.0, 10.0, step=0.5, **links.widget("l2_theta", links.number(-6.0, 10.0, 0.5, 5.0)))
        st.button(tr("lesson_2.reset"), on_click=back_to_document, key="l2_reset")

    x = np.array([st.session_state[f"l2_x{i}"] for i in (1, 2, 3)])
    w = np.array([st.session_state[f"l2_w{i}"] for i in (1, 2, 3)])
    theta = st.session_state["l2_theta"]
    a = perceptron.linear_sum(x, w, theta)
    total = float(np.dot(x, w))

    names = {name: tr(f"lesson_2.{name}_short") for name in perceptron.ACTIVATIONS}
    formula, chart = st.columns([1, 1], gap="medium")
    with formula:
        key = links.linked("l2_activation", links.choices(names, "step"))
        choice = st.segmented_control(tr("lesson_2.activation"), list(names), format_func=names.get,
                                      default=st.session_state.get(key, "step"), required=True, key=key)
        show_slope = st.toggle(tr("lesson_2.show_slope"), key="l2_slope")
        function, _ = perceptron.ACTIVATIONS[choice]
        y = float(function(a))
        products = " + ".join(f"({xi:g} \\times {wi:g})" for xi, wi in zip(x, w))
        outputs = {
            "step": rf"y = \begin{{cases}} 1 & (a > 0) \\ 0 & (a \le 0) \end{{cases}} = {y:g}",
            "sigmoid": rf"y = \sigma(a) = \frac{{1}}{{1 + e^{{-({a:g})}}}} = {y:.4f}",
            "relu": rf"y = \max(0, a) = \max(0, {a:g}) = {y:g}",
        }
        st.latex(rf"\begin{{aligned}} a &= x_1 w_1 + x_2 w_2 + x_3 w_3 - \theta \\ &= {products} {-theta:+g} \\ "
                 rf"&= {total:g} {-theta:+g} = {a:g} \end{{aligned}}")
        st.latex(outputs[choice])
        if choice == "step":
            message = "lesson_2.fires" if total > theta else "lesson_2.quiet"
            st.markdown(tr(message, total=f"{total:g}", theta=f"{theta:g}"))
    with chart:
        labels = {key: tr(f"lesson_2.{name}") for key, name in
                  (("f", "legend_f"), ("slope", "legend_slope"), ("now", "legend_now"), ("x", "axis_x"), ("y", "axis_y"))}
        labels["f"] = f"{tr(f'lesson_2.{choice}')} f(a)"
        values, slopes = CURVES[choice]
        st.plotly_chart(activation_chart(A_GRID, values, slopes if show_slope else None, float(np.clip(a, -6, 6)), y,
                                         labels), key="l2_fig", config=NO_BAR)
        figure_alt(tr("present.figure_alt.lesson_2", name=names[choice], a=f"{a:g}", y=f"{y:.3g}"))


@st.fragment
def logic_gates() -> None:
    """AND / OR / XOR with one perceptron: the decision line, the corners, the table (reruns alone)."""
    st.header(tr("lesson_2.gate_header"))
    st.markdown(tr("lesson_2.gate_text"))
    controls, plane = st.columns([1, 1], gap="medium")
    with controls:
        key = links.linked("l2_gate", links.choices(perceptron.GATES, "AND"))
        gate = st.segmented_control(tr("lesson_2.gate"), list(perceptron.GATES), default=st.session_state.get(key, "AND"),
                                    required=True, key=key)
        g1 = st.slider(tr("lesson_2.gate_w1"), -2.0, 2.0, step=0.1, **links.widget("l2_g1", links.number(-2.0, 2.0, 0.1, 1.0)))
        g2 = st.slider(tr("lesson_2.gate_w2"), -2.0, 2.0, step=0.1, **links.widget("l2_g2", links.number(-2.0, 2.0, 0.1, 1.0)))
        g_theta = st.slider(tr("lesson_2.gate_theta"), -2.0, 3.0, step=0.1,
                            **links.widget("l2_gtheta", links.number(-2.0, 3.0, 0.1, 0.5)))
        if g2 != 0:
            st.latex(rf"{g1:g}\,x_1 {g2:+g}\,x_2 = {g_theta:g} \;\Leftrightarrow\; "
                     rf"x_2 = {(g_theta / g2):.3g} {(-g1 / g2):+.3g}\,x_1")
        else:
            st.latex(rf"{g1:g}\,x_1 {g2:+g}\,x_2 = {g_theta:g}")
    targets = perceptron.GATES[gate]
    outputs = perceptron.gate_outputs(g1, g2, g_theta)
    with plane:
        gate_labels = {"line": tr("lesson_2.gate_line"), "target": tr("lesson_2.gate_target")}
        line = perceptron.decision_line(g1, g2, g_theta, charts.GATE_GRID)
        st.plotly_chart(gate_chart(g1, g2, g_theta, line, targets, outputs, gate_labels), key="l2_gate_fig",
                        config=NO_BAR)
    sums = perceptron.CORNERS @ np.array([g1, g2]) - g_theta
    st.dataframe(pd.DataFrame({
        tr("lesson_2.col_x1"): perceptron.CORNERS[:, 0].astype(int), tr("lesson_2.col_x2"): perceptron.CORNERS[:, 1].astype(int),
        tr("lesson_2.col_sum"): np.round(sums, 2), tr("lesson_2.col_out"): outputs.astype(int),
        tr("lesson_2.col_target"): targets.astype(int), tr("lesson_2.col_ok"): ["✔" if o == t else "✖" for o, t in zip(outputs, targets)],
    }), hide_index=True)
    mistakes = perceptron.gate_mistakes(gate, g1, g2, g_theta)
    if mistakes == 0:
        st.success(tr("lesson_2.gate_ok", gate=gate))
    else:
        st.warning(tr("lesson_2.gate_wrong", n=mistakes))
    if gate == "XOR":
        st.info(tr("lesson_2.xor_note"))


one_neuron()
st.header(tr("lesson_2.act_header"))
st.markdown(tr("lesson_2.act_text"))
st.markdown(tr("lesson_2.slope_text"))
logic_gates()

with st.expander(tr("lesson_2.corrections_title")):
    st.markdown("\n".join(f"- {item}" for item in tr_list("lesson_2.corrections")))
try_this("lesson_2.try_this")
quiz("lesson_2")
lesson_links("pages/lesson_2_perceptron.py")
