"""Looking inside a Keras CNN: feature maps, filters, one pixel's sum, "why this answer", test-set errors.

Everything takes a built Keras model of the zoo's shape (layers conv1, pool1, …, output = Dense
softmax) and numpy images of shape (28, 28) float32 in [0, 1]. Keras / TensorFlow are imported
only inside the functions that need them, so importing this module stays instant.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

CONV_KINDS = ("Conv2D",)
POOL_KINDS = ("MaxPooling2D", "AveragePooling2D")

# Sub-models built once per model object (they go away with the model).
_ACTIVATION_MODELS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_PENULTIMATE_MODELS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_GRADIENT_FUNCTIONS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_HIDDEN_FUNCTIONS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


# ---------------------------------------------------------------- layers and activations

def layer_kind(model, name: str) -> str:
    """The Keras class name of a layer, e.g. "Conv2D"."""
    return type(model.get_layer(name)).__name__


def feature_layer_names(model) -> list[str]:
    """Names of the convolution and pooling layers, in order (their outputs are feature maps)."""
    return [layer.name for layer in model.layers if type(layer).__name__ in CONV_KINDS + POOL_KINDS]


def conv_layer_names(model) -> list[str]:
    """Names of the convolution layers, in order."""
    return [layer.name for layer in model.layers if type(layer).__name__ in CONV_KINDS]


def hidden_dense_names(model) -> list[str]:
    """Names of the Dense layers before the output layer (their outputs are activations bars)."""
    return [layer.name for layer in model.layers[:-1] if type(layer).__name__ == "Dense"]


def activation_model(model):
    """A Keras model giving every layer's output for one input; built once per model."""
    sub = _ACTIVATION_MODELS.get(model)
    if sub is None:
        import keras

        sub = keras.Model(model.inputs, [layer.output for layer in model.layers])
        _ACTIVATION_MODELS[model] = sub
    return sub


def warm_up(model) -> None:
    """Build and trace what the page uses on one model (all layers' outputs, logits, gradient), once, up front.

    Tracing takes a tenth of a second each; done when the model is first shown, it is not paid again
    later by whoever first opens a tab or switches a method.
    """
    blank = np.zeros((28, 28), dtype=np.float32)
    layer_outputs(model, blank)
    logits(model, blank[None])
    gradient_x_input(model, blank, 0)


def layer_outputs(model, image: np.ndarray) -> dict[str, np.ndarray]:
    """(28, 28) image → {layer name: its output without the batch axis}, e.g. conv1 → (26, 26, 32)."""
    batch = np.asarray(image, dtype=np.float32).reshape(1, 28, 28, 1)
    outputs = activation_model(model).predict_on_batch(batch)
    return {layer.name: np.asarray(out[0]) for layer, out in zip(model.layers, outputs)}


def previous_layer(model, name: str) -> str | None:
    """The layer whose output ``name`` receives in a Sequential model (None: it gets the image)."""
    index = [layer.name for layer in model.layers].index(name)
    return model.layers[index - 1].name if index > 0 else None


def layer_input(model, outputs: dict[str, np.ndarray], image: np.ndarray, name: str) -> np.ndarray:
    """What a layer of a Sequential model received: the image (28, 28, 1) or the previous output."""
    before = previous_layer(model, name)
    if before is None:
        return np.asarray(image, dtype=np.float32).reshape(28, 28, 1)
    return outputs[before]


def first_layer_filters(model) -> tuple[np.ndarray, np.ndarray]:
    """The first convolution's kernels on the grey channel (k, k, n) and their biases (n,)."""
    conv = model.get_layer(conv_layer_names(model)[0])
    kernel = np.asarray(conv.kernel)  # (k, k, 1, n)
    return kernel[:, :, 0, :], np.asarray(conv.bias)


# ---------------------------------------------------------------- one pixel of a feature map

@dataclass(frozen=True)
class PixelSum:
    """How one pixel (row, col) of feature map ``channel`` of a conv layer was computed.

    kernel and patch are (kh, kw, channels in); products = kernel × patch; per_channel (channels in,)
    sums the products of each input channel; total = products.sum() + bias; value = activation(total).
    top, left: the patch's first input pixel (it may lie in the zero padding when negative).
    """

    layer: str
    channel: int
    row: int
    col: int
    kernel: np.ndarray
    patch: np.ndarray
    bias: float
    activation: str
    top: int
    left: int

    @property
    def products(self) -> np.ndarray:
        return self.kernel * self.patch

    @property
    def per_channel(self) -> np.ndarray:
        return self.products.sum(axis=(0, 1))

    @property
    def weighted_sum(self) -> float:
        return float(self.products.sum(dtype=np.float64))

    @property
    def total(self) -> float:
        return self.weighted_sum + self.bias

    @property
    def value(self) -> float:
        if self.activation == "relu":
            return max(0.0, self.total)
        if self.activation == "linear":
            return self.total
        raise ValueError(f"activation {self.activation!r} is not explained here")


