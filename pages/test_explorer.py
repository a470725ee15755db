"""Explore the test set: a random test image (000), the misclassified gallery (002), the confusion matrix.

The model's answers on the 10 000 test images are computed once per model and server; the page
and each section are fragments, so its buttons and sliders rerun only that section, and its figures are
shared by everyone looking at the same thing.
"""
import random
from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.charts import answers, digits
from core.charts.style import NO_BAR
from core.lab import catalog as lab_models
from core.lab import explain
from core.ui import guess_then_reveal, hidden_captions, mnist_or_stop, model_picker, shared_chart, tr

T = "test_explorer."
digit_chart = shared_chart(digits.digit_figure)
gallery_chart = shared_chart(digits.gallery_figure)
matrix_chart = shared_chart(digits.confusion_figure)


@dataclass(frozen=True)
class TestRun:
    """A model's answers on the whole test set and what follows from them."""

    probabilities: np.ndarray  # (10000, 10)
    predicted: np.ndarray
    matrix: np.ndarray
    wrong: np.ndarray
    accuracy: float


@st.cache_resource(show_spinner=False, max_entries=16)
def test_run(_model, model_token: str) -> TestRun:
    """The whole MNIST test set through one model, once per model and server (never modified afterwards)."""
    probabilities = explain.predict_all(_model, mnist.x_test)
    predicted = probabilities.argmax(axis=1)
    matrix = explain.confusion_matrix(mnist.y_test, predicted)
    return TestRun(probabilities, predicted, matrix, explain.misclassified_indices(mnist.y_test, predicted),
                   float(np.trace(matrix)) / len(predicted))


def reroll(key: str, high: int) -> None:
    st.session_state[key] = random.randrange(high)


@st.fragment
def random_image(run: TestRun) -> None:
    """000: one random test image and the model's answer."""
    st.header(tr(T + "random_header"))
    st.caption(tr(T + "random_caption"))
    truth = mnist.y_test
    if "explorer_random_index" not in st.session_state:
        reroll("explorer_random_index", len(truth))
    index = st.session_state["explorer_random_index"]
    st.button("🎲 " + tr(T + "another"), on_click=reroll, args=("explorer_random_index", len(truth)),
              key="explorer_another")
    left, right = st.columns([1, 2])
    left.plotly_chart(digit_chart(mnist.x_test[index], tr(T + "image_title", index=index), height=320),
                      key="explorer_random_image", config=NO_BAR)
    with right:
        true, pred = int(truth[index]), int(run.predicted[index])
        st.markdown("### " + tr(T + ("verdict_ok" if pred == true else "verdict_wrong"), true=true, pred=pred))
        st.html(answers.probability_bars(run.probabilities[index],
                                         tr(T + "probability") + " · " + tr(T + "true_mark"), true))


@st.fragment
def wrong_gallery(run: TestRun) -> None:
    """002: the misclassified gallery."""
    wrong = run.wrong
    st.header(tr(T + "wrong_header"))
    st.caption(tr(T + "wrong_caption", n=len(wrong)))
    if not len(wrong):
        return
    cols = st.columns([3, 1], vertical_alignment="bottom")
    count = 1 if len(wrong) == 1 else cols[0].slider(tr(T + "how_many"), 1, min(40, len(wrong)), min(10, len(wrong)),
                                                      key="explorer_count")
    cols[1].button("🔀 " + tr(T + "reshuffle"), on_click=reroll, args=("explorer_seed", 2**31), key="explorer_shuffle")
    if "explorer_seed" not in st.session_state:
        reroll("explorer_seed", 2**31)
    rng = np.random.default_rng(st.session_state["explorer_seed"])
    chosen = np.sort(rng.choice(wrong, size=count, replace=False))
    if guess_then_reveal("explorer_reveal"):
        captions = [tr(T + "gallery_caption", pred=int(run.predicted[i]), true=int(mnist.y_test[i])) for i in chosen]
    else:
        captions = hidden_captions(len(chosen))
    st.plotly_chart(gallery_chart(mnist.x_test[chosen], captions, columns=5, caption_lines=2),
                    key="explorer_gallery", config=NO_BAR)
    st.caption(tr(T + "gallery_indices", indices=", ".join(f"#{i}" for i in chosen)))


@st.fragment
def confusion(run: TestRun, option: str) -> None:
    """The confusion matrix and the images of one of its cells."""
    st.header(tr(T + "matrix_header"))
    st.caption(tr(T + "matrix_caption"))
    worst_true, worst_pred = explain.worst_cell(run.matrix)
    cols = st.columns(3)
    cell_true = cols[0].selectbox(tr(T + "cell_true"), list(range(10)), index=worst_true, key=f"explorer_true_{option}")
    cell_pred = cols[1].selectbox(tr(T + "cell_pred"), list(range(10)), index=worst_pred, key=f"explorer_pred_{option}")
    limit = cols[2].slider(tr(T + "cell_limit"), 1, 60, 20, key="explorer_cell_limit")
    st.plotly_chart(matrix_chart(run.matrix, tr(T + "axis_pred"), tr(T + "axis_true"), mark=(cell_true, cell_pred)),
                    key="explorer_matrix", config=NO_BAR)
    cell = explain.cell_indices(mnist.y_test, run.predicted, cell_true, cell_pred)
    st.markdown(tr(T + "cell_count", n=len(cell), true=cell_true, pred=cell_pred, shown=min(limit, len(cell))))
    if len(cell):
        shown = cell[:limit]
        st.plotly_chart(gallery_chart(mnist.x_test[shown], [f"#{i}" for i in shown], columns=10),
                        key="explorer_cell_gallery", config=NO_BAR)


@st.fragment
def explorer() -> None:
    """The whole page: choosing a model reruns this, not the app around it."""
    trained = st.session_state.get("trained_models", {}) or {}
    option, model, token = model_picker("test_explorer", "explorer_model")
    with st.spinner(tr(T + "computing", n=len(mnist.x_test))):
        run = test_run(model, token)
    recorded = lab_models.recorded_accuracy(option, trained)

    cols = st.columns(3)
    cols[0].metric(tr(T + "accuracy_here"), f"{run.accuracy:.2%}",
                   delta=None if recorded is None else f"{(run.accuracy - recorded) * 100:+.2f} pt", delta_color="off")
    cols[1].metric(tr(T + "accuracy_recorded"), "—" if recorded is None else f"{recorded:.2%}")
    cols[2].metric(tr(T + "wrong_count"), f"{len(run.wrong)} / {len(run.predicted)}")
    if recorded is not None:
        same = abs(run.accuracy - recorded) < 0.0005
        (st.success if same else st.warning)(tr(T + ("same_accuracy" if same else "different_accuracy")))

    random_image(run)
    wrong_gallery(run)
    confusion(run, option)


st.title("🗂️ " + tr(T + "title"))
st.caption(tr(T + "intro"))
mnist = mnist_or_stop()
explorer()
