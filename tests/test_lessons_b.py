"""Lessons 4–7 math: hand-computed cases, then the same numbers from the Keras layers.

The Keras comparisons import TensorFlow (tests only; the lesson pages never do).
"""
import base64
import math
import warnings

import numpy as np
import pytest

from lessons import convolution as conv
from lessons import gradient_descent as gd
from lessons import pooling
from lessons import regression
from lessons import softmax as sm

KERAS_TOLERANCE = 1e-5  # float32 inside Keras vs float64 here


# ---------------------------------------------------------------- lesson 4: convolution
IMAGE_4X4 = np.array([[1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]], dtype=float)


def test_convolution_by_hand():
    kernel = conv.preset("edge_vertical", 3)  # [[-1, 0, 1]] × 3: right column minus left column
    # top-left window: right column 3+2+1 = 6, left column 1+0+3 = 4 → 2; and so on.
    assert conv.conv2d(IMAGE_4X4, kernel).tolist() == [[2, 2], [-2, 2]]


def test_convolution_does_not_flip_the_kernel():
    corner = np.zeros((3, 3))
    corner[0, 0] = 1  # picks the top-left pixel of every window, as in Keras
    assert conv.conv2d(IMAGE_4X4, corner).tolist() == [[1, 2], [0, 1]]


def test_window_and_value_agree():
    kernel = conv.preset("sharpen", 3)
    out = conv.conv2d(IMAGE_4X4, kernel, stride=1, padding=1)
    patch = conv.window(IMAGE_4X4, 3, 0, 0, stride=1, padding=1)
    assert patch.tolist() == [[0, 0, 0], [0, 1, 2], [0, 0, 1]]
    assert out[0, 0] == 5 * 1 - 2 - 0 - 0 - 0 == 3


@pytest.mark.parametrize("n, k, s, p, expected", [
    (28, 5, 1, 0, 24),   # 000: MNIST 28×28 → 24×24 with 5×5 kernels
    (28, 3, 1, 0, 26),   # 004 / 002: 28×28 → 26×26 with 3×3 kernels
    (32, 5, 1, 0, 28),   # 000: LeNet-5's original 32×32 input
    (13, 3, 1, 0, 11),   # 004: the second convolution, 13 → 11
    (12, 5, 1, 0, 8),    # 000: the second convolution, 12 → 8
    (28, 3, 1, 1, 28),   # 003: padding='same' keeps 28
    (28, 3, 2, 0, 13),   # (28 − 3)/2 + 1 = 13.5 → 13 (floored, as Keras does)
    (8, 3, 2, 1, 4),
    (3, 5, 1, 0, 0),     # the kernel does not fit
])
def test_output_size_formula(n, k, s, p, expected):
    assert conv.output_size(n, k, s, p) == expected
    if expected:
        assert conv.conv2d(np.ones((n, n)), np.ones((k, k)), s, p).shape == (expected, expected)


def test_six_maps_become_sixteen():
    maps = np.ones((12, 12, 6))
    kernels = np.ones((5, 5, 6, 16))
    out = conv.conv2d_channels(maps, kernels, bias=np.arange(16.0))
    assert out.shape == (8, 8, 16)
    assert out[0, 0, 0] == 5 * 5 * 6  # 150 products of 1 × 1, summed over all six maps
    assert out[3, 4, 15] == 150 + 15
    # …and it is the sum of six single-map convolutions
    rng = np.random.default_rng(0)
    maps, kernels = rng.normal(size=(12, 12, 6)), rng.normal(size=(5, 5, 6, 16))
    by_hand = sum(conv.conv2d(maps[:, :, c], kernels[:, :, c, 3]) for c in range(6))
    np.testing.assert_allclose(conv.conv2d_channels(maps, kernels)[:, :, 3], by_hand)


def test_lenet_shapes_pool_to_four_by_four_not_two():
    digit = np.zeros((28, 28))
    digit[6:22, 12:16] = 1.0
    c1 = conv.relu(conv.conv2d_channels(digit[:, :, None], conv.lenet_conv1_kernels()))
    p1 = pooling.pool_channels(c1, 2, mode="average")
    c2 = conv.relu(conv.conv2d_channels(p1, conv.lenet_conv2_kernels()))
    p2 = pooling.pool_channels(c2, 2, mode="average")
    assert (c1.shape, p1.shape, c2.shape, p2.shape) == ((24, 24, 6), (12, 12, 6), (8, 8, 16), (4, 4, 16))
    assert pooling.flatten(p2).shape == (256,)


