"""Synthetic "human-like" canvas drawings for measuring the preparation (tests and bench).

Two families, both on a 280×280 black canvas with white round-capped strokes like
streamlit-drawable-canvas draws them:
- ``template_drawing``: each digit from a few pen strokes (a "1" is a vertical line, a "0" an
  ellipse, …), then a random size, slant, rotation, aspect, pen width and position;
- ``redrawn_mnist``: an MNIST test digit re-drawn with a thick pen, small or large, off-centre
  and slanted (the shapes of real handwriting, the strokes of a mouse); a pen that would fill
  one of the digit's loops is made thinner, as a student who sees a blob draws again.
The same templates give the mouse paths of the browser test.
"""
from __future__ import annotations

import math
from collections import deque

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CANVAS = 280


def _arc(cx, cy, rx, ry, start_deg, end_deg, n=24):
    """Points of an elliptic arc in the unit box (y downwards; 0° = right, 90° = down)."""
    angles = np.radians(np.linspace(start_deg, end_deg, n))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


# digit → variants → strokes → points (x, y) in the unit box
TEMPLATES: dict[int, list[list[list[tuple[float, float]]]]] = {
    0: [[_arc(0.5, 0.5, 0.42, 0.5, -90, 275, 40)]],
    1: [[[(0.5, 0.0), (0.5, 1.0)]],
        [[(0.25, 0.22), (0.55, 0.0), (0.55, 1.0)]]],
    2: [[_arc(0.5, 0.3, 0.4, 0.3, 190, 400) + [(0.08, 1.0), (0.95, 1.0)]]],
    3: [[_arc(0.5, 0.26, 0.36, 0.26, 200, 450, 20) + _arc(0.5, 0.73, 0.42, 0.27, -90, 160, 20)]],
    4: [[[(0.62, 0.0), (0.05, 0.66), (0.98, 0.66)], [(0.72, 0.3), (0.72, 1.0)]],
        [[(0.2, 0.0), (0.12, 0.6), (0.95, 0.6)], [(0.75, 0.0), (0.75, 1.0)]]],
    5: [[[(0.9, 0.0), (0.25, 0.0), (0.2, 0.45)] + _arc(0.5, 0.7, 0.4, 0.3, -150, 150)]],
    6: [[[(0.75, 0.0), (0.45, 0.15), (0.22, 0.45)] + _arc(0.5, 0.72, 0.32, 0.28, 180, 540, 32)]],
    7: [[[(0.02, 0.0), (0.98, 0.0), (0.4, 1.0)]],
        [[(0.02, 0.0), (0.98, 0.0), (0.4, 1.0)], [(0.35, 0.5), (0.85, 0.5)]]],
    8: [[_arc(0.5, 0.24, 0.32, 0.24, 0, 360, 28), _arc(0.5, 0.72, 0.4, 0.28, 0, 360, 28)]],
    9: [[_arc(0.5, 0.28, 0.4, 0.28, 0, 360, 28) + [(0.9, 0.28), (0.78, 1.0)]]],
}


def _render(strokes_px, pen: float, oversample: int = 2) -> np.ndarray:
    """Canvas-pixel polylines → (280, 280, 4) uint8 RGBA, white round strokes on black."""
    big = Image.new("L", (CANVAS * oversample, CANVAS * oversample), 0)
    draw = ImageDraw.Draw(big)
    width = max(1, int(round(pen * oversample)))
    for stroke in strokes_px:
        points = [(x * oversample, y * oversample) for x, y in stroke]
        if len(points) > 1:
            draw.line(points, fill=255, width=width, joint="curve")
        for x, y in points:  # round caps and joints, like the canvas' brush
            r = width / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    grey = np.asarray(big.resize((CANVAS, CANVAS), Image.Resampling.BOX))
    rgba = np.zeros((CANVAS, CANVAS, 4), dtype=np.uint8)
    rgba[..., 0] = rgba[..., 1] = rgba[..., 2] = grey
    rgba[..., 3] = 255
    return rgba


def template_strokes(digit: int, rng: np.random.Generator, variant: int | None = None,
                     heights=(60, 250), pens=(8, 32), pen_share: float = 0.25):
    """Random pen strokes of ``digit`` in canvas pixels, and a pen width.

    Height 60–250 px, width 0.55–0.9 of it, slant ±0.3, rotation ±10°, jitter, anywhere on
    the canvas; pen 8–32 px (at most a quarter of the height). ``heights``, ``pens`` and
    ``pen_share`` change those ranges (small digits, thick pens).
    """
    variants = TEMPLATES[digit]
    strokes = variants[rng.integers(len(variants)) if variant is None else variant]
    height = rng.uniform(*heights)
    width = height * rng.uniform(0.55, 0.9)
    slant = rng.uniform(-0.3, 0.3)
    turn = math.radians(rng.uniform(-10, 10))
    pen = min(rng.uniform(*pens), height * pen_share)
    out = []
    for stroke in strokes:
        pts = np.array(stroke, dtype=float)
        pts += rng.normal(0, 0.015, pts.shape)
        x = (pts[:, 0] - 0.5) * width
        y = (pts[:, 1] - 0.5) * height
        x = x - slant * y
        x, y = x * math.cos(turn) - y * math.sin(turn), x * math.sin(turn) + y * math.cos(turn)
        out.append(np.stack([x, y], axis=1))
    allpts = np.concatenate(out)
    lo = allpts.min(axis=0) - pen / 2 - 2
    hi = allpts.max(axis=0) + pen / 2 + 2
    room = np.maximum(CANVAS - (hi - lo), 0)
    shift = -lo + rng.uniform(0, 1, 2) * room
    return [[(float(px), float(py)) for px, py in stroke + shift] for stroke in out], float(pen)


