"""core.lab.explain and core.lab.catalog against facts one can check by hand or with Keras (figures: test_charts_lab)."""
import math

import numpy as np
import pytest

from core import data
from core.lab import explain
from core.lab import inference
from core.lab import catalog as lab_models
from models import zoo

FEATURE_SHAPES = {
    "lenet5": {"conv1": (24, 24, 6), "pool1": (12, 12, 6), "conv2": (8, 8, 16), "pool2": (4, 4, 16)},
    "keras_mnist_cnn": {"conv1": (26, 26, 32), "conv2": (24, 24, 64), "pool1": (12, 12, 64)},
    "qiita_cnn": {"conv1": (26, 26, 32), "pool1": (25, 25, 32)},
    "three_conv": {"conv1": (28, 28, 16), "pool1": (14, 14, 16), "conv2": (12, 12, 128), "pool2": (6, 6, 128),
                   "conv3": (4, 4, 256), "pool3": (2, 2, 256)},
    "colab_cnn": {"conv1": (26, 26, 32), "pool1": (13, 13, 32), "conv2": (11, 11, 64), "pool2": (5, 5, 64)},
}
HIDDEN_DENSE = {"lenet5": ["dense1", "dense2"], "keras_mnist_cnn": ["dense1"], "qiita_cnn": ["dense1"],
                "three_conv": ["dense1"], "colab_cnn": []}


@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist()


@pytest.fixture(scope="module")
def colab():
    return inference.load_pretrained("colab_cnn")


@pytest.fixture(scope="module")
def seven(mnist):
    """Test image 0: a 7, as float32 in [0, 1]."""
    assert mnist.y_test[0] == 7
    return mnist.x_test[0].astype(np.float32) / 255.0


# ------------------------------------------------------------------ feature maps and layers

@pytest.mark.parametrize("key", list(zoo.REGISTRY))
def test_feature_map_shapes_of_every_registry_model(key, seven):
    model = zoo.build(key)
    outputs = explain.layer_outputs(model, seven)
    assert explain.feature_layer_names(model) == list(FEATURE_SHAPES[key])
    assert {name: outputs[name].shape for name in FEATURE_SHAPES[key]} == FEATURE_SHAPES[key]
    assert explain.hidden_dense_names(model) == HIDDEN_DENSE[key]
    assert outputs["output"].shape == (10,)
    assert outputs["output"].sum() == pytest.approx(1.0, abs=1e-5)
    # the sub-model is built once per model and reused
    assert explain.activation_model(model) is explain.activation_model(model)


def test_layer_outputs_agree_with_the_model_and_keras_layers(colab, seven):
    outputs = explain.layer_outputs(colab, seven)
    direct = inference.predict_proba(colab, seven[None])[0]
    np.testing.assert_allclose(outputs["output"], direct, atol=1e-6)
    # max pooling 2×2: pool1[0, 0] is the max of conv1's top-left 2×2 block, per channel
    np.testing.assert_allclose(outputs["pool1"][0, 0], outputs["conv1"][:2, :2].max(axis=(0, 1)), atol=1e-6)
    assert (outputs["conv1"] >= 0).all()  # ReLU


def test_first_layer_filters_are_the_conv1_kernels(colab):
    kernels, biases = explain.first_layer_filters(colab)
    assert kernels.shape == (3, 3, 32) and biases.shape == (32,)
    np.testing.assert_array_equal(kernels[:, :, 5], np.asarray(colab.get_layer("conv1").kernel)[:, :, 0, 5])


# ------------------------------------------------------------------ one pixel's sum

def test_explained_pixel_matches_keras_on_the_first_and_second_conv_layer(colab, seven):
    outputs = explain.layer_outputs(colab, seven)
    rng = np.random.default_rng(0)
    for layer in ("conv1", "conv2"):
        maps = outputs[layer]
        strongest = np.unravel_index(maps.argmax(), maps.shape)
        random_cells = [tuple(rng.integers(s) for s in maps.shape) for _ in range(20)]
        for row, col, channel in [strongest, *random_cells]:
            pixel = explain.explain_pixel(colab, outputs, seven, layer, channel, row, col)
            assert pixel.value == pytest.approx(float(maps[row, col, channel]), abs=1e-4)
        assert pixel.kernel.shape == pixel.patch.shape == ((3, 3, 1) if layer == "conv1" else (3, 3, 32))
    pixel = explain.explain_pixel(colab, outputs, seven, "conv1", *strongest_of(outputs["conv1"]))
    assert pixel.value > 0.1  # the strongest pixel is a real response, not a ReLU zero
    # conv1 reads the image itself: the patch is the 3×3 block of pixels at (row, col)
    np.testing.assert_array_equal(pixel.patch[:, :, 0], seven[pixel.row:pixel.row + 3, pixel.col:pixel.col + 3])


def strongest_of(maps):
    row, col, channel = np.unravel_index(maps.argmax(), maps.shape)
    return channel, row, col


