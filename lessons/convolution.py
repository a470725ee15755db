"""Lesson 4: convolution, the operation inside Conv2D (004 3-3, 000 LeNet-5).

A kernel (k × k numbers) slides over the image; at each position the covered patch is
multiplied cell by cell with the kernel and summed:  out[i, j] = Σ_u Σ_v x[i·s + u, j·s + v] · K[u, v].
Like Keras, the kernel is not flipped (mathematicians call this cross-correlation).
Pure numpy; images are 2-D (H, W), stacks of maps are (H, W, C) as in Keras (channels last).
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lessons import pooling


def output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """Side of the output: ⌊(n + 2p − k) / s⌋ + 1 (0 when the kernel does not fit)."""
    room = n + 2 * padding - k
    return room // stride + 1 if room >= 0 else 0


def pad(image: np.ndarray, padding: int) -> np.ndarray:
    """(H, W) → (H + 2p, W + 2p): a border of p zeros all round."""
    return np.pad(np.asarray(image, dtype=float), padding)


def window(image: np.ndarray, k: int, row: int, col: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """The (k, k) patch of the padded image under output cell (row, col)."""
    x = pad(image, padding)
    top, left = row * stride, col * stride
    return x[top:top + k, left:left + k]


def patches(image: np.ndarray, k: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """(H', W', k, k): the patch of the padded image under every output cell (``window`` of each)."""
    return sliding_window_view(pad(image, padding), (k, k))[::stride, ::stride]


def conv2d(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """(H, W) image, (k, k) kernel → (H', W') feature map, H' = ⌊(H + 2p − k)/s⌋ + 1."""
    kernel = np.asarray(kernel, dtype=float)
    k = kernel.shape[0]
    height = output_size(image.shape[0], k, stride, padding)
    width = output_size(image.shape[1], k, stride, padding)
    if not height or not width:
        return np.zeros((height, width))
    # every patch multiplied cell by cell with the kernel, then added up (all windows at once)
    return np.einsum("ijuv,uv->ij", patches(image, k, stride, padding), kernel)


def conv2d_channels(maps: np.ndarray, kernels: np.ndarray, bias: np.ndarray | None = None,
                    stride: int = 1, padding: int = 0) -> np.ndarray:
    """(H, W, C_in) maps, (k, k, C_in, C_out) kernels, (C_out,) bias → (H', W', C_out).

    Output map o = Σ_c conv2d(maps[:, :, c], kernels[:, :, c, o]) + bias[o]:
    one kernel per (input map, output map) pair, the C_in results summed (Keras' kernel layout).
    """
    return channel_partials(maps, kernels, stride, padding).sum(axis=2) + (0.0 if bias is None else bias)


def channel_partials(maps: np.ndarray, kernels: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """(H', W', C_in, C_out): conv2d(maps[:, :, c], kernels[:, :, c, o]) for every pair (c, o), before summing."""
    k = kernels.shape[0]
    padded = np.pad(np.asarray(maps, dtype=float), ((padding, padding), (padding, padding), (0, 0)))
    windows = sliding_window_view(padded, (k, k), axis=(0, 1))[::stride, ::stride]  # (H', W', C_in, k, k)
    return np.einsum("ijcuv,uvco->ijco", windows, np.asarray(kernels, dtype=float))


def relu(x: np.ndarray) -> np.ndarray:
    """max(0, x) elementwise (activation='relu')."""
    return np.maximum(x, 0.0)


# Kernel presets, each in a 3×3 and a 5×5 version (names are i18n keys: lesson_4.kernel_<name>).
PRESETS: dict[str, dict[int, np.ndarray]] = {
    "identity": {
        3: np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
        5: np.pad([[1]], 2),
    },
    "edge_vertical": {  # dark on the left, bright on the right → positive
        3: np.array([[-1, 0, 1]] * 3),
        5: np.array([[-1, -1, 0, 1, 1]] * 5),
    },
    "edge_horizontal": {  # dark above, bright below → positive
        3: np.array([[-1, 0, 1]] * 3).T,
        5: np.array([[-1, -1, 0, 1, 1]] * 5).T,
    },
    "sobel_vertical": {
        3: np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
        5: np.outer([1, 4, 6, 4, 1], [-1, -2, 0, 2, 1]),
    },
    "sobel_horizontal": {
        3: np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]).T,
        5: np.outer([1, 4, 6, 4, 1], [-1, -2, 0, 2, 1]).T,
    },
    "blur": {  # Gaussian 3×3 (sums to 1), box 5×5 (25 × 0.04)
        3: np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
        5: np.full((5, 5), 0.04),
    },
    "sharpen": {  # the centre minus its neighbours (sums to 1)
        3: np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
        5: np.array([[0, 0, -1, 0, 0], [0, 0, -1, 0, 0], [-1, -1, 9, -1, -1],
                     [0, 0, -1, 0, 0], [0, 0, -1, 0, 0]]),
    },
    "emboss": {
        3: np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
        5: np.array([[-2, -2, -1, 0, 0], [-2, -1, -1, 0, 0], [-1, -1, 1, 1, 1],
                     [0, 0, 1, 1, 2], [0, 0, 1, 2, 2]]),
    },
    "outline": {  # Laplacian-like: bright where a pixel differs from its neighbours
        3: np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
        5: 25 * np.pad([[1]], 2) - np.ones((5, 5)),  # centre 24, the rest −1
    },
}


