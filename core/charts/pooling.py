"""Figures of lesson 5: a pooling window on the document's example, maps before and after pooling
(and after a shift), flatten's order, and a dropout mask.

Pure builders: numbers in, a plotly figure out (``style.figure``: plain dicts, converted for the
browser once); labels arrive translated. Fonts and numbers are sized for a 1280×720 projector.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.charts import panels
from core.charts.style import BLUE, GREEN, INK, ORANGE, PURPLE, RED, figure

MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}
CHANNEL_COLOURS = [BLUE, ORANGE, GREEN, PURPLE]


def _row_of_panels(traces: list[dict], titles: list[str], spacing: float, weights=None) -> tuple[list[dict], dict]:
    """Panels side by side, square cells, each titled: (traces on their axes, layout entries)."""
    layout, annotations = {}, []
    for panel, (x_domain, text) in enumerate(zip(panels.spans(len(traces), spacing, weights), titles), start=1):
        layout.update(panels.panel_axes(panel, x_domain, [0.0, 1.0]))
        annotations.append(panels.title(text, x_domain, [0.0, 1.0]))
    layout["annotations"] = annotations
    return [panels.on_panel(t, p) for p, t in enumerate(traces, start=1)], layout


def pooling_figure(x: np.ndarray, out: np.ndarray, size: int, stride: int, row: int, col: int,
                   mode: str, titles: tuple[str, str]) -> go.Figure:
    """Input with the window of output cell (row, col) in red (its max ringed), and the pooled output."""
    low, high = min(0.0, float(x.min())), max(1e-9, float(x.max()))
    traces, layout = _row_of_panels(
        [panels.heatmap(x, "Blues", low, high, text=x.shape[0] <= 12, text_size=20 if x.shape[0] <= 6 else 12),
         panels.heatmap(out, "Blues", low, high, text=out.shape[0] <= 12, text_size=22 if out.shape[0] <= 4 else 12)],
        list(titles), 0.08, [0.6, 0.4])
    top, left = row * stride, col * stride
    shapes = [panels.box(1, top, left, size, size, RED, line_width=5)]
    if mode == "max":
        window = x[top:top + size, left:left + size]
        r, c = np.unravel_index(int(np.argmax(window)), window.shape)
        shapes.append({"type": "circle", "xref": "x", "yref": "y", "x0": left + c - 0.4, "x1": left + c + 0.4,
                       "y0": top + r - 0.4, "y1": top + r + 0.4, "line": {"color": ORANGE, "width": 3}})
    shapes.append(panels.box(2, row, col, 1, 1, RED, line_width=5))
    return figure(traces, {**layout, "shapes": shapes, "height": 340, "margin": MARGIN})


def maps_row_figure(maps: list[np.ndarray], titles: list[str], height: int = 300) -> go.Figure:
    """A few non-negative maps side by side in ink colours (each in its own scale), e.g. before and after pooling."""
    traces, layout = _row_of_panels(
        [panels.heatmap(m, INK, 0, max(1.0, float(m.max()))) for m in maps], titles, 0.04)
    return figure(traces, {**layout, "height": height, "margin": MARGIN})


def shift_figure(rows: list[list[np.ndarray]], row_titles: list[str], col_titles: list[str]) -> go.Figure:
    """A grid of maps (e.g. original / shifted × image / feature map / pooled), one colour scale per column."""
    n_rows, n_cols = len(rows), len(rows[0])
    xs, ys = panels.spans(n_cols, 0.03, width=panels.ROW_TITLES_WIDTH), panels.rows_top_down(n_rows, 0.05)
    traces, layout = [], {"height": 480, "margin": {**MARGIN, "r": 40}}
    for c in range(n_cols):
        top = max(1e-9, max(float(np.max(maps[c])) for maps in rows))
        for r, maps in enumerate(rows):
            panel = r * n_cols + c + 1
            trace = panels.heatmap(maps[c], INK if c == 0 else "Reds", 0, top, hover="%{z:.2f}")
            traces.append(panels.on_panel(trace, panel))
            layout.update(panels.panel_axes(panel, xs[c], ys[r]))
    annotations = [panels.title(text, xs[c], ys[0]) for c, text in enumerate(col_titles)]
    annotations += [panels.side_title(text, xs[-1], ys[r]) for r, text in enumerate(row_titles)]
    return figure(traces, {**layout, "annotations": annotations})


def flatten_figure(h: int, w: int, c: int, channel_title: str, vector_title: str) -> go.Figure:
    """An (h, w, c) tensor, one grid per channel with each cell's flat position, and the flat row below."""
    index = np.arange(h * w * c).reshape(h, w, c)
    xs, ys = panels.spans(c, 0.2 / c), panels.rows_top_down(2, 0.12, [0.7, 0.3])
    traces, annotations, layout = [], [], {"height": 360, "margin": MARGIN}
    for ch in range(c):
        colour = CHANNEL_COLOURS[ch % len(CHANNEL_COLOURS)]
        traces.append(panels.on_panel({
            "type": "heatmap", "z": np.ones((h, w)), "colorscale": [[0, colour], [1, colour]], "showscale": False,
            "opacity": 0.35, "xgap": 2, "ygap": 2, "text": index[:, :, ch].astype(str).tolist(),
            "texttemplate": "%{text}", "textfont": {"size": 16, "color": "#222"}, "hoverinfo": "skip"}, ch + 1))
        layout.update(panels.panel_axes(ch + 1, xs[ch], ys[0], square=False))
        annotations.append(panels.title(channel_title.format(channel=ch + 1), xs[ch], ys[0]))
    row = [xs[0][0], xs[-1][1]]  # the flat vector spans every column
    colours = ([[i / (c - 1), CHANNEL_COLOURS[i % len(CHANNEL_COLOURS)]] for i in range(c)] if c > 1
               else [[0, BLUE], [1, BLUE]])
    traces.append(panels.on_panel({
        "type": "heatmap", "z": [np.tile(np.arange(c), h * w).tolist()], "colorscale": colours, "showscale": False,
        "opacity": 0.35, "xgap": 2, "text": [np.arange(h * w * c).astype(str).tolist()], "texttemplate": "%{text}",
        "textfont": {"size": 13 if h * w * c <= 40 else 9, "color": "#222"}, "hoverinfo": "skip"}, c + 1))
    layout.update(panels.panel_axes(c + 1, row, ys[1], square=False))
    layout["xaxis" + panels.suffix(c + 1)]["visible"] = False
    layout["yaxis" + panels.suffix(c + 1)]["visible"] = False
    annotations.append(panels.title(vector_title, row, ys[1]))
    return figure(traces, {**layout, "annotations": annotations})


def dropout_figure(x: np.ndarray, mask: np.ndarray, y: np.ndarray, titles: tuple[str, str, str]) -> go.Figure:
    """Activations | mask (kept / dropped) | what goes on to the next layer, numbers written in."""
    high = max(1e-9, float(max(x.max(), y.max())))
    mask_trace = {"type": "heatmap", "z": mask.astype(float), "colorscale": [[0, "#dddddd"], [1, "#9ecae1"]],
                  "zmin": 0, "zmax": 1, "showscale": False, "xgap": 1, "ygap": 1,
                  "text": np.where(mask, "✓", "×").tolist(), "texttemplate": "%{text}", "textfont": {"size": 18},
                  "hoverinfo": "skip"}
    traces, layout = _row_of_panels([panels.heatmap(x, "Greens", 0, high, text=True, text_size=16), mask_trace,
                                     panels.heatmap(y, "Greens", 0, high, text=True, text_size=16)], list(titles), 0.05)
    return figure(traces, {**layout, "height": 260, "margin": MARGIN})
