"""Lesson pages 4–7 under AppTest: both languages, the main widgets change what is shown,
MNIST missing leaves the integer grid working, and no page loads TensorFlow (fresh process)."""
import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import data, i18n
from core.charts import style
from lessons import convolution as conv
from lessons import gradient_descent as gd
from lessons import pooling
from lessons import regression
from lessons import softmax as sm
from tests.conftest import ROOT, assert_no_tensorflow

PAGES = {
    "lesson_4": "pages/lesson_4_convolution.py",
    "lesson_5": "pages/lesson_5_pooling.py",
    "lesson_6": "pages/lesson_6_softmax.py",
    "lesson_7": "pages/lesson_7_gradient_descent.py",
}


def open_page(path: str, lang: str = "ja", **state) -> AppTest:
    """Run the router, then the page (page links need app.py's navigation); ``state`` goes in first."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _decode(value):
    """Plotly ships arrays as {"dtype", "bdata", "shape"}; turn them back into numpy arrays."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            array = array.reshape([int(s) for s in str(value["shape"]).split(",")])
        return array
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def figure(at: AppTest, key: str) -> dict:
    """The plotly figure drawn with ``key``, arrays decoded."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith("-" + key):
            return _decode(json.loads(element.proto.spec))
    raise KeyError(key)


def latex(at: AppTest) -> str:
    return "\n".join(element.value for element in at.latex)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def mnist_digit(index: int = 0) -> np.ndarray:
    return data.load_mnist().x_test[index] / 255.0


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("key", list(PAGES))
def test_page_opens_in_both_languages(key, lang):
    at = open_page(PAGES[key], lang)
    assert at.title[0].value == i18n.t(f"nav.{key}", lang)
    assert i18n.t("common.try_this", lang) in [h.value for h in at.subheader]
    assert len(at.get("plotly_chart")) >= 2
    assert at.latex
    other = "en" if lang == "ja" else "ja"
    assert i18n.t(f"{key}.intro", other).strip()[:20] not in "\n".join(m.value for m in at.markdown)


def test_pages_do_not_import_tensorflow():
    assert_no_tensorflow(list(PAGES.values()), "en")


# ---- lesson 4: convolution -------------------------------------------------------------------

def test_lesson_4_output_is_the_convolution_of_the_digit():
    at = open_page(PAGES["lesson_4"], "en")
    out = figure(at, "l4_output_fig")["data"][0]["z"]
    expected = conv.conv2d(mnist_digit(0), conv.preset("edge_horizontal", 3))
    np.testing.assert_allclose(out, expected, atol=1e-9)
    assert r"\right\rfloor + 1 = 26" in latex(at)  # 28 → 26

    at.selectbox(key="l4_preset__en").set_value("identity").run()
    np.testing.assert_allclose(figure(at, "l4_output_fig")["data"][0]["z"], mnist_digit(0)[1:27, 1:27], atol=1e-9)


def test_lesson_4_size_formula_follows_the_widgets():
    at = open_page(PAGES["lesson_4"], "en")
    for k, stride, padding, size in [(5, 1, 0, 24), (3, 2, 0, 13), (3, 1, 1, 28), (5, 2, 2, 14), (5, 3, 1, 9)]:
        at.radio(key="l4_k").set_value(k).run()
        at.slider(key="l4_stride").set_value(stride).run()
        at.slider(key="l4_padding").set_value(padding).run()
        assert not at.exception
        assert f"\\right\\rfloor + 1 = {size}" in latex(at), (k, stride, padding)
        assert figure(at, "l4_output_fig")["data"][0]["z"].shape == (size, size)
        same = i18n.t("lesson_4.same_note", "en") in [c.value for c in at.caption]
        assert same == (padding == (k - 1) // 2 and stride == 1)


def test_lesson_4_window_arithmetic_follows_the_sliders():
    at = open_page(PAGES["lesson_4"], "en", l4_row=8, l4_col=7)
    image, kernel = mnist_digit(0), conv.preset("edge_horizontal", 3)
    value = float(np.sum(conv.window(image, 3, 8, 7) * kernel))
    assert r"\mathrm{out}[8, 7]" in latex(at) and f"{value:.3f}" in latex(at)
    patch = figure(at, "l4_arith_fig")["data"][0]["z"]
    np.testing.assert_allclose(patch, conv.window(image, 3, 8, 7))
    at.slider(key="l4_row").set_value(20).run()
    assert r"\mathrm{out}[20, 7]" in latex(at)
    np.testing.assert_allclose(figure(at, "l4_arith_fig")["data"][0]["z"], conv.window(image, 3, 20, 7))


def box_cells(shape: dict) -> tuple[float, float, float, float]:
    """(top row, left col, height, width) in cells of a rectangle drawn around cells (edges at ±0.5)."""
    return shape["y0"] + 0.5, shape["x0"] + 0.5, shape["y1"] - shape["y0"], shape["x1"] - shape["x0"]


def test_lesson_4_window_sliders_move_the_highlighted_cells():
    """The row / column sliders live in a fragment: moving one still redraws the window and the cell."""
    at = open_page(PAGES["lesson_4"], "en", l4_row=8, l4_col=7)
    at.slider(key="l4_stride").set_value(2).run()
    at.slider(key="l4_col").set_value(3).run()
    window = figure(at, "l4_input_fig")["layout"]["shapes"][-1]
    assert box_cells(window) == (16, 6, 3, 3)  # output cell (8, 3) at stride 2 looks at rows 16–18, cols 6–8
    assert window["line"]["color"] == style.RED
    cell = figure(at, "l4_output_fig")["layout"]["shapes"][-1]
    assert box_cells(cell) == (8, 3, 1, 1)
    layout = figure(at, "l4_input_fig")["layout"]
    assert layout["yaxis"]["scaleanchor"] == "x" and layout["yaxis"]["autorange"] == "reversed"  # square cells


def test_lesson_4_integer_grid_and_raw_pixel_values():
    at = open_page(PAGES["lesson_4"], "en")
    at.radio(key="l4_source__en").set_value("grid").run()
    assert not at.exception
    grid_out = figure(at, "l4_output_fig")["data"][0]["z"]
    np.testing.assert_allclose(grid_out, conv.conv2d(conv.integer_grid(), conv.preset("edge_horizontal", 3)))
    at.radio(key="l4_source__en").set_value("mnist").run()
    at.radio(key="l4_scale__en").set_value(True).run()
    raw = figure(at, "l4_output_fig")["data"][0]["z"]
    np.testing.assert_allclose(raw, conv.conv2d(data.load_mnist().x_test[0].astype(float),
                                                conv.preset("edge_horizontal", 3)))


def edits(rows: dict) -> dict:
    """A data_editor's state with some cells changed: {row: {column name: value}}."""
    return {"edited_rows": rows, "added_rows": [], "deleted_rows": []}


