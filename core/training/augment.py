"""Augmentation that looks like digits drawn on the lab's canvas (after its MNIST-way preparation).

Each training image gets its own random affine warp (rotation, scale, shear, a small shift),
applied to a whole batch at once with bilinear sampling in numpy, and sometimes a stroke one
pixel thicker (2×2 dilation) or half a pixel thinner (half of a 2×2 erosion). Only the training
images change; the model stays the document's. Pure numpy, seeded: a rebuild is reproducible.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Augmentation:
    """Ranges of the random changes (uniform in ±range; probabilities for the stroke changes)."""

    rotation_deg: float = 12.0
    scale: float = 0.12  # zoom factor in 1 ± scale
    shear: float = 0.25  # x += shear · (y − centre): the slant of handwriting
    shift_px: float = 2.0
    thicker: float = 0.2  # probability of a stroke 1 px thicker
    thinner: float = 0.15  # probability of a stroke about ½ px thinner

    def describe(self) -> dict:
        """The recipe as plain values, for a model's JSON."""
        return asdict(self)


CANVAS_LIKE = Augmentation()


def recipe_values(recipe: dict) -> dict[str, str]:
    """A recipe (``Augmentation.describe()``, as in a model's JSON) → the numbers a sentence shows."""
    return {
        "rotation": f"{recipe['rotation_deg']:g}", "scale": f"{100 * recipe['scale']:g}",
        "shear": f"{recipe['shear']:g}", "shift": f"{recipe['shift_px']:g}",
        "thicker": f"{100 * recipe['thicker']:g}", "thinner": f"{100 * recipe['thinner']:g}",
    }


def affine_matrices(n: int, aug: Augmentation, rng: np.random.Generator) -> np.ndarray:
    """(n, 2, 2) random linear maps (rotation · shear · scale) from output to input coordinates."""
    angle = np.radians(rng.uniform(-aug.rotation_deg, aug.rotation_deg, n))
    zoom = rng.uniform(1 - aug.scale, 1 + aug.scale, n)
    shear = rng.uniform(-aug.shear, aug.shear, n)
    cos, sin = np.cos(angle), np.sin(angle)
    # forward map A = R · S · Z on (y, x); we sample the input at A⁻¹ · output
    forward = np.empty((n, 2, 2))
    forward[:, 0, 0] = cos
    forward[:, 0, 1] = -sin
    forward[:, 1, 0] = sin
    forward[:, 1, 1] = cos
    shear_m = np.zeros((n, 2, 2))
    shear_m[:, 0, 0] = 1.0
    shear_m[:, 1, 1] = 1.0
    shear_m[:, 1, 0] = shear  # x' = x + shear · y
    forward = forward @ shear_m * zoom[:, None, None]
    return np.linalg.inv(forward)


def warp(images: np.ndarray, inverse: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """(n, h, w) images, (n, 2, 2) inverse maps and (n, 2) shifts (y, x) → warped images.

    Bilinear sampling about the image centre; outside the image is 0 (background).
    """
    n, h, w = images.shape
    centre = np.array([(h - 1) / 2, (w - 1) / 2])
    yy, xx = np.mgrid[0:h, 0:w]
    grid = (np.stack([yy.ravel(), xx.ravel()], axis=0) - centre[:, None]).astype(np.float32)  # (2, h·w)
    source = inverse.astype(np.float32) @ (grid[None] - shifts[:, :, None].astype(np.float32))
    source += centre[None, :, None].astype(np.float32)  # (n, 2, h·w): where each output pixel samples
    y, x = source[:, 0], source[:, 1]
    y0, x0 = np.floor(y), np.floor(x)
    fy, fx = y - y0, x - x0
    # two pixels of background around: a corner clipped to [-2, h] reads only background when outside
    flat = np.pad(images, ((0, 0), (2, 2), (2, 2))).ravel()
    width = w + 4
    corner = (np.arange(n, dtype=np.int64)[:, None] * ((h + 4) * width)
              + (np.clip(y0, -2, h).astype(np.int64) + 2) * width + np.clip(x0, -2, w).astype(np.int64) + 2)
    top = flat.take(corner) * (1 - fx) + flat.take(corner + 1) * fx
    bottom = flat.take(corner + width) * (1 - fx) + flat.take(corner + width + 1) * fx
    out = top * (1 - fy) + bottom * fy
    return out.reshape(n, h, w).astype(images.dtype, copy=False)


def _neighbourhood(images: np.ndarray, reduce) -> np.ndarray:
    """2×2 max or min of each pixel with its right, lower and lower-right neighbours."""
    padded = np.pad(images, ((0, 0), (0, 1), (0, 1)))
    h, w = images.shape[1:]
    return reduce(reduce(padded[:, :h, :w], padded[:, 1:, :w]), reduce(padded[:, :h, 1:], padded[:, 1:, 1:]))


def augment_batch(images: np.ndarray, rng: np.random.Generator, aug: Augmentation = CANVAS_LIKE) -> np.ndarray:
    """(n, 28, 28[, 1]) float images in [0, 1] → randomly warped and re-stroked copies, same shape."""
    shape = images.shape
    batch = images.reshape(shape[0], shape[1], shape[2]).astype(np.float32)
    n = len(batch)
    inverse = affine_matrices(n, aug, rng)
    shifts = rng.uniform(-aug.shift_px, aug.shift_px, (n, 2))
    out = warp(batch, inverse, shifts)
    pick = rng.uniform(size=n)
    thicker = pick < aug.thicker
    thinner = (pick >= aug.thicker) & (pick < aug.thicker + aug.thinner)
    if thicker.any():
        out[thicker] = _neighbourhood(out[thicker], np.maximum)
    if thinner.any():
        out[thinner] = 0.5 * (out[thinner] + _neighbourhood(out[thinner], np.minimum))
    return np.clip(out, 0.0, 1.0).reshape(shape)


def augmented_batches(images, labels, batch_size: int, seed: int, aug: Augmentation = CANVAS_LIKE):
    """A keras PyDataset of shuffled batches, each image augmented afresh every epoch."""
    import keras

    class Augmented(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.order = self.rng.permutation(len(images))

        def __len__(self):
            return -(-len(images) // batch_size)

        def __getitem__(self, index):
            rows = self.order[index * batch_size:(index + 1) * batch_size]
            return augment_batch(images[rows], self.rng, aug), labels[rows]

        def on_epoch_end(self):
            self.order = self.rng.permutation(len(images))

    return Augmented()
