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
