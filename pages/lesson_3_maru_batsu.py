"""Lesson 3: 004's 9 → 3 → 2 sigmoid network telling ○ from × on a 3×3 image. Starts from the
document's weight tables; a clickable grid feeds it; numpy training with a live loss curve."""
import time

import numpy as np
import streamlit as st

from core import links
from core.charts import maru_batsu as charts
from core.charts.style import NO_BAR
from core.presenter import figure_alt, fold
from core.ui import lesson_links, quiz, shared_chart, tr, tr_list, try_this
from lessons import maru_batsu as mb

GRID = "l3_grid"          # (9,) pixels of the clickable image
PARAMS = "l3_params"      # the network's current Params
HISTORY = "l3_losses"     # loss per epoch over every training run so far
FORWARD, TRAINING = "l3_forward", "l3_training"  # the page's two fragments
LEARNING_RATES = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)  # the training sliders' stops
EPOCHS = (50, 100, 200, 500, 1000, 2000, 5000)
FRAMES = 10  # a training run is drawn this often, 0.1 s apart (each drawing costs the server ~10 ms)
st.session_state.setdefault(GRID, mb.BATSU.reshape(9).copy())
st.session_state.setdefault(PARAMS, mb.document_params())
st.session_state.setdefault(HISTORY, [])
network_chart = shared_chart(charts.network_figure)
weights_chart = shared_chart(charts.weights_figure)
curve_chart = shared_chart(charts.loss_curve_figure)
dataset_chart = shared_chart(charts.dataset_figure)


@st.cache_data(show_spinner=False, max_entries=512)
def train_chunk(images: np.ndarray, targets: np.ndarray, params: list[np.ndarray], learning_rate: float,
                epochs: int) -> tuple[list[np.ndarray], np.ndarray]:
    """mb.train once per server for each start: a class pressing Train on the same settings shares the work."""
    trained, losses = mb.train(images, targets, mb.Params(*params), learning_rate, epochs)
    return trained.as_list(), losses


def flip(k: int) -> None:
    st.session_state[GRID][k] = 1.0 - st.session_state[GRID][k]


def set_grid(pattern: np.ndarray) -> None:
    st.session_state[GRID] = pattern.reshape(9).astype(float).copy()


def reset_network() -> None:
    st.session_state[PARAMS] = mb.document_params()
    st.session_state[HISTORY] = []


def reset_clicked() -> None:
    """Back to the document's weights, shown by both fragments (nothing else on the page depends on them)."""
    reset_network()
    st.rerun([FORWARD, TRAINING])


def signed_sum(coefficients: list[float], suffixes: list[str]) -> str:
    """[1.0, -0.29], ['', r' \times 0.5'] → '1.00 - 0.29 \times 0.5' (never '+ -'); '0' when empty."""
    text = ""
    for n, (value, suffix) in enumerate(zip(coefficients, suffixes)):
        sign = ("-" if value < 0 else "") if n == 0 else (" - " if value < 0 else " + ")
        text += f"{sign}{abs(value):.2f}{suffix}"
    return text or "0"


names = {"maru": tr("lesson_3.maru_score"), "batsu": tr("lesson_3.batsu_score"),
         "input": tr("lesson_3.layer_input"), "hidden": tr("lesson_3.layer_hidden"),
         "output": tr("lesson_3.layer_output"), "loss": tr("lesson_3.loss"), "epoch": tr("lesson_3.epoch"),
         "empty": tr("lesson_3.curve_empty")}
short = {"maru": "○", "batsu": "×", "output": tr("lesson_3.layer_output")}

st.title(tr("nav.lesson_3"))
with fold(tr("present.text")):
    st.markdown(tr("lesson_3.intro"))
    st.latex(r"\begin{aligned} a_j &= x_1 w_{j1} + x_2 w_{j2} + \cdots + x_9 w_{j9} - \theta_j, & y_j &= \sigma(a_j)"
             r" \quad (j = 1, 2, 3) \\ z_i &= y_1 v_{i1} + y_2 v_{i2} + y_3 v_{i3} - \varphi_i, & \text{out}_i &= \sigma(z_i)"
             r" \quad (i = 1: \text{○},\ i = 2: \text{×}) \end{aligned}")


