"""Math of lessons 0–3 against values worked out by hand, and their figures against plotly's own checks."""
import math

import numpy as np
import pytest

from core.data import normalise, one_hot
from lessons import maru_batsu as mb
from lessons import mnist_view, perceptron, regression


def sig(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


# ---- lesson 1: least squares ------------------------------------------------------------

# Points (0, 1), (1, 2), (2, 4): x̄ = 1, ȳ = 7/3, S_xx = 2, S_xy = 4/3 + 5/3 = 3,
# so a = 3/2, b = 7/3 − 3/2 = 5/6; residuals 1/6, −1/3, 1/6 and Q_t = 1/36 + 4/36 + 1/36 = 1/6.
X3 = np.array([0.0, 1.0, 2.0])
Y3 = np.array([1.0, 2.0, 4.0])


def test_least_squares_by_hand():
    a, b = regression.least_squares(X3, Y3)
    assert a == pytest.approx(1.5)
    assert b == pytest.approx(5 / 6)
    np.testing.assert_allclose(regression.residuals(X3, Y3, a, b), [1 / 6, -1 / 3, 1 / 6])
    assert regression.sum_of_squares(X3, Y3, a, b) == pytest.approx(1 / 6)
    parts = regression.least_squares_parts(X3, Y3)
    assert parts["s_xx"] == pytest.approx(2.0) and parts["s_xy"] == pytest.approx(3.0)
    assert parts["y_mean"] == pytest.approx(7 / 3)


def test_sum_of_squares_of_a_chosen_line():
    # y = x + 1 through (0, 1) and (1, 2) misses (2, 4) by 1: Q_t = 0 + 0 + 1.
    assert regression.sum_of_squares(X3, Y3, 1.0, 1.0) == pytest.approx(1.0)
    # a = 0, b = 0: Q_t = 1 + 4 + 16.
    assert regression.sum_of_squares(X3, Y3, 0.0, 0.0) == pytest.approx(21.0)


def test_least_squares_beats_every_nearby_line():
    x, y = regression.make_points(25, 1.0, seed=3)
    a, b = regression.least_squares(x, y)
    best = regression.sum_of_squares(x, y, a, b)
    grid = regression.loss_grid(x, y, a + np.linspace(-0.2, 0.2, 9), b + np.linspace(-1, 1, 11))
    assert grid.shape == (11, 9)
    assert grid.min() == pytest.approx(best)  # the centre of the grid is (a, b) itself
    assert grid[5, 4] == pytest.approx(best)


def test_loss_grid_matches_sum_of_squares():
    grid = regression.loss_grid(X3, Y3, np.array([0.0, 1.0]), np.array([0.0, 1.0, 2.0]))
    assert grid[0, 0] == pytest.approx(21.0)
    assert grid[1, 1] == pytest.approx(1.0)
    assert grid[2, 1] == pytest.approx(regression.sum_of_squares(X3, Y3, 1.0, 2.0))


def test_points_are_reproducible_and_noise_free_points_lie_on_the_line():
    x1, y1 = regression.make_points(10, 0.5, seed=7)
    x2, y2 = regression.make_points(10, 0.5, seed=7)
    np.testing.assert_array_equal(y1, y2)
    x, y = regression.make_points(10, 0.0, seed=1)
    a, b = regression.least_squares(x, y)
    assert (a, b) == pytest.approx((regression.TRUE_A, regression.TRUE_B))


def test_least_squares_needs_two_x_values():
    with pytest.raises(ValueError):
        regression.least_squares(np.array([2.0, 2.0]), np.array([1.0, 3.0]))


def test_equation_aside():
    # The document's tries: x = 2, y = 2 gives 10 < 13 and 16 < 21; x = 3, y = 2 fits both.
    np.testing.assert_allclose(regression.system_residuals(2, 2), [10 - 13, 16 - 21])
    np.testing.assert_allclose(regression.system_residuals(3, 2), [0, 0])
    assert regression.solve_system() == pytest.approx((3.0, 2.0))


def test_substitution_follows_004s_working_line_by_line():
    """004: x = (13 − 2y) ÷ 3; 5 × (13 − 2y) + 9y = 63; 65 − 10y + 9y = 63; y = 2; 3x + 2 × 2 = 13; x = 3."""
    s = regression.substitution_steps()
    assert (s["a2c1"], s["a2b1"], s["a1b2"], s["a1c2"]) == (65, 10, 9, 63)
    assert (s["y_coef"], s["right"], s["y"]) == (-1, -2, 2)  # 65 − y = 63
    assert (s["b1y"], s["a1x"], s["x"]) == (4, 9, 3)


# ---- lesson 2: perceptron and activations ------------------------------------------------

def test_document_perceptron_example():
    # Inputs 1, 2, 3, every weight 1, threshold 5: 1·1 + 2·1 + 3·1 = 6 > 5 → output 1.
    x, w = np.array([1, 2, 3]), np.ones(3)
    assert perceptron.linear_sum(x, w, 5) == pytest.approx(1.0)
    assert perceptron.neuron(x, w, 5, "step") == 1.0
    assert perceptron.neuron(x, w, 6, "step") == 0.0  # 6 > 6 is false
    assert perceptron.neuron(x, w, 5, "sigmoid") == pytest.approx(sig(1.0))
    assert perceptron.neuron(x, w, 8, "relu") == 0.0
    assert perceptron.neuron(x, w, 4, "relu") == pytest.approx(2.0)


def test_activation_values():
    assert perceptron.sigmoid(0.0) == pytest.approx(0.5)
    assert perceptron.sigmoid(2.0) == pytest.approx(sig(2.0))
    assert perceptron.sigmoid_slope(0.0) == pytest.approx(0.25)
    np.testing.assert_allclose(perceptron.relu([-2.0, 0.0, 3.5]), [0.0, 0.0, 3.5])
    np.testing.assert_allclose(perceptron.relu_slope([-2.0, 3.5]), [0.0, 1.0])
    np.testing.assert_allclose(perceptron.step([-0.1, 0.0, 0.1]), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(perceptron.step_slope([-1.0, 1.0]), [0.0, 0.0])
    with np.errstate(over="raise"):
        np.testing.assert_allclose(perceptron.sigmoid([-1000.0, 1000.0]), [0.0, 1.0])


def test_sigmoid_slope_matches_a_finite_difference():
    a, h = 0.7, 1e-6
    numeric = (perceptron.sigmoid(a + h) - perceptron.sigmoid(a - h)) / (2 * h)
    assert perceptron.sigmoid_slope(a) == pytest.approx(numeric, rel=1e-6)


def test_logic_gates():
    # AND: w1 = w2 = 1, θ = 1.5 (only 1 + 1 = 2 beats 1.5). OR: θ = 0.5.
    np.testing.assert_array_equal(perceptron.gate_outputs(1, 1, 1.5), [0, 0, 0, 1])
    assert perceptron.gate_mistakes("AND", 1, 1, 1.5) == 0
    assert perceptron.gate_mistakes("OR", 1, 1, 0.5) == 0
    assert perceptron.gate_mistakes("AND", 1, 1, 0.5) == 2  # (0,1) and (1,0) answer 1
    # No single line solves XOR; a coarse search over weights finds none.
    values = np.linspace(-2, 2, 17)
    assert min(perceptron.gate_mistakes("XOR", w1, w2, th)
               for w1 in values for w2 in values for th in values) >= 1


def test_decision_line():
    # w1 = w2 = 1, θ = 1.5: x2 = 1.5 − x1.
    np.testing.assert_allclose(perceptron.decision_line(1, 1, 1.5, np.array([0.0, 1.5])), [1.5, 0.0])
    assert perceptron.decision_line(1, 0, 0.5, np.array([0.0])) is None


# ---- lesson 3: the ○× network --------------------------------------------------------------

def test_document_tables_read_as_three_by_three_blocks():
    assert mb.DOC_HIDDEN_W.shape == (3, 9)
    # y1's block starts 1.0, 0.1, 0.2 / 0.0, 0.9, 0.1; y3's right column is 0.9, 1.0, 0.1.
    np.testing.assert_allclose(mb.DOC_HIDDEN_W[0, :6], [1.0, 0.1, 0.2, 0.0, 0.9, 0.1])
    np.testing.assert_allclose(mb.DOC_HIDDEN_W[2].reshape(3, 3)[:, 2], [0.9, 1.0, 0.1])
    np.testing.assert_allclose(mb.DOC_OUTPUT_W, [[0.1, 1.0, 0.9], [1.0, 0.3, 0.1]])
    np.testing.assert_allclose(mb.DOC_OUTPUT_THETA, [0.7, 0.6])


def test_forward_pass_of_batsu_by_hand():
    # × inks pixels 1, 3, 5, 7, 9. y1: 1.0 + 0.2 + 0.9 + 0.1 + 0.1 = 2.3, minus θ1 = 1.4 → 0.9.
    # y2: 0.1 + 0.2 + 0.2 + 0.1 + 1.0 = 1.6 − 1.4 = 0.2. y3: 0.1 + 0.9 + 0.1 + 0.1 + 0.1 = 1.3 − 1.3 = 0.
    f = mb.forward(mb.BATSU, mb.document_params())
    np.testing.assert_allclose(f.a, [[0.9, 0.2, 0.0]], atol=1e-12)
    y = [sig(0.9), sig(0.2), 0.5]
    np.testing.assert_allclose(f.y, [y])
    z1 = 0.1 * y[0] + 1.0 * y[1] + 0.9 * y[2] - 0.7
    z2 = 1.0 * y[0] + 0.3 * y[1] + 0.1 * y[2] - 0.6
    np.testing.assert_allclose(f.z, [[z1, z2]])
    np.testing.assert_allclose(f.out, [[sig(z1), sig(z2)]])
    # With the document's starting weights the × is still (barely) called ○: training is needed.
    assert f.out[0, 0] > f.out[0, 1]


def test_forward_pass_of_maru_by_hand():
    # ○ inks every pixel but the centre: y1 = 2.8 − 0.9 − 1.4 = 0.5, y2 = 2.7 − 0.2 − 1.4 = 1.1,
    # y3 = 2.6 − 0.1 − 1.3 = 1.2.
    f = mb.forward(mb.MARU, mb.document_params())
    np.testing.assert_allclose(f.a, [[0.5, 1.1, 1.2]], atol=1e-12)
    assert f.out[0, 0] > f.out[0, 1]


def test_gradients_match_finite_differences():
    x, t = mb.make_dataset(3, 0.2, seed=1)
    p = mb.document_params()
    analytic = mb.gradients(x, t, p).as_list()
    assert mb.loss_and_gradients(x, t, p)[0] == mb.loss(x, t, p)  # training reads E from the same pass
    h = 1e-6
    for index, value in enumerate(p.as_list()):
        for position in [(0,) * value.ndim, tuple(s - 1 for s in value.shape)]:
            plus = [v.copy() for v in p.as_list()]
            minus = [v.copy() for v in p.as_list()]
            plus[index][position] += h
            minus[index][position] -= h
            numeric = (mb.loss(x, t, mb.Params(*plus)) - mb.loss(x, t, mb.Params(*minus))) / (2 * h)
            assert analytic[index][position] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_training_lowers_the_loss_and_separates_maru_from_batsu():
    x, t = mb.make_dataset(6, 0.2, seed=0)
    start = mb.document_params()
    trained, losses = mb.train(x, t, start, learning_rate=2.0, epochs=600)
    assert losses.shape == (600,)
    assert losses[-1] < 0.1 * losses[0]
    assert np.all(np.diff(losses) <= 1e-12)  # small steps: the loss never goes up here
    assert mb.accuracy(x, t, start) < 1.0
    assert mb.accuracy(x, t, trained) == 1.0
    out_maru = mb.forward(mb.MARU, trained).out[0]
    out_batsu = mb.forward(mb.BATSU, trained).out[0]
    assert out_maru[0] > 0.8 > 0.2 > out_maru[1]
    assert out_batsu[1] > 0.8 > 0.2 > out_batsu[0]
    np.testing.assert_allclose(start.w, mb.DOC_HIDDEN_W)  # training did not touch the start


def test_dataset_shapes_and_range():
    x, t = mb.make_dataset(4, 0.3, seed=2)
    assert x.shape == (10, 9) and t.shape == (10, 2)
    assert x.min() >= 0.0 and x.max() <= 1.0
    np.testing.assert_array_equal(x[0], mb.MARU.reshape(9))
    np.testing.assert_array_equal(t.sum(axis=0), [5, 5])


# ---- lesson 0: MNIST helpers ------------------------------------------------------------------

def test_counts_means_and_indices_on_a_tiny_set():
    images = np.zeros((4, 28, 28), dtype=np.uint8)
    images[0, 0, 0] = 255
    images[2, 0, 0] = 100
    labels = np.array([3, 1, 3, 1])
    np.testing.assert_array_equal(mnist_view.class_counts(labels), [0, 2, 0, 2, 0, 0, 0, 0, 0, 0])
    means = mnist_view.mean_images(images, labels, classes=4)
    assert means.shape == (4, 28, 28)
    assert means[3, 0, 0] == pytest.approx(177.5)  # (255 + 100) / 2
    assert means[1].max() == 0 and means[0].max() == 0  # a digit with no images: zeros
    np.testing.assert_array_equal(mnist_view.indices_of(labels, 3), [0, 2])
    np.testing.assert_array_equal(mnist_view.indices_of(labels, None), [0, 1, 2, 3])
    summary = mnist_view.pixel_summary(images[0])
    assert summary["max"] == 255 and summary["inked"] == 1


def test_normalise_and_one_hot_as_in_the_documents():
    pixels = np.array([[[0, 51, 255]]], dtype=np.uint8)
    np.testing.assert_allclose(normalise(pixels)[0, 0, :, 0], [0.0, 0.2, 1.0])
    np.testing.assert_array_equal(one_hot(np.array([2]))[0], [0, 0, 1, 0, 0, 0, 0, 0, 0, 0])


def test_loss_text_switches_to_scientific_below_a_thousandth():
    from core.charts.maru_batsu import loss_text

    assert loss_text(0.23829) == "0.2383"
    assert loss_text(0.0011) == "0.0011"
    assert loss_text(0.00002345) == "2.3e-05"


# ---- the figures of lessons 0–3 ------------------------------------------------------------------
# Built without plotly's validation (too slow per slider move), so it is done here instead.

def lesson_figures() -> dict:
    from core.charts import maru_batsu as mc
    from core.charts import mnist_digits as dc
    from core.charts import perceptron as pc
    from core.charts import regression as rc

    image = np.arange(784, dtype=np.uint8).reshape(28, 28)
    counts = np.arange(10) * 10 + 5
    x, y = regression.make_points(6, 1.0, seed=0)
    a_values, b_values = np.linspace(-1, 3, 5), np.linspace(-4, 8, 4)
    grid = perceptron.ACTIVATIONS["sigmoid"][0](np.linspace(-6, 6, 13))
    p = mb.document_params()
    f = mb.forward(mb.BATSU, p)
    images, targets = mb.make_dataset(2, 0.2, seed=0)
    names = {"maru": "○", "batsu": "×", "input": "in", "hidden": "hidden", "output": "out", "loss": "E",
             "epoch": "epoch", "empty": "none yet"}
    labels = {"points": "p", "line": "l", "best": "b", "residual": "r", "title": "t", "try": "t", "f": "f",
              "slope": "s", "now": "n", "x": "a", "y": "y", "target": "t"}
    return {
        "digit": dc.digit_figure(image, "x_train[0]", (3, 4)),
        "table": dc.pixel_table_figure(image, True, (3, 4)),
        "histogram": dc.histogram_figure(image, False, "value", "pixels"),
        "one_hot": dc.one_hot_figure(one_hot(np.array([3]))[0], "digit"),
        "counts": dc.class_counts_figure(counts, counts // 2, ("train", "test"), "digit"),
        "means": dc.mean_images_figure(np.zeros((10, 28, 28), np.float32), counts),
        "regression": rc.regression_figure(x, y, 0.5, 1.0, show_squares=True, best=(0.8, 1.0), labels=labels),
        "landscape": rc.loss_landscape_figure(a_values, b_values, regression.loss_grid(x, y, a_values, b_values),
                                              (0.5, 1.0), (0.8, 1.0), labels),
        "system": rc.system_figure(2.0, 2.0, labels),
        "activation": pc.activation_figure(np.linspace(-6, 6, 13), grid, grid * (1 - grid), 1.0, 0.73, labels),
        "gate": pc.gate_figure(1.0, 1.0, 1.5, perceptron.decision_line(1.0, 1.0, 1.5, pc.GATE_GRID),
                               perceptron.GATES["AND"], perceptron.gate_outputs(1.0, 1.0, 1.5), labels),
        "gate_vertical": pc.gate_figure(1.0, 0.0, 0.5, None, perceptron.GATES["OR"],
                                        perceptron.gate_outputs(1.0, 0.0, 0.5), labels),
        "network": mc.network_figure(mb.BATSU.reshape(9), f.y[0], f.out[0], p.w, p.v, names),
        "weights": mc.weights_figure(p.w, p.theta, p.v, p.phi, names),
        "curve_empty": mc.loss_curve_figure(np.array([]), names, 500),
        "curve": mc.loss_curve_figure(np.array([0.3, 0.2, 0.1]), names, 500),
        "dataset": mc.dataset_figure(images, targets, mb.forward(images, p).out, names),
    }


def test_lesson_figures_pass_plotlys_validation_and_name_no_python_only_colourscale():
    import plotly.graph_objects as go

    for name, fig in lesson_figures().items():
        spec = fig.to_dict()
        go.Figure(spec)  # raises on any property plotly.js does not know
        for trace in spec["data"]:
            for scale in (trace.get("colorscale"), trace.get("marker", {}).get("colorscale")):
                # plotly.py expands names like "RdBu_r" only while validating; plotly.js knows no "_r"
                assert scale is None or isinstance(scale, list), (name, scale)


def test_subplots_sit_where_make_subplots_put_them():
    figures = lesson_figures()
    means = figures["means"].to_dict()["layout"]
    # 5 columns with 0.02 between: each (1 − 4 · 0.02) / 5 = 0.184 wide; 2 rows with 0.1 between
    assert means["xaxis"]["domain"] == pytest.approx([0.0, 0.184])
    assert means["xaxis2"]["domain"] == pytest.approx([0.204, 0.388])
    assert means["xaxis5"]["domain"] == pytest.approx([0.816, 1.0])
    assert means["yaxis"]["domain"] == pytest.approx([0.55, 1.0])
    assert means["yaxis6"]["domain"] == pytest.approx([0.0, 0.45])
    assert [note["text"] for note in means["annotations"][:2]] == ["0 (5)", "1 (15)"]
    weights = figures["weights"].to_dict()["layout"]
    # widths 1 : 1 : 1 : 2 sharing 1 − 3 · 0.04 = 0.88: 0.176 each, then 0.352
    assert weights["xaxis"]["domain"] == pytest.approx([0.0, 0.176])
    assert weights["xaxis4"]["domain"] == pytest.approx([0.648, 1.0])
