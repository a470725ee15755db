"""Lesson pages 0–3 under AppTest: they open in both languages, their widgets change what is
shown, MNIST missing gives a message, and none of them loads TensorFlow (fresh process).
Each widget lives in a fragment, and a rerun of that fragment alone (what the browser sends)
still updates what the widget drives."""
import json
from dataclasses import replace

import numpy as np
import pytest

from core import data, i18n
from core.charts.maru_batsu import loss_text
from lessons import maru_batsu as mb
from lessons import regression
from streamlit.runtime.scriptrunner import ScriptRunner
from tests.conftest import assert_no_tensorflow, open_page

PAGES = {
    "lesson_0": "pages/lesson_0_mnist.py",
    "lesson_1": "pages/lesson_1_regression.py",
    "lesson_2": "pages/lesson_2_perceptron.py",
    "lesson_3": "pages/lesson_3_maru_batsu.py",
}


def figure(at, index: int) -> dict:
    """The plotly figure (as a dict) of the index-th chart on the page."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def latex(at) -> list[str]:
    return [element.value for element in at.latex]


def metric(at, label_key: str, lang: str = "ja") -> str:
    label = i18n.t(label_key, lang)
    return next(m.value for m in at.metric if m.label == label)


def widget_fragments(at) -> dict[str, str | None]:
    """Every widget of the last run → the id of the fragment it was drawn in (None: outside any)."""
    state = object.__getattribute__(object.__getattribute__(at.session_state, "_state"), "_state")
    return {widget_id: meta.fragment_id for widget_id, meta in state._new_widget_state.widget_metadata.items()}


def fragment_run(at, widget, monkeypatch):
    """Send the change just made to ``widget`` the way the browser does: a rerun of the widget's
    fragment only (AppTest's own run() reruns the whole page). The element tree then holds what that
    fragment (or the fragments a callback named) drew, and nothing else."""
    fragment = widget_fragments(at)[widget.id]
    assert fragment, f"{widget.key} is not inside a fragment"
    original = ScriptRunner.request_rerun

    def as_browser(runner, data):
        # AppTest starts each run's runner with a full-page rerun pending; make that one the fragment's
        runner._requests._rerun_data = replace(runner._requests._rerun_data, fragment_id_queue=[fragment])
        return original(runner, replace(data, fragment_id=fragment))

    with monkeypatch.context() as patch:
        patch.setattr(ScriptRunner, "request_rerun", as_browser)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.title, "the whole page ran, not the fragment"
    return at


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("key", list(PAGES))
def test_page_opens_in_both_languages(key, lang):
    at = open_page(PAGES[key], lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == i18n.t(f"nav.{key}", lang)
    assert i18n.t("common.try_this", lang) in [h.value for h in at.subheader]
    assert len(at.get("plotly_chart")) >= 2
    assert at.latex, "every lesson writes its formula with numbers"


def test_pages_do_not_import_tensorflow():
    assert_no_tensorflow(list(PAGES.values()), "ja")


@pytest.mark.parametrize("key", list(PAGES))
def test_every_widget_reruns_only_its_section(key):
    """A slider move must not rerun the whole page (30 students share one server's CPU)."""
    at = open_page(PAGES[key], "ja")
    prefix = f"-l{key[-1]}_"
    widgets = {widget_id: fragment for widget_id, fragment in widget_fragments(at).items() if prefix in widget_id}
    assert len(widgets) >= 7
    assert all(widgets.values()), [widget_id for widget_id, fragment in widgets.items() if not fragment]


# ---- lesson 0 ------------------------------------------------------------------------------------

def test_lesson_0_browsing_changes_image_pixel_and_one_hot():
    mnist = data.load_mnist()
    at = open_page(PAGES["lesson_0"], "en")
    first_image = figure(at, 0)
    assert f"\\frac{{{mnist.x_train[0][14, 14]}}}{{255}}" in latex(at)[0]
    assert f"to\\_categorical}}({mnist.y_train[0]}, 10)" in latex(at)[2]

    at.number_input(key="l0_position").set_value(1).run()
    assert not at.exception
    assert figure(at, 0) != first_image
    assert f"to\\_categorical}}({mnist.y_train[1]}, 10)" in latex(at)[2]

    at.slider(key="l0_row").set_value(5).run()
    at.slider(key="l0_col").set_value(12).run()
    value = int(mnist.x_train[1][5, 12])
    assert f"x_{{5,12}} = {value}" in latex(at)[0]
    assert f"{value / 255:.4f}" in latex(at)[0]

    table = figure(at, 2)
    at.toggle(key="l0_normalised").set_value(True).run()
    assert figure(at, 2) != table
    assert figure(at, 2)["data"][0]["zmax"] == 1


def test_lesson_0_digit_filter_and_test_split():
    mnist = data.load_mnist()
    at = open_page(PAGES["lesson_0"], "ja")
    at.radio(key="l0_split").set_value("test").run()
    at.selectbox(key="l0_digit").set_value(7).run()
    assert not at.exception
    first_seven = int(np.flatnonzero(mnist.y_test == 7)[0])
    assert any(f"x_test[{first_seven}]" in m.value for m in at.markdown)
    assert "to\\_categorical}(7, 10) = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]" in latex(at)[2]


def test_lesson_0_a_fragment_rerun_moves_the_pixel_everywhere(monkeypatch):
    mnist = data.load_mnist()
    at = open_page(PAGES["lesson_0"], "en")
    fragment_run(at, at.slider(key="l0_row").set_value(5), monkeypatch)
    value = int(mnist.x_train[0][5, 14])
    assert f"x_{{5,14}} = {value}" in latex(at)[0]
    for chart in (0, 2):  # the image and the pixel table outline row 5, column 14
        box = figure(at, chart)["layout"]["shapes"][0]
        assert (box["y0"], box["y1"], box["x0"], box["x1"]) == (4.5, 5.5, 13.5, 14.5)
    at.run()
    fragment_run(at, at.number_input(key="l0_position").set_value(1), monkeypatch)
    assert f"to\\_categorical}}({mnist.y_train[1]}, 10)" in latex(at)[2]
    assert figure(at, 0)["layout"]["title"]["text"] == f"x_train[1] (label {mnist.y_train[1]})"


def test_lesson_0_without_mnist_shows_a_message(tmp_path, monkeypatch):
    from core import ui

    missing = tmp_path / "nowhere" / "mnist.npz"
    monkeypatch.setenv("MNIST_PATH", str(missing))
    data.load_mnist.cache_clear()
    ui._cached_mnist.clear()
    try:
        at = open_page(PAGES["lesson_0"], "en")
        assert not at.exception
        assert any(str(missing) in e.value for e in at.error)
        assert not at.get("plotly_chart")  # the page stopped before the lesson
    finally:
        data.load_mnist.cache_clear()
        ui._cached_mnist.clear()


# ---- lesson 1 ------------------------------------------------------------------------------------

def test_lesson_1_sliders_change_the_line_and_q_t():
    at = open_page(PAGES["lesson_1"], "en")
    x, y = regression.make_points(12, 1.0, seed=0)
    assert metric(at, "lesson_1.q_now", "en") == f"{regression.sum_of_squares(x, y, 0.3, 3.0):.2f}"
    before = figure(at, 0)

    at.slider(key="l1_a").set_value(0.8).run()
    at.slider(key="l1_b").set_value(1.0).run()
    expected = regression.sum_of_squares(x, y, 0.8, 1.0)
    assert metric(at, "lesson_1.q_now", "en") == f"{expected:.2f}"
    assert f"= {expected:.2f}" in latex(at)[0]
    assert figure(at, 0) != before

    at.slider(key="l1_n").set_value(5).run()
    x5, y5 = regression.make_points(5, 1.0, seed=0)
    assert metric(at, "lesson_1.q_now", "en") == f"{regression.sum_of_squares(x5, y5, 0.8, 1.0):.2f}"


def test_lesson_1_reveal_shows_the_least_squares_line():
    at = open_page(PAGES["lesson_1"], "ja")
    assert metric(at, "lesson_1.q_best") == "?"
    lines_before = len(figure(at, 0)["data"])
    at.toggle(key="l1_reveal").set_value(True).run()
    x, y = regression.make_points(12, 1.0, seed=0)
    a, b = regression.least_squares(x, y)
    assert metric(at, "lesson_1.q_best") == f"{regression.sum_of_squares(x, y, a, b):.2f}"
    assert len(figure(at, 0)["data"]) == lines_before + 1
    assert any(f"= {a:.3f}" in text for text in latex(at))


def test_lesson_1_aside_reaches_x3_y2():
    at = open_page(PAGES["lesson_1"], "en")
    assert "10 < 13" in latex(at)[-1] and "16 < 21" in latex(at)[-1]  # the document's first try x = y = 2
    assert at.info[-1].value == i18n.t("lesson_1.aside_small", "en")
    assert not at.success
    at.slider(key="l1_sy").set_value(3.0).run()
    assert "12 < 13" in latex(at)[-1] and "19 < 21" in latex(at)[-1]
    at.slider(key="l1_sx").set_value(3.0).run()
    assert "15 > 13" in latex(at)[-1] and "24 > 21" in latex(at)[-1]
    assert at.info[-1].value == i18n.t("lesson_1.aside_large", "en")
    at.slider(key="l1_sy").set_value(2.0).run()
    assert "13 = 13" in latex(at)[-1] and "21 = 21" in latex(at)[-1]
    assert at.success[0].value == i18n.t("lesson_1.aside_solved", "en")
    at.slider(key="l1_sx").set_value(1.0).run()
    at.slider(key="l1_sy").set_value(5.0).run()  # 13 = 13 but 20 < 21
    assert at.info[-1].value == i18n.t("lesson_1.aside_mixed", "en")


def test_lesson_1_fragment_reruns_update_q_t_and_the_aside(monkeypatch):
    at = open_page(PAGES["lesson_1"], "en")
    x, y = regression.make_points(12, 1.0, seed=0)
    fragment_run(at, at.slider(key="l1_a").set_value(0.8), monkeypatch)
    assert metric(at, "lesson_1.q_now", "en") == f"{regression.sum_of_squares(x, y, 0.8, 3.0):.2f}"
    dot = figure(at, 1)["data"][1]  # the current (a, b) on the loss landscape
    assert (dot["x"], dot["y"]) == ([0.8], [3.0])
    at.run()
    fragment_run(at, at.slider(key="l1_sx").set_value(3.0), monkeypatch)  # with y = 2: the answer
    assert "13 = 13" in latex(at)[-1] and "21 = 21" in latex(at)[-1]
    assert at.success[0].value == i18n.t("lesson_1.aside_solved", "en")


# ---- lesson 2 ------------------------------------------------------------------------------------

def test_lesson_2_document_example_and_threshold():
    at = open_page(PAGES["lesson_2"], "ja")
    assert "= 6 -5 = 1" in latex(at)[0]
    assert i18n.t("lesson_2.fires", "ja", total="6", theta="5") in [m.value for m in at.markdown]
    at.slider(key="l2_theta").set_value(6.0).run()
    assert "= 6 -6 = 0" in latex(at)[0]
    assert i18n.t("lesson_2.quiet", "ja", total="6", theta="6") in [m.value for m in at.markdown]
    at.button(key="l2_reset").click().run()
    assert "= 6 -5 = 1" in latex(at)[0]


def test_lesson_2_activation_choice_changes_formula_and_curve():
    at = open_page(PAGES["lesson_2"], "en")
    step_curve = figure(at, 0)
    at.segmented_control(key="l2_activation").set_value("sigmoid").run()
    assert "= 0.7311" in latex(at)[1]  # σ(1) = 1 / (1 + e^-1)
    assert figure(at, 0) != step_curve
    traces = len(figure(at, 0)["data"])
    at.toggle(key="l2_slope").set_value(True).run()
    assert len(figure(at, 0)["data"]) == traces + 1
    at.segmented_control(key="l2_activation").set_value("relu").run()
    assert r"\max(0, 1) = 1" in latex(at)[1]


def test_lesson_2_and_or_xor():
    at = open_page(PAGES["lesson_2"], "en")
    gate_plot = figure(at, 1)
    assert at.warning[0].value == i18n.t("lesson_2.gate_wrong", "en", n=2)  # AND with θ = 0.5
    at.slider(key="l2_gtheta").set_value(1.5).run()
    assert at.success[0].value == i18n.t("lesson_2.gate_ok", "en", gate="AND")
    assert figure(at, 1) != gate_plot
    at.segmented_control(key="l2_gate").set_value("OR").run()
    assert at.warning[0].value == i18n.t("lesson_2.gate_wrong", "en", n=2)
    at.slider(key="l2_gtheta").set_value(0.5).run()
    assert at.success[0].value == i18n.t("lesson_2.gate_ok", "en", gate="OR")
    at.segmented_control(key="l2_gate").set_value("XOR").run()
    assert at.info[-1].value == i18n.t("lesson_2.xor_note", "en")


def test_lesson_2_fragment_reruns_update_the_neuron_and_the_gate(monkeypatch):
    at = open_page(PAGES["lesson_2"], "en")
    fragment_run(at, at.slider(key="l2_theta").set_value(6.0), monkeypatch)
    assert "= 6 -6 = 0" in latex(at)[0]
    dot = figure(at, 0)["data"][-1]  # the neuron on the step curve: a = 0, y = 0
    assert (dot["x"], dot["y"]) == ([0.0], [0.0])
    at.run()
    fragment_run(at, at.slider(key="l2_gtheta").set_value(1.5), monkeypatch)
    assert at.success[0].value == i18n.t("lesson_2.gate_ok", "en", gate="AND")


# ---- lesson 3 ------------------------------------------------------------------------------------

def test_lesson_3_grid_clicks_change_the_scores():
    at = open_page(PAGES["lesson_3"], "ja")
    start = mb.forward(mb.BATSU, mb.document_params()).out[0]
    assert metric(at, "lesson_3.maru_score") == f"{start[0]:.3f}"
    assert metric(at, "lesson_3.batsu_score") == f"{start[1]:.3f}"
    network = figure(at, 0)

    at.button(key="l3_px4").click().run()  # the centre pixel of × goes white
    image = mb.BATSU.reshape(9).copy()
    image[4] = 0
    out = mb.forward(image, mb.document_params()).out[0]
    assert metric(at, "lesson_3.maru_score") == f"{out[0]:.3f}"
    assert figure(at, 0) != network

    at.button(key="l3_set_maru").click().run()
    out = mb.forward(mb.MARU, mb.document_params()).out[0]
    assert metric(at, "lesson_3.maru_score") == f"{out[0]:.3f}"
    assert "a_1 &= (1.00 + 0.10 + 0.20 + 0.00 + 0.10 + 0.10 + 0.30 + 0.10) - 1.40 = 0.50" in latex(at)[1]


def test_lesson_3_training_lowers_the_loss_and_reset_restores_the_document():
    at = open_page(PAGES["lesson_3"], "en")
    x, t = mb.make_dataset(5, 0.2, seed=0)
    start_loss = mb.loss(x, t, mb.document_params())
    assert metric(at, "lesson_3.current_loss", "en") == loss_text(start_loss)
    weights = figure(at, 1)

    at.button(key="l3_train").click().run(timeout=60)
    assert not at.exception
    trained, _ = mb.train(x, t, mb.document_params(), 2.0, 500)
    assert metric(at, "lesson_3.current_loss", "en") == loss_text(mb.loss(x, t, trained))
    assert float(metric(at, "lesson_3.current_loss", "en")) < 0.2 * start_loss
    assert metric(at, "lesson_3.accuracy", "en") == "100 %"
    assert figure(at, 1) != weights
    assert len(at.session_state["l3_losses"]) == 500
    assert at.info[0].value == i18n.t("lesson_3.trained_note", "en", epochs=500)

    at.button(key="l3_reset").click().run()
    assert metric(at, "lesson_3.current_loss", "en") == loss_text(start_loss)
    assert figure(at, 1) == weights


def test_lesson_3_fragment_reruns_and_a_reset_redraw_both_sections(monkeypatch):
    at = open_page(PAGES["lesson_3"], "en")
    start_weights = figure(at, 1)
    fragment_run(at, at.button(key="l3_px4").click(), monkeypatch)
    image = mb.BATSU.reshape(9).copy()
    image[4] = 0
    out = mb.forward(image, mb.document_params()).out[0]
    assert metric(at, "lesson_3.maru_score", "en") == f"{out[0]:.3f}"
    assert metric(at, "lesson_3.batsu_score", "en") == f"{out[1]:.3f}"

    at.run()
    at.button(key="l3_train").click().run(timeout=60)
    assert metric(at, "lesson_3.maru_score", "en") != f"{out[0]:.3f}"
    # Reset is a callback in the training section that reruns the scores' section too
    fragment_run(at, at.button(key="l3_reset").click(), monkeypatch)
    assert metric(at, "lesson_3.maru_score", "en") == f"{out[0]:.3f}"
    x, t = mb.make_dataset(5, 0.2, seed=0)
    assert metric(at, "lesson_3.current_loss", "en") == loss_text(mb.loss(x, t, mb.document_params()))
    assert at.caption[0].value == i18n.t("lesson_3.document_note", "en")
    assert figure(at, 1) == start_weights
