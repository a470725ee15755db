"""Explore the test set: a random test image (000), the misclassified gallery (002), the confusion matrix."""
import numpy as np
import streamlit as st

from core.charts import inside as charts
from core.lab import explain
from core.lab import catalog as lab_models
from core.ui import mnist_or_stop, model_picker, tr

T = "test_explorer."
st.title("🗂️ " + tr(T + "title"))
st.caption(tr(T + "intro"))
mnist = mnist_or_stop()


@st.cache_resource(show_spinner=False, max_entries=16)
def test_probabilities(_model, model_token: str) -> np.ndarray:
    """(10000, 10) probabilities of the whole MNIST test set, once per model."""
    return explain.predict_all(_model, mnist.x_test)


def reroll(key: str, high: int) -> None:
    st.session_state[key] = int(np.random.default_rng().integers(high))


trained = st.session_state.get("trained_models", {}) or {}
option, model, token = model_picker("test_explorer", "explorer_model")
with st.spinner(tr(T + "computing", n=len(mnist.x_test))):
    probabilities = test_probabilities(model, token)
predicted = probabilities.argmax(axis=1)
truth = mnist.y_test
matrix = explain.confusion_matrix(truth, predicted)
wrong = explain.misclassified_indices(truth, predicted)
accuracy = float(np.trace(matrix)) / len(truth)
recorded = lab_models.recorded_accuracy(option, trained)

cols = st.columns(3)
cols[0].metric(tr(T + "accuracy_here"), f"{accuracy:.2%}",
               delta=None if recorded is None else f"{(accuracy - recorded) * 100:+.2f} pt", delta_color="off")
cols[1].metric(tr(T + "accuracy_recorded"), "—" if recorded is None else f"{recorded:.2%}")
cols[2].metric(tr(T + "wrong_count"), f"{len(wrong)} / {len(truth)}")
if recorded is not None:
    same = abs(accuracy - recorded) < 0.0005
    (st.success if same else st.warning)(tr(T + ("same_accuracy" if same else "different_accuracy")))

# --- 000: one random test image and the model's answer
st.header(tr(T + "random_header"))
st.caption(tr(T + "random_caption"))
if "explorer_random_index" not in st.session_state:
    reroll("explorer_random_index", len(truth))
index = st.session_state["explorer_random_index"]
st.button("🎲 " + tr(T + "another"), on_click=reroll, args=("explorer_random_index", len(truth)),
          key="explorer_another")
left, right = st.columns([1, 2])
left.plotly_chart(charts.digit_figure(mnist.x_test[index] / 255.0, tr(T + "image_title", index=index), height=320),
                  key="explorer_random_image", config=charts.STATIC)
with right:
    verdict = "verdict_ok" if predicted[index] == truth[index] else "verdict_wrong"
    st.markdown("### " + tr(T + verdict, true=int(truth[index]), pred=int(predicted[index])))
    st.plotly_chart(charts.probability_figure(probabilities[index], "", tr(T + "probability"), int(truth[index])),
                    key="explorer_random_probabilities", config=charts.STATIC)

# --- 002: the misclassified gallery
st.header(tr(T + "wrong_header"))
st.caption(tr(T + "wrong_caption", n=len(wrong)))
if len(wrong):
    cols = st.columns([3, 1], vertical_alignment="bottom")
    count = 1 if len(wrong) == 1 else cols[0].slider(tr(T + "how_many"), 1, min(40, len(wrong)), min(10, len(wrong)),
                                                      key="explorer_count")
    cols[1].button("🔀 " + tr(T + "reshuffle"), on_click=reroll, args=("explorer_seed", 2**31),
                   key="explorer_shuffle")
    if "explorer_seed" not in st.session_state:
        reroll("explorer_seed", 2**31)
    rng = np.random.default_rng(st.session_state["explorer_seed"])
    chosen = np.sort(rng.choice(wrong, size=count, replace=False))
    captions = [tr(T + "gallery_caption", pred=int(predicted[i]), true=int(truth[i])) for i in chosen]
    st.plotly_chart(charts.gallery_figure(mnist.x_test[chosen], captions, columns=5, caption_lines=2),
                    key="explorer_gallery", config=charts.STATIC)
    st.caption(tr(T + "gallery_indices", indices=", ".join(f"#{i}" for i in chosen)))

# --- the confusion matrix and one cell's images
st.header(tr(T + "matrix_header"))
st.caption(tr(T + "matrix_caption"))
worst_true, worst_pred = explain.worst_cell(matrix)
cols = st.columns(3)
cell_true = cols[0].selectbox(tr(T + "cell_true"), list(range(10)), index=worst_true, key=f"explorer_true_{option}")
cell_pred = cols[1].selectbox(tr(T + "cell_pred"), list(range(10)), index=worst_pred, key=f"explorer_pred_{option}")
limit = cols[2].slider(tr(T + "cell_limit"), 1, 60, 20, key="explorer_cell_limit")
st.plotly_chart(charts.confusion_figure(matrix, tr(T + "axis_pred"), tr(T + "axis_true"), mark=(cell_true, cell_pred)),
                key="explorer_matrix", config=charts.STATIC)
cell = explain.cell_indices(truth, predicted, cell_true, cell_pred)
st.markdown(tr(T + "cell_count", n=len(cell), true=cell_true, pred=cell_pred, shown=min(limit, len(cell))))
if len(cell):
    shown = cell[:limit]
    st.plotly_chart(charts.gallery_figure(mnist.x_test[shown], [f"#{i}" for i in shown], columns=10),
                    key="explorer_cell_gallery", config=charts.STATIC)
