"""Lesson 0: meet MNIST — browse images with their labels and pixel values, normalisation,
one-hot labels, class counts and the average image of each digit. No TensorFlow here."""
import numpy as np
import streamlit as st

from core import links
from core.charts import mnist_digits as charts
from core.charts.style import NO_BAR
from core.data import one_hot
from core.presenter import figure_alt, fold
from core.ui import lesson_links, mnist_or_stop, quiz, shared_chart, tr, tr_list, try_this
from lessons import mnist_view

digit_chart = shared_chart(charts.digit_figure)
histogram_chart = shared_chart(charts.histogram_figure)
table_chart = shared_chart(charts.pixel_table_figure)
one_hot_chart = shared_chart(charts.one_hot_figure)
counts_chart = shared_chart(charts.class_counts_figure)
means_chart = shared_chart(charts.mean_images_figure)

st.title(tr("nav.lesson_0"))
mnist = mnist_or_stop()
with fold(tr("present.text")):
    st.markdown(tr("lesson_0.intro"))
    st.markdown(tr("lesson_0.shapes", x_train=mnist.x_train.shape, y_train=mnist.y_train.shape,
                   x_test=mnist.x_test.shape, y_test=mnist.y_test.shape))


@st.cache_resource(show_spinner=False)
def split_stats(_mnist, source: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train counts, test counts and train mean images — computed once per MNIST file (never modified)."""
    return (mnist_view.class_counts(_mnist.y_train), mnist_view.class_counts(_mnist.y_test),
            mnist_view.mean_images(_mnist.x_train, _mnist.y_train))


def pick_random(size: int) -> None:
    st.session_state["l0_position"] = int(np.random.default_rng().integers(size))


@st.fragment
def one_image(mnist) -> None:
    """Browse, normalisation and one-hot: everything that follows the chosen image (reruns alone)."""
    st.header(tr("lesson_0.browse_header"))
    controls, picture = st.columns([1, 1], gap="medium")
    with controls:
        # Option labels stay the same in both languages, so a language switch keeps the selection.
        split = st.radio(tr("lesson_0.split"), ["train", "test"], horizontal=True,
                         **links.widget("l0_split", links.choices(["train", "test"], "train"), index=True),
                         format_func=lambda name: f"x_{name}")
        images, labels = (mnist.x_train, mnist.y_train) if split == "train" else (mnist.x_test, mnist.y_test)
        digit = st.selectbox(tr("lesson_0.digit_filter"), [None, *range(10)],
                             **links.widget("l0_digit", links.choices([None, *range(10)], None), index=True),
                             format_func=lambda d: "0–9" if d is None else str(d))
        members = mnist_view.indices_of(labels, digit)
        position_key = links.linked("l0_position", links.number(0, 59_999, default=0))
        if st.session_state.get(position_key, 0) >= len(members):
            st.session_state[position_key] = 0
        position = st.number_input(tr("lesson_0.position") + f" (0–{len(members) - 1:,})", 0, len(members) - 1,
                                   st.session_state.get(position_key, 0), key=position_key)
        st.button(tr("lesson_0.random"), on_click=pick_random, args=(len(members),), key="l0_random")
        index = int(members[position])
        image, label = images[index], int(labels[index])
        st.markdown(tr("lesson_0.chosen", name=f"x_{split}", index=index, label=label))
        row = st.slider(tr("lesson_0.row"), 0, 27, **links.widget("l0_row", links.number(0, 27, default=14)))
        col = st.slider(tr("lesson_0.col"), 0, 27, **links.widget("l0_col", links.number(0, 27, default=14)))
        summary = mnist_view.pixel_summary(image)
        st.caption(tr("lesson_0.stats", min=int(summary["min"]), max=int(summary["max"]), inked=summary["inked"]))
    with picture:
        title = tr("lesson_0.image_title", name=f"x_{split}", index=index, label=label)
        st.plotly_chart(digit_chart(image, title, (row, col)), key="l0_image", config=NO_BAR)
        figure_alt(tr("present.figure_alt.lesson_0", name=f"x_{split}", index=index, label=label, row=row, col=col))

    st.header(tr("lesson_0.norm_header"))
    st.markdown(tr("lesson_0.norm_text"))
    value = int(image[row, col])
    formula, histogram = st.columns([1, 1], gap="medium")
    with formula:
        st.markdown(tr("lesson_0.norm_pixel", row=row, col=col))
        st.latex(rf"x_{{{row},{col}}} = {value} \;\longrightarrow\; \frac{{{value}}}{{255}} = {value / 255:.4f}")
        st.latex(r"\text{shape}\;(28, 28) \xrightarrow{\text{expand\_dims}} (28, 28, 1)")
        normalised = st.toggle(tr("lesson_0.normalised"), key="l0_normalised")
    with histogram:
        x_title = tr("lesson_0.hist_x_norm" if normalised else "lesson_0.hist_x_raw")
        st.plotly_chart(histogram_chart(image, normalised, x_title, tr("lesson_0.hist_y")), key="l0_hist",
                        config=NO_BAR)
    st.subheader(tr("lesson_0.table_header"))
    st.caption(tr("lesson_0.table_help"))
    st.plotly_chart(table_chart(image, normalised, (row, col)), key="l0_table", config=NO_BAR)

    st.header(tr("lesson_0.onehot_header"))
    st.markdown(tr("lesson_0.onehot_text"))
    vector = one_hot(np.array([label]))[0]
    st.latex(rf"\text{{to\_categorical}}({label}, 10) = [{', '.join(f'{v:.0f}' for v in vector)}]")
    st.plotly_chart(one_hot_chart(vector, tr("lesson_0.onehot_axis")), key="l0_onehot", config=NO_BAR)


one_image(mnist)

# ---- the whole data set (no widgets: drawn on a full run only) ------------------------------------
train_counts, test_counts, means = split_stats(mnist, mnist.source)
st.header(tr("lesson_0.counts_header"))
st.markdown(tr("lesson_0.counts_text"))
st.plotly_chart(counts_chart(train_counts, test_counts, (tr("lesson_0.split_train"), tr("lesson_0.split_test")),
                             tr("lesson_0.counts_axis")), key="l0_counts", config=NO_BAR)
st.header(tr("lesson_0.means_header"))
st.markdown(tr("lesson_0.means_text"))
st.plotly_chart(means_chart(means, train_counts), key="l0_means", config=NO_BAR)

with st.expander(tr("lesson_0.corrections_title")):
    st.markdown("\n".join(f"- {item}" for item in tr_list("lesson_0.corrections")))
try_this("lesson_0.try_this")
quiz("lesson_0")
lesson_links("pages/lesson_0_mnist.py")
