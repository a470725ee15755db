"""Lesson 5: pooling, flatten and dropout (004 3-4, 3-5, 3-6; 000's average pooling).

Pooling slides a size × size window with a stride (Keras: stride = pool size unless given,
padding "valid") and keeps one number per window: the largest (max) or the mean (average).
Pure numpy; maps are (H, W), stacks of maps (H, W, C) as in Keras.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# The 4×4 example of document 004 (3-4); 2×2 max pooling gives [[5, 9], [2, 9]].
DOC_EXAMPLE = np.array([
    [1, 5, 9, 5],
    [0, 3, 8, 3],
    [2, 1, 9, 6],
    [0, 1, 0, 2],
])


def output_size(n: int, size: int, stride: int) -> int:
    """Side of the pooled map: ⌊(n − size) / stride⌋ + 1 (leftover rows/columns are dropped)."""
    return (n - size) // stride + 1 if n >= size else 0


def pool_window(x: np.ndarray, size: int, stride: int, row: int, col: int) -> np.ndarray:
    """The (size, size) window of x that output cell (row, col) looks at."""
    top, left = row * stride, col * stride
    return np.asarray(x, dtype=float)[top:top + size, left:left + size]


def pool2d(x: np.ndarray, size: int = 2, stride: int | None = None, mode: str = "max") -> np.ndarray:
    """(H, W) → (H', W'), H' = ⌊(H − size)/stride⌋ + 1; mode "max" or "average"."""
    stride = size if stride is None else stride
    x = np.asarray(x, dtype=float)
    height, width = output_size(x.shape[0], size, stride), output_size(x.shape[1], size, stride)
    if not height or not width:
        return np.zeros((height, width))
    windows = sliding_window_view(x, (size, size))[::stride, ::stride]  # (H', W', size, size): every window
    return windows.max(axis=(2, 3)) if mode == "max" else windows.mean(axis=(2, 3))


def pool_channels(maps: np.ndarray, size: int = 2, stride: int | None = None, mode: str = "max") -> np.ndarray:
    """(H, W, C) → (H', W', C): every map pooled on its own."""
    return np.stack([pool2d(maps[:, :, c], size, stride, mode) for c in range(maps.shape[2])], axis=-1)


def shift(image: np.ndarray, down: int = 0, right: int = 0) -> np.ndarray:
    """The same (H, W) image moved down/right by whole pixels (negative: up/left), zeros let in."""
    image = np.asarray(image, dtype=float)
    out = np.zeros_like(image)
    h, w = image.shape
    src_rows = slice(max(0, -down), min(h, h - down))
    dst_rows = slice(max(0, down), min(h, h + down))
    src_cols = slice(max(0, -right), min(w, w - right))
    dst_cols = slice(max(0, right), min(w, w + right))
    out[dst_rows, dst_cols] = image[src_rows, src_cols]
    return out


def unchanged_fraction(a: np.ndarray, b: np.ndarray, tolerance: float) -> float:
    """Share of cells where two same-shaped maps differ by at most ``tolerance``."""
    return float(np.mean(np.abs(np.asarray(a) - np.asarray(b)) <= tolerance))


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """How alike two same-shaped maps are: Σ a·b / √(Σ a² · Σ b²) (cosine: 1 = same pattern, 0 = none)."""
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    norm = np.sqrt(np.sum(a * a) * np.sum(b * b))
    return float(np.sum(a * b) / norm) if norm > 0 else 0.0


def flatten(x: np.ndarray) -> np.ndarray:
    """(H, W, C) → (H·W·C,), in Keras' order: channel fastest, then column, then row."""
    return np.asarray(x).reshape(-1)


def dropout_mask(shape: tuple[int, ...], rate: float, seed: int) -> np.ndarray:
    """Boolean mask of ``shape``: each unit is dropped (False) with probability ``rate``."""
    return np.random.default_rng(seed).random(shape) >= rate


def dropout(x: np.ndarray, rate: float, mask: np.ndarray, training: bool) -> np.ndarray:
    """Keras' inverted dropout: training → x·mask / (1 − rate); inference → x unchanged.

    Scaling the survivors by 1/(1 − rate) keeps the expected sum the same in both modes.
    """
    if not training or rate == 0:
        return np.asarray(x, dtype=float)
    return np.where(mask, x, 0.0) / (1.0 - rate)