def template_drawing(digit: int, rng: np.random.Generator, **ranges) -> np.ndarray:
    """One random (280, 280, 4) uint8 canvas drawing of ``digit`` from its pen strokes
    (``ranges``: see template_strokes)."""
    strokes, pen = template_strokes(digit, rng, **ranges)
    return _render(strokes, pen)


def holes(ink: np.ndarray) -> int:
    """How many loops a (h, w) bool ink mask has, like the inside of a 0 or the two of an 8: the
    background regions (4-connected, 2 pixels or more) that cannot reach the border."""
    background = np.pad(~ink, 1, constant_values=True)
    outside = np.zeros_like(background)
    outside[0] = True
    while True:  # grow the outside through the background, a pixel a step
        grown = outside.copy()
        grown[1:] |= outside[:-1]
        grown[:-1] |= outside[1:]
        grown[:, 1:] |= outside[:, :-1]
        grown[:, :-1] |= outside[:, 1:]
        grown &= background
        if (grown == outside).all():
            break
        outside = grown
    inside = background & ~outside
    count = 0
    for start in zip(*np.nonzero(inside)):
        if not inside[start]:
            continue
        inside[start] = False
        queue, size = deque([start]), 0
        while queue:
            y, x = queue.popleft()
            size += 1
            for neighbour in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if inside[neighbour]:
                    inside[neighbour] = False
                    queue.append(neighbour)
        count += size >= 2
    return count


def redrawn_mnist(image28: np.ndarray, rng: np.random.Generator,
                  heights=(60, 250), pens=(8, 32), pen_share: float = 0.25) -> np.ndarray:
    """An MNIST (28, 28) uint8 digit re-drawn on the canvas with a thick pen → (280, 280, 4) uint8.

    Its thin core (the brightest pixels, scaled up) is traced with a round pen of 8–32 px (at
    most a quarter of the height; a third thinner, again if need be, while it fills one of the
    digit's loops); the digit is 60–250 px tall, slanted ±0.25 and placed anywhere.
    """
    rows = np.flatnonzero(image28.max(axis=1) > 60)
    cols = np.flatnonzero(image28.max(axis=0) > 60)
    crop = Image.fromarray(image28[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    height = rng.uniform(*heights)
    scale = height / crop.height
    slant = rng.uniform(-0.25, 0.25)
    size = (max(2, int(crop.width * scale)), max(2, int(crop.height * scale)))
    big = crop.resize(size, Image.Resampling.BICUBIC)
    # slant: x' = x - slant·(y - h/2), on a wider sheet
    pad = int(abs(slant) * size[1] / 2) + 2
    sheet = Image.new("L", (size[0] + 2 * pad, size[1]), 0)
    sheet.paste(big, (pad, 0))
    sheet = sheet.transform(sheet.size, Image.Transform.AFFINE,
                            (1, slant, -slant * size[1] / 2, 0, 1, 0), Image.Resampling.BILINEAR)
    core = sheet.point(lambda v: 255 if v > 200 else 0)
    pen = min(rng.uniform(*pens), height * pen_share)
    radius = max(1, int(pen / 2 - scale * 0.5))
    loops = holes(image28 > 127)
    while True:  # a student who sees a loop filled in draws again with a thinner pen
        thick = core.filter(ImageFilter.MaxFilter(2 * radius + 1)).filter(ImageFilter.GaussianBlur(0.7))
        if radius == 1 or loops == 0 or holes(np.asarray(thick) > 127) >= loops:
            break
        radius = max(1, radius * 2 // 3)
    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    if thick.width > CANVAS or thick.height > CANVAS:
        thick.thumbnail((CANVAS, CANVAS))
    x = int(rng.uniform(0, CANVAS - thick.width + 1))
    y = int(rng.uniform(0, CANVAS - thick.height + 1))
    canvas.paste(thick, (x, y))
    grey = np.asarray(canvas)
    rgba = np.zeros((CANVAS, CANVAS, 4), dtype=np.uint8)
    rgba[..., 0] = rgba[..., 1] = rgba[..., 2] = grey
    rgba[..., 3] = 255
    return rgba


def drawing_set(per_digit: int, seed: int = 0, mnist=None, **ranges) -> tuple[np.ndarray, np.ndarray]:
    """``per_digit`` template drawings of each digit (and as many re-drawn MNIST test digits if
    ``mnist`` test arrays (x, y) are given) → (N, 280, 280, 4) uint8 drawings, (N,) labels.
    ``ranges`` (heights, pens, pen_share) go to both kinds of drawing."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for digit in range(10):
        for _ in range(per_digit):
            images.append(template_drawing(digit, rng, **ranges))
            labels.append(digit)
    if mnist is not None:
        x, y = mnist
        for digit in range(10):
            for index in rng.choice(np.flatnonzero(y == digit), per_digit, replace=False):
                images.append(redrawn_mnist(x[index], rng, **ranges))
                labels.append(digit)
    return np.stack(images), np.array(labels)
