"""Lesson 6: softmax, one-hot labels and cross-entropy (004 3-7, 3-8; to_categorical in 000–004).

softmax: y_k = exp(z_k / T) / Σ_j exp(z_j / T), T = temperature (Keras' softmax is T = 1).
Pure numpy; a vector of scores ("logits") has shape (n,), a batch (N, n).
"""
from __future__ import annotations

import numpy as np

EPSILON = 1e-7  # Keras clips probabilities to [ε, 1 − ε] before taking the log


def softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """(..., n) scores → (..., n) probabilities that sum to 1 along the last axis.

    Subtracting the largest score first changes nothing (it cancels in the fraction) but
    keeps exp() from overflowing.
    """
    z = np.asarray(z, dtype=float) / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """σ(x) = 1 / (1 + exp(−x)), elementwise."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def to_categorical(labels: np.ndarray | int, classes: int = 10) -> np.ndarray:
    """Integer labels (N,) → one-hot (N, classes), like keras.utils.to_categorical (2 → 0,0,1,0,…)."""
    return np.eye(classes)[np.asarray(labels)]


def cross_entropy(p: np.ndarray, t: np.ndarray) -> float:
    """Categorical cross-entropy −Σ_k t_k log p_k of one (n,) prediction and one-hot (n,) target."""
    p = np.clip(np.asarray(p, dtype=float), EPSILON, 1.0 - EPSILON)
    return float(-np.sum(np.asarray(t, dtype=float) * np.log(p)))
