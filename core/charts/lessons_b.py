"""Plotly figures of lessons 4–7 (convolution, pooling/flatten/dropout, softmax, gradient descent).

Pure functions: numbers in, `go.Figure` out; labels arrive already translated. No Streamlit.
Fonts and numbers are sized for a 1280×720 projector.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.charts.style import BLUE, FONT, GREEN, GREY, INK, ORANGE, RED, SIGNED

OPTIMIZER_COLOURS = {"sgd": BLUE, "momentum": ORANGE, "adam": GREEN}


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    extra.setdefault("margin", dict(l=10, r=10, t=50, b=10))
    fig.update_layout(height=height, font=dict(size=FONT), **extra)
    return fig


def fmt(value: float) -> str:
    """A cell's number, short: 3, -1, 0.25, 0.0625 (exact up to 4 decimals), else 2 decimals (0.99)."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    if abs(value * 1e4 - round(value * 1e4)) < 1e-6:
        return f"{value:.4f}".rstrip("0")
    return f"{value:.2f}"


def _texts(values: np.ndarray) -> list[list[str]]:
    return [[fmt(v) for v in row] for row in np.asarray(values, dtype=float)]


def _axis_names(fig: go.Figure) -> list[str]:
    return [name for name in fig.to_plotly_json()["layout"] if name.startswith(("xaxis", "yaxis"))]


def _square_axes(fig: go.Figure, row: int | None = None, col: int | None = None, ticks: bool = True) -> None:
    """Image orientation (row 0 on top), no grid lines; without ticks, no tick marks either."""
    marks = dict(showgrid=False, zeroline=False, showticklabels=ticks)
    if not ticks:
        marks["ticks"] = ""
    if row is not None:
        fig.update_yaxes(autorange="reversed", **marks, row=row, col=col)
        fig.update_xaxes(side="top", **marks, row=row, col=col)
        return
    updates = {}
    for name in _axis_names(fig) or ["xaxis", "yaxis"]:
        extra = dict(autorange="reversed") if name.startswith("y") else dict(side="top")
        updates[name] = {**marks, **extra}
    fig.update_layout(updates)


def _equal_cells(fig: go.Figure) -> None:
    """Square cells in every subplot: each y axis keeps the scale of its own x axis (one layout update)."""
    updates = {}
    for name in _axis_names(fig):
        if name.startswith("yaxis"):
            updates[name] = dict(scaleanchor="x" + name[5:], constrain="domain")
        else:
            updates[name] = dict(constrain="domain")
    fig.update_layout(updates)


def _outline(fig: go.Figure, top: float, left: float, height: float, width: float, colour: str,
             dash: str = "solid", row: int | None = None, col: int | None = None, line_width: int = 3) -> None:
    kwargs = {} if row is None else dict(row=row, col=col)
    fig.add_shape(type="rect", x0=left - 0.5, x1=left + width - 0.5, y0=top - 0.5, y1=top + height - 0.5,
                  line=dict(color=colour, width=line_width, dash=dash), **kwargs)


def _heatmap(values: np.ndarray, colours, zmin: float, zmax: float, text: bool, text_size: int = 14,
             zmid: float | None = None, hover: str = "row %{y}, col %{x}: %{z:.3f}") -> go.Heatmap:
    return go.Heatmap(
        z=values, colorscale=colours, zmin=None if zmid is not None else zmin,
        zmax=None if zmid is not None else zmax, zmid=zmid, showscale=False, xgap=1 if text else 0,
        ygap=1 if text else 0, text=_texts(values) if text else None,
        texttemplate="%{text}" if text else None, textfont=dict(size=text_size),
        hovertemplate=hover + "<extra></extra>",
    )


def _ink_range(image: np.ndarray) -> tuple[float, float]:
    return min(0.0, float(image.min())), max(1.0, float(image.max()))


def _signed_limit(values: np.ndarray) -> float:
    return max(1e-9, float(np.abs(values).max()))


# ---- lesson 4: convolution ------------------------------------------------------------------