def test_explained_pixel_with_same_padding_by_hand():
    """A 3×3 all-ones kernel, bias 0.5, padding "same": the corner pixel sums a 2×2 block plus zeros."""
    import keras

    model = keras.Sequential([keras.Input((28, 28, 1)),
                              keras.layers.Conv2D(1, 3, padding="same", activation="linear", name="conv1"),
                              keras.layers.Flatten(name="flatten"),
                              keras.layers.Dense(10, activation="softmax", name="output")])
    conv = model.get_layer("conv1")
    conv.set_weights([np.ones((3, 3, 1, 1), np.float32), np.array([0.5], np.float32)])
    image = np.zeros((28, 28), np.float32)
    image[0, 0], image[0, 1], image[1, 0], image[1, 1], image[2, 2] = 0.1, 0.2, 0.3, 0.4, 1.0
    outputs = explain.layer_outputs(model, image)
    corner = explain.explain_pixel(model, outputs, image, "conv1", 0, 0, 0)
    assert (corner.top, corner.left) == (-1, -1)  # the patch starts in the zero padding
    assert corner.weighted_sum == pytest.approx(0.1 + 0.2 + 0.3 + 0.4)
    assert corner.total == pytest.approx(1.5) == pytest.approx(float(outputs["conv1"][0, 0, 0]))
    middle = explain.explain_pixel(model, outputs, image, "conv1", 0, 1, 1)
    assert middle.total == pytest.approx(2.0 + 0.5)
    assert middle.total == pytest.approx(float(outputs["conv1"][1, 1, 0]), abs=1e-6)


def test_explain_pixel_refuses_a_pooling_layer(colab, seven):
    outputs = explain.layer_outputs(colab, seven)
    with pytest.raises(ValueError):
        explain.explain_pixel(colab, outputs, seven, "pool1", 0, 0, 0)


# ------------------------------------------------------------------ why this answer

def test_log_odds_by_hand():
    scores = np.log(np.array([[0.1, 0.3, 0.6]]))
    assert explain.log_odds(scores, 2)[0] == pytest.approx(math.log(0.6 / 0.4))
    assert explain.log_odds(scores, 0)[0] == pytest.approx(math.log(0.1 / 0.9))
    # a near-certain answer does not round to "no information"
    assert explain.log_odds(np.array([[40.0, 0.0, 0.0]]), 0)[0] == pytest.approx(40 - math.log(2))


def test_logits_reproduce_the_softmax_output(colab, mnist):
    images = mnist.x_test[:8].astype(np.float32) / 255.0
    scores = explain.logits(colab, images)
    softmax = np.exp(scores - scores.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax, inference.predict_proba(colab, images), atol=1e-5)


def test_occlusion_of_blank_background_changes_nothing(colab, seven):
    size = 4
    attribution = explain.occlusion_map(colab, seven, 7, size=size)
    assert attribution.shape == (28, 28)
    ink = seven > 0
    near_ink = np.zeros_like(ink)
    for r, c in zip(*np.nonzero(ink)):
        near_ink[max(0, r - size + 1):r + size, max(0, c - size + 1):c + size] = True
    assert (attribution[~near_ink] == 0).all()  # every square covering these pixels is blank
    assert attribution[ink].sum() > 0  # hiding the 7's strokes makes "7" less likely overall
    assert (explain.occlusion_map(colab, np.zeros((28, 28), np.float32), 7) == 0).all()


def test_occlusion_with_stride_2_is_the_mean_drop_over_the_squares_covering_a_pixel(colab, seven):
    size, stride = 4, 2
    attribution = explain.occlusion_map(colab, seven, 7, size=size, stride=stride)
    row, col = (int(v) for v in np.unravel_index(np.abs(attribution).argmax(), attribution.shape))
    starts = list(range(0, 28 - size + 1, stride))  # 0, 2, …, 24: the last square ends at 28
    before = explain.log_odds(explain.logits(colab, seven[None]), 7)[0]
    drops = []
    for r in (r for r in starts if r <= row < r + size):
        for c in (c for c in starts if c <= col < c + size):
            hidden = seven.copy()
            hidden[r:r + size, c:c + size] = 0
            drops.append(before - explain.log_odds(explain.logits(colab, hidden[None]), 7)[0])
    assert len(drops) in (1, 2, 4)  # a pixel lies under one or two squares along each axis
    assert attribution[row, col] == pytest.approx(np.mean(drops), rel=1e-4, abs=1e-6)
    with pytest.raises(ValueError):
        explain.occlusion_map(colab, seven, 7, size=2, stride=3)  # pixels would be skipped


