"""Figures of lesson 3 (the 9 → 3 → 2 ○× network): the network with its values and weights, the
weights as pictures, the loss curve of training, and the training images with the network's answers.

Pure builders: numbers in, figure out (labels arrive translated), made with ``style.figure``.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.charts.style import BLUE, FONT, GREEN, GREY, INK, RED, SIGNED, figure

WEIGHTS = SIGNED  # negative weights blue, positive vermillion, 0 white
_BARE = {"showticklabels": False, "ticks": "", "showgrid": False}


def loss_text(value: float) -> str:
    """A loss for a metric: 4 decimals, or scientific notation once it drops below 0.001."""
    return f"{value:.4f}" if value >= 1e-3 else f"{value:.1e}"


def network_figure(x: np.ndarray, hidden: np.ndarray, out: np.ndarray, w: np.ndarray, v: np.ndarray,
                   labels: dict[str, str]) -> go.Figure:
    """The 9 → 3 → 2 network: nodes shaded by their value, connections coloured by weight
    (red positive, blue negative) and as thick as the weight is large."""
    pos_in = [(0.0, 8.0 - k) for k in range(9)]
    pos_hidden = [(1.0, 6.5 - 2.5 * j) for j in range(3)]
    pos_out = [(2.0, 5.5 - 3.0 * i) for i in range(2)]
    biggest = max(float(np.abs(w).max()), float(np.abs(v).max()), 1e-9)
    data = []
    for layer_from, layer_to, weights in ((pos_in, pos_hidden, w.tolist()), (pos_hidden, pos_out, v.tolist())):
        for j, (x1, y1) in enumerate(layer_to):
            for k, (x0, y0) in enumerate(layer_from):
                value = weights[j][k]
                data.append({"type": "scatter", "x": [x0, x1], "y": [y0, y1], "mode": "lines", "hoverinfo": "text",
                             "text": f"w = {value:.2f}", "opacity": 0.65, "showlegend": False,
                             "line": {"color": RED if value >= 0 else BLUE, "width": 0.5 + 5 * abs(value) / biggest}})
    output_names = [labels["maru"], labels["batsu"]]
    nodes = [(pos_in, x, [f"x{k + 1}" for k in range(9)]),
             (pos_hidden, hidden, [f"y{j + 1}" for j in range(3)]),
             (pos_out, out, output_names)]
    for positions, values, names in nodes:
        values = [float(value) for value in values]
        data.append({
            "type": "scatter", "x": [p[0] for p in positions], "y": [p[1] for p in positions], "mode": "markers+text",
            "marker": {"size": 34, "color": values, "colorscale": INK, "cmin": 0, "cmax": 1,
                       "line": {"color": "black", "width": 2}},
            "text": [f"{value:.2f}" for value in values], "textposition": "middle center",
            "textfont": {"color": ["black" if value < 0.55 else "white" for value in values], "size": 12},
            "hovertext": names, "hoverinfo": "text", "showlegend": False,
        })
    notes = [{"x": px + 0.12, "y": py, "text": name, "showarrow": False, "xanchor": "left", "font": {"size": FONT}}
             for (px, py), name in zip(pos_out, output_names)]
    notes += [{"x": px, "y": py + 0.75, "text": f"y{j + 1}", "showarrow": False, "font": {"size": FONT}}
              for j, (px, py) in enumerate(pos_hidden)]
    notes += [{"x": px, "y": 9.2, "text": f"<b>{labels[key]}</b>", "showarrow": False, "font": {"size": FONT}}
              for px, key in ((0.0, "input"), (1.0, "hidden"), (2.0, "output"))]
    return figure(data, {
        "height": 460, "margin": {"l": 0, "r": 0, "t": 10, "b": 0}, "annotations": notes,
        "xaxis": {"visible": False, "range": [-0.25, 2.75]}, "yaxis": {"visible": False, "range": [-0.6, 9.7]},
    })


def weights_figure(w: np.ndarray, theta: np.ndarray, v: np.ndarray, phi: np.ndarray,
                   labels: dict[str, str]) -> go.Figure:
    """The hidden weights as three 3×3 pictures (what each hidden neuron looks for) and the output
    weights with their thresholds φ as a 2×4 table, all on one red–white–blue scale, numbers written in."""
    limit = max(float(np.abs(w).max()), float(np.abs(v).max()), 1.0)
    titles = [f"y{j + 1} (θ={theta[j]:.2f})" for j in range(3)] + [labels["output"]]
    # four columns 1 : 1 : 1 : 2 wide with 0.04 between them, as make_subplots would place them
    spacing, widths = 0.04, [0.2, 0.2, 0.2, 0.4]
    scale = (1.0 - spacing * 3) / sum(widths)
    starts = [sum(widths[:i]) * scale + i * spacing for i in range(4)]
    spans = [[start, min(start + width * scale, 1.0)] for start, width in zip(starts, widths)]
    common = {"texttemplate": "%{text}", "textfont": {"size": 14}, "colorscale": WEIGHTS, "zmin": -limit,
              "zmax": limit, "xgap": 2, "ygap": 2}
    data, layout = [], {"height": 240, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}}
    for j in range(3):
        block = w[j].reshape(3, 3)
        suffix = str(j + 1) if j else ""
        data.append({"type": "heatmap", "z": block, "text": np.round(block, 2), "showscale": False,
                     "hovertemplate": "w = %{z:.3f}<extra></extra>", "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                     **common})
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": spans[j], **_BARE}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [0.0, 1.0], "autorange": "reversed",
                                    "scaleanchor": f"x{suffix}", **_BARE}
    table = np.column_stack([v, phi])  # (2, 4): the three weights, then the threshold φ
    data.append({"type": "heatmap", "z": table, "x": ["y1", "y2", "y3", "φ"], "y": [labels["maru"], labels["batsu"]],
                 "text": np.round(table, 2), "colorbar": {"thickness": 10, "len": 0.9, "x": 1.01},
                 "hovertemplate": "%{z:.3f}<extra></extra>", "xaxis": "x4", "yaxis": "y4", **common})
    layout["xaxis4"] = {"anchor": "y4", "domain": spans[3], "ticks": "", "showgrid": False}
    layout["yaxis4"] = {"anchor": "x4", "domain": [0.0, 1.0], "autorange": "reversed", "ticks": "", "showgrid": False}
    layout["annotations"] = [{"text": title, "x": (span[0] + span[1]) / 2, "y": 1.0, "xref": "paper", "yref": "paper",
                              "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16}}
                             for title, span in zip(titles, spans)]
    return figure(data, layout)


def loss_curve_figure(losses: np.ndarray, labels: dict[str, str], total_epochs: int | None = None) -> go.Figure:
    """Loss per epoch (log scale) while training; the x-axis is fixed to the planned epochs."""
    layout = {
        "height": 300, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "showlegend": False,
        "xaxis": {"title": {"text": labels["epoch"]}, "range": [0, total_epochs or max(len(losses), 1)]},
        "yaxis": {"title": {"text": labels["loss"]}, "type": "log", "dtick": 1, "exponentformat": "none"},
    }
    if len(losses) == 0:
        layout["yaxis"]["range"] = [-4, 0]
        layout["annotations"] = [{"x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "text": labels["empty"],
                                  "showarrow": False, "font": {"size": FONT + 2, "color": GREY}}]
    curve = {"type": "scatter", "x0": 1, "dx": 1, "y": losses, "mode": "lines",  # epochs 1, 2, … without sending them
             "line": {"color": RED, "width": 3}, "name": labels["loss"]}
    return figure([curve], layout)


def dataset_figure(images: np.ndarray, targets: np.ndarray, out: np.ndarray, labels: dict[str, str]) -> go.Figure:
    """The training images (N, 9) as little 3×3 pictures, ○ in the top row and × below, each
    captioned with the network's current answer (green when right, red when wrong)."""
    rows = [np.flatnonzero(targets[:, 0] == 1), np.flatnonzero(targets[:, 1] == 1)]
    width = max(len(r) for r in rows)
    canvas = np.full((2 * 4 - 1, width * 4 - 1), np.nan)
    answers = []
    for row, members in enumerate(rows):
        for column, index in enumerate(members):
            canvas[row * 4:row * 4 + 3, column * 4:column * 4 + 3] = images[index].reshape(3, 3)
            right = np.argmax(out[index]) == np.argmax(targets[index])
            answer = labels["maru"] if out[index, 0] >= out[index, 1] else labels["batsu"]
            answers.append({"x": column * 4 + 1, "y": row * 4 - 1.1, "text": f"<b>{answer}</b>", "showarrow": False,
                            "font": {"size": FONT + 3, "color": GREEN if right else RED}})
    pictures = {"type": "heatmap", "z": canvas, "colorscale": INK, "zmin": 0, "zmax": 1, "showscale": False,
                "hoverinfo": "skip"}
    return figure([pictures], {
        "height": 280, "margin": {"l": 0, "r": 0, "t": 10, "b": 0}, "annotations": answers,
        "xaxis": {"visible": False}, "yaxis": {"visible": False, "scaleanchor": "x", "range": [7.5, -2.2]},
    })