def test_lesson_4_edited_kernel_empty_cells_and_huge_numbers():
    at = open_page(PAGES["lesson_4"], "en")
    kernel = conv.preset("edge_horizontal", 3)
    kernel[0, 0], kernel[1, 1] = 1e308, 0.0  # a huge number is limited to 1000; an emptied cell counts as 0
    at.session_state["l4_kernel_3_edge_horizontal"] = edits({0: {"0": 1e308}, 1: {"1": None}})
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert i18n.t("lesson_4.empty_cells", "en") in warnings
    assert i18n.t("lesson_4.too_large", "en", limit=1000) in warnings
    kernel[0, 0] = 1000.0
    np.testing.assert_allclose(figure(at, "l4_output_fig")["data"][0]["z"], conv.conv2d(mnist_digit(0), kernel))


def test_lesson_4_sixteen_maps_and_the_chosen_one():
    at = open_page(PAGES["lesson_4"], "en")
    assert "4{\\times}4{\\times}16 \\to 256" in latex(at)
    first = figure(at, "l4_channels_fig")
    at.slider(key="l4_map").set_value(5).run()
    assert "O_{5}" in latex(at)
    fifth = figure(at, "l4_channels_fig")
    assert not np.allclose(first["data"][-1]["z"], fifth["data"][-1]["z"])  # another kernel, another sum
    assert figure(at, "l4_sixteen_fig")["data"][0]["z"].shape == (4, 4)  # pooled to 4×4, not 2×2
    assert len(figure(at, "l4_sixteen_fig")["data"]) == 16


