"""Figures of lesson 6: ten scores and their probabilities, softmax of two classes against the
sigmoid, one-hot target against the prediction, and the cross-entropy curve.

Pure builders: numbers in, a plotly figure out (``style.figure``: plain dicts, converted for the
browser once); labels arrive translated. Fonts and numbers are sized for a 1280×720 projector.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.charts import panels
from core.charts.style import BLUE, GREY, ORANGE, RED, figure

CURVE_MARGIN = {"l": 10, "r": 10, "t": 20, "b": 10}


def softmax_figure(logits: np.ndarray, probs: np.ndarray, true_class: int | None, titles: tuple[str, str]) -> go.Figure:
    """Scores z_k (left) and probabilities y_k with percentages (right); the true class in orange."""
    labels = [str(k) for k in range(len(probs))]
    colours = [ORANGE if k == true_class else BLUE for k in range(len(probs))]
    left, right = panels.spans(2, 0.08, [0.4, 0.6])
    limit = max(5.5, float(np.abs(logits).max()) * 1.25)
    bars = [
        {"type": "bar", "x": labels, "y": np.asarray(logits, dtype=float), "marker": {"color": GREY},
         "text": [f"{z:.1f}" for z in logits], "textposition": "outside",
         "hovertemplate": "z%{x} = %{y:.2f}<extra></extra>", "xaxis": "x", "yaxis": "y"},
        {"type": "bar", "x": labels, "y": np.asarray(probs, dtype=float), "marker": {"color": colours},
         "text": [f"{p:.0%}" for p in probs], "textposition": "outside", "textfont": {"size": 15},
         "hovertemplate": "y%{x} = %{y:.4f}<extra></extra>", "xaxis": "x2", "yaxis": "y2"},
    ]
    layout = {
        "xaxis": {"domain": left, "anchor": "y", "type": "category"},
        "yaxis": {"domain": [0.0, 1.0], "anchor": "x", "range": [-limit, limit]},
        "xaxis2": {"domain": right, "anchor": "y2", "type": "category"},
        "yaxis2": {"domain": [0.0, 1.0], "anchor": "x2", "range": [0, 1.12], "tickformat": ".0%"},
        "annotations": [panels.title(titles[0], left, [0.0, 1.0]), panels.title(titles[1], right, [0.0, 1.0])],
        "height": 360, "showlegend": False, "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    }
    return figure(bars, layout)


def two_class_figure(diffs: np.ndarray, softmax_first: np.ndarray, sigmoid_values: np.ndarray, current: float,
                     labels: dict[str, str]) -> go.Figure:
    """σ(z₁ − z₂) as a line and softmax([z₁, z₂])[0] as dots on it; the current pair marked."""
    return figure([
        {"type": "scatter", "x": diffs, "y": sigmoid_values, "mode": "lines", "name": labels["sigmoid"],
         "line": {"color": BLUE, "width": 4}},
        {"type": "scatter", "x": diffs[::8], "y": softmax_first[::8], "mode": "markers", "name": labels["softmax"],
         "marker": {"color": ORANGE, "size": 10, "symbol": "circle-open", "line": {"width": 3}}},
        {"type": "scatter", "x": [current], "y": [float(1 / (1 + np.exp(-current)))], "mode": "markers",
         "name": labels["now"], "marker": {"color": RED, "size": 16, "symbol": "star"}},
    ], {"xaxis": {"title": {"text": labels["x"]}}, "yaxis": {"title": {"text": labels["y"]}, "range": [-0.05, 1.05]},
        "height": 340, "legend": {"orientation": "h", "y": -0.25}, "margin": CURVE_MARGIN})


def one_hot_figure(target: np.ndarray, probs: np.ndarray, row_labels: tuple[str, str]) -> go.Figure:
    """Two rows of ten boxes: the one-hot target t and the prediction y, numbers written in."""
    text = [[panels.fmt(v) for v in target], [f"{p:.2f}" for p in probs]]
    return figure([{
        "type": "heatmap", "z": np.vstack([target, probs]), "x": [str(k) for k in range(len(target))],
        "y": list(row_labels), "text": text, "texttemplate": "%{text}", "textfont": {"size": 17}, "zmin": 0,
        "zmax": 1, "colorscale": [[0, "#f0f2f6"], [1, ORANGE]], "showscale": False, "xgap": 3, "ygap": 3,
        "hoverinfo": "skip"}],
        {"yaxis": {"autorange": "reversed"}, "xaxis": {"side": "top", "type": "category"}, "height": 190,
         "margin": {"l": 10, "r": 10, "t": 30, "b": 10}})


def cross_entropy_figure(p_true: float, labels: dict[str, str]) -> go.Figure:
    """L = −log p over p ∈ (0, 1], the current probability of the true class marked."""
    p = np.linspace(0.005, 1.0, 200)
    clipped = min(max(p_true, 1e-7), 1.0)
    loss = float(-np.log(clipped))
    return figure([
        {"type": "scatter", "x": p, "y": -np.log(p), "mode": "lines", "line": {"color": BLUE, "width": 4},
         "name": "−log p"},
        {"type": "scatter", "x": [clipped], "y": [loss], "mode": "markers+text", "marker": {"color": RED, "size": 16},
         "text": [f"{loss:.3f}"], "textposition": "top right", "textfont": {"size": 17}},
    ], {"xaxis": {"title": {"text": labels["x"]}, "range": [0, 1.02]},
        "yaxis": {"title": {"text": labels["y"]}, "range": [0, max(5.5, loss * 1.15)]},
        "height": 320, "showlegend": False, "margin": CURVE_MARGIN})