def conv_input_figure(padded: np.ndarray, padding: int, k: int, top: int, left: int, title: str) -> go.Figure:
    """The (padded) input in ink colours; the image's own border dashed, the k×k window in red."""
    small = padded.shape[0] <= 14
    low, high = _ink_range(padded)
    fig = go.Figure(_heatmap(padded, INK, low, high, text=small, text_size=13 if padded.shape[0] <= 10 else 11))
    if padding:
        n = padded.shape[0] - 2 * padding
        _outline(fig, padding, padding, n, n, GREY, dash="dash", line_width=2)
    _outline(fig, top, left, k, k, RED, line_width=4)
    _square_axes(fig)
    fig.update_yaxes(scaleanchor="x", constrain="domain")
    fig.update_xaxes(constrain="domain", side="bottom")
    return _layout(fig, 340, title=dict(text=title, y=0.98, font=dict(size=16)),
                   margin=dict(l=10, r=10, t=45, b=5))


def feature_map_figure(out: np.ndarray, row: int, col: int, title: str) -> go.Figure:
    """The output map in signed colours (negative blue, positive red), cell (row, col) outlined."""
    small = out.shape[0] <= 14
    fig = go.Figure(_heatmap(out, SIGNED, 0, 0, text=small, text_size=12 if out.shape[0] <= 10 else 10,
                             zmid=0.0))
    if out.size:
        _outline(fig, row, col, 1, 1, "black" if small else ORANGE, line_width=4)
    _square_axes(fig)
    fig.update_yaxes(scaleanchor="x", constrain="domain")
    fig.update_xaxes(constrain="domain", side="bottom")
    return _layout(fig, 340, title=dict(text=title, y=0.98, font=dict(size=16)),
                   margin=dict(l=10, r=10, t=45, b=5))


def arithmetic_figure(patch: np.ndarray, kernel: np.ndarray, titles: tuple[str, str, str]) -> go.Figure:
    """patch | kernel | patch × kernel, every cell's number written (setosa.io-style)."""
    products = patch * kernel
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.06)
    size = 18 if patch.shape[0] <= 3 else 13
    low, high = _ink_range(patch)
    fig.add_trace(_heatmap(patch, INK, low, high, text=True, text_size=size), 1, 1)
    fig.add_trace(_heatmap(kernel, SIGNED, 0, 0, text=True, text_size=size, zmid=0.0), 1, 2)
    fig.add_trace(_heatmap(products, SIGNED, 0, 0, text=True, text_size=size, zmid=0.0), 1, 3)
    _square_axes(fig, ticks=False)
    _equal_cells(fig)
    return _layout(fig, 250 if patch.shape[0] <= 3 else 330, margin=dict(l=10, r=10, t=35, b=5))


def channels_figure(inputs: np.ndarray, kernels: np.ndarray, partials: np.ndarray, total: np.ndarray,
                    row_titles: tuple[str, str, str], total_title: str) -> go.Figure:
    """Six input maps (H, W, 6), their six kernel slices (k, k, 6), the six partial results and their sum."""
    c = inputs.shape[2]
    titles = [f"#{i + 1}" for i in range(c)] + [""] * (2 * c + 1) + [f"<b>{total_title}</b>"]
    fig = make_subplots(rows=3, cols=c + 1, horizontal_spacing=0.02, vertical_spacing=0.06,
                        row_titles=list(row_titles), subplot_titles=titles)
    k_lim = _signed_limit(kernels)
    o_lim = max(_signed_limit(partials), _signed_limit(total))  # one scale for the parts and their sum
    top = max(1e-9, float(inputs.max()))
    traces, rows, cols = [], [], []
    for i in range(c):
        traces += [_heatmap(inputs[:, :, i], INK, 0, top, text=False),
                   _heatmap(kernels[:, :, i], SIGNED, -k_lim, k_lim, text=False),
                   _heatmap(partials[:, :, i], SIGNED, -o_lim, o_lim, text=False)]
        rows += [1, 2, 3]
        cols += [i + 1] * 3
    traces.append(_heatmap(total, SIGNED, -o_lim, o_lim, text=False))
    rows.append(3)
    cols.append(c + 1)
    fig.add_traces(traces, rows=rows, cols=cols)
    signs = [dict(text="+" if i < c - 1 else "=", xref="paper", yref="paper", showarrow=False,
                  x=(i + 1) / (c + 1), y=0.14, font=dict(size=22, color=GREY)) for i in range(c)]
    fig.update_layout(annotations=list(fig.layout.annotations) + signs)
    _square_axes(fig, ticks=False)
    for slot in (c + 1, 2 * (c + 1)):  # the empty places beside the input and kernel rows
        fig.layout[f"xaxis{slot}"].visible = False
        fig.layout[f"yaxis{slot}"].visible = False
    _equal_cells(fig)
    return _layout(fig, 470, margin=dict(l=10, r=40, t=30, b=10))


