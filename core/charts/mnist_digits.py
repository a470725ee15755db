"""Figures of lesson 0 (meet MNIST): one digit with a chosen pixel, its pixel values, their
histogram, a one-hot label, images per digit and the average image of each digit.

Pure builders: numbers in, figure out (labels arrive translated), made with ``style.figure``.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.charts.style import BLUE, GREY, INK, ORANGE, RED, figure

PAPER_GREY = "#f0f2f6"  # an unset one-hot box: Streamlit's light background grey
_NO_TICKS = {"showticklabels": False, "showgrid": False, "ticks": "", "zeroline": False}


def _pixel_box(pixel: tuple[int, int]) -> dict:
    """A red square around the (row, column) pixel of a heatmap drawn with unit cells."""
    row, col = pixel
    return {"type": "rect", "x0": col - 0.5, "x1": col + 0.5, "y0": row - 0.5, "y1": row + 0.5,
            "line": {"color": RED, "width": 3}}


def digit_figure(image: np.ndarray, title: str, pixel: tuple[int, int] | None = None) -> go.Figure:
    """A 28×28 image as grey squares (ink dark), with the chosen (row, column) pixel outlined."""
    shapes = [_pixel_box(pixel)] if pixel is not None else []
    shapes.append({"type": "rect", "x0": -0.5, "x1": 27.5, "y0": -0.5, "y1": 27.5,
                   "line": {"color": GREY, "width": 1}})
    heatmap = {"type": "heatmap", "z": image, "colorscale": INK, "zmin": 0, "zmax": 255, "showscale": False,
               "hovertemplate": "row %{y}, col %{x}: %{z}<extra></extra>"}
    return figure([heatmap], {
        "height": 430, "title": {"text": title, "y": 0.99}, "margin": {"l": 10, "r": 10, "t": 70, "b": 10},
        "xaxis": {"showgrid": False, "constrain": "domain", "side": "top", "zeroline": False, "dtick": 5},
        "yaxis": {"autorange": "reversed", "scaleanchor": "x", "constrain": "domain", "showgrid": False,
                  "zeroline": False, "dtick": 5},
        "shapes": shapes,
    })


def pixel_table_figure(image: np.ndarray, normalised: bool, pixel: tuple[int, int] | None = None) -> go.Figure:
    """The 28×28 pixel values written in shaded cells, raw 0–255 or divided by 255 (like 002's pandas table)."""
    if normalised:
        values = image.astype(np.float32) / 255.0
        text = np.where(values == 0, "0", np.char.mod("%.2f", values))
    else:
        values = image.astype(np.int64)
        text = values.astype(str)
    heatmap = {"type": "heatmap", "z": values, "text": text.tolist(), "texttemplate": "%{text}",
               "textfont": {"size": 9}, "colorscale": INK, "zmin": 0, "zmax": 1 if normalised else 255,
               "showscale": False, "hovertemplate": "row %{y}, col %{x}: %{z}<extra></extra>", "xgap": 1, "ygap": 1}
    return figure([heatmap], {
        "height": 760, "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "xaxis": {"dtick": 1, "side": "top", "tickfont": {"size": 10}, "showgrid": False},
        "yaxis": {"autorange": "reversed", "dtick": 1, "tickfont": {"size": 10}, "showgrid": False},
        "shapes": [_pixel_box(pixel)] if pixel is not None else [],
    })


def histogram_figure(image: np.ndarray, normalised: bool, x_title: str, y_title: str) -> go.Figure:
    """How many pixels of the image have each value: 0–255, or 0–1 after dividing by 255."""
    values = image.ravel().astype(np.float32) / (255.0 if normalised else 1.0)
    top = 1.0 if normalised else 255.0
    bars = {"type": "histogram", "x": values, "xbins": {"start": 0, "end": top * 1.0001, "size": top / 17},
            "marker": {"color": BLUE}}
    return figure([bars], {
        "height": 300, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "bargap": 0.05,
        "xaxis": {"title": {"text": x_title}, "range": [0, top]},
        "yaxis": {"title": {"text": y_title}, "type": "log", "dtick": 1},
    })


def one_hot_figure(vector: np.ndarray, label_title: str) -> go.Figure:
    """A one-hot label as ten boxes 0–9 with the single 1 highlighted."""
    boxes = {"type": "heatmap", "z": [list(map(float, vector))], "x": [str(d) for d in range(len(vector))],
             "text": [[f"{v:.0f}" for v in vector]], "texttemplate": "%{text}", "textfont": {"size": 20},
             "colorscale": [[0, PAPER_GREY], [1, ORANGE]], "zmin": 0, "zmax": 1, "showscale": False, "xgap": 3,
             "hoverinfo": "skip"}
    return figure([boxes], {
        "height": 130, "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "xaxis": {"title": {"text": label_title}, "side": "top", "type": "category"},
        "yaxis": {"visible": False},
    })


def class_counts_figure(train: np.ndarray, test: np.ndarray, names: tuple[str, str], x_title: str) -> go.Figure:
    """Images per digit in the training and test sets, side by side."""
    digits = [str(d) for d in range(len(train))]
    bars = [{"type": "bar", "x": digits, "y": counts, "name": name, "marker": {"color": colour}, "text": counts,
             "textposition": "outside"}
            for counts, name, colour in ((train, names[0], BLUE), (test, names[1], ORANGE))]
    return figure(bars, {
        "height": 360, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "barmode": "group",
        "legend": {"orientation": "h", "y": 1.12, "x": 0}, "uniformtext": {"minsize": 9, "mode": "show"},
        "xaxis": {"title": {"text": x_title}, "type": "category"},
        "yaxis": {"range": [0, max(train.max(), test.max()) * 1.15]},
    })


def _domains(count: int, spacing: float, reverse: bool = False) -> list[list[float]]:
    """Equal [start, end] paper spans for `count` subplots with `spacing` between them (top first if reverse)."""
    size = (1.0 - spacing * (count - 1)) / count
    spans = [[i * (size + spacing), min(i * (size + spacing) + size, 1.0)] for i in range(count)]
    return spans[::-1] if reverse else spans


def mean_images_figure(means: np.ndarray, counts: np.ndarray) -> go.Figure:
    """The average image of each digit (2 rows × 5), titled with the digit and its image count."""
    columns, rows = _domains(5, 0.02), _domains(2, 0.1, reverse=True)
    data, layout, titles = [], {"height": 380, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}}, []
    for digit in range(10):
        n = digit + 1
        suffix = str(n) if n > 1 else ""
        x_span, y_span = columns[digit % 5], rows[digit // 5]
        data.append({"type": "heatmap", "z": means[digit], "colorscale": INK, "zmin": 0, "zmax": 255,
                     "showscale": False, "hovertemplate": "%{z:.0f}<extra></extra>",
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"})
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": x_span, **_NO_TICKS}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": y_span, "autorange": "reversed",
                                    "scaleanchor": f"x{suffix}", **_NO_TICKS}
        titles.append({"text": f"{digit} ({counts[digit]:,})", "x": (x_span[0] + x_span[1]) / 2, "y": y_span[1],
                       "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                       "showarrow": False, "font": {"size": 16}})
    layout["annotations"] = titles
    return figure(data, layout)
