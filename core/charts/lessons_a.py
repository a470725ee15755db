"""Plotly figures of lessons 0–3 (MNIST, regression, perceptron, ○× network).

Pure functions: numbers in, `go.Figure` out; labels arrive already translated. No Streamlit.
Fonts are large enough to read from the back of a classroom.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.charts.style import BLUE, FONT, GREEN, GREY, INK, ORANGE, RED, SIGNED

WEIGHTS = SIGNED  # negative weights blue, positive red, 0 white


def loss_text(value: float) -> str:
    """A loss for a metric: 4 decimals, or scientific notation once it drops below 0.001."""
    return f"{value:.4f}" if value >= 1e-3 else f"{value:.1e}"


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    """Common look: fixed height, small margins (unless given), classroom-sized font."""
    extra.setdefault("margin", dict(l=10, r=10, t=40, b=10))
    fig.update_layout(height=height, font=dict(size=FONT), **extra)
    return fig


# ---- lesson 0: MNIST ------------------------------------------------------------------------

def digit_figure(image: np.ndarray, title: str, pixel: tuple[int, int] | None = None) -> go.Figure:
    """A 28×28 image as grey squares (ink dark), with the chosen (row, column) pixel outlined."""
    fig = go.Figure(go.Heatmap(
        z=image, colorscale=INK, zmin=0, zmax=255,
        showscale=False, hovertemplate="row %{y}, col %{x}: %{z}<extra></extra>",
    ))
    if pixel is not None:
        row, col = pixel
        fig.add_shape(type="rect", x0=col - 0.5, x1=col + 0.5, y0=row - 0.5, y1=row + 0.5,
                      line=dict(color=RED, width=3))
    fig.add_shape(type="rect", x0=-0.5, x1=27.5, y0=-0.5, y1=27.5, line=dict(color=GREY, width=1))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", showgrid=False, zeroline=False, dtick=5)
    fig.update_xaxes(showgrid=False, constrain="domain", side="top", zeroline=False, dtick=5)
    return _layout(fig, 430, title=dict(text=title, y=0.99), margin=dict(l=10, r=10, t=70, b=10))


def pixel_table_figure(image: np.ndarray, normalised: bool, pixel: tuple[int, int] | None = None) -> go.Figure:
    """The 28×28 pixel values written in shaded cells, raw 0–255 or divided by 255 (like 002's pandas table)."""
    values = image.astype(np.float32) / 255.0 if normalised else image.astype(np.int64)
    if normalised:
        text = np.where(values == 0, "0", np.char.mod("%.2f", values))
    else:
        text = values.astype(str)
    fig = go.Figure(go.Heatmap(
        z=values, text=text, texttemplate="%{text}", textfont=dict(size=9),
        colorscale=INK, zmin=0, zmax=1 if normalised else 255, showscale=False,
        hovertemplate="row %{y}, col %{x}: %{z}<extra></extra>", xgap=1, ygap=1,
    ))
    if pixel is not None:
        row, col = pixel
        fig.add_shape(type="rect", x0=col - 0.5, x1=col + 0.5, y0=row - 0.5, y1=row + 0.5,
                      line=dict(color=RED, width=3))
    fig.update_yaxes(autorange="reversed", dtick=1, tickfont=dict(size=10), showgrid=False)
    fig.update_xaxes(dtick=1, side="top", tickfont=dict(size=10), showgrid=False)
    return _layout(fig, 760, margin=dict(l=10, r=10, t=30, b=10))


def histogram_figure(image: np.ndarray, normalised: bool, x_title: str, y_title: str) -> go.Figure:
    """How many pixels of the image have each value: 0–255, or 0–1 after dividing by 255."""
    values = image.ravel().astype(np.float32) / (255.0 if normalised else 1.0)
    top = 1.0 if normalised else 255.0
    fig = go.Figure(go.Histogram(x=values, xbins=dict(start=0, end=top * 1.0001, size=top / 17),
                                 marker_color=BLUE))
    fig.update_xaxes(title=x_title, range=[0, top])
    fig.update_yaxes(title=y_title, type="log", dtick=1)
    return _layout(fig, 300, bargap=0.05)


def one_hot_figure(vector: np.ndarray, label_title: str) -> go.Figure:
    """A one-hot label as ten boxes 0–9 with the single 1 highlighted."""
    fig = go.Figure(go.Heatmap(
        z=[vector], x=[str(d) for d in range(len(vector))], text=[[f"{v:.0f}" for v in vector]],
        texttemplate="%{text}", textfont=dict(size=20), colorscale=[[0, "#f0f2f6"], [1, ORANGE]],
        zmin=0, zmax=1, showscale=False, xgap=3, hoverinfo="skip",
    ))
    fig.update_yaxes(visible=False)
    fig.update_xaxes(title=label_title, side="top", type="category")
    return _layout(fig, 130, margin=dict(l=10, r=10, t=50, b=10))


def class_counts_figure(train: np.ndarray, test: np.ndarray, names: tuple[str, str], x_title: str) -> go.Figure:
    """Images per digit in the training and test sets, side by side."""
    digits = [str(d) for d in range(len(train))]
    fig = go.Figure([
        go.Bar(x=digits, y=train, name=names[0], marker_color=BLUE, text=train, textposition="outside"),
        go.Bar(x=digits, y=test, name=names[1], marker_color=ORANGE, text=test, textposition="outside"),
    ])
    fig.update_xaxes(title=x_title, type="category")
    fig.update_yaxes(range=[0, max(train.max(), test.max()) * 1.15])
    return _layout(fig, 360, barmode="group", legend=dict(orientation="h", y=1.12, x=0),
                   uniformtext=dict(minsize=9, mode="show"))


def mean_images_figure(means: np.ndarray, counts: np.ndarray) -> go.Figure:
    """The average image of each digit (2 rows × 5), titled with the digit and its image count."""
    fig = make_subplots(rows=2, cols=5, subplot_titles=[f"{d} ({counts[d]:,})" for d in range(10)],
                        horizontal_spacing=0.02, vertical_spacing=0.1)
    for digit in range(10):
        fig.add_trace(go.Heatmap(z=means[digit], colorscale=INK, zmin=0, zmax=255, showscale=False,
                                 hovertemplate="%{z:.0f}<extra></extra>"),
                      row=digit // 5 + 1, col=digit % 5 + 1)
    fig.update_yaxes(autorange="reversed", showticklabels=False, showgrid=False, ticks="", zeroline=False)
    fig.update_xaxes(showticklabels=False, showgrid=False, ticks="", zeroline=False)
    for index in range(1, 11):
        fig.update_yaxes(scaleanchor=f"x{index if index > 1 else ''}", row=(index - 1) // 5 + 1, col=(index - 1) % 5 + 1)
    return _layout(fig, 380)


# ---- lesson 1: regression ---------------------------------------------------------------------

def regression_figure(x: np.ndarray, y: np.ndarray, a: float, b: float, *, show_squares: bool,
                      best: tuple[float, float] | None, labels: dict[str, str]) -> go.Figure:
    """Points, the line y = a·x + b, each residual as a vertical segment (and its square), and
    optionally the least-squares line. Axes have equal scale so the squares look square."""
    fit = a * x + b
    fig = go.Figure()
    if show_squares:
        for xi, yi, fi in zip(x, y, fit):
            side = abs(yi - fi)
            fig.add_shape(type="rect", x0=xi, x1=xi + side, y0=min(yi, fi), y1=max(yi, fi),
                          fillcolor="rgba(214,39,40,0.15)", line=dict(color="rgba(214,39,40,0.5)", width=1))
    seg_x = np.column_stack([x, x, np.full_like(x, np.nan)]).ravel()
    seg_y = np.column_stack([y, fit, np.full_like(x, np.nan)]).ravel()
    fig.add_trace(go.Scatter(x=seg_x, y=seg_y, mode="lines", line=dict(color=RED, width=2),
                             name=labels["residual"], hoverinfo="skip"))
    line_x = np.array([0.0, 10.0])
    fig.add_trace(go.Scatter(x=line_x, y=a * line_x + b, mode="lines", line=dict(color=BLUE, width=3),
                             name=labels["line"]))
    if best is not None:
        fig.add_trace(go.Scatter(x=line_x, y=best[0] * line_x + best[1], mode="lines",
                                 line=dict(color=GREEN, width=3, dash="dash"), name=labels["best"]))
    fig.add_trace(go.Scatter(x=x, y=y, mode="markers", marker=dict(size=10, color="black"),
                             name=labels["points"]))
    fig.update_xaxes(range=[0, 10], title="x", dtick=1, constrain="domain")
    low, high = min(-1.0, float(y.min()) - 0.5), max(11.0, float(y.max()) + 0.5)  # every point stays visible
    fig.update_yaxes(range=[low, high], title="y", scaleanchor="x", scaleratio=1, dtick=1, constrain="domain")
    return _layout(fig, 520, legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0))


def loss_landscape_figure(a_values: np.ndarray, b_values: np.ndarray, grid: np.ndarray,
                          current: tuple[float, float], best: tuple[float, float] | None,
                          labels: dict[str, str]) -> go.Figure:
    """Contours of Q_t over (a, b) with the current line as a dot (and the least-squares minimum)."""
    fig = go.Figure(go.Contour(
        x=a_values, y=b_values, z=np.log10(grid), colorscale="Viridis", ncontours=25,
        contours=dict(showlines=False),
        colorbar=dict(title="Qₜ", thickness=12, tickvals=[0, 1, 2, 3, 4], ticktext=["1", "10", "100", "1000", "10⁴"]),
        customdata=grid, hovertemplate="a=%{x:.2f}, b=%{y:.2f}<br>Qₜ=%{customdata:.1f}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(x=[current[0]], y=[current[1]], mode="markers", name=labels["line"],
                             marker=dict(size=16, color="white", line=dict(color="black", width=2))))
    if best is not None:
        fig.add_trace(go.Scatter(x=[best[0]], y=[best[1]], mode="markers", name=labels["best"],
                                 marker=dict(size=16, symbol="x", color=GREEN, line=dict(color="white", width=1))))
    fig.update_xaxes(title="a")
    fig.update_yaxes(title="b")
    return _layout(fig, 420, showlegend=False, title=dict(text=labels["title"], y=0.98))


def system_figure(x: float, y: float, labels: dict[str, str]) -> go.Figure:
    """The lines 3x + 2y = 13 and 5x + 3y = 21 in the (x, y) plane, and the point being tried."""
    xs = np.array([0.0, 6.0])
    fig = go.Figure([
        go.Scatter(x=xs, y=(13 - 3 * xs) / 2, mode="lines", line=dict(color=BLUE, width=3), name="3x + 2y = 13"),
        go.Scatter(x=xs, y=(21 - 5 * xs) / 3, mode="lines", line=dict(color=ORANGE, width=3), name="5x + 3y = 21"),
        go.Scatter(x=[x], y=[y], mode="markers+text", text=[f"({x:g}, {y:g})"], textposition="top right",
                   marker=dict(size=16, color=RED), name=labels["try"]),
    ])
    fig.update_xaxes(range=[0, 6], title="x", dtick=1)
    fig.update_yaxes(range=[0, 7], title="y", dtick=1, scaleanchor="x", scaleratio=1)
    return _layout(fig, 420, legend=dict(orientation="h", y=1.1, x=0))


# ---- lesson 2: perceptron ---------------------------------------------------------------------

def activation_figure(a_grid: np.ndarray, values: np.ndarray, slopes: np.ndarray | None,
                      a_now: float, y_now: float, labels: dict[str, str]) -> go.Figure:
    """An activation function f(a), optionally its slope f'(a), and the current neuron as a dot."""
    fig = go.Figure(go.Scatter(x=a_grid, y=values, mode="lines", line=dict(color=BLUE, width=3),
                               name=labels["f"], line_shape="linear"))
    if slopes is not None:
        fig.add_trace(go.Scatter(x=a_grid, y=slopes, mode="lines", line=dict(color=ORANGE, width=3, dash="dash"),
                                 name=labels["slope"]))
    fig.add_trace(go.Scatter(x=[a_now], y=[y_now], mode="markers+text", text=[f"a={a_now:g}, y={y_now:.3g}"],
                             textposition="top left", marker=dict(size=15, color=RED), name=labels["now"]))
    fig.add_vline(x=0, line=dict(color=GREY, width=1))
    fig.update_xaxes(title=labels["x"], range=[a_grid[0], a_grid[-1]], zeroline=False)
    fig.update_yaxes(title=labels["y"], range=[-0.2, max(1.2, float(np.nanmax(values)) * 1.05)])
    return _layout(fig, 380, legend=dict(orientation="h", y=1.12, x=0))


GATE_GRID = np.linspace(-0.5, 1.5, 121)


def gate_figure(w1: float, w2: float, theta: float, line_x2: np.ndarray | None, targets: np.ndarray,
                outputs: np.ndarray, labels: dict[str, str]) -> go.Figure:
    """The unit square: where the perceptron answers 1 (shaded), the line w1·x1 + w2·x2 = θ
    (x2 over GATE_GRID, or None when vertical), and the four corners coloured by the gate's answer."""
    grid = GATE_GRID
    g1, g2 = np.meshgrid(grid, grid)
    region = (w1 * g1 + w2 * g2 - theta > 0).astype(float)
    fig = go.Figure(go.Heatmap(x=grid, y=grid, z=region, colorscale=[[0, "white"], [1, "rgba(255,127,14,0.35)"]],
                               zmin=0, zmax=1, showscale=False, hoverinfo="skip"))
    if line_x2 is not None:
        fig.add_trace(go.Scatter(x=grid, y=line_x2, mode="lines", line=dict(color="black", width=3),
                                 name=labels["line"]))
    elif w1 != 0:
        fig.add_trace(go.Scatter(x=[theta / w1] * 2, y=[-0.5, 1.5], mode="lines",
                                 line=dict(color="black", width=3), name=labels["line"]))
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    for value in (0, 1):
        mask = targets == value
        right = outputs[mask] == targets[mask]
        fig.add_trace(go.Scatter(
            x=corners[mask, 0], y=corners[mask, 1], mode="markers+text",
            text=[f"{labels['target']} {value}" + ("" if ok else " ✖") for ok in right], textposition="bottom center",
            textfont=dict(size=FONT, color="black"),
            marker=dict(size=26, color=ORANGE if value else BLUE, symbol=["circle" if ok else "x" for ok in right],
                        line=dict(color="black", width=2)),
            name=f"{labels['target']} = {value}",
        ))
    fig.update_xaxes(range=[-0.5, 1.5], title="x₁", dtick=0.5, constrain="domain")
    fig.update_yaxes(range=[-0.5, 1.5], title="x₂", dtick=0.5, scaleanchor="x", scaleratio=1, constrain="domain")
    return _layout(fig, 460, legend=dict(orientation="h", y=1.1, x=0))


# ---- lesson 3: the ○× network --------------------------------------------------------------

def network_figure(x: np.ndarray, hidden: np.ndarray, out: np.ndarray, w: np.ndarray, v: np.ndarray,
                   labels: dict[str, str]) -> go.Figure:
    """The 9 → 3 → 2 network: nodes shaded by their value, connections coloured by weight
    (red positive, blue negative) and as thick as the weight is large."""
    pos_in = [(0.0, 8 - k) for k in range(9)]
    pos_hidden = [(1.0, 6.5 - 2.5 * j) for j in range(3)]
    pos_out = [(2.0, 5.5 - 3.0 * i) for i in range(2)]
    fig = go.Figure()
    biggest = max(float(np.abs(w).max()), float(np.abs(v).max()), 1e-9)
    for layer_from, layer_to, weights in ((pos_in, pos_hidden, w), (pos_hidden, pos_out, v)):
        for j, (x1, y1) in enumerate(layer_to):
            for k, (x0, y0) in enumerate(layer_from):
                value = weights[j, k]
                fig.add_trace(go.Scatter(
                    x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="text", text=f"w = {value:.2f}",
                    line=dict(color=RED if value >= 0 else BLUE, width=0.5 + 5 * abs(value) / biggest),
                    opacity=0.65, showlegend=False,
                ))
    nodes = [(pos_in, x, [f"x{k + 1}" for k in range(9)]),
             (pos_hidden, hidden, [f"y{j + 1}" for j in range(3)]),
             (pos_out, out, [labels["maru"], labels["batsu"]])]
    for positions, values, names in nodes:
        fig.add_trace(go.Scatter(
            x=[p[0] for p in positions], y=[p[1] for p in positions], mode="markers+text",
            marker=dict(size=34, color=values, colorscale=[[0, "white"], [1, "#444"]], cmin=0, cmax=1,
                        line=dict(color="black", width=2)),
            text=[f"{value:.2f}" for value in values], textposition="middle center",
            textfont=dict(color=["black" if value < 0.55 else "white" for value in values], size=12),
            hovertext=names, hoverinfo="text", showlegend=False,
        ))
    for (px, py), name in zip(pos_out, [labels["maru"], labels["batsu"]]):
        fig.add_annotation(x=px + 0.12, y=py, text=name, showarrow=False, xanchor="left", font=dict(size=FONT))
    for (px, py), name in zip(pos_hidden, ["y1", "y2", "y3"]):
        fig.add_annotation(x=px, y=py + 0.75, text=name, showarrow=False, font=dict(size=FONT))
    for px, name in ((0.0, labels["input"]), (1.0, labels["hidden"]), (2.0, labels["output"])):
        fig.add_annotation(x=px, y=9.2, text=f"<b>{name}</b>", showarrow=False, font=dict(size=FONT))
    fig.update_xaxes(visible=False, range=[-0.25, 2.75])
    fig.update_yaxes(visible=False, range=[-0.6, 9.7])
    return _layout(fig, 460, margin=dict(l=0, r=0, t=10, b=0))


def weights_figure(w: np.ndarray, theta: np.ndarray, v: np.ndarray, phi: np.ndarray,
                   labels: dict[str, str]) -> go.Figure:
    """The hidden weights as three 3×3 pictures (what each hidden neuron looks for) and the output
    weights with their thresholds φ as a 2×4 table, all on one red–white–blue scale, numbers written in."""
    limit = max(float(np.abs(w).max()), float(np.abs(v).max()), 1.0)
    titles = [f"y{j + 1} (θ={theta[j]:.2f})" for j in range(3)] + [labels["output"]]
    fig = make_subplots(rows=1, cols=4, subplot_titles=titles, horizontal_spacing=0.04,
                        column_widths=[0.2, 0.2, 0.2, 0.4])
    for j in range(3):
        block = w[j].reshape(3, 3)
        fig.add_trace(go.Heatmap(z=block, text=np.round(block, 2), texttemplate="%{text}", textfont=dict(size=14),
                                 colorscale=WEIGHTS, zmin=-limit, zmax=limit, showscale=False,
                                 hovertemplate="w = %{z:.3f}<extra></extra>", xgap=2, ygap=2),
                      row=1, col=j + 1)
        fig.update_xaxes(showticklabels=False, ticks="", showgrid=False, row=1, col=j + 1)
        fig.update_yaxes(showticklabels=False, ticks="", showgrid=False, autorange="reversed",
                         scaleanchor=f"x{j + 1 if j else ''}", row=1, col=j + 1)
    table = np.column_stack([v, phi])  # (2, 4): the three weights, then the threshold φ
    fig.add_trace(go.Heatmap(z=table, x=["y1", "y2", "y3", "φ"], y=[labels["maru"], labels["batsu"]],
                             text=np.round(table, 2), texttemplate="%{text}", textfont=dict(size=14), colorscale=WEIGHTS,
                             zmin=-limit, zmax=limit, colorbar=dict(thickness=10, len=0.9, x=1.01),
                             hovertemplate="%{z:.3f}<extra></extra>", xgap=2, ygap=2),
                  row=1, col=4)
    fig.update_yaxes(autorange="reversed", ticks="", showgrid=False, row=1, col=4)
    fig.update_xaxes(ticks="", showgrid=False, row=1, col=4)
    return _layout(fig, 240, margin=dict(l=10, r=10, t=40, b=10))


def loss_curve_figure(losses: np.ndarray, labels: dict[str, str], total_epochs: int | None = None) -> go.Figure:
    """Loss per epoch (log scale) while training; the x-axis is fixed to the planned epochs."""
    epochs = np.arange(1, len(losses) + 1)
    fig = go.Figure(go.Scatter(x=epochs, y=losses, mode="lines", line=dict(color=RED, width=3), name=labels["loss"]))
    fig.update_xaxes(title=labels["epoch"], range=[0, total_epochs or max(len(losses), 1)])
    fig.update_yaxes(title=labels["loss"], type="log", dtick=1, exponentformat="none")
    if len(losses) == 0:
        fig.update_yaxes(range=[-4, 0])
        fig.add_annotation(x=0.5, y=0.5, xref="paper", yref="paper", text=labels["empty"], showarrow=False,
                           font=dict(size=FONT + 2, color=GREY))
    return _layout(fig, 300, showlegend=False)


def scores_figure(out: np.ndarray, labels: dict[str, str]) -> go.Figure:
    """The two outputs (○ score, × score) as bars between 0 and 1."""
    fig = go.Figure(go.Bar(x=[labels["maru"], labels["batsu"]], y=out, marker_color=[BLUE, ORANGE],
                           text=[f"{value:.3f}" for value in out], textposition="outside", textfont=dict(size=18)))
    fig.update_yaxes(range=[0, 1.15])
    return _layout(fig, 260, margin=dict(l=10, r=10, t=10, b=10))


def dataset_figure(images: np.ndarray, targets: np.ndarray, out: np.ndarray, labels: dict[str, str]) -> go.Figure:
    """The training images (N, 9) as little 3×3 pictures, ○ in the top row and × below, each
    captioned with the network's current answer (green when right, red when wrong)."""
    rows = [np.flatnonzero(targets[:, 0] == 1), np.flatnonzero(targets[:, 1] == 1)]
    width = max(len(r) for r in rows)
    canvas = np.full((2 * 4 - 1, width * 4 - 1), np.nan)
    fig = go.Figure()
    for row, members in enumerate(rows):
        for column, index in enumerate(members):
            canvas[row * 4:row * 4 + 3, column * 4:column * 4 + 3] = images[index].reshape(3, 3)
            right = np.argmax(out[index]) == np.argmax(targets[index])
            answer = labels["maru"] if out[index, 0] >= out[index, 1] else labels["batsu"]
            fig.add_annotation(x=column * 4 + 1, y=row * 4 - 1.1, text=f"<b>{answer}</b>", showarrow=False,
                               font=dict(size=FONT + 3, color=GREEN if right else RED))
    fig.add_trace(go.Heatmap(z=canvas, colorscale=INK, zmin=0, zmax=1, showscale=False, hoverinfo="skip"))
    fig.update_yaxes(visible=False, scaleanchor="x", range=[7.5, -2.2])
    fig.update_xaxes(visible=False)
    return _layout(fig, 280, margin=dict(l=0, r=0, t=10, b=0))
