"""Figures of lesson 4 (convolution): the input with the sliding window, the feature map, one
window's arithmetic, and how LeNet-5's six maps become sixteen.

Pure builders: numbers in, a plotly figure out (``style.figure``: plain dicts, converted for the
browser once); labels arrive translated. Fonts and numbers are sized for a 1280×720 projector.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.charts import panels
from core.charts.style import GREY, INK, ORANGE, RED, SIGNED, figure

MAP_TITLE = {"y": 0.98, "font": {"size": 16}}


def _map_layout(size: int, title: str) -> dict:
    """One map with tick labels below it: square cells, row 0 on top, a title above."""
    axes = panels.panel_axes(1, [0.0, 1.0], [0.0, 1.0], ticks=True)
    axes["xaxis"]["side"] = "bottom"
    return {**axes, "height": 340, "title": {"text": title, **MAP_TITLE}, "margin": {"l": 10, "r": 10, "t": 45, "b": 5}}


def conv_input_figure(padded: np.ndarray, padding: int, k: int, top: int, left: int, title: str) -> go.Figure:
    """The (padded) input in ink colours; the image's own border dashed, the k×k window in red."""
    low, high = panels.ink_range(padded)
    trace = panels.heatmap(padded, INK, low, high, text=padded.shape[0] <= 14,
                           text_size=13 if padded.shape[0] <= 10 else 11)
    shapes = []
    if padding:
        n = padded.shape[0] - 2 * padding
        shapes.append(panels.box(1, padding, padding, n, n, GREY, line_width=2, dash="dash"))
    shapes.append(panels.box(1, top, left, k, k, RED, line_width=4))
    return figure([trace], {**_map_layout(padded.shape[0], title), "shapes": shapes})


def feature_map_figure(out: np.ndarray, row: int, col: int, title: str) -> go.Figure:
    """The output map in signed colours (negative blue, positive red), cell (row, col) outlined."""
    small = out.shape[0] <= 14
    trace = panels.heatmap(out, SIGNED, text=small, text_size=12 if out.shape[0] <= 10 else 10, zmid=0.0)
    shapes = [panels.box(1, row, col, 1, 1, "black" if small else ORANGE, line_width=4)] if out.size else []
    return figure([trace], {**_map_layout(out.shape[0], title), "shapes": shapes})


def arithmetic_figure(patch: np.ndarray, kernel: np.ndarray, titles: tuple[str, str, str]) -> go.Figure:
    """patch | kernel | patch × kernel, every cell's number written (setosa.io-style)."""
    size = 18 if patch.shape[0] <= 3 else 13
    low, high = panels.ink_range(patch)
    traces = [panels.heatmap(patch, INK, low, high, text=True, text_size=size),
              panels.heatmap(kernel, SIGNED, text=True, text_size=size, zmid=0.0),
              panels.heatmap(patch * kernel, SIGNED, text=True, text_size=size, zmid=0.0)]
    layout = {"height": 250 if patch.shape[0] <= 3 else 330, "margin": {"l": 10, "r": 10, "t": 35, "b": 5},
              "annotations": []}
    for panel, (x_domain, name) in enumerate(zip(panels.spans(3, 0.06), titles), start=1):
        layout.update(panels.panel_axes(panel, x_domain, [0.0, 1.0]))
        layout["annotations"].append(panels.title(name, x_domain, [0.0, 1.0]))
    return figure([panels.on_panel(t, p) for p, t in enumerate(traces, start=1)], layout)


def channels_figure(inputs: np.ndarray, kernels: np.ndarray, partials: np.ndarray,
                    row_titles: tuple[str, str, str], total_title: str) -> go.Figure:
    """Six input maps (H, W, 6), their six kernel slices (k, k, 6), the six partial results
    (H', W', 6) and, in the last column, their sum: ``+`` between the partials, ``=`` before the sum."""
    c = inputs.shape[2]
    total = partials.sum(axis=-1)
    k_lim = panels.signed_limit(kernels)
    o_lim = max(panels.signed_limit(partials), panels.signed_limit(total))  # one scale for the parts and their sum
    top = max(1e-9, float(inputs.max()))
    columns, rows = panels.spans(c + 1, 0.02, width=panels.ROW_TITLES_WIDTH), panels.rows_top_down(3, 0.06)
    traces, layout = [], {"height": 470, "margin": {"l": 10, "r": 40, "t": 30, "b": 10}}
    annotations = []

    def place(trace: dict, row: int, col: int) -> None:
        panel = row * (c + 1) + col + 1
        traces.append(panels.on_panel(trace, panel))
        layout.update(panels.panel_axes(panel, columns[col], rows[row]))

    for i in range(c):
        place(panels.heatmap(inputs[:, :, i], INK, 0, top), 0, i)
        place(panels.heatmap(kernels[:, :, i], SIGNED, -k_lim, k_lim), 1, i)
        place(panels.heatmap(partials[:, :, i], SIGNED, -o_lim, o_lim), 2, i)
        annotations.append(panels.title(f"#{i + 1}", columns[i], rows[0]))
    place(panels.heatmap(total, SIGNED, -o_lim, o_lim), 2, c)
    annotations.append(panels.title(f"<b>{total_title}</b>", columns[c], rows[2]))
    annotations += [panels.side_title(text, columns[c], rows[r]) for r, text in enumerate(row_titles)]
    annotations += [{"text": "+" if i < c - 1 else "=", "xref": "paper", "yref": "paper", "showarrow": False,
                     "x": (i + 1) / (c + 1), "y": 0.14, "font": {"size": 22, "color": GREY}} for i in range(c)]
    return figure(traces, {**layout, "annotations": annotations})


def maps_grid_figure(maps: np.ndarray, highlight: int, columns: int = 8) -> go.Figure:
    """All maps of an (H, W, C) stack as small multiples, number ``highlight`` (0-based) framed."""
    count = maps.shape[2]
    n_rows = int(np.ceil(count / columns))
    xs, ys = panels.spans(columns, 0.01), panels.rows_top_down(n_rows, 0.08)
    limit = panels.signed_limit(maps)
    traces, annotations = [], []
    layout = {"height": 150 * n_rows + 40, "margin": {"l": 10, "r": 10, "t": 30, "b": 10}}
    for i in range(count):
        x_domain, y_domain = xs[i % columns], ys[i // columns]
        traces.append(panels.on_panel(panels.heatmap(maps[:, :, i], SIGNED, -limit, limit, hover="%{z:.3f}"), i + 1))
        layout.update(panels.panel_axes(i + 1, x_domain, y_domain))
        annotations.append(panels.title(f"#{i + 1}", x_domain, y_domain))
    h, w = maps.shape[:2]
    frame = panels.box(highlight + 1, -0.3, -0.3, h + 0.6, w + 0.6, ORANGE, line_width=4)
    return figure(traces, {**layout, "annotations": annotations, "shapes": [frame]})
