"""A drawing or an uploaded picture → the 28×28 input the MNIST networks were trained on.

MNIST's own recipe (LeCun et al.): crop the digit to its ink, scale it so that its longer side
is 20 px (keeping its aspect ratio, with anti-aliasing), and place it in a 28×28 field so that
its centre of mass sits in the middle. One more step makes a mouse drawing look like MNIST: the
pen is as wide on a small digit as on a large one, so the stroke is thinned or thickened to
MNIST's stroke width (about 2 px in the 20 px box) before the final shrink.

Pure numpy + Pillow; no Streamlit, no TensorFlow. Messages come from locales/ (core.i18n).
"""
from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from core import i18n

BOX = 20  # the digit's longer side in the 28×28 field
FIELD = 28
OVERSAMPLE = 4  # strokes are measured and reshaped at 4× (80 px), then averaged down to 20 px
MNIST_STROKE = 2.3  # stroke width aimed at, in the 20 px box: MNIST's median is 1.9 by the same
# estimator; 2.3 read mouse drawings best (bench/harness/drawings.py, measured in bench/inference_latency.py)
MNIST_CENTRE = 14.0  # mean centre of mass of MNIST test digits (row, column index)
INK = 0.2  # a pixel brighter than this (of 1) counts as ink when cropping

MAX_FILE_BYTES = 5 * 1024 * 1024  # the upload limit of .streamlit/config.toml
MAX_PIXELS = 40_000_000  # a 48-megapixel photo is refused; decompression bombs far sooner
WORK_SIDE = 560  # uploads are shrunk to this longer side before anything else

# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; we turn the warning into
# a refusal too (see _open_image). Lowered only, never raised, if someone set it smaller.
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class EmptyDrawingError(ValueError):
    """The canvas holds no ink: there is nothing to classify."""


class ImageError(ValueError):
    """An upload we cannot use. ``key`` names its message in locales/<lang>/cnn_lab.toml (table
    ``upload_error``, the only place its wording lives) and ``values`` fill its placeholders."""

    KEYS = ("empty_file", "too_large", "not_image", "truncated", "too_many_pixels", "no_ink")

    def __init__(self, key: str, **values):
        if key not in self.KEYS:
            raise KeyError(key)
        super().__init__(i18n.t(f"cnn_lab.upload_error.{key}", "en", **values))  # for logs; pages show their language
        self.key = key
        self.values = values


# ---------------------------------------------------------------- canvas → ink