def test_presets_have_both_sizes():
    for name, sizes in conv.PRESETS.items():
        assert conv.preset(name, 3).shape == (3, 3), name
        assert conv.preset(name, 5).shape == (5, 5), name
    assert conv.preset("blur", 3).sum() == pytest.approx(1.0)
    assert conv.preset("outline", 5)[2, 2] == 24 and conv.preset("outline", 5).sum() == 0


# ---------------------------------------------------------------- lesson 5: pooling, flatten, dropout
def test_document_pooling_example():
    assert pooling.pool2d(pooling.DOC_EXAMPLE, 2).tolist() == [[5, 9], [2, 9]]
    # average by hand: (1+5+0+3)/4, (9+5+8+3)/4, (2+1+0+1)/4, (9+6+0+2)/4
    assert pooling.pool2d(pooling.DOC_EXAMPLE, 2, mode="average").tolist() == [[2.25, 6.25], [1.0, 4.25]]
    # stride 1 (as document 002 writes it): 3×3 output, overlapping windows
    assert pooling.pool2d(pooling.DOC_EXAMPLE, 2, 1).tolist() == [[5, 9, 9], [3, 9, 9], [2, 9, 9]]


@pytest.mark.parametrize("n, size, stride, expected", [
    (4, 2, 2, 2), (26, 2, 2, 13), (11, 2, 2, 5), (24, 2, 2, 12), (8, 2, 2, 4), (26, 2, 1, 25), (5, 3, 2, 2),
])
def test_pooled_sizes(n, size, stride, expected):
    assert pooling.output_size(n, size, stride) == expected
    assert pooling.pool2d(np.ones((n, n)), size, stride).shape == (expected, expected)


def test_shift_moves_by_whole_pixels():
    image = np.arange(9.0).reshape(3, 3)
    assert pooling.shift(image, 1, 0).tolist() == [[0, 0, 0], [0, 1, 2], [3, 4, 5]]
    assert pooling.shift(image, 0, -1).tolist() == [[1, 2, 0], [4, 5, 0], [7, 8, 0]]
    assert pooling.unchanged_fraction(image, image + 0.5, 0.1) == 0.0


def test_flatten_order_and_size():
    x = np.arange(5 * 5 * 64).reshape(5, 5, 64)
    flat = pooling.flatten(x)
    assert flat.shape == (1600,)
    assert flat[:3].tolist() == [x[0, 0, 0], x[0, 0, 1], x[0, 0, 2]]  # channel fastest
    assert flat[64] == x[0, 1, 0]


def test_dropout_training_and_inference():
    x = np.full((100, 100), 2.0)
    mask = pooling.dropout_mask(x.shape, 0.5, seed=1)
    assert 0.47 < mask.mean() < 0.53
    trained = pooling.dropout(x, 0.5, mask, training=True)
    assert set(np.unique(trained)) == {0.0, 4.0}  # dropped → 0, kept → 2 / (1 − 0.5)
    assert trained.mean() == pytest.approx(x.mean(), rel=0.05)  # same on average
    assert np.array_equal(pooling.dropout(x, 0.5, mask, training=False), x)
    assert pooling.dropout_mask((10,), 0.0, seed=1).all()


# ---------------------------------------------------------------- lesson 6: softmax
def test_softmax_of_known_logits():
    np.testing.assert_allclose(sm.softmax(np.log([1.0, 2.0, 3.0, 4.0])), [0.1, 0.2, 0.3, 0.4])
    e = math.e
    np.testing.assert_allclose(sm.softmax([1.0, 2.0, 3.0]), np.array([e, e ** 2, e ** 3]) / (e + e ** 2 + e ** 3))
    assert sm.softmax(np.zeros(10)).tolist() == [0.1] * 10