def test_occlusion_value_is_the_mean_drop_over_covering_squares(colab, seven):
    """Recompute one pixel of the map by hand: 1×1 squares, so the map is each pixel's own drop."""
    attribution = explain.occlusion_map(colab, seven, 7, size=1, stride=1)
    row, col = np.unravel_index(np.abs(attribution).argmax(), attribution.shape)
    hidden = seven.copy()
    hidden[row, col] = 0
    before = explain.log_odds(explain.logits(colab, seven[None]), 7)[0]
    after = explain.log_odds(explain.logits(colab, hidden[None]), 7)[0]
    assert attribution[row, col] == pytest.approx(before - after, rel=1e-4, abs=1e-6)


def test_gradient_times_input_matches_finite_differences(colab, seven):
    attribution = explain.gradient_x_input(colab, seven, 7)
    assert attribution.shape == (28, 28)
    assert (attribution[seven == 0] == 0).all()
    row, col = np.unravel_index(np.abs(attribution).argmax(), attribution.shape)
    eps = 1e-3
    up, down = seven.copy(), seven.copy()
    up[row, col] += eps
    down[row, col] -= eps
    scores = explain.logits(colab, np.stack([up, down]))
    slope = (explain.log_odds(scores[:1], 7)[0] - explain.log_odds(scores[1:], 7)[0]) / (2 * eps)
    assert attribution[row, col] == pytest.approx(slope * seven[row, col], rel=0.05)


# ------------------------------------------------------------------ the test set

def test_confusion_matrix_small_case_by_hand():
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 0, 2, 0])
    matrix = explain.confusion_matrix(y_true, y_pred, classes=3)
    np.testing.assert_array_equal(matrix, [[1, 1, 0], [0, 1, 0], [2, 0, 1]])
    np.testing.assert_array_equal(explain.misclassified_indices(y_true, y_pred), [1, 3, 5])
    np.testing.assert_array_equal(explain.cell_indices(y_true, y_pred, 2, 0), [3, 5])
    assert explain.worst_cell(matrix) == (2, 0)
    # labels stored as bytes (the studio keeps predictions so) must not wrap around in the counting
    wide = explain.confusion_matrix(np.array([29, 1], np.uint8), np.array([29, 28], np.uint8), classes=30)
    assert wide[29, 29] == 1 and wide[1, 28] == 1 and wide.sum() == 2


def test_confusion_matrix_of_colab_cnn_on_the_test_set(colab, mnist):
    probabilities = explain.predict_all(colab, mnist.x_test)
    assert probabilities.shape == (10000, 10)
    # batches of 1000 give what one batch gives
    np.testing.assert_allclose(probabilities[:300],
                               inference.predict_proba(colab, mnist.x_test[:300].astype(np.float32) / 255), atol=1e-6)
    predicted = probabilities.argmax(axis=1)
    matrix = explain.confusion_matrix(mnist.y_test, predicted)
    accuracy = float((predicted == mnist.y_test).mean())
    assert matrix.sum() == 10000
    assert np.trace(matrix) / 10000 == pytest.approx(accuracy)
    np.testing.assert_array_equal(matrix.sum(axis=1), np.bincount(mnist.y_test, minlength=10))
    assert abs(accuracy - zoo.pretrained_meta("colab_cnn")["test_accuracy"]) <= 0.001
    assert len(explain.misclassified_indices(mnist.y_test, predicted)) == 10000 - np.trace(matrix)


# ------------------------------------------------------------------ which models the pages offer

def test_model_options_and_defaults(tmp_path, monkeypatch):
    (tmp_path / "qiita_cnn.keras").write_bytes(b"x")
    monkeypatch.setattr(lab_models, "PRETRAINED_DIR", tmp_path)
    trained = {"mine": {"model": None, "key": "lenet5", "test_accuracy": 0.97, "config": {}}}
    choices = lab_models.options(trained)
    assert choices == [*zoo.REGISTRY, "trained:mine"]
    assert lab_models.default_index(choices) == choices.index("qiita_cnn")  # the only shipped one
    (tmp_path / "colab_cnn.keras").write_bytes(b"x")
    assert lab_models.default_index(choices) == choices.index("colab_cnn")
    assert lab_models.weights_stamp("lenet5") is None
    assert lab_models.architecture("trained:mine", trained) == "lenet5"
    assert lab_models.recorded_accuracy("trained:mine", trained) == pytest.approx(0.97)


# ------------------------------------------------------------------ the lab's side-by-side table

def test_an_ensemble_answers_as_each_model_does_alone(colab, seven):
    lenet = zoo.build("lenet5")  # untrained: its answers differ from colab's, so a mix-up would show
    together = inference.ensemble([colab, lenet])
    images = np.stack([seven, np.flipud(seven)])  # two ways of one drawing, read in one call
    both = inference.ensemble_proba(together, images)
    assert both.shape == (2, 2, 10)
    np.testing.assert_allclose(both[0], inference.predict_proba(colab, images), atol=1e-5)
    np.testing.assert_allclose(both[1], inference.predict_proba(lenet, images), atol=1e-5)
    assert inference.prediction_ms(colab, repeats=2) > 0
