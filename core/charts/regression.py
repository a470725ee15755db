"""Figures of lesson 1 (linear regression): points with a line and its residuals, the loss Q_t over
(a, b), and the aside's two lines 3x + 2y = 13, 5x + 3y = 21.

Pure builders: numbers in, figure out (labels arrive translated), made with ``style.figure``.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from core.charts.style import BLUE, GREEN, ORANGE, RED, figure

SQUARE_FILL = "rgba(213,94,0,0.15)"  # RED, see-through: the square of a residual
SQUARE_EDGE = "rgba(214,39,40,0.5)"
VIRIDIS = get_colorscale("Viridis")  # as stops: figures built without validation send names as they are
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def regression_figure(x: np.ndarray, y: np.ndarray, a: float, b: float, *, show_squares: bool,
                      best: tuple[float, float] | None, labels: dict[str, str]) -> go.Figure:
    """Points, the line y = a·x + b, each residual as a vertical segment (and its square), and
    optionally the least-squares line. Axes have equal scale so the squares look square."""
    fit = a * x + b
    shapes = []
    if show_squares:
        for xi, yi, fi in zip(x.tolist(), y.tolist(), fit.tolist()):
            shapes.append({"type": "rect", "x0": xi, "x1": xi + abs(yi - fi), "y0": min(yi, fi), "y1": max(yi, fi),
                           "fillcolor": SQUARE_FILL, "line": {"color": SQUARE_EDGE, "width": 1}})
    gaps = np.full_like(x, np.nan)
    line_x = np.array([0.0, 10.0])
    data = [
        {"type": "scatter", "x": np.column_stack([x, x, gaps]).ravel(), "y": np.column_stack([y, fit, gaps]).ravel(),
         "mode": "lines", "line": {"color": RED, "width": 2}, "name": labels["residual"], "hoverinfo": "skip"},
        {"type": "scatter", "x": line_x, "y": a * line_x + b, "mode": "lines", "line": {"color": BLUE, "width": 3},
         "name": labels["line"]},
    ]
    if best is not None:
        data.append({"type": "scatter", "x": line_x, "y": best[0] * line_x + best[1], "mode": "lines",
                     "line": {"color": GREEN, "width": 3, "dash": "dash"}, "name": labels["best"]})
    data.append({"type": "scatter", "x": x, "y": y, "mode": "markers", "marker": {"size": 10, "color": "black"},
                 "name": labels["points"]})
    low, high = min(-1.0, float(y.min()) - 0.5), max(11.0, float(y.max()) + 0.5)  # every point stays visible
    return figure(data, {
        "height": 520, "margin": MARGIN, "shapes": shapes,
        "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        "xaxis": {"range": [0, 10], "title": {"text": "x"}, "dtick": 1, "constrain": "domain"},
        "yaxis": {"range": [low, high], "title": {"text": "y"}, "scaleanchor": "x", "scaleratio": 1, "dtick": 1,
                  "constrain": "domain"},
    })


def loss_landscape_figure(a_values: np.ndarray, b_values: np.ndarray, grid: np.ndarray,
                          current: tuple[float, float], best: tuple[float, float] | None,
                          labels: dict[str, str]) -> go.Figure:
    """Contours of Q_t over (a, b) with the current line as a dot (and the least-squares minimum)."""
    data = [
        {"type": "contour", "x": a_values, "y": b_values, "z": np.log10(grid), "colorscale": VIRIDIS,
         "ncontours": 25, "contours": {"showlines": False},
         "colorbar": {"title": {"text": "Qₜ"}, "thickness": 12, "tickvals": [0, 1, 2, 3, 4],
                      "ticktext": ["1", "10", "100", "1000", "10⁴"]},
         "customdata": grid, "hovertemplate": "a=%{x:.2f}, b=%{y:.2f}<br>Qₜ=%{customdata:.1f}<extra></extra>"},
        {"type": "scatter", "x": [current[0]], "y": [current[1]], "mode": "markers", "name": labels["line"],
         "marker": {"size": 16, "color": "white", "line": {"color": "black", "width": 2}}},
    ]
    if best is not None:
        data.append({"type": "scatter", "x": [best[0]], "y": [best[1]], "mode": "markers", "name": labels["best"],
                     "marker": {"size": 16, "symbol": "x", "color": GREEN, "line": {"color": "white", "width": 1}}})
    return figure(data, {
        "height": 420, "margin": MARGIN, "showlegend": False, "title": {"text": labels["title"], "y": 0.98},
        "xaxis": {"title": {"text": "a"}}, "yaxis": {"title": {"text": "b"}},
    })


def system_figure(x: float, y: float, labels: dict[str, str]) -> go.Figure:
    """The lines 3x + 2y = 13 and 5x + 3y = 21 in the (x, y) plane, and the point being tried."""
    xs = [0.0, 6.0]
    return figure([
        {"type": "scatter", "x": xs, "y": [(13 - 3 * v) / 2 for v in xs], "mode": "lines",
         "line": {"color": BLUE, "width": 3}, "name": "3x + 2y = 13"},
        {"type": "scatter", "x": xs, "y": [(21 - 5 * v) / 3 for v in xs], "mode": "lines",
         "line": {"color": ORANGE, "width": 3}, "name": "5x + 3y = 21"},
        {"type": "scatter", "x": [x], "y": [y], "mode": "markers+text", "text": [f"({x:g}, {y:g})"],
         "textposition": "top right", "marker": {"size": 16, "color": RED}, "name": labels["try"]},
    ], {
        "height": 420, "margin": MARGIN, "legend": {"orientation": "h", "y": 1.1, "x": 0},
        "xaxis": {"range": [0, 6], "title": {"text": "x"}, "dtick": 1},
        "yaxis": {"range": [0, 7], "title": {"text": "y"}, "dtick": 1, "scaleanchor": "x", "scaleratio": 1},
    })