def test_softmax_properties():
    z = np.array([2.0, -1.0, 0.5, 3.0])
    np.testing.assert_allclose(sm.softmax(z + 100.0), sm.softmax(z))  # adding a constant changes nothing
    np.testing.assert_allclose(sm.softmax(z, temperature=2.0), sm.softmax(z / 2.0))
    assert sm.softmax(z, temperature=0.05).argmax() == 3 and sm.softmax(z, temperature=0.05).max() > 0.999
    assert np.ptp(sm.softmax(z, temperature=1000.0)) < 0.01  # very hot → nearly uniform
    big = sm.softmax([1000.0, 0.0])  # no overflow
    assert np.isfinite(big).all() and big[0] == 1.0


def test_two_class_softmax_is_the_sigmoid():
    for z1, z2 in [(0.0, 0.0), (2.0, 0.0), (-1.5, 0.7), (3.0, 5.0)]:
        assert sm.softmax([z1, z2])[0] == pytest.approx(float(sm.sigmoid(z1 - z2)))
    assert float(sm.sigmoid(0.0)) == 0.5


def test_one_hot_and_cross_entropy():
    assert sm.to_categorical(2, 10).tolist() == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    p = np.array([0.1, 0.2, 0.3, 0.4])
    assert sm.cross_entropy(p, sm.to_categorical(3, 4)) == pytest.approx(-math.log(0.4))  # 0.916
    assert sm.cross_entropy(p, sm.to_categorical(0, 4)) == pytest.approx(math.log(10))  # 2.303
    assert sm.cross_entropy(np.array([0.0, 1.0]), sm.to_categorical(0, 2)) == pytest.approx(-math.log(1e-7))


# ---------------------------------------------------------------- lesson 7: gradient descent
def test_one_descent_step_by_hand():
    path = gd.descend_curve("bowl", 3.0, lr=0.1, steps=1)  # f' = 2(x − 1) = 4 → 3 − 0.1·4
    assert path.points[:, 0].tolist() == pytest.approx([3.0, 2.6])
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0])
    # at (0, 0): residuals 1, 3, 5 → ∂a = −2·(0 + 3 + 10)/3 = −26/3, ∂b = −2·(1 + 3 + 5)/3 = −6
    np.testing.assert_allclose(gd.mse_gradient(np.zeros(2), x, y), [-26 / 3, -6])
    step = gd.descend_line(x, y, [0.0, 0.0], lr=0.1, steps=1)
    np.testing.assert_allclose(step.end, [2.6 / 3, 0.6])
    assert step.losses[0] == pytest.approx((1 + 9 + 25) / 3)


def test_momentum_and_adam_steps_by_hand():
    mom = gd.descend_curve("bowl", 3.0, lr=0.1, steps=2, optimizer="momentum")
    # v1 = −0.4 → 2.6; g = 3.2, v2 = 0.9·(−0.4) − 0.32 = −0.68 → 1.92
    assert mom.points[:, 0].tolist() == pytest.approx([3.0, 2.6, 1.92])
    adam = gd.descend_curve("bowl", 3.0, lr=0.1, steps=1, optimizer="adam")
    assert adam.end[0] == pytest.approx(2.9, abs=1e-6)  # Adam's first step has the size of the rate


@pytest.mark.parametrize("optimizer, lr, steps", [("sgd", 0.02, 1000), ("momentum", 0.002, 1000), ("adam", 0.1, 1000)])
def test_descent_converges_to_least_squares(optimizer, lr, steps):
    x, y = regression.make_points(20, 1.0, seed=0)
    a, b = regression.least_squares(x, y)
    path = gd.descend_line(x, y, [-1.0, 5.0], lr, steps, optimizer)
    assert path.diverged_at is None
    np.testing.assert_allclose(path.end, [a, b], atol=2e-3)
    assert path.losses[-1] == pytest.approx(regression.sum_of_squares(x, y, a, b) / 20, rel=1e-5)


