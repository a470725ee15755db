"""Filling a class gallery with template drawings prepared the lab's way (page and browser tests)."""
import numpy as np

from core import gallery
from core.lab import preprocess
from bench.harness.drawings import template_drawing


def fill(store: gallery.Gallery, per_digit: int, seed: int = 0) -> list[int]:
    """``per_digit`` template drawings of each digit (0 first), sent to ``store``; their ids."""
    rng = np.random.default_rng(seed)
    ids = []
    for digit in range(10):
        for _ in range(per_digit):
            canvas = template_drawing(digit, rng)
            ids.append(store.add(preprocess.canvas_to_mnist(canvas), digit, canvas))
    return ids


# ---------------------------------------------------------------- a real Keras model whose answers are known by hand

READ_ROW = 2  # ink at (READ_ROW, 2 + 2k) makes the ink reader answer k


def ink_reader():
    """A real Keras model (Flatten → Dense softmax) with set weights: it answers k for a drawing whose
    only weighted ink is the pixel (READ_ROW, 2 + 2k); ink elsewhere weighs nothing."""
    import keras

    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    kernel = np.zeros((784, 10), dtype=np.float32)
    for k in range(10):
        kernel[READ_ROW * 28 + 2 + 2 * k, k] = 10.0
    model.layers[-1].set_weights([kernel, np.zeros(10, dtype=np.float32)])
    return model


def ink_drawing(read_as: int, variant: int) -> np.ndarray:
    """A 28×28 uint8 drawing the ink reader reads as ``read_as``; ``variant`` (0–399) moves an unweighted
    mark in the lower half so that two drawings read alike are still different drawings."""
    image = np.zeros((28, 28), dtype=np.uint8)
    image[READ_ROW, 2 + 2 * read_as] = 255
    image[8 + variant // 20, 4 + variant % 20] = 200
    return image