def test_lesson_4_uses_the_last_drawing_when_there_is_one():
    drawing = np.zeros((28, 28), dtype=np.float32)
    drawing[4:24, 13:15] = 1.0  # a vertical bar
    at = open_page(PAGES["lesson_4"], "en", last_digit=drawing)
    assert at.radio(key="l4_source__en").value == "canvas"
    np.testing.assert_allclose(figure(at, "l4_output_fig")["data"][0]["z"],
                               conv.conv2d(drawing.astype(float), conv.preset("edge_horizontal", 3)), atol=1e-6)


def test_lesson_4_without_mnist_the_grid_still_works(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "missing.npz"))
    data.load_mnist.cache_clear()
    try:
        at = open_page(PAGES["lesson_4"], "en")
        assert [e.value for e in at.error if "missing.npz" in e.value]
        np.testing.assert_allclose(figure(at, "l4_output_fig")["data"][0]["z"],
                                   conv.conv2d(conv.integer_grid(), conv.preset("edge_horizontal", 3)))
        at.radio(key="l4_source__en").set_value("grid").run()
        assert not at.exception and not at.error
    finally:
        monkeypatch.undo()
        data.load_mnist.cache_clear()


# ---- lesson 5: pooling, flatten, dropout ---------------------------------------------------

def test_lesson_5_document_example_and_its_variants():
    at = open_page(PAGES["lesson_5"], "en")
    assert r"\max(1, 5, 0, 3) = 5" in latex(at)
    assert r"\begin{bmatrix} 5 & 9 \\ 2 & 9 \end{bmatrix}" in latex(at)
    at.radio(key="l5_mode__en").set_value("average").run()
    assert r"\begin{bmatrix} 2.25 & 6.25 \\ 1 & 4.25 \end{bmatrix}" in latex(at)
    at.radio(key="l5_mode__en").set_value("max").run()
    at.radio(key="l5_stride").set_value(1).run()
    assert r"\begin{bmatrix} 5 & 9 & 9 \\ 3 & 9 & 9 \\ 2 & 9 & 9 \end{bmatrix}" in latex(at)
    at.slider(key="l5_row").set_value(2).run()
    at.slider(key="l5_col").set_value(1).run()
    assert r"\mathrm{out}[2, 1] = \max(1, 9, 1, 0) = 9" in latex(at)


def test_lesson_5_window_sliders_redraw_the_example():
    """Row / column of ① are in a fragment: the red window, the ringed maximum and the output cell follow."""
    at = open_page(PAGES["lesson_5"], "en")
    at.slider(key="l5_row").set_value(1).run()
    at.slider(key="l5_col").set_value(0).run()
    shapes = figure(at, "l5_example_fig")["layout"]["shapes"]
    window, ring, cell = shapes
    assert box_cells(window) == (2, 0, 2, 2) and window["xref"] == "x"  # rows 2–3, cols 0–1 of the input
    assert (ring["x0"] + 0.4, ring["y0"] + 0.4) == (0, 2)  # the 2 at row 2, col 0 is the window's largest
    assert box_cells(cell) == (1, 0, 1, 1) and cell["xref"] == "x2"
    assert r"\mathrm{out}[1, 0] = \max(2, 1, 0, 1) = 2" in latex(at)
    data = figure(at, "l5_example_fig")["data"]
    np.testing.assert_array_equal(data[0]["z"], pooling.DOC_EXAMPLE)
    np.testing.assert_array_equal(data[1]["z"], [[5, 9], [2, 9]])


def test_lesson_5_edited_table_is_pooled():
    at = open_page(PAGES["lesson_5"], "en")
    at.session_state["l5_table"] = edits({0: {"0": 7}, 3: {"3": 12}})
    at.run()
    assert r"\max(7, 5, 0, 3) = 7" in latex(at)
    assert r"\begin{bmatrix} 7 & 9 \\ 2 & 12 \end{bmatrix}" in latex(at)


def test_lesson_5_real_map_is_pooled_to_half():
    at = open_page(PAGES["lesson_5"], "en")
    real = figure(at, "l5_real_fig")["data"]
    assert real[1]["z"].shape == (26, 26) and real[2]["z"].shape == (13, 13)
    assert real[2]["z"][0, 0] == real[1]["z"][:2, :2].max()


