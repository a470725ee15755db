"""Figures of lesson 7 (gradient descent): a path down a curve, paths over the loss surface of a
line, loss per step, and the lines reached.

Pure builders: numbers in, a plotly figure out (``style.figure``: plain dicts, converted for the
browser once); labels arrive translated. At the end, the page's figures from its widget values,
memoised server-wide (core.memo): thirty students on the same settings share one computation. Fonts and numbers are sized for a 1280×720 projector.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core import memo
from core.charts.style import BLUE, GREEN, GREY, ORANGE, RED, figure
from lessons import gradient_descent as gd
from lessons import regression

OPTIMIZER_COLOURS = {"sgd": BLUE, "momentum": ORANGE, "adam": GREEN}
MARGIN = {"l": 10, "r": 10, "t": 20, "b": 10}


def _line(x, y, name: str, colour: str, width: int = 3, dash: str | None = None) -> dict:
    line = {"color": colour, "width": width} | ({"dash": dash} if dash else {})
    return {"type": "scatter", "x": x, "y": y, "mode": "lines", "name": name, "line": line}


def _marker(x: float, y: float, name: str, **marker) -> dict:
    return {"type": "scatter", "x": [x], "y": [y], "mode": "markers", "name": name, "marker": marker}


def curve_descent_figure(grid_x: np.ndarray, grid_f: np.ndarray, path_x: np.ndarray, path_f: np.ndarray,
                         labels: dict[str, str]) -> go.Figure:
    """The curve, the visited points joined in order (zigzags show overshooting), the start in red."""
    top = float(grid_f.max())
    return figure([
        _line(grid_x, grid_f, labels["curve"], GREY),
        {"type": "scatter", "x": path_x, "y": path_f, "mode": "lines+markers", "name": labels["path"],
         "line": {"color": ORANGE, "width": 2}, "marker": {"size": 9, "color": ORANGE}},
        _marker(float(path_x[0]), float(path_f[0]), labels["start"], size=16, color=RED, symbol="diamond"),
        _marker(float(path_x[-1]), float(path_f[-1]), labels["end"], size=16, color=GREEN, symbol="x"),
    ], {"xaxis": {"title": {"text": "x"}, "range": [float(grid_x.min()), float(grid_x.max())]},
        "yaxis": {"title": {"text": "f(x)"}, "range": [float(grid_f.min()) - 0.05 * top, top * 1.05]},
        "height": 380, "legend": {"orientation": "h", "y": -0.2}, "margin": MARGIN})


def surface_descent_figure(a_values: np.ndarray, b_values: np.ndarray, surface: np.ndarray,
                           paths: dict[str, np.ndarray], best: tuple[float, float],
                           labels: dict[str, str]) -> go.Figure:
    """Contours of log₁₀ Q over (a, b), each optimizer's path, the least-squares point as a star."""
    traces = [{
        "type": "contour", "x": a_values, "y": b_values, "z": np.log10(surface),
        "colorscale": [[0, "#ffffff"], [1, "#4a5a78"]], "ncontours": 22,
        "contours": {"coloring": "heatmap", "showlines": True}, "line": {"width": 0.6, "color": "#8a94a8"},
        "colorbar": {"title": {"text": labels["colorbar"], "side": "right"}, "thickness": 14},
        "hovertemplate": "a=%{x:.2f}, b=%{y:.2f}<extra></extra>",
    }]
    for name, points in paths.items():
        colour = OPTIMIZER_COLOURS.get(name, RED)
        traces.append({"type": "scatter", "x": points[:, 0], "y": points[:, 1], "mode": "lines+markers",
                       "name": labels[name], "line": {"color": colour, "width": 3},
                       "marker": {"size": 5, "color": colour}})
    if paths:
        start = next(iter(paths.values()))[0]
        traces.append(_marker(float(start[0]), float(start[1]), labels["start"], size=16, color=RED, symbol="diamond",
                              line={"color": "white", "width": 2}))
    traces.append(_marker(best[0], best[1], labels["best"], size=20, color="white", symbol="star",
                          line={"color": "black", "width": 2}))
    return figure(traces, {
        "xaxis": {"title": {"text": "a"}, "range": [float(a_values[0]), float(a_values[-1])]},
        "yaxis": {"title": {"text": "b"}, "range": [float(b_values[0]), float(b_values[-1])]},
        "height": 460, "legend": {"orientation": "h", "y": -0.18}, "margin": MARGIN})


def loss_curves_figure(losses: dict[str, np.ndarray], best_loss: float, labels: dict[str, str]) -> go.Figure:
    """Loss per step (log scale) for each optimizer, the least-squares loss as a dashed floor."""
    traces = [_line(np.arange(len(values)), values, labels[name], OPTIMIZER_COLOURS.get(name, RED))
              for name, values in losses.items()]
    longest = max([len(values) for values in losses.values()] + [1])
    traces.append(_line([0, longest - 1], [best_loss, best_loss], labels["best"], "black", width=2, dash="dash"))
    return figure(traces, {
        "xaxis": {"title": {"text": labels["x"]}},
        "yaxis": {"title": {"text": labels["y"]}, "type": "log", "dtick": 1, "exponentformat": "power"},
        "height": 340, "legend": {"orientation": "h", "y": -0.3}, "margin": MARGIN})