def maps_grid_figure(maps: np.ndarray, highlight: int, columns: int = 8) -> go.Figure:
    """All maps of an (H, W, C) stack as small multiples, number ``highlight`` (0-based) framed."""
    count = maps.shape[2]
    rows = int(np.ceil(count / columns))
    fig = make_subplots(rows=rows, cols=columns, horizontal_spacing=0.01, vertical_spacing=0.08,
                        subplot_titles=[f"#{i + 1}" for i in range(count)])
    limit = _signed_limit(maps)
    fig.add_traces([go.Heatmap(z=maps[:, :, i], colorscale=SIGNED, zmin=-limit, zmax=limit, showscale=False,
                               hovertemplate="%{z:.3f}<extra></extra>") for i in range(count)],
                   rows=[i // columns + 1 for i in range(count)], cols=[i % columns + 1 for i in range(count)])
    h, w = maps.shape[:2]
    _outline(fig, -0.3, -0.3, h + 0.6, w + 0.6, ORANGE, row=highlight // columns + 1,
             col=highlight % columns + 1, line_width=4)
    _square_axes(fig, ticks=False)
    _equal_cells(fig)
    return _layout(fig, 150 * rows + 40, margin=dict(l=10, r=10, t=30, b=10))


# ---- lesson 5: pooling, flatten, dropout --------------------------------------------------

def pooling_figure(x: np.ndarray, out: np.ndarray, size: int, stride: int, row: int, col: int,
                   mode: str, titles: tuple[str, str]) -> go.Figure:
    """Input with the window of output cell (row, col) in red (its max ringed), and the pooled output."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.08,
                        column_widths=[0.6, 0.4])
    small = x.shape[0] <= 12
    low, high = min(0.0, float(x.min())), max(1e-9, float(x.max()))
    fig.add_trace(_heatmap(x, "Blues", low, high, text=small, text_size=20 if x.shape[0] <= 6 else 12), 1, 1)
    fig.add_trace(_heatmap(out, "Blues", low, high, text=out.shape[0] <= 12,
                           text_size=22 if out.shape[0] <= 4 else 12), 1, 2)
    top, left = row * stride, col * stride
    _outline(fig, top, left, size, size, RED, row=1, col=1, line_width=5)
    if mode == "max":
        window = x[top:top + size, left:left + size]
        r, c = np.unravel_index(int(np.argmax(window)), window.shape)
        fig.add_shape(type="circle", x0=left + c - 0.4, x1=left + c + 0.4, y0=top + r - 0.4, y1=top + r + 0.4,
                      line=dict(color=ORANGE, width=3), row=1, col=1)
    _outline(fig, row, col, 1, 1, RED, row=1, col=2, line_width=5)
    _square_axes(fig, ticks=False)
    _equal_cells(fig)
    return _layout(fig, 340, margin=dict(l=10, r=10, t=40, b=10))


def maps_row_figure(maps: list[np.ndarray], titles: list[str], signed: bool = True, height: int = 300) -> go.Figure:
    """A few maps side by side (each in its own scale), e.g. before and after pooling."""
    fig = make_subplots(rows=1, cols=len(maps), subplot_titles=titles, horizontal_spacing=0.04)
    for i, m in enumerate(maps):
        if signed:
            limit = _signed_limit(m)
            trace = go.Heatmap(z=m, colorscale=SIGNED, zmin=-limit, zmax=limit, showscale=False,
                               hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>")
        else:
            trace = go.Heatmap(z=m, colorscale=INK, zmin=0, zmax=max(1.0, float(m.max())), showscale=False,
                               hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>")
        fig.add_trace(trace, 1, i + 1)
    _square_axes(fig, ticks=False)
    _equal_cells(fig)
    return _layout(fig, height, margin=dict(l=10, r=10, t=40, b=10))


def shift_figure(rows: list[list[np.ndarray]], row_titles: list[str], col_titles: list[str]) -> go.Figure:
    """A grid of maps (e.g. original / shifted × image / feature map / pooled), one colour scale per column."""
    n_rows, n_cols = len(rows), len(rows[0])
    fig = make_subplots(rows=n_rows, cols=n_cols, column_titles=col_titles, row_titles=row_titles,
                        horizontal_spacing=0.03, vertical_spacing=0.05)
    for c in range(n_cols):
        top = max(1e-9, max(float(np.max(maps[c])) for maps in rows))
        for r, maps in enumerate(rows):
            colours = INK if c == 0 else "Reds"
            fig.add_trace(go.Heatmap(z=maps[c], colorscale=colours, zmin=0, zmax=top, showscale=False,
                                     hovertemplate="%{z:.2f}<extra></extra>"), r + 1, c + 1)
    _square_axes(fig, ticks=False)
    _equal_cells(fig)
    return _layout(fig, 480, margin=dict(l=10, r=40, t=40, b=10))


def flatten_figure(x: np.ndarray, channel_title: str, vector_title: str) -> go.Figure:
    """A small (H, W, C) tensor, one grid per channel with each cell's flat position, and the flat row."""
    h, w, c = x.shape
    index = np.arange(h * w * c).reshape(h, w, c)
    palette = [BLUE, ORANGE, GREEN, "#9467bd"]
    specs = [[{} for _ in range(c)], [{"colspan": c}] + [None] * (c - 1)]
    fig = make_subplots(rows=2, cols=c, specs=specs, row_heights=[0.7, 0.3], vertical_spacing=0.12,
                        subplot_titles=[channel_title.format(channel=i + 1) for i in range(c)] + [vector_title])
    for ch in range(c):
        colour = palette[ch % len(palette)]
        fig.add_trace(go.Heatmap(z=np.ones((h, w)), colorscale=[[0, colour], [1, colour]], showscale=False,
                                 opacity=0.35, xgap=2, ygap=2, text=index[:, :, ch].astype(str),
                                 texttemplate="%{text}", textfont=dict(size=16, color="#222"), hoverinfo="skip"), 1, ch + 1)
    _square_axes(fig, ticks=False)
    flat_channel = np.tile(np.arange(c), h * w)
    colours = [[i / max(1, c - 1), palette[i % len(palette)]] for i in range(c)] if c > 1 else [[0, BLUE], [1, BLUE]]
    fig.add_trace(go.Heatmap(z=[flat_channel], colorscale=colours, showscale=False, opacity=0.35, xgap=2,
                             text=[np.arange(h * w * c).astype(str)], texttemplate="%{text}",
                             textfont=dict(size=13 if h * w * c <= 40 else 9, color="#222"), hoverinfo="skip"), 2, 1)
    fig.update_xaxes(visible=False, row=2, col=1)
    fig.update_yaxes(visible=False, row=2, col=1)
    return _layout(fig, 360, margin=dict(l=10, r=10, t=40, b=10))


def dropout_figure(x: np.ndarray, mask: np.ndarray, y: np.ndarray, titles: tuple[str, str, str]) -> go.Figure:
    """Activations | mask (kept / dropped) | what goes on to the next layer, numbers written in."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.05)
    high = max(1e-9, float(max(x.max(), y.max())))
    fig.add_trace(_heatmap(x, "Greens", 0, high, text=True, text_size=16), 1, 1)
    fig.add_trace(go.Heatmap(z=mask.astype(float), colorscale=[[0, "#dddddd"], [1, "#9ecae1"]], zmin=0, zmax=1,
                             showscale=False, xgap=1, ygap=1, text=np.where(mask, "✓", "×"),
                             texttemplate="%{text}", textfont=dict(size=18), hoverinfo="skip"), 1, 2)
    fig.add_trace(_heatmap(y, "Greens", 0, high, text=True, text_size=16), 1, 3)
    _square_axes(fig, ticks=False)
    _equal_cells(fig)
    return _layout(fig, 260, margin=dict(l=10, r=10, t=40, b=10))


# ---- lesson 6: softmax --------------------------------------------------------------------

def softmax_figure(logits: np.ndarray, probs: np.ndarray, true_class: int | None, titles: tuple[str, str]) -> go.Figure:
    """Scores z_k (left) and probabilities y_k with percentages (right); the true class in orange."""
    labels = [str(k) for k in range(len(probs))]
    colours = [ORANGE if k == true_class else BLUE for k in range(len(probs))]
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.08, column_widths=[0.4, 0.6])
    fig.add_trace(go.Bar(x=labels, y=logits, marker_color=GREY, text=[f"{z:.1f}" for z in logits],
                         textposition="outside", hovertemplate="z%{x} = %{y:.2f}<extra></extra>"), 1, 1)
    fig.add_trace(go.Bar(x=labels, y=probs, marker_color=colours, text=[f"{p:.0%}" for p in probs],
                         textposition="outside", textfont=dict(size=15),
                         hovertemplate="y%{x} = %{y:.4f}<extra></extra>"), 1, 2)
    limit = max(5.5, float(np.abs(logits).max()) * 1.25)
    fig.update_yaxes(range=[-limit, limit], row=1, col=1)
    fig.update_yaxes(range=[0, 1.12], tickformat=".0%", row=1, col=2)
    fig.update_xaxes(type="category")
    return _layout(fig, 360, showlegend=False, margin=dict(l=10, r=10, t=40, b=10))


def two_class_figure(diffs: np.ndarray, softmax_first: np.ndarray, sigmoid_values: np.ndarray, current: float,
                     labels: dict[str, str]) -> go.Figure:
    """σ(z₁ − z₂) as a line and softmax([z₁, z₂])[0] as dots on it; the current pair marked."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=diffs, y=sigmoid_values, mode="lines", name=labels["sigmoid"],
                             line=dict(color=BLUE, width=4)))
    fig.add_trace(go.Scatter(x=diffs[::8], y=softmax_first[::8], mode="markers", name=labels["softmax"],
                             marker=dict(color=ORANGE, size=10, symbol="circle-open", line=dict(width=3))))
    fig.add_trace(go.Scatter(x=[current], y=[float(1 / (1 + np.exp(-current)))], mode="markers",
                             name=labels["now"], marker=dict(color=RED, size=16, symbol="star")))
    fig.update_xaxes(title=labels["x"])
    fig.update_yaxes(title=labels["y"], range=[-0.05, 1.05])
    return _layout(fig, 340, legend=dict(orientation="h", y=-0.25), margin=dict(l=10, r=10, t=20, b=10))


