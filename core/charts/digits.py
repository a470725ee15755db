"""MNIST digits drawn the one way the whole app draws them: one digit, a gallery, the confusion matrix.

Pure builders: numbers in, a plotly figure out, made with ``style.figure`` (plain dicts, one
layout, no plotly validation); every text arrives already translated. Ink is dark on white paper
(``style.INK``, document 002's cmap=binary). Images may be 0–255 integers or 0–1 floats. A
gallery (or a grid of feature maps) is one heatmap of tiles, not one subplot per image.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import math

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale
from PIL import Image, ImageOps

from core.charts import style
from core.charts.style import INK, RED


def figure(data: list[dict], layout: dict) -> go.Figure:
    """``style.figure`` with colour scales spelled out and without plotly's default template.

    A named scale such as "RdBu_r" is a plotly.py name that plotly.js does not know: unvalidated,
    it reached the browser as a wrong scale. The template: Streamlit's theme replaces it in the
    browser anyway, and it is 15 kB that every rerun would copy, encode and send per chart.
    """
    data = [{**trace, "colorscale": _scale(trace["colorscale"])} if isinstance(trace.get("colorscale"), str)
            else trace for trace in data]
    return style.figure(data, {"template": {}, **layout})


@functools.lru_cache(maxsize=None)
def _scale(name: str) -> list:
    """A named colour scale as [[position, colour], …] (looked up once: plotly's lookup takes a millisecond)."""
    return get_colorscale(name)


WIDTH = 620  # plot width (page minus colour bar) at 1280×720 with the sidebar open; sizes the heights
HIDDEN_X = {"visible": False, "constrain": "domain"}
HIDDEN_Y = {"visible": False, "autorange": "reversed", "scaleanchor": "x", "constrain": "domain"}  # row 0 on top


def full_ink(images: np.ndarray) -> float:
    """The value of full ink: 255 for 0–255 images, 1 for images scaled to 0–1."""
    images = np.asarray(images)
    return 255.0 if images.dtype.kind in "ui" or images.max(initial=0) > 1 else 1.0


def digit_figure(image: np.ndarray, title: str = "", box: tuple[int, int, int, int] | None = None,
                 height: int = 300, colorscale=INK, zmax: float | None = None,
                 colorbar_title: str | None = None) -> go.Figure:
    """One image as square pixels, row 0 on top; ``box`` = (top, left, height, width) outlined in red.

    ``zmax`` defaults to full ink; with ``colorbar_title`` (a feature map) the colour bar is shown.
    """
    z = np.asarray(image)
    trace = {"type": "heatmap", "z": z, "colorscale": colorscale, "zmin": 0,
             "zmax": full_ink(z) if zmax is None else zmax, "showscale": colorbar_title is not None,
             "hovertemplate": "(%{y}, %{x}) %{z:.2f}<extra></extra>"}
    if colorbar_title is not None:
        trace["colorbar"] = {"title": {"text": colorbar_title}, "thickness": 14}
    layout = {"height": height, "xaxis": HIDDEN_X, "yaxis": HIDDEN_Y, "title": {"text": title},
              "margin": {"l": 5, "r": 5, "t": 45 if title else 5, "b": 5}}
    if box is not None:
        top, left, h, w = box
        layout["shapes"] = [{"type": "rect", "x0": left - 0.5, "x1": left + w - 0.5, "y0": top - 0.5,
                             "y1": top + h - 0.5, "line": {"color": RED, "width": 3}}]
    return figure([trace], layout)


def mosaic(maps: np.ndarray, columns: int, gap: int, band: int, blank: float = np.nan) -> np.ndarray:
    """(n, h, w) maps → one array of tiles, ``columns`` per row, ``blank`` between them.

    ``band`` blank rows above every tile row leave room for titles; ``gap`` blank columns separate
    tiles. NaN (no colour) gives float32; a number keeps the maps' own type (uint8 digits: 4× smaller).
    """
    n, h, w = maps.shape
    rows = math.ceil(n / columns)
    dtype = np.float32 if np.isnan(blank) else maps.dtype
    z = np.full((rows * (h + band), columns * (w + gap) - gap), blank, dtype=dtype)
    for k in range(n):
        top = (k // columns) * (h + band) + band
        left = (k % columns) * (w + gap)
        z[top:top + h, left:left + w] = maps[k]
    return z


def tiles_figure(images: np.ndarray, titles: list[str], columns: int = 8, colorscale=INK,
                 zmin: float = 0.0, zmax: float | None = None, colorbar_title: str | None = None,
                 title_size: int = 14, title_lines: int = 1, title_colors: list[str] | None = None,
                 hover: str = "%{z:.3f}", width: int = WIDTH, blank: float = np.nan) -> go.Figure:
    """Small images (n, h, w) as one tiled heatmap on one colour scale, a title above each tile
    (one text trace: far cheaper to copy and send on every rerun than an annotation per tile).

    The colour bar is shown when ``colorbar_title`` is given; ``blank`` fills the space between
    tiles (see ``mosaic``). Hover shows the value only: per-pixel tile coordinates would triple
    what every rerun sends.
    """
    images = np.asarray(images)
    n = len(images)
    if n == 0:
        return figure([], {"height": 60, "xaxis": HIDDEN_X, "yaxis": HIDDEN_Y})
    h, w = images.shape[1:]
    columns = max(1, min(columns, n))
    gap = max(1, round(w * 0.12))
    band = max(1, math.ceil(h * (0.5 if h <= 6 else 0.3))) * title_lines  # more room for tiny tiles
    z = mosaic(images, columns, gap, band, blank)
    trace = {"type": "heatmap", "z": z, "colorscale": colorscale, "zmin": zmin,
             "zmax": full_ink(images) if zmax is None else zmax, "hoverongaps": False,
             "hovertemplate": hover + "<extra></extra>", "showscale": colorbar_title is not None}
    if colorbar_title is not None:
        trace["colorbar"] = {"title": {"text": colorbar_title}, "thickness": 14}
    titles = list(titles[:n])
    labels = {"type": "scatter", "mode": "text", "text": titles, "textposition": "top center",
              "x": [(k % columns) * (w + gap) + (w - 1) / 2 for k in range(len(titles))],
              "y": [(k // columns) * (h + band) + band - 0.5 for k in range(len(titles))],
              "textfont": {"size": title_size, **({"color": title_colors[:n]} if title_colors else {})},
              "hoverinfo": "skip", "showlegend": False, "cliponaxis": False}
    rows_px = width * z.shape[0] / z.shape[1]
    return figure([trace, labels], {"height": int(min(max(rows_px + 15, 160), 900)), "plot_bgcolor": "white",
                                    "xaxis": HIDDEN_X, "yaxis": HIDDEN_Y, "margin": {"l": 5, "r": 5, "t": 10, "b": 5}})


def gallery_figure(images: np.ndarray, captions: list[str], columns: int = 10, caption_lines: int = 1,
                   caption_colors: list[str] | None = None) -> go.Figure:
    """Test digits in a grid, each with its caption above (e.g. "7 → 1"); ``caption_colors`` per caption.

    0–255 digits stay bytes, with paper (0) between them.
    """
    images = np.asarray(images)
    return tiles_figure(images, captions, columns=columns, title_size=15, title_lines=caption_lines,
                        title_colors=caption_colors, hover="%{z}", width=WIDTH + 60,
                        blank=0 if images.dtype == np.uint8 else np.nan)


def confusion_figure(matrix: np.ndarray, x_title: str, y_title: str, mark: tuple[int, int] | None = None,
                     height: int = 600) -> go.Figure:
    """Counts, rows = true label, columns = predicted. Mistakes in reds (so small counts show),
    correct answers on the diagonal in pale green; ``mark`` = (true, predicted) is outlined."""
    matrix = np.asarray(matrix)
    k = matrix.shape[0]
    diagonal = np.eye(k, dtype=bool)
    off = np.where(diagonal, np.nan, matrix.astype(float))
    on = np.where(diagonal, matrix.astype(float), np.nan)
    labels = [str(d) for d in range(k)]
    text = matrix.astype(str).tolist()
    common = {"type": "heatmap", "x": labels, "y": labels, "text": text, "hoverongaps": False, "xgap": 1, "ygap": 1,
              "hovertemplate": f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>%{{z:.0f}}<extra></extra>"}
    traces = [
        {**common, "z": off, "colorscale": [[0, "#fff5f0"], [1, "#ef5a3c"]],  # dark text stays legible
         "zmin": 0, "zmax": max(1.0, float(np.nanmax(off, initial=0))), "texttemplate": "%{text}",
         "textfont": {"size": 16, "color": "#111"}, "colorbar": {"thickness": 14, "len": 0.8}},
        {**common, "z": on, "colorscale": [[0, "#d9f2d9"], [1, "#d9f2d9"]], "showscale": False,
         "texttemplate": "<b>%{text}</b>", "textfont": {"size": 16, "color": "#111"}},
    ]
    axis = {"type": "category", "constrain": "domain", "tickfont": {"size": 17}}
    layout = {"height": height, "plot_bgcolor": "white", "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
              "xaxis": {**axis, "title": {"text": x_title}, "side": "top"},
              "yaxis": {**axis, "title": {"text": y_title}, "autorange": "reversed", "scaleanchor": "x"}}
    if mark is not None:
        true, pred = mark
        layout["shapes"] = [{"type": "rect", "x0": pred - 0.5, "x1": pred + 0.5, "y0": true - 0.5, "y1": true + 0.5,
                             "line": {"color": "black", "width": 3}}]
    return figure(traces, layout)


# ---------------------------------------------------------------- digits as pictures and tables (st.html, st.image)

def digit_html(image: np.ndarray, width: int, alt: str = "") -> str:
    """A (28, 28) image in [0, 1] as an HTML <img> of its own 28×28 pixels, enlarged by the browser
    with crisp square pixels; light ink on black, as the network gets it (the canvas' colours).

    The PNG travels inline (a few hundred bytes): no enlarged copy to encode, store and serve as a
    media file after every stroke.
    """
    pixels = np.round(np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img src="data:image/png;base64,{encoded}" width="{width}" height="{width}" alt="{html.escape(alt)}" '
            'style="image-rendering:pixelated">')


def pixel_table_html(image: np.ndarray) -> str:
    """The 28×28 pixel values (0–255, as in document 002's printout) as an HTML table, each cell in its grey."""
    values = np.round(np.asarray(image) * 255).astype(int)
    rows = []
    for row in values:
        cells = "".join(f'<td style="background:rgb({v},{v},{v});color:{"#000" if v > 127 else "#888"}">{v}</td>'
                        for v in row)
        rows.append(f"<tr>{cells}</tr>")
    style = "border-collapse:collapse;font-size:10px;font-family:monospace;text-align:right;line-height:14px"
    return (f'<div style="overflow-x:auto"><table class="lab-pixels" style="{style}">{"".join(rows)}</table></div>'
            "<style>.lab-pixels td{padding:1px 2px;min-width:22px;border:none}</style>")


def thumbnail(data: bytes, side: int = 200) -> Image.Image | None:
    """A small preview of an uploaded picture that already passed core.lab.preprocess (None if Pillow fails)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            preview = ImageOps.exif_transpose(image).convert("RGB")
            preview.thumbnail((side, side))
            return preview
    except Exception:  # noqa: BLE001 - a preview is optional
        return None