def preset(name: str, size: int) -> np.ndarray:
    """The (size, size) float kernel of a preset name."""
    return np.asarray(PRESETS[name][size], dtype=float)


def integer_grid() -> np.ndarray:
    """An (8, 8) hand-sized image of a "7" in small integers, easy to check by hand."""
    return np.array([
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 2, 9, 9, 9, 9, 2, 0],
        [0, 0, 0, 0, 1, 9, 2, 0],
        [0, 0, 0, 0, 5, 8, 0, 0],
        [0, 0, 0, 1, 9, 2, 0, 0],
        [0, 0, 0, 6, 7, 0, 0, 0],
        [0, 0, 0, 9, 3, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
    ], dtype=float)


# LeNet-5 as document 000 builds it for MNIST, with example weights (not trained ones):
# conv1 = six of the 5×5 presets, conv2 = sixteen seeded random 5×5×6 kernels.
LENET_CONV1 = ("edge_vertical", "edge_horizontal", "sobel_vertical", "blur", "sharpen", "outline")


def lenet_conv1_kernels() -> np.ndarray:
    """(5, 5, 1, 6): the six example first-layer kernels, each scaled to unit size."""
    kernels = [preset(name, 5) / np.abs(preset(name, 5)).sum() for name in LENET_CONV1]
    return np.stack(kernels, axis=-1)[:, :, np.newaxis, :]


def lenet_conv2_kernels(seed: int = 4) -> np.ndarray:
    """(5, 5, 6, 16): sixteen example second-layer kernels, each 5×5×6 (seeded, so repeatable)."""
    return np.random.default_rng(seed).normal(0.0, 0.2, size=(5, 5, 6, 16))


def enlarge_to_28(grid: np.ndarray) -> np.ndarray:
    """An (8, 8) integer grid → a (28, 28) image in [0, 1]: each cell 3×3 pixels, 2-pixel border."""
    grid = np.asarray(grid, dtype=float)
    top = grid.max() if grid.max() > 0 else 1.0
    return np.pad(np.kron(np.clip(grid, 0, None) / top, np.ones((3, 3))), 2)[:28, :28]


def half_ink_window(image: np.ndarray, k: int, stride: int = 1, padding: int = 0) -> tuple[int, int]:
    """The first output cell whose k×k window holds about half the most ink any window holds
    (a window on the edge of a stroke: a lively place to start looking)."""
    ink = conv2d(np.abs(image), np.ones((k, k)), stride, padding)
    row, col = np.unravel_index(int(np.argmin(np.abs(ink - ink.max() / 2))), ink.shape)
    return int(row), int(col)


def lenet_maps(image28: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LeNet-5 of 000 with the example weights on a (28, 28) image in [0, 1]: (12, 12, 6) after
    conv1 + average pooling, (4, 4, 16) after conv2 + average pooling."""
    maps1 = relu(conv2d_channels(image28[:, :, None], lenet_conv1_kernels()))  # 24×24×6
    pooled1 = pooling.pool_channels(maps1, 2, mode="average")  # 12×12×6
    maps2 = relu(conv2d_channels(pooled1, lenet_conv2_kernels()))  # 8×8×16
    return pooled1, pooling.pool_channels(maps2, 2, mode="average")  # 4×4×16
