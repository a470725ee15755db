"""Lesson 0: looking at MNIST — pixel values, normalisation, class counts, average digits.

Images are uint8 arrays (N, 28, 28): 0 = background, 255 = full ink. Labels are (N,) in 0–9.
Pure numpy.
"""
from __future__ import annotations

import numpy as np


def class_counts(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """How many images of each digit, shape (classes,)."""
    return np.bincount(np.asarray(labels, dtype=np.int64), minlength=classes)


def mean_images(images: np.ndarray, labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """The average image of each digit in 0–255, shape (classes, 28, 28) float32 (zeros if none)."""
    means = np.zeros((classes,) + images.shape[1:], dtype=np.float32)
    for digit in range(classes):
        chosen = images[labels == digit]
        if len(chosen):
            means[digit] = chosen.mean(axis=0, dtype=np.float32)
    return means


def indices_of(labels: np.ndarray, digit: int | None) -> np.ndarray:
    """Positions of the images showing `digit` (all positions when digit is None), shape (m,)."""
    if digit is None:
        return np.arange(len(labels))
    return np.flatnonzero(labels == digit)


def pixel_summary(image: np.ndarray) -> dict[str, float]:
    """Smallest, largest, mean value and the number of inked (non-zero) pixels of one image."""
    return {
        "min": float(image.min()), "max": float(image.max()),
        "mean": float(image.mean()), "inked": int(np.count_nonzero(image)),
    }
