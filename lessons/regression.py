"""Lesson 1: fitting a straight line y = a·x + b by least squares (004, 1-1), and the aside on
solving 3x + 2y = 13, 5x + 3y = 21 by trying values (004, 参考).

Pure numpy; every array is 1-D with one entry per data point, shape (n,).
"""
from __future__ import annotations

import numpy as np

TRUE_A = 0.8
TRUE_B = 1.0


def make_points(n: int, noise: float, seed: int = 0,
                a: float = TRUE_A, b: float = TRUE_B) -> tuple[np.ndarray, np.ndarray]:
    """n noisy points around y = a·x + b with x spread over [0.5, 9.5] → (x (n,), y (n,)).

    The same seed always gives the same points (so the class sees the same picture).
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.5, 9.5, size=n))
    y = a * x + b + rng.normal(0.0, noise, size=n)
    return x, y


def predict(x: np.ndarray, a: float, b: float) -> np.ndarray:
    """The line's value a·x + b at every x, shape (n,)."""
    return a * np.asarray(x, dtype=float) + b


def residuals(x: np.ndarray, y: np.ndarray, a: float, b: float) -> np.ndarray:
    """Q_i = y_i − (a·x_i + b), shape (n,): positive when the point lies above the line."""
    return np.asarray(y, dtype=float) - predict(x, a, b)


def sum_of_squares(x: np.ndarray, y: np.ndarray, a: float, b: float) -> float:
    """Q_t = Σ_i {y_i − (a·x_i + b)}², the loss the document minimises."""
    return float(np.sum(residuals(x, y, a, b) ** 2))


def loss_grid(x: np.ndarray, y: np.ndarray, a_values: np.ndarray, b_values: np.ndarray) -> np.ndarray:
    """Q_t for every (a, b) pair: shape (len(b_values), len(a_values)), rows follow b."""
    a = np.asarray(a_values, dtype=float)[np.newaxis, :, np.newaxis]
    b = np.asarray(b_values, dtype=float)[:, np.newaxis, np.newaxis]
    r = np.asarray(y, dtype=float) - (a * np.asarray(x, dtype=float) + b)  # (nb, na, n)
    return np.sum(r ** 2, axis=-1)


def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The (a, b) with the smallest Q_t: a = S_xy / S_xx, b = ȳ − a·x̄.

    S_xy = Σ (x_i − x̄)(y_i − ȳ), S_xx = Σ (x_i − x̄)². Needs at least two different x values.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    s_xx = float(np.sum((x - x.mean()) ** 2))
    if s_xx == 0.0:
        raise ValueError("least squares needs at least two different x values")
    s_xy = float(np.sum((x - x.mean()) * (y - y.mean())))
    a = s_xy / s_xx
    return a, float(y.mean() - a * x.mean())


def least_squares_parts(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """x̄, ȳ, S_xy, S_xx and the resulting a, b (for writing the formula with numbers)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    a, b = least_squares(x, y)
    return {
        "x_mean": float(x.mean()), "y_mean": float(y.mean()),
        "s_xy": float(np.sum((x - x.mean()) * (y - y.mean()))),
        "s_xx": float(np.sum((x - x.mean()) ** 2)),
        "a": a, "b": b,
    }


# The aside: 3x + 2y = 13 … (1), 5x + 3y = 21 … (2), written as M · (x, y) = c.
SYSTEM_M = np.array([[3.0, 2.0], [5.0, 3.0]])
SYSTEM_C = np.array([13.0, 21.0])


def system_residuals(x: float, y: float) -> np.ndarray:
    """Left side minus right side of (1) and (2) at (x, y), shape (2,): both 0 at the answer."""
    return SYSTEM_M @ np.array([x, y], dtype=float) - SYSTEM_C


def solve_system() -> tuple[float, float]:
    """The exact answer of (1) and (2) by elimination (Cramer's rule): (3, 2)."""
    (p, q), (r, s) = SYSTEM_M
    det = p * s - q * r
    c1, c2 = SYSTEM_C
    return float((c1 * s - q * c2) / det), float((p * c2 - c1 * r) / det)


def substitution_steps() -> dict[str, float]:
    """The numbers of 004's working by substitution (代入法) of (1) a₁x + b₁y = c₁ into (2) a₂x + b₂y = c₂.

    (1) gives x = (c₁ − b₁y) ÷ a₁; put into (2) and multiplied by a₁: a₂(c₁ − b₁y) + a₁b₂y = a₁c₂,
    i.e. a₂c₁ − a₂b₁y + a₁b₂y = a₁c₂, so y = (a₁c₂ − a₂c₁) / (a₁b₂ − a₂b₁); then x from (1).
    For 3x + 2y = 13, 5x + 3y = 21: 5(13 − 2y) + 9y = 63, 65 − 10y + 9y = 63, y = 2, 3x + 4 = 13, x = 3.
    """
    (a1, b1), (a2, b2) = SYSTEM_M
    c1, c2 = SYSTEM_C
    y = (a1 * c2 - a2 * c1) / (a1 * b2 - a2 * b1)
    return {"a1": a1, "b1": b1, "c1": c1, "a2": a2, "b2": b2, "c2": c2,
            "a2c1": a2 * c1, "a2b1": a2 * b1, "a1b2": a1 * b2, "a1c2": a1 * c2,
            "y_coef": a1 * b2 - a2 * b1, "right": a1 * c2 - a2 * c1, "y": y,
            "b1y": b1 * y, "a1x": c1 - b1 * y, "x": (c1 - b1 * y) / a1}