def test_divergence_is_detected_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow RuntimeWarning may escape
        bounce = gd.descend_curve("bowl", 3.0, lr=1.0, steps=50)  # x → 2 − x forever
        assert bounce.diverged_at is None and set(np.round(bounce.points[:, 0], 9)) == {3.0, -1.0}
        blown = gd.descend_curve("bowl", 3.0, lr=2.0, steps=50)  # |1 − 2·2| = 3 per step
        assert blown.diverged_at == 7 and np.isfinite(blown.points).all()
        cubic = gd.descend_curve("two_valleys", 2.0, lr=2.0, steps=100)
        assert cubic.diverged_at is not None and np.isfinite(cubic.losses).all()
        x, y = regression.make_points(20, 1.0, seed=0)
        line = gd.descend_line(x, y, [-1.0, 5.0], lr=0.0316, steps=500)
        assert line.diverged_at is not None


def test_line_descent_uses_the_same_loss_and_gradient():
    """descend_line's quick evaluation (from the least-squares line) equals mse / mse_gradient."""
    x, y = regression.make_points(12, 1.0, seed=3)
    evaluate = gd._line_loss_and_gradient(x, y)
    for theta in np.random.default_rng(0).normal(0.0, 5.0, size=(20, 2)):
        loss, gradient = evaluate(theta)
        assert loss == pytest.approx(gd.mse(theta, x, y), rel=1e-12)
        np.testing.assert_allclose(gradient, gd.mse_gradient(theta, x, y), rtol=1e-9, atol=1e-12)
    exact_x, exact_y = regression.make_points(12, 0.0, seed=0)  # points on the line: Q falls towards 0, never below
    path = gd.descend_line(exact_x, exact_y, [-0.5, 6.0], 0.02, 1000, "adam")
    assert np.all(path.losses > 0) and path.losses[-1] < 1e-6


@pytest.mark.parametrize("optimizer", list(gd.OPTIMIZERS))
def test_descent_per_parameter_equals_the_whole_vector_update(optimizer):
    """_descend updates each parameter on its own (the optimizers are elementwise): the same path as
    applying the update rule to the (2,) vector θ, step by step."""
    x, y = regression.make_points(12, 1.0, seed=1)
    path = gd.descend_line(x, y, [-0.5, 6.0], 0.01, 200, optimizer)
    assert path.diverged_at is None
    theta, state, expected = np.array([-0.5, 6.0]), {}, [np.array([-0.5, 6.0])]
    for _ in range(200):
        theta = gd.OPTIMIZERS[optimizer](theta, gd.mse_gradient(theta, x, y), state, 0.01)
        expected.append(theta)
    np.testing.assert_allclose(path.points, np.array(expected), rtol=1e-9, atol=1e-12)


def test_learning_rate_ladder_is_logarithmic():
    rates = gd.learning_rates()
    assert rates[0] == 0.0001 and 1.0 in rates and rates[-1] == 2.0
    ratios = np.array(rates[1:]) / np.array(rates[:-1])
    assert np.all((ratios > 1.2) & (ratios < 1.32))


# ---------------------------------------------------------------- the same numbers from Keras
@pytest.fixture(scope="module")
def keras():
    import keras as keras_module  # imports TensorFlow (~5–9 s, once for this module)

    return keras_module


def test_conv2d_matches_keras_conv2d(keras):
    rng = np.random.default_rng(3)
    maps = rng.normal(size=(10, 10, 3))
    kernels = rng.normal(size=(3, 3, 3, 4))
    bias = rng.normal(size=4)
    for stride in (1, 2):
        layer = keras.layers.Conv2D(4, (3, 3), strides=stride, padding="valid")
        layer.build((1, 10, 10, 3))
        layer.set_weights([kernels.astype("float32"), bias.astype("float32")])
        theirs = np.asarray(layer(maps[None].astype("float32")))[0]
        ours = conv.conv2d_channels(maps, kernels, bias, stride=stride)
        assert theirs.shape == ours.shape
        np.testing.assert_allclose(ours, theirs, atol=KERAS_TOLERANCE)


def test_conv2d_with_padding_matches_tf_nn_conv2d(keras):
    import tensorflow as tf

    image = conv.integer_grid()
    kernel = conv.preset("sobel_vertical", 5)
    for stride, pad in [(1, 2), (2, 1), (3, 0)]:
        theirs = tf.nn.conv2d(
            image[None, :, :, None].astype("float32"), kernel[:, :, None, None].astype("float32"),
            strides=stride, padding=[[0, 0], [pad, pad], [pad, pad], [0, 0]],
        ).numpy()[0, :, :, 0]
        np.testing.assert_allclose(conv.conv2d(image, kernel, stride, pad), theirs, atol=KERAS_TOLERANCE)


