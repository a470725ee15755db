"""Plotly figures for "inside the network" and the test-set explorer (pure functions, no Streamlit).

Every text shown comes in as an argument, so the pages pass it in the student's language.
Fonts are large enough for a projector; images keep square pixels.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

FONT = dict(size=16)
DIVERGING = "RdBu_r"  # blue = negative, white = 0, red = positive
MAPS = "Viridis"
INK = [[0.0, "black"], [1.0, "white"]]  # MNIST as the canvas draws it: white ink on black
STATIC = {"displayModeBar": False}  # st.plotly_chart config: no toolbar over the titles on a projector
WIDTH = 620  # plot width (page minus colour bar) at 1280×720 with the sidebar open; sizes heights


def _square_pixels(fig: go.Figure, xaxis: str = "xaxis", yaxis: str = "yaxis") -> None:
    fig.layout[xaxis].update(visible=False, constrain="domain")
    fig.layout[yaxis].update(visible=False, autorange="reversed", scaleanchor=xaxis.replace("axis", ""),
                             constrain="domain")


def digit_figure(image: np.ndarray, title: str = "", box: tuple[int, int, int, int] | None = None,
                 height: int = 300, colorscale=INK, show_scale: bool = False) -> go.Figure:
    """A (H, W) image as square grey pixels; ``box`` = (top, left, height, width) outlined in yellow."""
    image = np.asarray(image, dtype=float)
    fig = go.Figure(go.Heatmap(
        z=image, colorscale=colorscale, zmin=0, zmax=max(1.0, float(image.max())), showscale=show_scale,
        hovertemplate="(%{y}, %{x}) = %{z:.2f}<extra></extra>",
    ))
    if box is not None:
        top, left, h, w = box
        fig.add_shape(type="rect", x0=left - 0.5, x1=left + w - 0.5, y0=top - 0.5, y1=top + h - 0.5,
                      line=dict(color="#ffd400", width=3))
    _square_pixels(fig)
    fig.update_layout(title=dict(text=title, font=FONT), height=height, font=FONT,
                      margin=dict(l=5, r=5, t=45 if title else 5, b=5))
    return fig


def mosaic(maps: np.ndarray, columns: int, gap: int, band: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, h, w) maps → one (rows·(h+band) − band… , …) array with NaN between tiles, and each cell's map index.

    ``band`` blank rows above every tile row leave room for titles; ``gap`` blank columns separate tiles.
    """
    n, h, w = maps.shape
    rows = math.ceil(n / columns)
    height = rows * (h + band)
    width = columns * (w + gap) - gap
    z = np.full((height, width), np.nan)
    index = np.full((height, width), -1)
    for k in range(n):
        top = (k // columns) * (h + band) + band
        left = (k % columns) * (w + gap)
        z[top:top + h, left:left + w] = maps[k]
        index[top:top + h, left:left + w] = k
    return z, index


def map_grid(maps: np.ndarray, titles: list[str], columns: int = 8, colorscale=MAPS,
             zmid: float | None = None, hover: str = "#%{customdata[0]} (%{customdata[1]}, %{customdata[2]}) = %{z:.3f}",
             title: str = "", colorbar_title: str = "", title_size: int = 14, title_lines: int = 1,
             width: int = WIDTH) -> go.Figure:
    """Maps (n, h, w) as one tiled heatmap with a shared colour scale and a title above each tile.

    With ``zmid`` the scale is diverging and symmetric around it (for weights); otherwise 0…max.
    """
    maps = np.asarray(maps, dtype=float)
    n, h, w = maps.shape
    columns = max(1, min(columns, n))
    gap = max(1, round(w * 0.12))
    band = max(1, math.ceil(h * (0.5 if h <= 6 else 0.3)))  # room for the titles, more for tiny tiles
    band *= title_lines
    z, index = mosaic(maps, columns, gap, band)
    tile_row = (np.arange(z.shape[0]) % (h + band)) - band
    tile_col = np.arange(z.shape[1]) % (w + gap)
    custom = np.stack([index, np.broadcast_to(tile_row[:, None], z.shape),
                       np.broadcast_to(tile_col[None, :], z.shape)], axis=-1)
    if zmid is not None:
        reach = float(np.nanmax(np.abs(maps - zmid))) or 1.0
        zmin, zmax = zmid - reach, zmid + reach
    else:
        zmin, zmax = min(0.0, float(maps.min())), float(maps.max()) or 1.0
    fig = go.Figure(go.Heatmap(
        z=z.astype(np.float32), customdata=custom,  # float32: half the bytes of float64 per rerun
        colorscale=colorscale, zmin=zmin, zmax=zmax,
        hoverongaps=False, hovertemplate=hover + "<extra></extra>",
        colorbar=dict(title=dict(text=colorbar_title), thickness=14),
    ))
    fig.layout.annotations = [
        dict(x=(k % columns) * (w + gap) + (w - 1) / 2, y=(k // columns) * (h + band) + band - 0.5,
             text=text, showarrow=False, yanchor="bottom", font=dict(size=title_size))
        for k, text in enumerate(titles[:n])
    ]
    _square_pixels(fig)
    rows_px = width * z.shape[0] / z.shape[1]
    fig.update_layout(title=dict(text=title, font=FONT), font=FONT, plot_bgcolor="white",
                      height=int(min(max(rows_px + (55 if title else 15), 160), 900)),
                      margin=dict(l=5, r=5, t=50 if title else 10, b=5))
    return fig


def bar_figure(values: np.ndarray, labels: list[str], title: str = "", highlight: int | None = None,
               y_title: str = "", y_range: tuple[float, float] | None = None, height: int = 300,
               text_format: str | None = None) -> go.Figure:
    """Vertical bars (dense activations, probabilities); bar ``highlight`` in orange, the rest blue."""
    values = np.asarray(values, dtype=float)
    colours = ["#f28e2b" if i == highlight else "#4e79a7" for i in range(len(values))]
    fig = go.Figure(go.Bar(
        x=labels, y=values, marker_color=colours,
        text=[format(v, text_format) for v in values] if text_format else None, textposition="outside",
        hovertemplate="%{x}: %{y:.3f}<extra></extra>",
    ))
    fig.update_layout(title=dict(text=title, font=FONT), font=FONT, height=height,
                      margin=dict(l=10, r=10, t=50 if title else 10, b=10),
                      xaxis=dict(type="category", tickfont=dict(size=14 if len(values) <= 20 else 10)),
                      yaxis=dict(title=y_title, range=list(y_range) if y_range else None))
    return fig


def probability_figure(probabilities: np.ndarray, title: str, y_title: str, true: int | None = None,
                       height: int = 300) -> go.Figure:
    """The ten class probabilities as bars with percentages; the answer in orange, the true label outlined."""
    probabilities = np.asarray(probabilities, dtype=float)
    fig = bar_figure(probabilities, [str(d) for d in range(10)], title, highlight=int(probabilities.argmax()),
                     y_title=y_title, y_range=(0, 1.15), height=height)
    fig.data[0].text = [f"{p:.0%}" if p >= 0.005 else "" for p in probabilities]
    if true is not None:
        fig.data[0].marker.line = dict(color=["#2ca02c" if d == true else "rgba(0,0,0,0)" for d in range(10)], width=4)
    return fig


def _number(value: float) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def pixel_sum_figure(kernel: np.ndarray, patch: np.ndarray, titles: tuple[str, str, str],
                     height: int = 300, patch_colorscale=INK) -> go.Figure:
    """Three small annotated grids side by side: kernel, input patch, kernel × patch (all k×k).

    The patch is drawn like its source (white ink on black for the image, viridis for a feature map).
    """
    kernel = np.asarray(kernel, dtype=float)
    patch = np.asarray(patch, dtype=float)
    products = kernel * patch
    weight_reach = float(np.abs(kernel).max()) or 1.0
    product_reach = float(np.abs(products).max()) or 1.0
    size = 14 if kernel.shape[0] > 3 else 18
    grids = (
        (kernel, DIVERGING, -weight_reach, weight_reach),
        (patch, patch_colorscale, 0.0, max(1.0, float(patch.max()))),
        (products, DIVERGING, -product_reach, product_reach),
    )
    traces, layout, annotations = [], {}, []
    for i, (values, scale, zmin, zmax) in enumerate(grids):
        suffix = "" if i == 0 else str(i + 1)
        traces.append(go.Heatmap(
            z=values, colorscale=scale, zmin=zmin, zmax=zmax, showscale=False,
            text=[[_number(v) for v in row] for row in values], texttemplate="%{text}",
            textfont=dict(size=size), hovertemplate="%{z:.4f}<extra></extra>",
            xgap=2, ygap=2, xaxis=f"x{suffix}", yaxis=f"y{suffix}",
        ))
        domain = [i / 3 + 0.02, (i + 1) / 3 - 0.02]
        layout[f"xaxis{suffix}"] = dict(domain=domain, visible=False, constrain="domain")
        layout[f"yaxis{suffix}"] = dict(visible=False, autorange="reversed", scaleanchor=f"x{suffix}",
                                        constrain="domain")
        annotations.append(dict(x=sum(domain) / 2, y=1.0, xref="paper", yref="paper", yanchor="bottom",
                                text=titles[i], showarrow=False, font=dict(size=17, color="#222")))
    return go.Figure(traces, layout=dict(
        **layout, annotations=annotations, height=height, font=FONT, plot_bgcolor="white",
        margin=dict(l=5, r=5, t=50, b=5)))


def channel_figure(per_channel: np.ndarray, title: str, x_title: str, chosen: int | None = None) -> go.Figure:
    """Each input channel's share of the sum (deeper layers add one k×k sum per channel): red +, blue −."""
    per_channel = np.asarray(per_channel, dtype=float)
    colours = ["#d62728" if v >= 0 else "#1f77b4" for v in per_channel]
    fig = go.Figure(go.Bar(x=list(range(len(per_channel))), y=per_channel, marker_color=colours,
                           marker_line=dict(color=["black" if i == chosen else "rgba(0,0,0,0)"
                                                   for i in range(len(per_channel))], width=3),
                           hovertemplate="#%{x}: %{y:.4f}<extra></extra>"))
    fig.update_layout(title=dict(text=title, font=FONT), font=FONT, height=280,
                      margin=dict(l=10, r=10, t=50, b=10), xaxis=dict(title=x_title))
    return fig


def attribution_figure(image: np.ndarray, attribution: np.ndarray, title: str, colorbar_title: str = "",
                       height: int = 420) -> go.Figure:
    """A signed (28, 28) map in diverging colours (red = towards, blue = against) with the ink outlined."""
    attribution = np.asarray(attribution, dtype=float)
    reach = float(np.abs(attribution).max()) or 1.0
    fig = go.Figure(go.Heatmap(
        z=attribution, colorscale=DIVERGING, zmin=-reach, zmax=reach,
        colorbar=dict(title=dict(text=colorbar_title), thickness=14),
        hovertemplate="(%{y}, %{x}) %{z:.3f}<extra></extra>",
    ))
    fig.add_trace(go.Contour(
        z=np.asarray(image, dtype=float), showscale=False, hoverinfo="skip",
        contours=dict(start=0.5, end=0.5, size=1, coloring="none"), line=dict(color="black", width=2),
    ))
    _square_pixels(fig)
    fig.update_layout(title=dict(text=title, font=FONT), font=FONT, height=height,
                      margin=dict(l=5, r=5, t=50, b=5))
    return fig


def confusion_figure(matrix: np.ndarray, x_title: str, y_title: str, title: str = "",
                     mark: tuple[int, int] | None = None) -> go.Figure:
    """Counts, rows = true label, columns = predicted. Mistakes in reds (so small counts show),
    correct answers on the diagonal in a pale green; ``mark`` = (true, predicted) is outlined."""
    matrix = np.asarray(matrix)
    k = matrix.shape[0]
    diagonal = np.eye(k, dtype=bool)
    off = np.where(diagonal, np.nan, matrix.astype(float))
    on = np.where(diagonal, matrix.astype(float), np.nan)
    labels = [str(d) for d in range(k)]
    text = matrix.astype(str)
    hover = f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>%{{z:.0f}}<extra></extra>"
    fig = go.Figure([
        go.Heatmap(z=off, x=labels, y=labels, colorscale=[[0, "#fff5f0"], [1, "#ef5a3c"]],  # dark text stays legible
                   zmin=0, zmax=max(1.0, float(np.nanmax(off))),
                   text=text, texttemplate="%{text}", textfont=dict(size=16, color="#111"), hoverongaps=False,
                   hovertemplate=hover, xgap=1, ygap=1, colorbar=dict(thickness=14, len=0.8)),
        go.Heatmap(z=on, x=labels, y=labels, colorscale=[[0, "#d9f2d9"], [1, "#d9f2d9"]], showscale=False,
                   text=text, texttemplate="<b>%{text}</b>", textfont=dict(size=16, color="#111"), hoverongaps=False,
                   hovertemplate=hover, xgap=1, ygap=1),
    ])
    if mark is not None:
        true, pred = mark
        fig.add_shape(type="rect", x0=pred - 0.5, x1=pred + 0.5, y0=true - 0.5, y1=true + 0.5,
                      line=dict(color="black", width=3))
    fig.update_layout(title=dict(text=title, font=FONT), font=FONT, height=600, plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=50 if title else 10, b=10),
                      xaxis=dict(title=x_title, side="top", type="category", constrain="domain",
                                 tickfont=dict(size=17)),
                      yaxis=dict(title=y_title, autorange="reversed", type="category", scaleanchor="x",
                                 constrain="domain", tickfont=dict(size=17)))
    return fig


def gallery_figure(images: np.ndarray, captions: list[str], columns: int = 10, caption_lines: int = 1) -> go.Figure:
    """Small 28×28 digits in a grid, each with a caption above it (white ink on black); no colour bar."""
    images = np.asarray(images, dtype=float)
    if images.max(initial=0) > 1.0:
        images = images / 255.0
    fig = map_grid(images, captions, columns=columns, colorscale=INK, title_size=15, title_lines=caption_lines,
                   hover="(%{customdata[1]}, %{customdata[2]}) = %{z:.2f}", width=WIDTH + 60)
    fig.data[0].showscale = False
    fig.data[0].zmin, fig.data[0].zmax = 0.0, 1.0
    return fig