def _padding_before(size: int, kernel: int, stride: int, padding: str) -> int:
    """Zeros Keras adds before the first row (or column): 0 for "valid", half the excess for "same"."""
    if padding == "valid":
        return 0
    out = -(-size // stride)
    return max((out - 1) * stride + kernel - size, 0) // 2


def explain_pixel(model, outputs, image, layer: str, channel: int, row: int, col: int) -> PixelSum:
    """The kernel, input patch and bias behind outputs[layer][row, col, channel] of a Conv2D layer."""
    conv = model.get_layer(layer)
    if type(conv).__name__ not in CONV_KINDS:
        raise ValueError(f"{layer} is not a convolution")
    if tuple(conv.dilation_rate) != (1, 1):
        raise ValueError("dilated convolutions are not explained here")
    source = layer_input(model, outputs, image, layer)  # (H, W, C)
    kernel = np.asarray(conv.kernel)[:, :, :, channel]  # (kh, kw, C)
    kh, kw = kernel.shape[:2]
    sh, sw = conv.strides
    top = row * sh - _padding_before(source.shape[0], kh, sh, conv.padding)
    left = col * sw - _padding_before(source.shape[1], kw, sw, conv.padding)
    patch = np.zeros_like(kernel)
    for i in range(kh):
        for j in range(kw):
            r, c = top + i, left + j
            if 0 <= r < source.shape[0] and 0 <= c < source.shape[1]:
                patch[i, j] = source[r, c]
    bias = float(np.asarray(conv.bias)[channel]) if conv.use_bias else 0.0
    activation = conv.get_config()["activation"]
    return PixelSum(layer, channel, row, col, kernel, patch, bias, activation, top, left)


# ---------------------------------------------------------------- "why this answer?"

def _penultimate_model(model):
    """A Keras model giving the output layer's input (built once per model)."""
    sub = _PENULTIMATE_MODELS.get(model)
    if sub is None:
        import keras

        sub = keras.Model(model.inputs, model.layers[-1].input)
        _PENULTIMATE_MODELS[model] = sub
    return sub


def _hidden_function(model):
    """A traced TensorFlow function (N, 28, 28, 1) → the output layer's input, for any N; once per model.

    One trace for every batch size: occlusion sends a different number of squares for every image,
    and Keras' predict_on_batch would trace again (a tenth of a second) for new sizes.
    """
    function = _HIDDEN_FUNCTIONS.get(model)
    if function is None:
        import tensorflow as tf

        penultimate = _penultimate_model(model)

        @tf.function(input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32)])
        def function(x):
            return penultimate(x, training=False)

        _HIDDEN_FUNCTIONS[model] = function
    return function


def logits(model, images: np.ndarray) -> np.ndarray:
    """(N, 28, 28) images → (N, 10) scores before softmax: output layer's input @ W + b (float64)."""
    batch = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1)
    hidden = np.asarray(_hidden_function(model)(batch), dtype=np.float64)
    output = model.layers[-1]
    return hidden @ np.asarray(output.kernel, dtype=np.float64) + np.asarray(output.bias, dtype=np.float64)


def log_odds(scores: np.ndarray, target: int) -> np.ndarray:
    """log(p / (1 - p)) of class ``target`` for (N, 10) scores: its score minus the others' logsumexp.

    Unlike p itself it does not saturate at 1.0, so a confident answer still shows what it rests on.
    """
    others = np.delete(scores, target, axis=1)
    top = others.max(axis=1, keepdims=True)
    return scores[:, target] - (top[:, 0] + np.log(np.exp(others - top).sum(axis=1)))