def one_hot_figure(target: np.ndarray, probs: np.ndarray, row_labels: tuple[str, str]) -> go.Figure:
    """Two rows of ten boxes: the one-hot target t and the prediction y, numbers written in."""
    z = np.vstack([target, probs])
    text = [[fmt(v) for v in target], [f"{p:.2f}" for p in probs]]
    fig = go.Figure(go.Heatmap(z=z, x=[str(k) for k in range(len(target))], y=list(row_labels), text=text,
                               texttemplate="%{text}", textfont=dict(size=17), zmin=0, zmax=1,
                               colorscale=[[0, "#f0f2f6"], [1, ORANGE]], showscale=False, xgap=3, ygap=3,
                               hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", type="category")
    return _layout(fig, 190, margin=dict(l=10, r=10, t=30, b=10))


def cross_entropy_figure(p_true: float, labels: dict[str, str]) -> go.Figure:
    """L = −log p over p ∈ (0, 1], the current probability of the true class marked."""
    p = np.linspace(0.005, 1.0, 200)
    fig = go.Figure(go.Scatter(x=p, y=-np.log(p), mode="lines", line=dict(color=BLUE, width=4), name="−log p"))
    clipped = min(max(p_true, 1e-7), 1.0)
    fig.add_trace(go.Scatter(x=[clipped], y=[-np.log(clipped)], mode="markers+text", marker=dict(color=RED, size=16),
                             text=[f"{-np.log(clipped):.3f}"], textposition="top right", textfont=dict(size=17)))
    fig.update_xaxes(title=labels["x"], range=[0, 1.02])
    fig.update_yaxes(title=labels["y"], range=[0, max(5.5, float(-np.log(clipped)) * 1.15)])
    return _layout(fig, 320, showlegend=False, margin=dict(l=10, r=10, t=20, b=10))


# ---- lesson 7: gradient descent -------------------------------------------------------------

def curve_descent_figure(grid_x: np.ndarray, grid_f: np.ndarray, path_x: np.ndarray, path_f: np.ndarray,
                         labels: dict[str, str]) -> go.Figure:
    """The curve, the visited points joined in order (zigzags show overshooting), the start in red."""
    fig = go.Figure(go.Scatter(x=grid_x, y=grid_f, mode="lines", line=dict(color=GREY, width=3), name=labels["curve"]))
    fig.add_trace(go.Scatter(x=path_x, y=path_f, mode="lines+markers", name=labels["path"],
                             line=dict(color=ORANGE, width=2), marker=dict(size=9, color=ORANGE)))
    fig.add_trace(go.Scatter(x=path_x[:1], y=path_f[:1], mode="markers", name=labels["start"],
                             marker=dict(size=16, color=RED, symbol="diamond")))
    fig.add_trace(go.Scatter(x=path_x[-1:], y=path_f[-1:], mode="markers", name=labels["end"],
                             marker=dict(size=16, color=GREEN, symbol="x")))
    top = float(grid_f.max())
    fig.update_xaxes(title="x", range=[float(grid_x.min()), float(grid_x.max())])
    fig.update_yaxes(title="f(x)", range=[float(grid_f.min()) - 0.05 * top, top * 1.05])
    return _layout(fig, 380, legend=dict(orientation="h", y=-0.2), margin=dict(l=10, r=10, t=20, b=10))


def surface_descent_figure(a_values: np.ndarray, b_values: np.ndarray, surface: np.ndarray,
                           paths: dict[str, np.ndarray], best: tuple[float, float],
                           labels: dict[str, str]) -> go.Figure:
    """Contours of log₁₀ Q over (a, b), each optimizer's path, the least-squares point as a star."""
    fig = go.Figure(go.Contour(
        x=a_values, y=b_values, z=np.log10(surface), colorscale=[[0, "#ffffff"], [1, "#4a5a78"]], ncontours=22,
        contours=dict(coloring="heatmap", showlines=True), line=dict(width=0.6, color="#8a94a8"),
        colorbar=dict(title=dict(text=labels["colorbar"], side="right"), thickness=14),
        hovertemplate="a=%{x:.2f}, b=%{y:.2f}<extra></extra>",
    ))
    for name, points in paths.items():
        colour = OPTIMIZER_COLOURS.get(name, RED)
        fig.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="lines+markers", name=labels[name],
                                 line=dict(color=colour, width=3), marker=dict(size=5, color=colour)))
    if paths:
        start = next(iter(paths.values()))[0]
        fig.add_trace(go.Scatter(x=[start[0]], y=[start[1]], mode="markers", name=labels["start"],
                                 marker=dict(size=16, color=RED, symbol="diamond", line=dict(color="white", width=2))))
    fig.add_trace(go.Scatter(x=[best[0]], y=[best[1]], mode="markers", name=labels["best"],
                             marker=dict(size=20, color="white", symbol="star", line=dict(color="black", width=2))))
    fig.update_xaxes(title="a", range=[float(a_values[0]), float(a_values[-1])])
    fig.update_yaxes(title="b", range=[float(b_values[0]), float(b_values[-1])])
    return _layout(fig, 460, legend=dict(orientation="h", y=-0.18), margin=dict(l=10, r=10, t=20, b=10))


