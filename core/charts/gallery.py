"""Pictures for the class gallery page (pure: no Streamlit, no TensorFlow).

The pool is drawn as PNG strips (one per digit, 200 drawings in about 30 kB) rather
than plotly traces: 2,000 heatmaps would cost the server and the browser far more. The confusion
matrix and the misread drawings reuse core/charts/digits.py, the builders every page shares.
"""
from __future__ import annotations

import base64
import io
from datetime import datetime

import numpy as np
import pandas as pd
from PIL import Image

from core.charts import digits as digit_charts  # the one confusion matrix and digit gallery of the app
from core.charts.style import BLUE, GREY, figure

TILE = 28
GAP = 2
GAP_GREY = 70  # the lines between drawings: dark grey, so black backgrounds stay apart


def _png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()  # level 3: half the time of the default 6 for 15 % more bytes
    Image.fromarray(array, mode="L").save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def tile_rows(images: np.ndarray, columns: int) -> np.ndarray:
    """(n, h, w) uint8 images → one uint8 mosaic ``columns`` wide, rows filled left to right,
    dark-grey lines of GAP px between and around the tiles (the last row padded with grey)."""
    images = np.asarray(images, dtype=np.uint8)
    n, h, w = images.shape
    rows = max(1, -(-n // columns))
    out = np.full((rows * (h + GAP) + GAP, columns * (w + GAP) + GAP), GAP_GREY, dtype=np.uint8)
    for k in range(n):
        top = GAP + (k // columns) * (h + GAP)
        left = GAP + (k % columns) * (w + GAP)
        out[top:top + h, left:left + w] = images[k]
    return out


def digit_strip(images: np.ndarray, columns: int = 30) -> bytes:
    """One digit's drawings (n, 28, 28) uint8, oldest first, as one PNG ``columns`` drawings wide."""
    return _png(tile_rows(images, columns))


def data_url(image: np.ndarray) -> str:
    """A small uint8 grey image as a ``data:image/png`` URL (for a table's image column)."""
    return "data:image/png;base64," + base64.b64encode(_png(np.asarray(image, dtype=np.uint8))).decode()


def accuracy_figure(names: list[str], on_pool: list[float | None], on_mnist: list[float | None],
                    labels: dict[str, str]):
    """Two bars per model: accuracy on the class's drawings, and on MNIST's test set (as recorded).

    ``labels``: pool, mnist (legend entries), axis (the y axis title)."""
    def percent(values):
        return [None if v is None else 100.0 * v for v in values]

    def text(values):
        return ["" if v is None else f"{v:.1f}%" for v in percent(values)]

    bars = [
        {"type": "bar", "name": labels["pool"], "x": names, "y": percent(on_pool), "text": text(on_pool),
         "textposition": "outside", "marker": {"color": BLUE}, "cliponaxis": False},
        {"type": "bar", "name": labels["mnist"], "x": names, "y": percent(on_mnist), "text": text(on_mnist),
         "textposition": "outside", "marker": {"color": GREY}, "cliponaxis": False},
    ]
    return figure(bars, {"barmode": "group", "height": 380, "yaxis": {"title": {"text": labels["axis"]},
                                                                        "range": [0, 109], "ticksuffix": "%"},
                         "legend": {"orientation": "h", "y": 1.12}, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}})


def confusion_figure(matrix: np.ndarray, x_title: str, y_title: str):
    """Rows = digit meant, columns = digit read; mistakes in red, the diagonal pale green."""
    return digit_charts.confusion_figure(matrix, x_title, y_title)


def misread_figure(images: np.ndarray, captions: list[str]):
    """The misread drawings (n, 28, 28) uint8 in a grid, each captioned with meant → read."""
    return digit_charts.gallery_figure(images, captions, columns=10)


def hide_table(pool, digit: int, urls: dict):
    """(table, ids) of the hide tab: one row per drawing meant as ``digit`` (hidden ones too) with its
    drawing and its 28×28 as images, the time sent and the hidden flag. ``urls`` (id → the two data
    URLs) is filled for the rows it lacks, so each picture is encoded once."""
    rows = np.flatnonzero(np.asarray(pool.digits) == digit)
    ids = [int(pool.ids[k]) for k in rows]
    for k, entry in zip(rows, ids):
        if entry not in urls:
            urls[entry] = (data_url(pool.raws[k]), data_url(pool.images[k]))
    table = pd.DataFrame({
        "drawn": [urls[i][0] for i in ids], "seen": [urls[i][1] for i in ids], "meant": [digit] * len(ids),
        "time": [datetime.fromtimestamp(pool.created[k]).strftime("%H:%M:%S") for k in rows],
        "hidden": [bool(pool.hidden[k]) for k in rows],
    })
    return table, ids