def test_pooling_matches_keras(keras):
    rng = np.random.default_rng(5)
    for x, size, stride in [(pooling.DOC_EXAMPLE.astype(float), 2, 2), (rng.normal(size=(9, 9)), 2, 1),
                            (rng.normal(size=(11, 11)), 3, 2)]:
        batch = x[None, :, :, None].astype("float32")
        mx = np.asarray(keras.layers.MaxPooling2D(size, strides=stride)(batch))[0, :, :, 0]
        av = np.asarray(keras.layers.AveragePooling2D(size, strides=stride)(batch))[0, :, :, 0]
        np.testing.assert_allclose(pooling.pool2d(x, size, stride, "max"), mx, atol=KERAS_TOLERANCE)
        np.testing.assert_allclose(pooling.pool2d(x, size, stride, "average"), av, atol=KERAS_TOLERANCE)


def test_flatten_matches_keras(keras):
    x = np.arange(2 * 3 * 4, dtype="float32").reshape(2, 3, 4)
    theirs = np.asarray(keras.layers.Flatten()(x[None]))[0]
    assert np.array_equal(pooling.flatten(x), theirs)


def test_dropout_matches_keras_scaling(keras):
    x = np.full((1, 1000), 3.0, dtype="float32")
    theirs = np.asarray(keras.layers.Dropout(0.25, seed=1)(x, training=True))
    assert set(np.unique(np.round(theirs, 5))) == {0.0, 4.0}  # kept values ×1/(1 − 0.25), like ours
    assert np.array_equal(np.asarray(keras.layers.Dropout(0.25)(x, training=False)), x)
    ours = pooling.dropout(x, 0.25, pooling.dropout_mask(x.shape, 0.25, seed=1), training=True)
    assert set(np.unique(np.round(ours, 5))) == {0.0, 4.0}


def test_softmax_and_cross_entropy_match_keras(keras):
    z = np.array([[1.5, -0.3, 0.0, 2.2, -4.0, 0.7, 0.1, 3.3, -1.0, 0.4]])
    theirs = np.asarray(keras.activations.softmax(z.astype("float32")))
    np.testing.assert_allclose(sm.softmax(z), theirs, atol=KERAS_TOLERANCE)
    layer = np.asarray(keras.layers.Softmax()(z.astype("float32")))
    np.testing.assert_allclose(sm.softmax(z), layer, atol=KERAS_TOLERANCE)
    t = keras.utils.to_categorical([7], 10)
    assert np.array_equal(sm.to_categorical([7], 10), t)
    loss = float(np.asarray(keras.losses.categorical_crossentropy(t, theirs))[0])
    assert sm.cross_entropy(sm.softmax(z[0]), t[0]) == pytest.approx(loss, abs=KERAS_TOLERANCE)


# Keras' Adam rounds β₂ = 0.999 to float32 in its bias correction (1 − β₂ off by 1.3e-5 relative),
# so its steps differ from exact arithmetic by ~1e-5 relative: hence rtol 1e-4 for Adam.
@pytest.mark.parametrize("name, keras_name, lr, rtol", [
    ("sgd", "SGD", 0.1, 1e-6), ("momentum", "SGD", 0.1, 1e-6), ("adam", "Adam", 0.3, 1e-4),
])
def test_optimizer_paths_match_keras(keras, name, keras_name, lr, rtol):
    kwargs = {"momentum": 0.9} if name == "momentum" else {}
    optimizer = getattr(keras.optimizers, keras_name)(learning_rate=lr, **kwargs)
    variable = keras.Variable(np.array([3.0, -2.0], dtype="float32"))
    theirs = []
    for _ in range(6):
        value = np.asarray(variable)
        gradient = 2.0 * (value - 1.0)  # the bowl (x − 1)² in both coordinates
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
        theirs.append(np.asarray(variable).copy())
    ours = gd.descend(lambda th: float(np.sum((th - 1.0) ** 2)), lambda th: 2.0 * (th - 1.0),
                      [3.0, -2.0], lr, 6, name)
    np.testing.assert_allclose(ours.points[1:], np.array(theirs), rtol=rtol, atol=KERAS_TOLERANCE)


