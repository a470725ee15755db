"""Figures of lesson 2 (perceptron): an activation function with the current neuron on it, and the
unit square split by a perceptron's decision line for AND / OR / XOR.

Pure builders: numbers in, figure out (labels arrive translated), made with ``style.figure``.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.charts.style import BLUE, FONT, GREY, ORANGE, RED, figure

GATE_GRID = np.linspace(-0.5, 1.5, 121)
REGION = "rgba(230,159,0,0.35)"  # ORANGE, see-through: where the perceptron answers 1
CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def activation_figure(a_grid: np.ndarray, values: np.ndarray, slopes: np.ndarray | None,
                      a_now: float, y_now: float, labels: dict[str, str]) -> go.Figure:
    """An activation function f(a), optionally its slope f'(a), and the current neuron as a dot."""
    data = [{"type": "scatter", "x": a_grid, "y": values, "mode": "lines",
             "line": {"color": BLUE, "width": 3, "shape": "linear"}, "name": labels["f"]}]
    if slopes is not None:
        data.append({"type": "scatter", "x": a_grid, "y": slopes, "mode": "lines",
                     "line": {"color": ORANGE, "width": 3, "dash": "dash"}, "name": labels["slope"]})
    data.append({"type": "scatter", "x": [a_now], "y": [y_now], "mode": "markers+text",
                 "text": [f"a={a_now:g}, y={y_now:.3g}"], "textposition": "top left",
                 "marker": {"size": 15, "color": RED}, "name": labels["now"]})
    return figure(data, {
        "height": 380, "margin": MARGIN, "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "shapes": [{"type": "line", "x0": 0, "x1": 0, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                    "line": {"color": GREY, "width": 1}}],
        "xaxis": {"title": {"text": labels["x"]}, "range": [float(a_grid[0]), float(a_grid[-1])], "zeroline": False},
        "yaxis": {"title": {"text": labels["y"]}, "range": [-0.2, max(1.2, float(np.nanmax(values)) * 1.05)]},
    })


def gate_figure(w1: float, w2: float, theta: float, line_x2: np.ndarray | None, targets: np.ndarray,
                outputs: np.ndarray, labels: dict[str, str]) -> go.Figure:
    """The unit square: where the perceptron answers 1 (shaded), the line w1·x1 + w2·x2 = θ
    (x2 over GATE_GRID, or None when vertical), and the four corners coloured by the gate's answer."""
    grid = GATE_GRID
    region = (w1 * grid[np.newaxis, :] + w2 * grid[:, np.newaxis] - theta > 0).astype(np.uint8)  # rows follow x2
    data = [{"type": "heatmap", "x": grid, "y": grid, "z": region, "colorscale": [[0, "white"], [1, REGION]],
             "zmin": 0, "zmax": 1, "showscale": False, "hoverinfo": "skip"}]
    if line_x2 is not None:
        data.append({"type": "scatter", "x": grid, "y": line_x2, "mode": "lines",
                     "line": {"color": "black", "width": 3}, "name": labels["line"]})
    elif w1 != 0:
        data.append({"type": "scatter", "x": [theta / w1] * 2, "y": [-0.5, 1.5], "mode": "lines",
                     "line": {"color": "black", "width": 3}, "name": labels["line"]})
    for value in (0, 1):
        mask = targets == value
        right = (outputs[mask] == targets[mask]).tolist()
        data.append({
            "type": "scatter", "x": CORNERS[mask, 0], "y": CORNERS[mask, 1], "mode": "markers+text",
            "text": [f"{labels['target']} {value}" + ("" if ok else " ✖") for ok in right],
            "textposition": "bottom center", "textfont": {"size": FONT, "color": "black"},
            "marker": {"size": 26, "color": ORANGE if value else BLUE,
                       "symbol": ["circle" if ok else "x" for ok in right], "line": {"color": "black", "width": 2}},
            "name": f"{labels['target']} = {value}",
        })
    return figure(data, {
        "height": 460, "margin": MARGIN, "legend": {"orientation": "h", "y": 1.1, "x": 0},
        "xaxis": {"range": [-0.5, 1.5], "title": {"text": "x₁"}, "dtick": 0.5, "constrain": "domain"},
        "yaxis": {"range": [-0.5, 1.5], "title": {"text": "x₂"}, "dtick": 0.5, "scaleanchor": "x", "scaleratio": 1,
                  "constrain": "domain"},
    })