def line_fit_figure(x: np.ndarray, y: np.ndarray, lines: dict[str, tuple[float, float]], best: tuple[float, float],
                    labels: dict[str, str]) -> go.Figure:
    """The points, the least-squares line (dashed) and each optimizer's line after its last step."""
    xs = np.array([0.0, 10.0])
    traces = [{"type": "scatter", "x": x, "y": y, "mode": "markers", "name": labels["points"],
               "marker": {"size": 10, "color": GREY}},
              _line(xs, best[0] * xs + best[1], labels["best"], "black", dash="dash")]
    traces += [_line(xs, a * xs + b, labels[name], OPTIMIZER_COLOURS.get(name, RED)) for name, (a, b) in lines.items()]
    return figure(traces, {
        "xaxis": {"title": {"text": "x"}, "range": [0, 10]},
        "yaxis": {"title": {"text": "y"}, "range": [float(min(y.min(), 0)) - 1, float(y.max()) + 2]},
        "height": 340, "legend": {"orientation": "h", "y": -0.3}, "margin": MARGIN})


# --- the page's figures from its widget values, each distinct setting computed once per server ---

A_VALUES, B_VALUES = np.linspace(-1.0, 3.0, 81), np.linspace(-4.0, 8.0, 81)  # the (a, b) grid of ②


@memo.shared
def curve_path(curve: str, x0: float, lr: float, steps: int) -> gd.Path:
    """① the descent on a curve of lessons/gradient_descent.CURVES."""
    return gd.descend_curve(curve, x0, lr, steps)


@memo.shared
def curve_view(curve: str, x0: float, lr: float, steps: int, labels: dict) -> go.Figure:
    """① the curve around the path (the view widened to follow a path that jumps out, up to 3 widths each side)."""
    path = curve_path(curve, x0, lr, steps)
    f, _ = gd.CURVES[curve]
    low, high = gd.CURVE_RANGES[curve]
    span = high - low
    view = (max(min(low, path.points.min()), low - 3 * span), min(max(high, path.points.max()), high + 3 * span))
    grid_x = np.linspace(*view, 400)
    return curve_descent_figure(grid_x, f(grid_x), path.points[:, 0], path.losses, labels)


@memo.shared
def line_points(points: tuple[int, float, int]) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """② the points of ``points`` = (count, noise, seed) and their least-squares line (a*, b*)."""
    x, y = regression.make_points(points[0], points[1], seed=points[2])
    return x, y, regression.least_squares(x, y)


@memo.shared
def line_path(points: tuple, start: tuple, lr: float, steps: int, name: str) -> gd.Path:
    """② one optimizer's descent over (a, b) on those points."""
    x, y, _ = line_points(points)
    return gd.descend_line(x, y, start, lr, steps, name)


def line_paths(points: tuple, start: tuple, lr: float, steps: int, chosen: tuple) -> dict[str, gd.Path]:
    """② the descents of the chosen optimizers."""
    return {name: line_path(points, start, lr, steps, name) for name in chosen}


@memo.shared
def line_surface(points: tuple) -> np.ndarray:
    """② the loss over the (a, b) grid: once per set of points, whatever the start, rate or steps."""
    x, y, _ = line_points(points)
    return gd.mse_surface(x, y, A_VALUES, B_VALUES)


@memo.shared
def surface_view(points: tuple, start: tuple, lr: float, steps: int, chosen: tuple, labels: dict) -> go.Figure:
    """② the paths over the loss surface of the points."""
    paths = {name: path.points for name, path in line_paths(points, start, lr, steps, chosen).items()}
    return surface_descent_figure(A_VALUES, B_VALUES, line_surface(points), paths, line_points(points)[2], labels)


@memo.shared
def losses_view(points: tuple, start: tuple, lr: float, steps: int, chosen: tuple, labels: dict) -> go.Figure:
    """③ loss per step of each chosen optimizer."""
    x, y, best = line_points(points)
    losses = {name: path.losses for name, path in line_paths(points, start, lr, steps, chosen).items()}
    return loss_curves_figure(losses, gd.mse(np.array(best), x, y), labels)


@memo.shared
def line_view(points: tuple, start: tuple, lr: float, steps: int, chosen: tuple, labels: dict) -> go.Figure:
    """③ the lines the optimizers reached, with the least-squares line."""
    x, y, best = line_points(points)
    ends = {name: tuple(path.end) for name, path in line_paths(points, start, lr, steps, chosen).items()}
    return line_fit_figure(x, y, ends, best, labels)