# ---------------------------------------------------------------- the figures' plain dicts
def test_house_figure_is_plotlys_figure_converted_once():
    import plotly.graph_objects as go

    from core.charts.style import BASE_LAYOUT, figure

    data, layout = [{"type": "heatmap", "z": np.eye(3)}], {"height": 200}
    built = figure(data, layout)
    assert built.to_dict() is built.to_dict()  # made once, then only handed out
    plotly_way = go.Figure({"data": data, "layout": {**BASE_LAYOUT, **layout}}, _validate=False)
    assert built.to_dict() == plotly_way.to_dict()
    assert built.to_dict()["layout"]["template"]  # plotly's default template, as go.Figure writes it
    no_template = figure(data, {"template": {}})  # a chart that asks for none gets none
    assert no_template.to_dict()["layout"]["template"] == {}
    assert built.data[0].type == "heatmap" and built.layout.height == 200  # plotly's objects, made when read


@pytest.mark.parametrize("array", [
    np.arange(6.0).reshape(2, 3), np.arange(5, dtype=np.float32), np.arange(10), np.arange(3) * 100_000,
    np.arange(3) * 10**10, np.arange(4, dtype=np.uint64) * 70_000, np.array([True, False]), np.zeros(0),
    np.arange(12.0).reshape(3, 4)[:, ::2], np.arange(4, dtype=np.float16), np.array([1, 2], dtype=np.int16)])
def test_house_figure_encodes_arrays_as_plotly_does(array):
    """Arrays go to the browser as plotly's ``to_dict()`` writes them: base64 typed arrays, int64 narrowed
    to the smallest type that holds the values, anything else as it was."""
    import plotly.graph_objects as go

    from core.charts.style import BASE_LAYOUT, figure

    data = [{"type": "scatter", "x": array, "y": array, "text": ["a"] * len(array)}]
    ours = figure(data, {"height": 100}).to_dict()
    theirs = go.Figure({"data": data, "layout": {**BASE_LAYOUT, "height": 100}}, _validate=False).to_dict()
    for axis in ("x", "y"):
        mine, plotly_way = ours["data"][0][axis], theirs["data"][0][axis]
        assert type(mine) is type(plotly_way)
        assert mine == plotly_way if isinstance(mine, dict) else np.array_equal(mine, plotly_way)


def test_channels_figure_panels_titles_and_signs():
    from core.charts import convolution as charts

    rng = np.random.default_rng(1)
    inputs, kernels = rng.random((12, 12, 6)), rng.normal(size=(5, 5, 6))
    partials = conv.channel_partials(inputs, kernels[:, :, :, None])[:, :, :, 0]
    fig = charts.channels_figure(inputs, kernels, partials, ("in", "K", "parts"), "sum 1").to_dict()
    assert len(fig["data"]) == 3 * 6 + 1
    z = fig["data"][-1]["z"]  # as sent to the browser: base64 float64
    np.testing.assert_allclose(np.frombuffer(base64.b64decode(z["bdata"])).reshape(8, 8), partials.sum(axis=-1))  # the last panel is the sum
    layout = fig["layout"]
    sum_axis = fig["data"][-1]["xaxis"].replace("x", "xaxis")
    sum_title = next(a for a in layout["annotations"] if a["text"] == "<b>sum 1</b>")
    assert sum_title["x"] == pytest.approx(sum(layout[sum_axis]["domain"]) / 2)  # above the sum, not a part
    assert [a["text"] for a in layout["annotations"] if a.get("font", {}).get("size") == 22] == ["+"] * 5 + ["="]
    for trace in fig["data"]:  # every panel: square cells, row 0 on top
        y_axis = layout[trace["yaxis"].replace("y", "yaxis")]
        assert y_axis["scaleanchor"] == trace["xaxis"] and y_axis["autorange"] == "reversed"