def occlusion_map(model, image: np.ndarray, target: int, size: int = 4, stride: int = 2,
                  batch_size: int = 256) -> np.ndarray:
    """(28, 28) map: how much hiding the pixel (a size×size black square around it) lowers the log-odds of target.

    Positive: that ink pushed the network towards ``target``; negative: it pushed away from it.
    The square moves ``stride`` pixels at a time (2: a quarter of the predictions of 1, and every
    pixel still under several squares); each pixel gets the mean change over the squares covering
    it. Squares over blank background change nothing and are not even computed.
    """
    if not 1 <= stride <= size:
        raise ValueError("the stride must be between 1 and the square's size, or pixels are skipped")
    image = np.asarray(image, dtype=np.float32).reshape(28, 28)
    starts = list(range(0, 28 - size + 1, stride))
    if starts[-1] != 28 - size:
        starts.append(28 - size)  # the last rows and columns are covered too
    change = np.zeros((28, 28))
    covers = np.zeros((28, 28))  # how many squares cover each pixel
    for r in starts:
        for c in starts:
            covers[r:r + size, c:c + size] += 1
    positions = [(r, c) for r in starts for c in starts if image[r:r + size, c:c + size].any()]
    if not positions:
        return change
    base = log_odds(logits(model, image[None]), target)[0]
    for start in range(0, len(positions), batch_size):
        chunk = positions[start:start + batch_size]
        hidden = np.repeat(image[None], len(chunk), axis=0)
        for k, (r, c) in enumerate(chunk):
            hidden[k, r:r + size, c:c + size] = 0.0
        drops = base - log_odds(logits(model, hidden), target)
        for (r, c), drop in zip(chunk, drops):
            change[r:r + size, c:c + size] += drop
    return change / covers


def _gradient_function(model):
    """A traced TensorFlow function (image, target) → ∂ log-odds(target) / ∂ image; built once per model."""
    function = _GRADIENT_FUNCTIONS.get(model)
    if function is None:
        import tensorflow as tf

        penultimate = _penultimate_model(model)
        output = model.layers[-1]

        @tf.function(reduce_retracing=True)
        def function(x, target):
            with tf.GradientTape() as tape:
                tape.watch(x)
                scores = tf.matmul(penultimate(x, training=False), output.kernel)[0] + output.bias
                others = tf.tensor_scatter_nd_update(scores, [[target]], [-float("inf")])
                score = tf.gather(scores, target) - tf.reduce_logsumexp(others)
            return tape.gradient(score, x)

        _GRADIENT_FUNCTIONS[model] = function
    return function


def gradient_x_input(model, image: np.ndarray, target: int) -> np.ndarray:
    """(28, 28) map: input × ∂ log-odds(target) / ∂ input. Positive ink pushed towards ``target``."""
    import tensorflow as tf

    x = np.asarray(image, dtype=np.float32).reshape(1, 28, 28, 1)
    gradient = _gradient_function(model)(tf.constant(x), tf.constant(target, dtype=tf.int32))
    return gradient.numpy().reshape(28, 28) * x.reshape(28, 28)


# ---------------------------------------------------------------- the whole test set

def predict_all(model, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """(N, 28, 28) uint8 or float images → (N, 10) probabilities, in batches of ``batch_size``."""
    images = np.asarray(images)
    scale = 255.0 if images.dtype == np.uint8 else 1.0
    parts = []
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size].astype(np.float32).reshape(-1, 28, 28, 1) / scale
        parts.append(np.asarray(model.predict_on_batch(batch), dtype=np.float32))
    return np.concatenate(parts) if parts else np.zeros((0, 10), dtype=np.float32)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int = 10) -> np.ndarray:
    """(classes, classes) counts: row = true label, column = predicted label."""
    y_true, y_pred = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)  # uint8 labels would wrap
    counts = np.bincount(y_true * classes + y_pred, minlength=classes * classes)
    return counts.reshape(classes, classes)


def misclassified_indices(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Indices where the prediction differs from the label (as in document 002)."""
    return np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))


def cell_indices(y_true: np.ndarray, y_pred: np.ndarray, true: int, pred: int) -> np.ndarray:
    """Indices of the images with label ``true`` that the model read as ``pred``."""
    return np.flatnonzero((np.asarray(y_true) == true) & (np.asarray(y_pred) == pred))


def worst_cell(matrix: np.ndarray) -> tuple[int, int]:
    """(true, predicted) of the largest off-diagonal count: the model's most common mistake."""
    off = np.array(matrix, copy=True)
    np.fill_diagonal(off, -1)
    true, pred = np.unravel_index(np.argmax(off), off.shape)
    return int(true), int(pred)
