"""Lesson 3: the 9 → 3 → 2 network of 004 (1-3, 1-4) that tells ○ from × on 3×3 images.

Pixels x1 … x9 are read row by row (x1 top left, x9 bottom right). Hidden neuron j:
a_j = Σ_k x_k·w_jk − θ_j, y_j = σ(a_j). Output neuron i: z_i = Σ_j y_j·v_ij − φ_i, out_i = σ(z_i);
out_0 is the "○ score" (○判定度) and out_1 the "× score" (×判定度). Pure numpy.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lessons.perceptron import sigmoid

MARU = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)   # 学習データ2 of 004
BATSU = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float)  # 学習データ1 of 004
TARGETS = {"maru": np.array([1.0, 0.0]), "batsu": np.array([0.0, 1.0])}

# 004's hidden-layer table: for each of y1, y2, y3 a 3×3 block of weights, one per pixel.
DOC_HIDDEN_W = np.array([
    [[1.0, 0.1, 0.2], [0.0, 0.9, 0.1], [0.1, 0.3, 0.1]],  # y1
    [[0.1, 0.1, 0.2], [0.0, 0.2, 0.1], [0.1, 0.9, 1.0]],  # y2
    [[0.1, 0.1, 0.9], [0.0, 0.1, 1.0], [0.1, 0.2, 0.1]],  # y3
]).reshape(3, 9)
# The document leaves the hidden thresholds blank. Our choice: about half of each neuron's weight
# total (2.8, 2.7, 2.6), so a neuron sits near 0.5 when half of its weighted pixels carry ink.
DOC_HIDDEN_THETA = np.array([1.4, 1.4, 1.3])
# 004's output-layer table: z1 (○) weights 0.1, 1.0, 0.9, θ = 0.7; z2 (×) weights 1.0, 0.3, 0.1, θ = 0.6.
DOC_OUTPUT_W = np.array([[0.1, 1.0, 0.9], [1.0, 0.3, 0.1]])
DOC_OUTPUT_THETA = np.array([0.7, 0.6])


@dataclass(frozen=True)
class Params:
    """Weights and thresholds: w (3, 9), theta (3,) for the hidden layer; v (2, 3), phi (2,) for the output."""

    w: np.ndarray
    theta: np.ndarray
    v: np.ndarray
    phi: np.ndarray

    def as_list(self) -> list[np.ndarray]:
        return [self.w, self.theta, self.v, self.phi]


def document_params(hidden_theta: np.ndarray | None = None) -> Params:
    """The starting point: 004's weight tables (copies), with our hidden thresholds unless given."""
    theta = DOC_HIDDEN_THETA if hidden_theta is None else np.asarray(hidden_theta, dtype=float)
    return Params(DOC_HIDDEN_W.copy(), theta.copy(), DOC_OUTPUT_W.copy(), DOC_OUTPUT_THETA.copy())


@dataclass(frozen=True)
class Forward:
    """Every intermediate value of a forward pass for N images: a, y (N, 3); z, out (N, 2)."""

    a: np.ndarray
    y: np.ndarray
    z: np.ndarray
    out: np.ndarray


def forward(x: np.ndarray, p: Params) -> Forward:
    """Run images x (N, 9) — or one (9,) / (3, 3) image, treated as N = 1 — through the network."""
    x = np.asarray(x, dtype=float).reshape(-1, 9)
    a = x @ p.w.T - p.theta
    y = sigmoid(a)
    z = y @ p.v.T - p.phi
    return Forward(a=a, y=y, z=z, out=sigmoid(z))


def loss(x: np.ndarray, t: np.ndarray, p: Params) -> float:
    """Mean squared error E = mean over images of ½ Σ_i (out_i − t_i)²; x (N, 9), t (N, 2)."""
    out = forward(x, p).out
    return float(np.mean(0.5 * np.sum((out - t) ** 2, axis=1)))


def loss_and_gradients(x: np.ndarray, t: np.ndarray, p: Params) -> tuple[float, Params]:
    """E (as in `loss`) and dE/d(every parameter) by the chain rule (backpropagation), from one forward pass."""
    x = np.asarray(x, dtype=float).reshape(-1, 9)
    f = forward(x, p)
    n = x.shape[0]
    delta_out = (f.out - t) * f.out * (1.0 - f.out) / n      # dE/dz, (N, 2)
    delta_hidden = (delta_out @ p.v) * f.y * (1.0 - f.y)      # dE/da, (N, 3)
    return float(np.mean(0.5 * np.sum((f.out - t) ** 2, axis=1))), Params(
        w=delta_hidden.T @ x,              # (3, 9)
        theta=-delta_hidden.sum(axis=0),   # a = … − θ, so dE/dθ = −dE/da
        v=delta_out.T @ f.y,               # (2, 3)
        phi=-delta_out.sum(axis=0),
    )


def gradients(x: np.ndarray, t: np.ndarray, p: Params) -> Params:
    """dE/d(every parameter) by the chain rule (backpropagation); same shapes as p."""
    return loss_and_gradients(x, t, p)[1]


def train(x: np.ndarray, t: np.ndarray, p: Params, learning_rate: float, epochs: int) -> tuple[Params, np.ndarray]:
    """Plain gradient descent on all images at once, `epochs` times → (new params, loss per epoch (epochs,))."""
    losses = np.empty(epochs)
    params = p.as_list()
    for epoch in range(epochs):
        losses[epoch], grads = loss_and_gradients(x, t, Params(*params))
        params = [value - learning_rate * grad for value, grad in zip(params, grads.as_list())]
    return Params(*params), losses


def make_dataset(copies: int, noise: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """○ and × plus `copies` noisy variants of each → images (N, 9), targets (N, 2), N = 2·(1 + copies).

    A variant has one random pixel flipped (0 ↔ 1), then every pixel moved by up to ±noise and
    clipped to [0, 1], like a smudged drawing.
    """
    rng = np.random.default_rng(seed)
    images, targets = [], []
    for name, pattern in (("maru", MARU), ("batsu", BATSU)):
        images.append(pattern.reshape(9))
        targets.append(TARGETS[name])
        for _ in range(copies):
            image = pattern.reshape(9).copy()
            flip = rng.integers(9)
            image[flip] = 1.0 - image[flip]
            image = np.clip(image + rng.uniform(-noise, noise, size=9), 0.0, 1.0)
            images.append(image)
            targets.append(TARGETS[name])
    return np.array(images), np.array(targets)


def accuracy(x: np.ndarray, t: np.ndarray, p: Params) -> float:
    """Share of images whose larger output is the right one (○ score vs × score)."""
    out = forward(x, p).out
    return float(np.mean(np.argmax(out, axis=1) == np.argmax(t, axis=1)))
