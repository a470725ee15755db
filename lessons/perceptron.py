"""Lesson 2: the perceptron (004, 1-2) and the activation functions step, sigmoid and ReLU.

A neuron adds up its inputs times their weights and subtracts the threshold θ:
a = x1·w1 + x2·w2 + … − θ, then outputs f(a). Pure numpy; x and w have shape (k,).
"""
from __future__ import annotations

import numpy as np


def linear_sum(x: np.ndarray, w: np.ndarray, theta: float) -> float:
    """a = Σ_i x_i·w_i − θ for one neuron; x, w shape (k,)."""
    return float(np.dot(np.asarray(x, dtype=float), np.asarray(w, dtype=float)) - theta)


def step(a):
    """1 where a > 0 (the sum beats the threshold), else 0; same shape as a."""
    return np.where(np.asarray(a, dtype=float) > 0, 1.0, 0.0)


def sigmoid(a):
    """σ(a) = 1 / (1 + e^(−a)), between 0 and 1; same shape as a (no overflow warnings)."""
    a = np.asarray(a, dtype=float)
    return np.exp(-np.logaddexp(0.0, -a))


def relu(a):
    """ReLU(a) = max(0, a): 0 for negative a, a itself otherwise; same shape as a."""
    return np.maximum(0.0, np.asarray(a, dtype=float))


def step_slope(a):
    """Slope of the step function: 0 everywhere (undefined at a = 0), so it cannot guide learning."""
    return np.zeros_like(np.asarray(a, dtype=float))


def sigmoid_slope(a):
    """σ'(a) = σ(a)·(1 − σ(a)); largest (0.25) at a = 0."""
    s = sigmoid(a)
    return s * (1.0 - s)


def relu_slope(a):
    """ReLU'(a) = 1 for a > 0, 0 for a < 0 (we use 0 at a = 0, as Keras does)."""
    return np.where(np.asarray(a, dtype=float) > 0, 1.0, 0.0)


ACTIVATIONS = {
    "step": (step, step_slope),
    "sigmoid": (sigmoid, sigmoid_slope),
    "relu": (relu, relu_slope),
}


def neuron(x: np.ndarray, w: np.ndarray, theta: float, activation: str = "step") -> float:
    """Output f(Σ x_i·w_i − θ) of one neuron with the named activation."""
    function, _ = ACTIVATIONS[activation]
    return float(function(linear_sum(x, w, theta)))


# The four corners of the unit square and what each logic gate answers there.
CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATES = {
    "AND": np.array([0.0, 0.0, 0.0, 1.0]),
    "OR": np.array([0.0, 1.0, 1.0, 1.0]),
    "XOR": np.array([0.0, 1.0, 1.0, 0.0]),
}


def gate_outputs(w1: float, w2: float, theta: float) -> np.ndarray:
    """Step-perceptron output at the four corners, shape (4,), in the order of CORNERS."""
    return step(CORNERS @ np.array([w1, w2]) - theta)


def gate_mistakes(gate: str, w1: float, w2: float, theta: float) -> int:
    """How many of the four corners the perceptron answers differently from the gate."""
    return int(np.sum(gate_outputs(w1, w2, theta) != GATES[gate]))


def decision_line(w1: float, w2: float, theta: float, x1: np.ndarray) -> np.ndarray | None:
    """x2 on the line w1·x1 + w2·x2 = θ for each x1, shape (n,); None when w2 = 0 (vertical line)."""
    if w2 == 0:
        return None
    return (theta - w1 * np.asarray(x1, dtype=float)) / w2