def test_lesson_5_shift_similarity_rises_after_pooling():
    at = open_page(PAGES["lesson_5"], "en")
    before = float(metric(at, i18n.t("lesson_5.similarity_before", "en")).rstrip("%"))
    after = float(metric(at, i18n.t("lesson_5.similarity_after", "en")).rstrip("%"))
    assert after > before
    at.slider(key="l5_right").set_value(0).run()
    assert metric(at, i18n.t("lesson_5.similarity_before", "en")) == "100%"


def test_lesson_5_flatten_and_dropout():
    at = open_page(PAGES["lesson_5"], "en")
    at.slider(key="l5_h").set_value(4).run()
    at.slider(key="l5_c").set_value(3).run()
    assert r"4 \times 3 \times 3 = 36" in latex(at)
    assert np.asarray(figure(at, "l5_flatten_fig")["data"][-1]["z"]).size == 36

    kept_label, sum_x, sum_y = i18n.t("lesson_5.kept", "en"), "Σ x", "Σ y"
    first_mask = figure(at, "l5_dropout_fig")["data"][1]["z"]
    at.button(key="l5_new_mask").click().run()
    assert not np.array_equal(first_mask, figure(at, "l5_dropout_fig")["data"][1]["z"])
    assert r"x \cdot m \times 2.00" in latex(at)
    at.slider(key="l5_rate").set_value(0.0).run()
    assert metric(at, kept_label) == "24 / 24" and metric(at, sum_x) == metric(at, sum_y)
    at.slider(key="l5_rate").set_value(0.75).run()
    at.radio(key="l5_phase__en").set_value("inference").run()
    assert metric(at, kept_label) == "24 / 24" and metric(at, sum_x) == metric(at, sum_y)


# ---- lesson 6: softmax ------------------------------------------------------------------------

def probabilities(at: AppTest) -> np.ndarray:
    return figure(at, "l6_bars_fig")["data"][1]["y"]


def test_lesson_6_sliders_presets_and_temperature():
    at = open_page(PAGES["lesson_6"], "en")
    logits = np.array([0.5, -1.0, 0.8, 1.2, -0.5, 0.3, -1.5, 4.0, 0.2, 1.0])
    np.testing.assert_allclose(probabilities(at), sm.softmax(logits))
    assert f"= {sm.softmax(logits)[7]:.3f}" in latex(at)
    at.button(key="l6_preset_zeros").click().run()
    np.testing.assert_allclose(probabilities(at), 0.1)
    at.slider(key="l6_z3").set_value(2.0).run()
    expected = sm.softmax(np.eye(10)[3] * 2.0)
    np.testing.assert_allclose(probabilities(at), expected)
    at.select_slider(key="l6_temperature").set_value(2.0).run()
    np.testing.assert_allclose(probabilities(at), sm.softmax(np.eye(10)[3] * 2.0, 2.0))
    assert "e^{1}" in latex(at)  # 2.0 / T = 1


def test_lesson_6_two_classes_and_cross_entropy():
    at = open_page(PAGES["lesson_6"], "en")
    at.slider(key="l6_two_z1").set_value(2.0).run()
    at.slider(key="l6_two_z2").set_value(-1.0).run()
    value = f"{float(sm.sigmoid(3.0)):.4f}"
    assert metric(at, i18n.t("lesson_6.two_softmax", "en")) == value == metric(at, i18n.t("lesson_6.two_sigmoid", "en"))
    assert r"\sigma(3.0)" in latex(at)

    now = figure(at, "l6_two_fig")["data"][2]  # the star marks the pair chosen in the fragment
    assert now["x"] == [3.0] and now["y"][0] == pytest.approx(sm.sigmoid(3.0))
    dots = figure(at, "l6_two_fig")["data"][1]
    np.testing.assert_allclose(dots["y"], sm.sigmoid(np.asarray(dots["x"])))  # softmax of two = the sigmoid

    probs = sm.softmax(np.array([0.5, -1.0, 0.8, 1.2, -0.5, 0.3, -1.5, 4.0, 0.2, 1.0]))
    assert f"= {-np.log(probs[7]):.3f}" in latex(at)
    at.radio(key="l6_true").set_value(4).run()
    assert f"-\\log {probs[4]:.4f} = {-np.log(probs[4]):.3f}" in latex(at)
    assert "to\\_categorical(4, 10)} = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]" in latex(at)
    np.testing.assert_allclose(figure(at, "l6_onehot_fig")["data"][0]["z"][0], np.eye(10)[4])
    np.testing.assert_allclose(figure(at, "l6_onehot_fig")["data"][0]["z"][1], probs)
    marker = figure(at, "l6_ce_fig")["data"][1]
    assert marker["x"][0] == pytest.approx(probs[4]) and marker["text"] == [f"{-np.log(probs[4]):.3f}"]


