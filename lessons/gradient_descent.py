"""Lesson 7: gradient descent (004 3-9) and the optimizers the documents use (SGD, momentum, Adam).

One step of plain gradient descent:  θ ← θ − η · ∇Q(θ)   (η = learning rate):
we move AGAINST the gradient, because the gradient points uphill.
Pure numpy; a parameter vector θ has shape (d,): d = 1 for a curve, d = 2 for (a, b) of a line.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from lessons import regression

# ---------------------------------------------------------------- 1-D curves
CURVES: dict[str, tuple[Callable, Callable]] = {
    # name: (f(x), f'(x))
    "bowl": (lambda x: (x - 1.0) ** 2, lambda x: 2.0 * (x - 1.0)),
    "two_valleys": (lambda x: x ** 4 / 4 - x ** 2 + 0.3 * x + 1.5, lambda x: x ** 3 - 2.0 * x + 0.3),
}
CURVE_RANGES = {"bowl": (-4.0, 6.0), "two_valleys": (-2.5, 2.5)}


# ---------------------------------------------------------------- the line of lesson 1
def mse(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error Q_t / n of the line a·x + b, θ = (a, b); n points x (n,), y (n,)."""
    a, b = theta
    return float(np.mean((y - (a * x + b)) ** 2))


def mse_gradient(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(2,): ∂/∂a = −2·mean(r·x), ∂/∂b = −2·mean(r), with residuals r = y − (a·x + b)."""
    a, b = theta
    r = y - (a * x + b)
    return np.array([-2.0 * np.mean(r * x), -2.0 * np.mean(r)])


def mse_surface(x: np.ndarray, y: np.ndarray, a_values: np.ndarray, b_values: np.ndarray) -> np.ndarray:
    """Q_t / n over a grid: shape (len(b_values), len(a_values)), rows follow b."""
    return regression.loss_grid(x, y, a_values, b_values) / len(x)


# ---------------------------------------------------------------- optimizers (Keras' update rules)
def sgd_step(theta, g, state, lr):
    """θ ← θ − η·g."""
    return theta - lr * g


def momentum_step(theta, g, state, lr, momentum=0.9):
    """Keras SGD(momentum=0.9): v ← 0.9·v − η·g; θ ← θ + v (v remembers past steps)."""
    state["v"] = momentum * state.get("v", 0.0) - lr * g
    return theta + state["v"]


def adam_step(theta, g, state, lr, beta1=0.9, beta2=0.999, epsilon=1e-7):
    """Keras Adam: running means m of g and v of g², bias-corrected; each parameter its own step size."""
    t = state["t"] = state.get("t", 0) + 1
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
    step = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return theta - step * state["m"] / (np.sqrt(state["v"]) + epsilon)


OPTIMIZERS = {"sgd": sgd_step, "momentum": momentum_step, "adam": adam_step}


@dataclass(frozen=True)
class Path:
    """Where descent went: points (t + 1, d) from the start, losses (t + 1,), and when it blew up."""

    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None  # first step whose loss exploded (None: it did not)

    @property
    def end(self) -> np.ndarray:
        return self.points[-1]


def is_exploding(loss: float, start_loss: float, theta) -> bool:
    """Divergence: loss or θ no longer finite, or the loss a million times the starting loss."""
    return not math.isfinite(loss) or not all(map(math.isfinite, theta)) or loss > 1e6 * (start_loss + 1.0)


def descend(loss: Callable, gradient: Callable, start, lr: float, steps: int,
            optimizer: str = "sgd") -> Path:
    """Run ``steps`` updates from ``start`` (d,); stop early, flagged, when the loss explodes.
    ``loss`` and ``gradient`` take θ as a (d,) array."""
    return _descend(lambda theta: (loss(np.array(theta)), gradient(np.array(theta))), start, lr, steps, optimizer)


def _descend(evaluate: Callable, start, lr: float, steps: int, optimizer: str) -> Path:
    """``descend`` with θ → (loss, gradient) from one function (one evaluation per point visited).

    SGD, momentum and Adam update each parameter on its own (each has its own v, m), so θ is kept
    as a list of numpy float scalars, one update per parameter: ~10× cheaper than (2,) arrays,
    and a slider move runs up to 3 × 1000 steps."""
    theta = list(np.asarray(start, dtype=float).reshape(-1))
    value, g = evaluate(theta)
    points, losses = [theta], [value]
    states: list[dict] = [{} for _ in theta]
    update = OPTIMIZERS[optimizer]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            theta = [update(p, gp, state, lr) for p, gp, state in zip(theta, g, states)]
            value, g = evaluate(theta)
            if is_exploding(value, losses[0], theta):
                return Path(np.array(points, dtype=float), np.array(losses), diverged_at=t)
            points.append(theta)
            losses.append(value)
    return Path(np.array(points, dtype=float), np.array(losses), diverged_at=None)


def descend_curve(name: str, x0: float, lr: float, steps: int, optimizer: str = "sgd") -> Path:
    """Descent on one of the 1-D CURVES from x0; points (t + 1, 1)."""
    f, df = CURVES[name]
    return descend(lambda th: float(f(th[0])), lambda th: np.array([df(th[0])]), [x0], lr, steps, optimizer)


def descend_line(x: np.ndarray, y: np.ndarray, start, lr: float, steps: int, optimizer: str = "sgd") -> Path:
    """Fit a·x + b to points x (n,), y (n,) by descent on the mean squared error; points (t + 1, 2)."""
    return _descend(_line_loss_and_gradient(np.asarray(x, dtype=float), np.asarray(y, dtype=float)),
                    start, lr, steps, optimizer)


def _line_loss_and_gradient(x: np.ndarray, y: np.ndarray) -> Callable:
    """θ = (a, b) → (mse, mse_gradient) in a few float operations instead of a pass over the points
    (a slider move runs up to 3 × 1000 steps).

    With (a*, b*) the least-squares line and Δa = a − a*, Δb = b − b*, the cross terms vanish and
    Q(a, b) = Q(a*, b*) + (Δa·x̄ + Δb)² + Δa²·var(x): a sum of parts ≥ 0, exact even when Q is tiny.
    """
    x_var = float(np.mean((x - x.mean()) ** 2))
    if x_var == 0.0:  # all points above one x: no least-squares line, so the plain formulas
        return lambda theta: (mse(np.array(theta), x, y), mse_gradient(np.array(theta), x, y))
    a_star, b_star = regression.least_squares(x, y)
    q_star, x_mean = mse(np.array([a_star, b_star]), x, y), float(x.mean())

    def loss_and_gradient(theta) -> tuple[float, tuple[float, float]]:
        da, db = theta[0] - a_star, theta[1] - b_star
        u = da * x_mean + db
        return q_star + u * u + da * da * x_var, (2.0 * (u * x_mean + da * x_var), 2.0 * u)

    return loss_and_gradient


R10 = (1.0, 1.25, 1.6, 2.0, 2.5, 3.15, 4.0, 5.0, 6.3, 8.0)  # preferred numbers: ten steps of ≈ ×1.26 per decade


def learning_rates() -> list[float]:
    """A log-scale ladder 0.0001 … 2.0 of round numbers (…, 0.01, 0.0125, 0.016, 0.02, …, 0.5, …, 1, …)."""
    ladder = [float(f"{r * 10.0 ** e:.6g}") for e in range(-4, 0) for r in R10]
    return ladder + [1.0, 1.25, 1.6, 2.0]