@st.fragment(key=FORWARD)
def forward_pass(names: dict, short: dict) -> None:
    """The clickable image, the network's scores, the network drawn, every number of the forward pass."""
    params: mb.Params = st.session_state[PARAMS]
    if st.session_state[HISTORY]:
        st.info(tr("lesson_3.trained_note", epochs=len(st.session_state[HISTORY])))
    else:
        st.caption(tr("lesson_3.document_note"))

    st.header(tr("lesson_3.grid_header"))
    pad, network = st.columns([1, 2], gap="medium")
    x = st.session_state[GRID]
    f = mb.forward(x, params)
    with pad:
        st.caption(tr("lesson_3.grid_help"))
        for row in range(3):
            cells = st.columns(3, gap="small")
            for col in range(3):
                k = 3 * row + col
                cells[col].button(f"{x[k]:g}", key=f"l3_px{k}", on_click=flip, args=(k,), width="stretch",
                                  type="primary" if x[k] > 0.5 else "secondary")
        presets = st.columns(3, gap="small")
        presets[0].button("○", key="l3_set_maru", on_click=set_grid, args=(mb.MARU,), width="stretch")
        presets[1].button("×", key="l3_set_batsu", on_click=set_grid, args=(mb.BATSU,), width="stretch")
        presets[2].button(tr("lesson_3.clear"), key="l3_clear", on_click=set_grid, args=(np.zeros(9),),
                          width="stretch")
        left, right = st.columns(2)
        left.metric(names["maru"], f"{f.out[0, 0]:.3f}")
        right.metric(names["batsu"], f"{f.out[0, 1]:.3f}")
        verdict = "maru" if f.out[0, 0] > f.out[0, 1] else "batsu"
        st.subheader(tr("lesson_3.verdict", answer=short[verdict]), anchor=False)
        st.caption(tr("lesson_3.verdict_help"))
    with network:
        st.plotly_chart(network_chart(x, f.y[0], f.out[0], params.w, params.v, names), key="l3_network",
                        config=NO_BAR)
        figure_alt(tr("present.figure_alt.lesson_3", maru=f"{f.out[0, 0]:.3f}", batsu=f"{f.out[0, 1]:.3f}"))

    st.subheader(tr("lesson_3.numbers_header"))
    st.caption(tr("lesson_3.numbers_help"))
    lines = []
    for j in range(3):
        inked = [k for k in range(9) if x[k] != 0]
        total = signed_sum([params.w[j, k] for k in inked], ["" if x[k] == 1 else rf" \times {x[k]:g}" for k in inked])
        lines.append(rf"a_{j + 1} &= ({total}) - {params.theta[j]:.2f} = {f.a[0, j]:.2f}"
                     rf" \\ y_{j + 1} &= \sigma({f.a[0, j]:.2f}) = {f.y[0, j]:.3f}")
    for i, name in enumerate(("○", "×")):
        total = signed_sum(list(params.v[i]), [rf" \times {f.y[0, j]:.3f}" for j in range(3)])
        lines.append(rf"z_{i + 1} &= {total} - {params.phi[i]:.2f} = {f.z[0, i]:.2f}"
                     rf" \\ \text{{{name}}} &= \sigma({f.z[0, i]:.2f}) = {f.out[0, i]:.3f}")
    st.latex(r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}")


@st.fragment(key=TRAINING)
def weights_and_training(names: dict, short: dict) -> None:
    """The weights as pictures, the training settings, the loss curve and the training images."""
    params: mb.Params = st.session_state[PARAMS]
    st.header(tr("lesson_3.weights_header"))
    st.markdown(tr("lesson_3.weights_help"))
    weights_slot = st.empty()
    weights_slot.plotly_chart(weights_chart(params.w, params.theta, params.v, params.phi, short), key="l3_weights",
                              config=NO_BAR)

    st.header(tr("lesson_3.train_header"))
    st.markdown(tr("lesson_3.train_help"))
    settings, curve = st.columns([1, 2], gap="medium")
    with settings:
        copies = st.slider(tr("lesson_3.copies"), 0, 10, **links.widget("l3_copies", links.number(0, 10, default=5)))
        noise = st.slider(tr("lesson_3.noise"), 0.0, 0.5, step=0.05, **links.widget("l3_noise", links.number(0.0, 0.5, 0.05, 0.2)))
        learning_rate = st.select_slider(tr("lesson_3.learning_rate"), LEARNING_RATES,
                                         **links.widget("l3_lr", links.choices(LEARNING_RATES, 2.0)))
        epochs = st.select_slider(tr("lesson_3.epochs"), EPOCHS, **links.widget("l3_epochs", links.choices(EPOCHS, 500)))
        train_clicked = st.button(tr("lesson_3.train"), type="primary", key="l3_train", width="stretch")
        st.button(tr("lesson_3.reset"), on_click=reset_clicked, key="l3_reset", width="stretch")
    images, targets = mb.make_dataset(copies, noise, seed=0)
    with curve:
        loss_slot = st.empty()
        history = st.session_state[HISTORY]
        loss_slot.plotly_chart(curve_chart(np.array(history), names, max(len(history), epochs)), key="l3_curve",
                               config=NO_BAR)
        st.metric(tr("lesson_3.current_loss"), charts.loss_text(mb.loss(images, targets, params)),
                  help=tr("lesson_3.loss_help"))
        st.metric(tr("lesson_3.accuracy"), f"{mb.accuracy(images, targets, params) * 100:.0f} %")
    st.markdown(f"**{tr('lesson_3.dataset_header', n=len(images))}**")
    st.plotly_chart(dataset_chart(images, targets, mb.forward(images, params).out, short), key="l3_dataset",
                    config=NO_BAR)

    if train_clicked:
        planned = len(history) + epochs
        chunks = np.diff(np.linspace(0, epochs, FRAMES + 1).astype(int))
        for frame, chunk in enumerate(chunks):
            trained, losses = train_chunk(images, targets, params.as_list(), learning_rate, int(chunk))
            params = mb.Params(*trained)
            history.extend(losses.tolist())
            st.session_state[PARAMS] = params  # kept even if a click interrupts the run
            loss_slot.plotly_chart(curve_chart(np.array(history), names, planned), key=f"l3_curve_{frame}",
                                   config=NO_BAR)
            weights_slot.plotly_chart(weights_chart(params.w, params.theta, params.v, params.phi, short),
                                      key=f"l3_weights_{frame}", config=NO_BAR)
            time.sleep(0.1)
        if not all(np.all(np.isfinite(value)) for value in params.as_list()):
            st.error(tr("lesson_3.diverged"))
            reset_network()
        else:
            st.rerun()  # the whole page: the scores and the network above follow the trained weights


forward_pass(names, short)
weights_and_training(names, short)

with st.expander(tr("lesson_3.corrections_title")):
    st.markdown("\n".join(f"- {item}" for item in tr_list("lesson_3.corrections")))
try_this("lesson_3.try_this")
quiz("lesson_3")
lesson_links("pages/lesson_3_maru_batsu.py")
