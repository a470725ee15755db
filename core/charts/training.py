"""Plotly figures for the training studio (pure functions, no Streamlit, no TensorFlow).

Every text shown comes in as an argument (``labels``), so the page passes it in the student's
language. The x axis of every curve is "epochs done" as a real number, so batch points and
epoch points of different runs share one axis.
"""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.charts.style import BLUE, GREEN, GREY, ORANGE, PURPLE, RED

FONT = dict(size=15)
TRAIN, VALID, TEST = BLUE, ORANGE, GREEN  # the house palette (colour-blind safe, tests/test_palette.py)
RUN_COLOURS = [BLUE, RED, GREEN, ORANGE, PURPLE, GREY, "#56B4E9", "#000000"]  # + Okabe–Ito's sky blue and black


def live_curves(points: list[dict], epochs: list[dict], labels: dict, total_epochs: int | None = None) -> go.Figure:
    """Loss (left) and accuracy (right) while training.

    ``points``: batch reports {"epoch": epochs done (float), "loss", "accuracy"} (means over the
    images since the previous point); ``epochs``: one dict per finished epoch {"epoch", "loss",
    "accuracy", "val_loss", "val_accuracy"}. ``labels``: loss, accuracy, epoch, train, train_epoch,
    validation.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=(labels["loss"], labels["accuracy"]), horizontal_spacing=0.08)
    x = [p["epoch"] for p in points]
    for col, name in ((1, "loss"), (2, "accuracy")):
        show = col == 1
        fig.add_trace(go.Scatter(x=x, y=[p[name] for p in points], mode="lines", line=dict(color=TRAIN, width=2),
                                 name=labels["train"], legendgroup="train", showlegend=show), row=1, col=col)
        done = [e for e in epochs if e.get(name) is not None]
        fig.add_trace(go.Scatter(x=[e["epoch"] for e in done], y=[e[name] for e in done], mode="markers",
                                 marker=dict(color=TRAIN, size=9, symbol="circle"), name=labels["train_epoch"],
                                 legendgroup="train_epoch", showlegend=show), row=1, col=col)
        checked = [e for e in epochs if e.get(f"val_{name}") is not None]
        fig.add_trace(go.Scatter(x=[e["epoch"] for e in checked], y=[e[f"val_{name}"] for e in checked],
                                 mode="lines+markers", line=dict(color=VALID, width=2, dash="dot"),
                                 marker=dict(size=9, symbol="diamond"), name=labels["validation"],
                                 legendgroup="val", showlegend=show), row=1, col=col)
    right = max(total_epochs or 0, max(x, default=0), 1)
    fig.update_xaxes(title_text=labels["epoch"], range=[0, right * 1.02])
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, 1.01], tickformat=".0%", row=1, col=2)
    fig.update_layout(height=330, font=FONT, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25), uirevision="live")
    return fig


def runs_overlay(runs: list[dict], labels: dict) -> go.Figure:
    """This session's runs on one chart: training accuracy (batch curve) per run, validation as markers.

    ``runs``: {"label", "points", "epochs"} as in ``live_curves``.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=(labels["loss"], labels["accuracy"]), horizontal_spacing=0.08)
    palette = RUN_COLOURS
    for index, run in enumerate(runs):
        color = palette[index % len(palette)]
        for col, name in ((1, "loss"), (2, "accuracy")):
            fig.add_trace(go.Scatter(
                x=[p["epoch"] for p in run["points"]], y=[p[name] for p in run["points"]], mode="lines",
                line=dict(color=color, width=2), name=run["label"], legendgroup=run["label"], showlegend=col == 1,
            ), row=1, col=col)
            checked = [e for e in run["epochs"] if e.get(f"val_{name}") is not None]
            if checked:
                fig.add_trace(go.Scatter(
                    x=[e["epoch"] for e in checked], y=[e[f"val_{name}"] for e in checked], mode="markers",
                    marker=dict(color=color, size=9, symbol="diamond"), name=f"{run['label']} ({labels['validation']})",
                    legendgroup=run["label"], showlegend=False,
                ), row=1, col=col)
    fig.update_xaxes(title_text=labels["epoch"])
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", row=1, col=2)
    fig.update_layout(height=360, font=FONT, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def overfit_figure(epochs: tuple, labels: dict, test: tuple | None = None):
    """004's picture of learning: training vs validation loss (left) and accuracy (right) per epoch.

    ``epochs``: tuples (epoch, loss, accuracy, val_loss, val_accuracy), validation values None when the
    run kept none; ``test``: (loss, accuracy) on the test set, drawn as a dashed line at the right;
    ``labels``: loss, accuracy, epoch, train, validation, test. Built with ``style.figure`` (cheap, cached).
    """
    from core.charts.style import figure

    x = [row[0] for row in epochs]
    data = []
    for column, (axis, offset) in enumerate((("", 1), ("2", 2))):
        show = column == 0
        xa, ya = "x" + axis, "y" + axis
        data.append({"type": "scatter", "x": x, "y": [row[offset] for row in epochs], "mode": "lines+markers",
                     "line": {"color": TRAIN, "width": 3}, "marker": {"size": 8}, "name": labels["train"],
                     "legendgroup": "train", "showlegend": show, "xaxis": xa, "yaxis": ya})
        checked = [(row[0], row[offset + 2]) for row in epochs if row[offset + 2] is not None]
        if checked:
            data.append({"type": "scatter", "x": [c[0] for c in checked], "y": [c[1] for c in checked],
                         "mode": "lines+markers", "line": {"color": VALID, "width": 3, "dash": "dot"},
                         "marker": {"size": 9, "symbol": "diamond"}, "name": labels["validation"],
                         "legendgroup": "val", "showlegend": show, "xaxis": xa, "yaxis": ya})
        if test is not None and x:
            data.append({"type": "scatter", "x": [x[0], x[-1]], "y": [test[column]] * 2, "mode": "lines",
                         "line": {"color": TEST, "width": 2, "dash": "dash"}, "name": labels["test"],
                         "legendgroup": "test", "showlegend": show, "xaxis": xa, "yaxis": ya})
    title = {"font": {"size": 16}}
    return figure(data, {
        "height": 340, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "legend": {"orientation": "h", "y": -0.3},
        "xaxis": {"domain": [0, 0.46], "title": {"text": labels["epoch"]}, "dtick": 1 if len(x) <= 20 else None},
        "xaxis2": {"domain": [0.54, 1], "title": {"text": labels["epoch"]}, "dtick": 1 if len(x) <= 20 else None,
                   "anchor": "y2"},
        "yaxis": {"rangemode": "tozero", "anchor": "x"},
        "yaxis2": {"tickformat": ".1%", "anchor": "x2"},
        "annotations": [
            {"text": labels["loss"], "x": 0.23, "y": 1.0, "xref": "paper", "yref": "paper", "yanchor": "bottom",
             "showarrow": False, **title},
            {"text": labels["accuracy"], "x": 0.77, "y": 1.0, "xref": "paper", "yref": "paper", "yanchor": "bottom",
             "showarrow": False, **title},
        ],
    })
