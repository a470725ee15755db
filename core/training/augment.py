"""Augmentation that looks like digits drawn on the lab's canvas (after its MNIST-way preparation).

Upright 1s sometimes get a flag first (the "1" many students write; MNIST's 1s are mostly plain
strokes, so every model read a flagged 1 as 7). Each training image gets its own random affine
warp (rotation, shear, aspect; a share made much narrower), is then placed as the lab places a
drawing (core.lab.preprocess: longer side 20 px, centre of mass at (14, 14)) with a little jitter,
all with bilinear sampling in numpy for a whole batch at once, and sometimes gets a stroke one
pixel thicker (2×2 dilation) or half a pixel thinner (half of a 2×2 erosion); a contrast stretch
then undoes the blur of resampling. Only the training images change; the model stays the
document's. Pure numpy, seeded: a rebuild is reproducible.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Augmentation:
    """Ranges of the random changes (uniform in ±range; probabilities for the stroke changes).

    With ``renormalise`` each warped digit is then placed as the lab places a drawing (longer side
    of its ink 20 px, centre of mass at pixel (14, 14)), and ``scale``/``shift_px`` only jitter
    that placement a little; without it they scale and shift the digit as it is.
    """

    # a turn tilts a 7's top bar like the flag of a handwritten 1 (colab_cnn read 6 % of flagged 1s
    # as 7 after ±12°); a shear slants the digit but keeps horizontal strokes horizontal
    rotation_deg: float = 5.0
    shear: float = 0.3  # x += shear · (y − centre): the slant of handwriting
    aspect: float = 0.15  # width × (1 ± aspect): narrow or wide digits
    scale: float = 0.05  # size × (1 ± scale)
    shift_px: float = 0.5
    thicker: float = 0.3  # probability of a stroke 1 px thicker (the lab's strokes: 2.3 px, MNIST's 1.9)
    thinner: float = 0.1  # probability of a stroke about ½ px thinner
    renormalise: bool = True
    # grey levels stretched from [low, high] to [0, 1] after the warp: bilinear sampling blurs the
    # edges (83 % of the ink pixels grey instead of MNIST's 60 % and the lab's 46 %); (0.1, 0.8) gives 54 %
    contrast: tuple[float, float] = (0.1, 0.8)
    flag_ones: float = 0.5  # probability that an upright 1 gets a flag from its top down to the left
    # students draw some digits much narrower than MNIST's (a 2, 4 or 6 as a thin upright shape at the
    # canvas' edge): colab_cnn read those as 1, LeNet-5 such a 6 as 8, until a share of the training
    # digits got narrow too
    narrow: float = 0.3  # probability that a digit's width is multiplied by a factor in [narrowest, 1]
    narrowest: float = 0.45  # (log-uniform, so slightly narrow is as common as very narrow)

    def describe(self) -> dict:
        """The recipe as plain JSON values, for a model's JSON."""
        return {**asdict(self), "contrast": list(self.contrast)}


CANVAS_LIKE = Augmentation()
BOX, CENTRE, INK = 20.0, 14.0, 0.2  # core.lab.preprocess: BOX, MNIST_CENTRE, INK


def recipe_values(recipe: dict) -> dict[str, str]:
    """A recipe (``Augmentation.describe()``, as in a model's JSON) → the numbers a sentence shows."""
    return {
        "rotation": f"{recipe['rotation_deg']:g}", "shear": f"{recipe['shear']:g}",
        "aspect": f"{100 * recipe['aspect']:g}", "scale": f"{100 * recipe['scale']:g}",
        "shift": f"{recipe['shift_px']:g}",
        "thicker": f"{100 * recipe['thicker']:g}", "thinner": f"{100 * recipe['thinner']:g}",
        "flag": f"{100 * recipe.get('flag_ones', 0.0):g}",
        "narrow": f"{100 * recipe.get('narrow', 0.0):g}", "narrowest": f"{100 * recipe.get('narrowest', 1.0):g}",
    }  # the contrast stretch undoes the blur of resampling; the sentence does not need it


def linear_maps(n: int, aug: Augmentation, rng: np.random.Generator) -> np.ndarray:
    """(n, 2, 2) random forward maps on (y, x): rotation · shear · aspect · scale, then a share of them
    made narrower (width only, after the turn: the digit stays upright)."""
    angle = np.radians(rng.uniform(-aug.rotation_deg, aug.rotation_deg, n))
    shear = rng.uniform(-aug.shear, aug.shear, n)
    aspect = rng.uniform(1 - aug.aspect, 1 + aug.aspect, n)
    zoom = rng.uniform(1 - aug.scale, 1 + aug.scale, n)
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)
    slant = np.zeros((n, 2, 2))
    slant[:, 0, 0] = 1.0
    slant[:, 1, 1] = aspect
    slant[:, 1, 0] = shear  # x' = aspect · x + shear · y
    narrow = rng.uniform(size=n) < aug.narrow
    squeeze = np.zeros((n, 2, 2))
    squeeze[:, 0, 0] = 1.0
    squeeze[:, 1, 1] = np.where(narrow, np.exp(rng.uniform(np.log(aug.narrowest), 0.0, n)), 1.0)
    return squeeze @ (rotation @ slant * zoom[:, None, None])


def _pixel_grid(h: int, w: int) -> np.ndarray:
    """(2, h·w) float32 (row, column) of every pixel."""
    yy, xx = np.mgrid[0:h, 0:w]
    return np.stack([yy.ravel(), xx.ravel()]).astype(np.float32)