def to_ink(image: np.ndarray) -> np.ndarray:
    """(H, W), (H, W, 3) or (H, W, 4) image, light ink on dark → (H, W) float32 ink in [0, 1].

    Transparent pixels count as background (ink = brightness × alpha).
    """
    image = np.asarray(image)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise ValueError(f"expected an (H, W), (H, W, 3) or (H, W, 4) image, got shape {image.shape}")
    scale = 255.0 if image.dtype == np.uint8 or image.max(initial=0) > 1 else 1.0
    pixels = image.astype(np.float32) / scale
    if pixels.ndim == 2:
        return pixels
    if pixels.shape[2] == 1:
        return pixels[..., 0]
    grey = pixels[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    if pixels.shape[2] == 4:
        grey = grey * pixels[..., 3]
    return grey


def main_span(profile: np.ndarray, gap: int) -> tuple[int, int] | None:
    """[first, last + 1) of the heavy part of a 1-D ink profile (ink per row or per column).

    Runs of ink closer than ``gap`` belong together; runs holding under 15 % of the heaviest
    run's ink (a stray click far from the digit) are left out, unless they lie between heavy ones.
    """
    rows = np.flatnonzero(profile > 0)
    if rows.size == 0:
        return None
    breaks = np.flatnonzero(np.diff(rows) >= gap)
    starts = np.concatenate([[rows[0]], rows[breaks + 1]])
    ends = np.concatenate([rows[breaks], [rows[-1]]]) + 1
    mass = np.array([profile[s:e].sum() for s, e in zip(starts, ends)])
    heavy = np.flatnonzero(mass >= 0.15 * mass.max())
    return int(starts[heavy[0]]), int(ends[heavy[-1]])


def ink_box(ink: np.ndarray, threshold: float = INK) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the digit's ink (pixels brighter than ``threshold``), or None.

    A small mark separated from the digit by a gap of 3 % of the picture is not part of it.
    """
    mask = np.where(ink > threshold, ink, 0.0)
    gap = max(2, round(0.03 * max(ink.shape)))
    rows = main_span(mask.sum(axis=1), gap)
    if rows is None:
        return None
    cols = main_span(mask[rows[0]:rows[1]].sum(axis=0), gap)
    return rows[0], rows[1], cols[0], cols[1]


# ---------------------------------------------------------------- stroke width

def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary (H, W) mask ≈ 2 · area / perimeter (a stroke is a long band)."""
    area = mask.sum()
    if area == 0:
        return 0.0
    padded = np.pad(mask, 1)
    edges = (padded[1:] != padded[:-1]).sum() + (padded[:, 1:] != padded[:, :-1]).sum()
    return 2.0 * float(area) / float(edges)


def _step(mask: np.ndarray, combine, forward: bool) -> np.ndarray:
    """One 2×2 erosion (np.logical_and) or dilation (np.logical_or): the stroke gets 1 px
    thinner or thicker. ``forward`` alternates the corner so the drawing does not drift."""
    padded = np.pad(mask, 1)  # padded[i + 1, j + 1] = mask[i, j]
    h, w = mask.shape
    corners = ((2, 1), (1, 2), (2, 2)) if forward else ((0, 1), (1, 0), (0, 0))
    out = mask.copy()
    for dy, dx in corners:
        combine(out, padded[dy:dy + h, dx:dx + w], out=out)
    return out


def match_stroke(mask: np.ndarray, target: float) -> np.ndarray:
    """Thin (erode) or thicken (dilate) a binary mask until its stroke width is near ``target`` px.

    Each step changes the width by 1 px. Thinning never erases more than half of the ink,
    so thin parts of a digit (a light tail of a 9) survive.
    """
    steps = int(round(stroke_width(mask) - target))
    for index in range(min(abs(steps), 24)):
        if steps > 0:
            thinner = _step(mask, np.logical_and, index % 2 == 0)
            if thinner.sum() < 0.5 * mask.sum():
                break
            mask = thinner
        else:
            mask = _step(mask, np.logical_or, index % 2 == 0)
    return mask


# ---------------------------------------------------------------- the MNIST way

def _resize(array: np.ndarray, height: int, width: int) -> np.ndarray:
    """Float (h, w) → (height, width), anti-aliased (Lanczos when shrinking)."""
    image = Image.fromarray(array.astype(np.float32), mode="F")
    return np.asarray(image.resize((width, height), Image.Resampling.LANCZOS), dtype=np.float32)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the ink's centre of mass: Σ i·p / Σ p."""
    total = image.sum()
    rows = np.arange(image.shape[0], dtype=np.float32)
    cols = np.arange(image.shape[1], dtype=np.float32)
    return float(image.sum(axis=1) @ rows / total), float(image.sum(axis=0) @ cols / total)


def place_by_mass(digit: np.ndarray) -> np.ndarray:
    """Paste a ≤20×20 digit into a 28×28 field with its centre of mass at (14, 14)."""
    field = np.zeros((FIELD, FIELD), dtype=np.float32)
    cy, cx = centre_of_mass(digit)
    h, w = digit.shape
    top = int(np.clip(round(MNIST_CENTRE - cy), 0, FIELD - h))
    left = int(np.clip(round(MNIST_CENTRE - cx), 0, FIELD - w))
    field[top:top + h, left:left + w] = digit
    return field


def prepare_ink(ink: np.ndarray, threshold: float = INK, normalise_stroke: bool = True) -> np.ndarray:
    """(H, W) float ink in [0, 1] → (28, 28) float32 MNIST-style input.

    crop to the ink (stray specks left out) → scale the longer side to 80 px → binarise → match
    MNIST's stroke width → average 4×4 blocks (80 → 20 px, anti-aliased) → centre of mass to (14, 14).
    """
    box = ink_box(ink, threshold)
    if box is None:
        raise EmptyDrawingError("no ink on the canvas")
    top, bottom, left, right = box
    crop = ink[top:bottom, left:right]
    big = BOX * OVERSAMPLE
    scale = big / max(crop.shape)
    height = max(OVERSAMPLE, int(round(crop.shape[0] * scale / OVERSAMPLE)) * OVERSAMPLE)
    width = max(OVERSAMPLE, int(round(crop.shape[1] * scale / OVERSAMPLE)) * OVERSAMPLE)
    mask = _resize(crop, height, width) > 0.5 * float(crop.max())
    if normalise_stroke:
        mask = match_stroke(mask, MNIST_STROKE * OVERSAMPLE)
    small = mask.reshape(height // OVERSAMPLE, OVERSAMPLE, width // OVERSAMPLE, OVERSAMPLE).mean(axis=(1, 3))
    if small.sum() == 0:
        raise EmptyDrawingError("no ink left after preparation")
    return place_by_mass(small.astype(np.float32))


def canvas_to_mnist(image: np.ndarray) -> np.ndarray:
    """A canvas drawing (H, W[, 3|4]) uint8, light ink on dark → (28, 28) float32 in [0, 1].

    Raises EmptyDrawingError when there is no ink.
    """
    return prepare_ink(to_ink(image))


def naive_resize(image: np.ndarray) -> np.ndarray:
    """Document 001's way: the whole picture, grey, resized to 28×28 and divided by 255."""
    grey = Image.fromarray(np.round(to_ink(image) * 255).astype(np.uint8), mode="L")
    return np.asarray(grey.resize((FIELD, FIELD), Image.Resampling.LANCZOS), dtype=np.float32) / 255.0


def read_canvas(png: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The canvas' PNG → (prepared the MNIST way, shrunk whole the naive way), both (28, 28) float32.

    Raises EmptyDrawingError when there is no ink.
    """
    with Image.open(io.BytesIO(png)) as image:
        ink = to_ink(np.asarray(image))
    return prepare_ink(ink), naive_resize(ink)


# ---------------------------------------------------------------- uploads

def _open_image(data: bytes) -> Image.Image:
    """Bytes → a decoded Pillow image, or ImageError. Refuses oversized files and pixel bombs."""
    if len(data) == 0:
        raise ImageError("empty_file")
    if len(data) > MAX_FILE_BYTES:
        raise ImageError("too_large", size_mb=f"{len(data) / 2**20:.1f}", limit_mb=MAX_FILE_BYTES // 2**20)
    limit = f"{MAX_PIXELS / 1e6:.0f}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            pixels = image.size[0] * image.size[1]
            if pixels > MAX_PIXELS:
                raise ImageError("too_many_pixels", pixels=f"{pixels / 1e6:.0f}", limit=limit)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("too_many_pixels", pixels=">" + limit, limit=limit) from None
    except UnidentifiedImageError:
        raise ImageError("not_image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, ImageError):
            raise
        raise ImageError("truncated") from None
    return image


def picture_to_ink(image: Image.Image) -> np.ndarray:
    """A Pillow image (any mode, maybe a photo of dark ink on paper) → (H, W) float ink in [0, 1].

    EXIF rotation applied; transparency composited on white; the longer side shrunk to 560 px;
    dark-on-light pictures inverted (decided by the border, which is mostly paper);
    the paper's grey level subtracted and the contrast stretched.
    """
    image = ImageOps.exif_transpose(image)
    if image.mode in ("P", "PA", "LA", "RGBA", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        grey = Image.alpha_composite(paper, rgba).convert("L")
    else:
        grey = image.convert("L")
    if max(grey.size) > WORK_SIDE:
        grey.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float32) / 255.0
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    if np.median(border) > 0.5:
        pixels = 1.0 - pixels
    if min(pixels.shape) >= 3:
        pixels = np.asarray(Image.fromarray(pixels, mode="F").filter(ImageFilter.MedianFilter(3)))
    background = float(np.median(np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])))
    ink = pixels - background
    top = float(ink.max())
    if top < 0.1:
        return np.zeros_like(ink)
    return np.clip(ink / top, 0.0, 1.0)


def image_to_mnist(data: bytes) -> np.ndarray:
    """An uploaded file's bytes (PNG, JPEG, BMP, GIF, WebP) → (28, 28) float32 in [0, 1].

    Raises ImageError (a ValueError) with the reason for anything it cannot use.
    """
    ink = picture_to_ink(_open_image(data))
    try:
        return prepare_ink(ink, threshold=0.35)
    except EmptyDrawingError:
        raise ImageError("no_ink") from None