def loss_curves_figure(losses: dict[str, np.ndarray], best_loss: float, labels: dict[str, str]) -> go.Figure:
    """Loss per step (log scale) for each optimizer, the least-squares loss as a dashed floor."""
    fig = go.Figure()
    longest = 1
    for name, values in losses.items():
        longest = max(longest, len(values))
        fig.add_trace(go.Scatter(x=np.arange(len(values)), y=values, mode="lines", name=labels[name],
                                 line=dict(color=OPTIMIZER_COLOURS.get(name, RED), width=3)))
    fig.add_trace(go.Scatter(x=[0, longest - 1], y=[best_loss, best_loss], mode="lines", name=labels["best"],
                             line=dict(color="black", dash="dash", width=2)))
    fig.update_xaxes(title=labels["x"])
    fig.update_yaxes(title=labels["y"], type="log", dtick=1, exponentformat="power")
    return _layout(fig, 340, legend=dict(orientation="h", y=-0.3), margin=dict(l=10, r=10, t=20, b=10))


def line_fit_figure(x: np.ndarray, y: np.ndarray, lines: dict[str, tuple[float, float]], best: tuple[float, float],
                    labels: dict[str, str]) -> go.Figure:
    """The points, the least-squares line (dashed) and each optimizer's line after its last step."""
    fig = go.Figure(go.Scatter(x=x, y=y, mode="markers", name=labels["points"], marker=dict(size=10, color=GREY)))
    xs = np.array([0.0, 10.0])
    fig.add_trace(go.Scatter(x=xs, y=best[0] * xs + best[1], mode="lines", name=labels["best"],
                             line=dict(color="black", dash="dash", width=3)))
    for name, (a, b) in lines.items():
        fig.add_trace(go.Scatter(x=xs, y=a * xs + b, mode="lines", name=labels[name],
                                 line=dict(color=OPTIMIZER_COLOURS.get(name, RED), width=3)))
    fig.update_xaxes(title="x", range=[0, 10])
    fig.update_yaxes(title="y", range=[float(min(y.min(), 0)) - 1, float(y.max()) + 2])
    return _layout(fig, 340, legend=dict(orientation="h", y=-0.3), margin=dict(l=10, r=10, t=20, b=10))