def placements(images: np.ndarray, forward: np.ndarray, aug: Augmentation, rng: np.random.Generator):
    """(inverse maps (n, 2, 2), origins (n, 2)) so that output pixel p samples the input at
    inverse · p + origin: each digit turned by ``forward`` about its centre of mass, then placed."""
    n, h, w = images.shape
    grid = _pixel_grid(h, w)
    mass = images.reshape(n, -1)
    total = np.maximum(mass.sum(axis=1), 1e-6)
    com = (mass @ grid.T) / total[:, None]  # (n, 2) centre of mass (row, column)
    shift = rng.uniform(-aug.shift_px, aug.shift_px, (n, 2))
    if aug.renormalise:
        # where the ink lands under ``forward``; its longer side is set to 20 px as the lab does
        moved = forward.astype(np.float32) @ (grid[None] - com[:, :, None].astype(np.float32))
        ink = mass > INK * mass.max(axis=1, keepdims=True)
        low = np.where(ink[:, None], moved, np.inf).min(axis=2)
        high = np.where(ink[:, None], moved, -np.inf).max(axis=2)
        extent = np.maximum((high - low).max(axis=1) + 1.0, 1.0)
        forward = forward * (BOX / extent)[:, None, None]
        target = CENTRE + shift
    else:
        target = (np.array([(h - 1) / 2, (w - 1) / 2]) + shift)
        com = np.broadcast_to(np.array([(h - 1) / 2, (w - 1) / 2]), (n, 2))
    inverse = np.linalg.inv(forward)
    origin = com - np.einsum("nij,nj->ni", inverse, target)
    return inverse, origin


def warp(images: np.ndarray, inverse: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """(n, h, w) images → each output pixel p sampled at inverse · p + origin (bilinear; 0 outside)."""
    n, h, w = images.shape
    source = inverse.astype(np.float32) @ _pixel_grid(h, w)[None] + origin[:, :, None].astype(np.float32)
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


_ROWS, _COLUMNS = np.mgrid[0:28, 0:28].astype(np.float32)


def add_flags(ones: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(n, 28, 28) images of 1s → copies where each upright plain stroke has a flag: a line from its
    top, 20–45 % of its height long, 15–50° below the horizontal, down to the left. Slanted 1s keep
    none (a flag on a stroke leaning right draws a 7), nor do 1s that have one."""
    out = ones.copy()
    for i, image in enumerate(out):
        ink = np.argwhere(image > 0.5)
        if len(ink) < 5:
            continue
        centred = ink - ink.mean(axis=0)
        axis = np.linalg.eigh(centred.T @ centred)[1][:, -1]  # (row, column) of the stroke's direction
        if abs(axis[1]) > 0.2 * abs(axis[0]):
            continue
        upper = ink[ink[:, 0] < ink[:, 0].min() + 5]
        if np.ptp(upper[:, 1]) > 4:
            continue
        top = ink[ink[:, 0] == ink[:, 0].min()]
        row0, col0 = top[:, 0].mean(), top[:, 1].mean()
        length = rng.uniform(0.2, 0.45) * (ink[:, 0].max() - ink[:, 0].min() + 1)
        angle = np.radians(rng.uniform(15, 50))
        d_row, d_col = length * np.sin(angle), -length * np.cos(angle)
        # each pixel's distance to the segment from (row0, col0) to (row0 + d_row, col0 + d_col)
        along = np.clip(((_ROWS - row0) * d_row + (_COLUMNS - col0) * d_col) / (d_row ** 2 + d_col ** 2), 0, 1)
        distance = np.hypot(_ROWS - (row0 + along * d_row), _COLUMNS - (col0 + along * d_col))
        half_pen = rng.uniform(0.9, 1.6)
        out[i] = np.maximum(image, np.clip(half_pen + 0.5 - distance, 0, 1))
    return out


def augment_batch(images: np.ndarray, rng: np.random.Generator, aug: Augmentation = CANVAS_LIKE,
                  digits: np.ndarray | None = None) -> np.ndarray:
    """(n, 28, 28[, 1]) float images in [0, 1] → randomly warped and re-stroked copies, same shape.
    With their ``digits`` (n,), some upright 1s get a flag first (``aug.flag_ones``)."""
    shape = images.shape
    batch = images.reshape(shape[0], shape[1], shape[2]).astype(np.float32)
    if digits is not None and aug.flag_ones > 0:
        ones = np.flatnonzero((np.asarray(digits) == 1) & (rng.uniform(size=len(batch)) < aug.flag_ones))
        if len(ones):
            batch[ones] = add_flags(batch[ones], rng)
    inverse, origin = placements(batch, linear_maps(len(batch), aug, rng), aug, rng)
    out = warp(batch, inverse, origin)
    n = len(batch)
    pick = rng.uniform(size=n)
    thicker = pick < aug.thicker
    thinner = (pick >= aug.thicker) & (pick < aug.thicker + aug.thinner)
    if thicker.any():
        out[thicker] = _neighbourhood(out[thicker], np.maximum)
    if thinner.any():
        out[thinner] = 0.5 * (out[thinner] + _neighbourhood(out[thinner], np.minimum))
    low, high = aug.contrast
    return np.clip((out - low) / (high - low), 0.0, 1.0).reshape(shape)


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
            digits = labels[rows].argmax(axis=1) if np.ndim(labels) == 2 else labels[rows]  # one-hot or not
            return augment_batch(images[rows], self.rng, aug, digits), labels[rows]

        def on_epoch_end(self):
            self.order = self.rng.permutation(len(images))

    return Augmented()
