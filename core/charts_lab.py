"""Figures and tables of the CNN lab's "draw and read" page. Pure: numbers in, figures out.

No Streamlit, no TensorFlow; labels arrive already translated.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from PIL import Image

UNSURE_BELOW = 0.6  # a top probability under this is announced as a guess
ACCENT = "#d9480f"
GREY = "#adb5bd"


@dataclass(frozen=True)
class Answer:
    """The network's reading of one image: its digit, how sure, and the runner-up."""

    digit: int
    confidence: float
    runner_up: int
    runner_up_confidence: float

    @property
    def sure(self) -> bool:
        return self.confidence >= UNSURE_BELOW


def answer(proba: np.ndarray) -> Answer:
    """(10,) probabilities → the top digit and the second best."""
    order = np.argsort(proba)[::-1]
    return Answer(int(order[0]), float(proba[order[0]]), int(order[1]), float(proba[order[1]]))


def enlarge(image: np.ndarray, factor: int = 6) -> np.ndarray:
    """(28, 28) float in [0, 1] → (28·f, 28·f) uint8 with crisp square pixels (for st.image)."""
    pixels = np.round(np.clip(image, 0.0, 1.0) * 255).astype(np.uint8)
    return np.kron(pixels, np.ones((factor, factor), dtype=np.uint8))


def probability_bars(proba: np.ndarray, title: str, height: int = 260) -> go.Figure:
    """Bars of the ten class probabilities (0–100 %), the top one highlighted."""
    top = int(np.argmax(proba))
    colours = [ACCENT if digit == top else GREY for digit in range(10)]
    fig = go.Figure(go.Bar(
        x=[str(d) for d in range(10)], y=proba * 100, marker_color=colours,
        text=[f"{p * 100:.0f}" for p in proba], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y:.1f} %<extra></extra>",
    ))
    fig.update_layout(
        title=dict(text=title, font=dict(size=15)), height=height, font=dict(size=15),
        margin=dict(l=10, r=10, t=40, b=10), showlegend=False,
        yaxis=dict(range=[0, 112], ticksuffix=" %", showgrid=True), xaxis=dict(type="category"),
    )
    return fig


def pixel_table(image: np.ndarray) -> pd.DataFrame:
    """(28, 28) float in [0, 1] → the 0–255 integers a student sees in document 002's printout."""
    return pd.DataFrame(np.round(image * 255).astype(int))


def shade_pixels(table: pd.DataFrame):
    """A pandas Styler painting each cell in its own grey (ink white on black, as the canvas)."""
    def shade(value: int) -> str:
        text = "black" if value > 127 else "white"
        return f"background-color: rgb({value},{value},{value}); color: {text}"

    return table.style.map(shade)


def side_by_side_rows(results: list[dict], labels: dict[str, str]) -> pd.DataFrame:
    """One row per model: name, document, answer, confidence (%), parameters, test accuracy (%), ms.

    ``results`` items: name, doc, proba (10,) or None, parameters, accuracy (0–1 or None), ms.
    ``labels``: translated column names under the same keys.
    """
    rows = []
    for item in results:
        proba = item.get("proba")
        read = answer(proba) if proba is not None else None
        accuracy = item.get("accuracy")
        rows.append({
            labels["name"]: item["name"],
            labels["doc"]: item.get("doc", ""),
            labels["answer"]: str(read.digit) if read else "—",
            labels["confidence"]: round(read.confidence * 100, 1) if read else None,
            labels["parameters"]: item.get("parameters"),
            labels["accuracy"]: round(accuracy * 100, 2) if accuracy is not None else None,
            labels["ms"]: round(item["ms"], 2) if item.get("ms") is not None else None,
        })
    return pd.DataFrame(rows)


def thumbnail(data: bytes, side: int = 200) -> Image.Image | None:
    """A small preview of an upload that already passed core.preprocess (None if Pillow fails)."""
    import io

    from PIL import ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            preview = ImageOps.exif_transpose(image).convert("RGB")
            preview.thumbnail((side, side))
            return preview
    except Exception:  # noqa: BLE001 - a preview is optional
        return None