# ---- lesson 7: gradient descent -------------------------------------------------------------

def test_lesson_7_curve_step_and_divergence():
    at = open_page(PAGES["lesson_7"], "en")
    assert "= 4.00 - 0.1 \\times (6.00) = 3.400" in latex(at)  # f'(4) = 2·3 = 6
    path = figure(at, "l7_curve_fig")["data"][1]["x"]
    np.testing.assert_allclose(path, gd.descend_curve("bowl", 4.0, 0.1, 15).points[:, 0])
    assert not at.error

    at.select_slider(key="l7_rate1").set_value(2.0).run()
    assert not at.exception
    assert [e.value for e in at.error if "diverged at step" in e.value]
    assert "nan" not in latex(at).lower() and "inf" not in latex(at).lower()

    at.select_slider(key="l7_rate1").set_value(0.5).run()
    assert [s.value for s in at.success if "at rest" in s.value]


def test_lesson_7_surface_optimizers_and_least_squares():
    at = open_page(PAGES["lesson_7"], "en")
    x, y = regression.make_points(12, 1.0, seed=0)
    a, b = regression.least_squares(x, y)
    surface = figure(at, "l7_surface_fig")["data"]
    assert [trace.get("name") for trace in surface[1:4]] == ["SGD", "Momentum", "Adam"]
    np.testing.assert_allclose(np.column_stack([surface[1]["x"], surface[1]["y"]]),
                               gd.descend_line(x, y, [-0.5, 6.0], 0.02, 200, "sgd").points)

    at.slider(key="l7_a0").set_value(2.0).run()  # in the ②+③ fragment: the paths start again from (2, 6)
    surface = figure(at, "l7_surface_fig")["data"]
    np.testing.assert_allclose(np.column_stack([surface[1]["x"], surface[1]["y"]]),
                               gd.descend_line(x, y, [2.0, 6.0], 0.02, 200, "sgd").points)
    assert (surface[4]["x"], surface[4]["y"]) == ([2.0], [6.0])  # the start marker
    line = figure(at, "l7_line_fig")["data"]
    assert line[2]["y"][0] == pytest.approx(gd.descend_line(x, y, [2.0, 6.0], 0.02, 200, "sgd").end[1])
    at.slider(key="l7_a0").set_value(-0.5).run()

    at.slider(key="l7_steps2").set_value(1000).run()
    method = i18n.t("lesson_7.col_method", "en")
    table = next(m.value for m in at.markdown if m.value.startswith(f"| {method} |"))
    header, _, *rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()]
    assert [row[0] for row in rows] == ["SGD", "Momentum", "Adam", i18n.t("lesson_7.legend_best", "en")]
    distance = header.index(i18n.t("lesson_7.col_distance", "en"))
    assert all(float(row[distance]) < 0.01 for row in rows[:3]), table  # all three reach the least-squares answer
    assert float(rows[-1][1]) == pytest.approx(a, abs=5e-5) and float(rows[-1][2]) == pytest.approx(b, abs=5e-5)

    at.select_slider(key="l7_rate2").set_value(0.2).run()
    errors = [e.value for e in at.error]
    assert any("SGD: diverged" in e for e in errors) and any("Momentum: diverged" in e for e in errors)
    assert not any("Adam" in e for e in errors)
    assert not at.exception


def test_lesson_7_no_optimizer_chosen_gives_a_message():
    at = open_page(PAGES["lesson_7"], "en")
    at.pills(key="l7_opts__en").set_value([]).run()
    assert not at.exception
    assert [w.value for w in at.warning if w.value == i18n.t("lesson_7.none_chosen", "en")]
