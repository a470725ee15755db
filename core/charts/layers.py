"""What happens inside the layers: feature maps and filters in a grid, dense activations, one pixel's
sum, each input channel's share of it, and the "why this answer" map.

Pure builders (numbers in, plotly figure out, no Streamlit) made with ``style.figure``: plain
dicts, one layout, no validation. Every text arrives as an argument, in the student's language.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.charts.digits import HIDDEN_X, HIDDEN_Y, figure, tiles_figure
from core.charts.style import BLUE, INK, ORANGE, RED, SIGNED

MAPS = "Viridis"  # activations: dark = 0, yellow = strong


def map_grid(maps: np.ndarray, titles: list[str], columns: int = 8, colorscale=MAPS, zmid: float | None = None,
             colorbar_title: str = "") -> go.Figure:
    """Maps (n, h, w) as one tiled heatmap on a shared colour scale, a title above each tile.

    With ``zmid`` the scale is diverging and symmetric around it (weights); otherwise 0…max (activations).
    """
    maps = np.asarray(maps, dtype=np.float32)
    if zmid is not None:
        reach = float(np.abs(maps - zmid).max(initial=0)) or 1.0
        zmin, zmax = zmid - reach, zmid + reach
    else:
        zmin, zmax = min(0.0, float(maps.min(initial=0))), float(maps.max(initial=0)) or 1.0
    return tiles_figure(maps, titles, columns=columns, colorscale=colorscale, zmin=zmin, zmax=zmax,
                        colorbar_title=colorbar_title)


def activation_bars(values: np.ndarray, y_title: str, height: int = 260) -> go.Figure:
    """A dense layer's unit activations as bars, the strongest in orange, the rest blue."""
    values = np.asarray(values, dtype=float)
    strongest = int(values.argmax()) if len(values) else -1
    trace = {"type": "bar", "x": [str(i) for i in range(len(values))], "y": values,
             "marker": {"color": [ORANGE if i == strongest else BLUE for i in range(len(values))]},
             "hovertemplate": "%{x}: %{y:.3f}<extra></extra>"}
    return figure([trace], {"height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                            "xaxis": {"type": "category", "tickfont": {"size": 14 if len(values) <= 20 else 10}},
                            "yaxis": {"title": {"text": y_title}}})


def _number(value: float) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def pixel_sum_figure(kernel: np.ndarray, patch: np.ndarray, titles: tuple[str, str, str],
                     height: int = 300, patch_colorscale=INK) -> go.Figure:
    """Three small annotated grids side by side: kernel, input patch, kernel × patch (all k×k).

    The patch is drawn like its source (a digit's ink for the image, viridis for a feature map).
    """
    kernel = np.asarray(kernel, dtype=float)
    patch = np.asarray(patch, dtype=float)
    products = kernel * patch
    weight_reach = float(np.abs(kernel).max()) or 1.0
    product_reach = float(np.abs(products).max()) or 1.0
    size = 14 if kernel.shape[0] > 3 else 18
    grids = (
        (kernel, SIGNED, -weight_reach, weight_reach),
        (patch, patch_colorscale, 0.0, max(1.0, float(patch.max()))),
        (products, SIGNED, -product_reach, product_reach),
    )
    traces, layout, annotations = [], {}, []
    for i, (values, scale, zmin, zmax) in enumerate(grids):
        suffix = "" if i == 0 else str(i + 1)
        traces.append({"type": "heatmap", "z": values, "colorscale": scale, "zmin": zmin, "zmax": zmax,
                       "showscale": False, "text": [[_number(v) for v in row] for row in values],
                       "texttemplate": "%{text}", "textfont": {"size": size},
                       "hovertemplate": "%{z:.4f}<extra></extra>", "xgap": 2, "ygap": 2,
                       "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"})
        domain = [i / 3 + 0.02, (i + 1) / 3 - 0.02]
        layout[f"xaxis{suffix}"] = {**HIDDEN_X, "domain": domain}
        layout[f"yaxis{suffix}"] = {**HIDDEN_Y, "scaleanchor": f"x{suffix}"}
        annotations.append({"x": sum(domain) / 2, "y": 1.0, "xref": "paper", "yref": "paper", "yanchor": "bottom",
                            "text": titles[i], "showarrow": False, "font": {"size": 17, "color": "#222"}})
    return figure(traces, {**layout, "annotations": annotations, "height": height, "plot_bgcolor": "white",
                           "margin": {"l": 5, "r": 5, "t": 50, "b": 5}})


def channel_figure(per_channel: np.ndarray, title: str, x_title: str, chosen: int | None = None) -> go.Figure:
    """Each input channel's share of the sum (deeper layers add one k×k sum per channel): red +, blue −."""
    per_channel = np.asarray(per_channel, dtype=float)
    trace = {"type": "bar", "x": list(range(len(per_channel))), "y": per_channel,
             "marker": {"color": [RED if v >= 0 else BLUE for v in per_channel],
                        "line": {"color": ["black" if i == chosen else "rgba(0,0,0,0)" for i in range(len(per_channel))],
                                 "width": 3}},
             "hovertemplate": "#%{x}: %{y:.4f}<extra></extra>"}
    return figure([trace], {"title": {"text": title}, "height": 280, "xaxis": {"title": {"text": x_title}}})


def attribution_figure(image: np.ndarray, attribution: np.ndarray, title: str, colorbar_title: str = "",
                       height: int = 420) -> go.Figure:
    """A signed (28, 28) map in diverging colours (red = towards, blue = against) with the ink outlined."""
    attribution = np.asarray(attribution, dtype=float)
    reach = float(np.abs(attribution).max()) or 1.0
    image = np.asarray(image, dtype=float)
    heat = {"type": "heatmap", "z": attribution, "colorscale": SIGNED, "zmin": -reach, "zmax": reach,
            "colorbar": {"title": {"text": colorbar_title}, "thickness": 14},
            "hovertemplate": "(%{y}, %{x}) %{z:.3f}<extra></extra>"}
    ink = {"type": "contour", "z": image / (255.0 if image.max(initial=0) > 1 else 1.0), "showscale": False,
           "hoverinfo": "skip", "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
           "line": {"color": "black", "width": 2}}
    return figure([heat, ink], {"title": {"text": title}, "height": height, "xaxis": HIDDEN_X, "yaxis": HIDDEN_Y,
                                "margin": {"l": 5, "r": 5, "t": 50, "b": 5}})
