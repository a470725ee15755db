"""Grids of heatmap panels as plain plotly dicts: cells as squares, row 0 on top, numbers written in.

What lessons 4 and 5 draw (images, kernels, feature maps, pooling windows) is small matrices side
by side. Each panel is one heatmap on its own x/y axes, placed by explicit domains in one layout
dict (the layout ``make_subplots`` would build, without its per-property cost), for
``core.charts.style.figure``.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from plotly.colors import get_colorscale

TITLE_FONT = {"size": 16}  # the size make_subplots gives panel titles


def fmt(value: float) -> str:
    """A cell's number, short: 3, -1, 0.25, 0.0625 (exact up to 4 decimals), else 2 decimals (0.99)."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    if abs(value * 1e4 - round(value * 1e4)) < 1e-6:
        return f"{value:.4f}".rstrip("0")
    return f"{value:.2f}"


def texts(values: np.ndarray) -> list[list[str]]:
    """Every cell's number as ``fmt`` writes it."""
    return [[fmt(v) for v in row] for row in np.asarray(values, dtype=float).tolist()]


def spans(count: int, spacing: float, weights: list[float] | None = None, width: float = 1.0) -> list[list[float]]:
    """[start, end] of ``count`` panels along [0, width] with ``spacing`` between them (sizes ∝ ``weights``)."""
    weights = weights or [1.0] * count
    room, total = width - spacing * (count - 1), float(sum(weights))
    out, start = [], 0.0
    for weight in weights:
        end = start + room * weight / total
        out.append([start, min(end, width)])
        start = end + spacing
    return out


def rows_top_down(count: int, spacing: float, weights: list[float] | None = None) -> list[list[float]]:
    """Like ``spans`` for rows: the first row on top."""
    return [[1.0 - end, 1.0 - start] for start, end in spans(count, spacing, weights)]


def suffix(panel: int) -> str:
    """Axis suffix of panel 1, 2, …: "", "2", … (xaxis / xaxis2, trace xaxis "x" / "x2")."""
    return "" if panel == 1 else str(panel)


def panel_axes(panel: int, x_domain: list[float], y_domain: list[float], ticks: bool = False,
               square: bool = True) -> dict:
    """Layout entries of one image panel: row 0 on top, no grid, x labels on top; square cells."""
    s = suffix(panel)
    marks = {"showgrid": False, "zeroline": False, "showticklabels": ticks}
    if not ticks:
        marks["ticks"] = ""
    x = {"domain": x_domain, "anchor": "y" + s, "side": "top", **marks}
    y = {"domain": y_domain, "anchor": "x" + s, "autorange": "reversed", **marks}
    if square:
        x["constrain"] = "domain"
        y.update(scaleanchor="x" + s, constrain="domain")
    return {"xaxis" + s: x, "yaxis" + s: y}


def on_panel(trace: dict, panel: int) -> dict:
    """``trace`` drawn on panel ``panel``'s axes."""
    return {**trace, "xaxis": "x" + suffix(panel), "yaxis": "y" + suffix(panel)}


@lru_cache(maxsize=None)
def _named_scale(name: str) -> tuple:
    return tuple(tuple(stop) for stop in get_colorscale(name))


def colour_scale(colours) -> list:
    """A colour scale as explicit stops: a name like "RdBu_r" or "Blues" is plotly (Python)'s scale,
    which plotly.js would not know (_r) or would draw differently, since figures here skip validation."""
    return [list(stop) for stop in _named_scale(colours)] if isinstance(colours, str) else colours


def heatmap(values: np.ndarray, colours, zmin: float | None = None, zmax: float | None = None,
            text: bool = False, text_size: int = 14, zmid: float | None = None,
            hover: str = "row %{y}, col %{x}: %{z:.3f}") -> dict:
    """A heatmap trace without a colour bar; with ``text``, each cell's number written in (thin gaps)."""
    trace = {"type": "heatmap", "z": np.asarray(values, dtype=float), "colorscale": colour_scale(colours),
             "showscale": False,
             "hovertemplate": hover + "<extra></extra>"}
    if zmid is not None:
        trace["zmid"] = zmid
    else:
        trace.update(zmin=zmin, zmax=zmax)
    if text:
        trace.update(xgap=1, ygap=1, text=texts(values), texttemplate="%{text}", textfont={"size": text_size})
    return trace


def title(text: str, x_domain: list[float], y_domain: list[float], font: dict | None = None) -> dict:
    """A panel's title above it (as make_subplots writes subplot titles)."""
    return {"text": text, "x": sum(x_domain) / 2, "y": y_domain[1], "xref": "paper", "yref": "paper",
            "showarrow": False, "font": font or TITLE_FONT, "xanchor": "center", "yanchor": "bottom"}


ROW_TITLES_WIDTH = 0.98  # make_subplots leaves the last 2 % of the width to row titles


def side_title(text: str, x_domain: list[float], y_domain: list[float]) -> dict:
    """A row's title right of its last panel, turned 90° (make_subplots' row_titles; panels end at ROW_TITLES_WIDTH)."""
    return {"text": text, "x": x_domain[1], "y": sum(y_domain) / 2, "xref": "paper", "yref": "paper",
            "showarrow": False, "font": TITLE_FONT, "xanchor": "left", "yanchor": "middle", "textangle": 90}


def box(panel: int, top: float, left: float, height: float, width: float, colour: str, line_width: int = 3,
        dash: str = "solid") -> dict:
    """A rectangle around cells [top, top + height) × [left, left + width) of panel ``panel``."""
    s = suffix(panel)
    return {"type": "rect", "xref": "x" + s, "yref": "y" + s, "x0": left - 0.5, "x1": left + width - 0.5,
            "y0": top - 0.5, "y1": top + height - 0.5, "line": {"color": colour, "width": line_width, "dash": dash}}


def ink_range(image: np.ndarray) -> tuple[float, float]:
    """Colour range of an image: paper at 0 (or below), ink at 1 (or above)."""
    return min(0.0, float(image.min())), max(1.0, float(image.max()))


def signed_limit(values: np.ndarray) -> float:
    """Half-width of a colour range symmetric around 0 that holds every value."""
    return max(1e-9, float(np.abs(values).max()))
