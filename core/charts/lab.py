"""Figures and tables of the CNN lab's "draw and read" page. Pure: numbers in, figures out.

No Streamlit, no TensorFlow; labels arrive already translated.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
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


def probability_bars(proba: np.ndarray, caption: str) -> str:
    """The ten class probabilities as an HTML bar list (0–100 %), the top one highlighted.

    Plain HTML rather than a plotly chart: it is redrawn after every stroke, and a browser
    repaints ten <div>s far faster than a chart (the stroke-to-answer time is the budget here).
    """
    top = int(np.argmax(proba))
    rows = []
    for digit, p in enumerate(proba):
        colour = ACCENT if digit == top else GREY
        weight = "700" if digit == top else "400"
        rows.append(
            f'<div style="display:flex;align-items:center;gap:6px;height:22px">'
            f'<span style="width:1.2em;text-align:right;font-weight:{weight}">{digit}</span>'
            f'<span style="flex:1;background:#f1f3f5;height:16px;border-radius:3px">'
            f'<span style="display:block;width:{p * 100:.1f}%;height:16px;background:{colour};'
            f'border-radius:3px"></span></span>'
            f'<span style="width:3.6em;text-align:right;font-variant-numeric:tabular-nums">{p * 100:.1f} %</span>'
            f"</div>"
        )
    return f'<div class="lab-bars"><div style="font-weight:600;margin-bottom:4px">{caption}</div>{"".join(rows)}</div>'


def pixel_table(image: np.ndarray) -> pd.DataFrame:
    """(28, 28) float in [0, 1] → the 0–255 integers a student sees in document 002's printout."""
    return pd.DataFrame(np.round(image * 255).astype(int))


def pixel_table_html(image: np.ndarray) -> str:
    """The 28×28 pixel values as a compact HTML table, each cell painted in its own grey."""
    rows = []
    for row in pixel_table(image).to_numpy():
        cells = "".join(
            f'<td style="background:rgb({v},{v},{v});color:{"#000" if v > 127 else "#888"}">{v}</td>'
            for v in row
        )
        rows.append(f"<tr>{cells}</tr>")
    style = ("border-collapse:collapse;font-size:10px;font-family:monospace;text-align:right;"
             "line-height:14px")
    return (f'<div style="overflow-x:auto"><table class="lab-pixels" style="{style}">'
            f'{"".join(rows)}</table></div>'
            "<style>.lab-pixels td{padding:1px 2px;min-width:22px;border:none}</style>")


def side_by_side_rows(results: list[dict], labels: dict[str, str]) -> pd.DataFrame:
    """One row of display text per model: name, document, answer, confidence, parameters,
    test accuracy, ms per prediction ("—" where unknown).

    ``results`` items: name, doc, proba (10,) or None, parameters, accuracy (0–1 or None), ms.
    ``labels``: translated column names under the same keys.
    """
    def shown(value, template: str) -> str:
        return "—" if value is None else template.format(value)

    rows = []
    for item in results:
        proba = item.get("proba")
        read = answer(proba) if proba is not None else None
        accuracy = item.get("accuracy")
        rows.append({
            labels["name"]: item["name"],
            labels["doc"]: item.get("doc", ""),
            labels["answer"]: shown(read and read.digit, "{}"),
            labels["confidence"]: shown(read and read.confidence * 100, "{:.1f} %"),
            labels["parameters"]: shown(item.get("parameters"), "{:,}"),
            labels["accuracy"]: shown(accuracy and accuracy * 100, "{:.2f} %"),
            labels["ms"]: shown(item.get("ms"), "{:.2f}"),
        })
    return pd.DataFrame(rows)


def thumbnail(data: bytes, side: int = 200) -> Image.Image | None:
    """A small preview of an upload that already passed core.lab.preprocess (None if Pillow fails)."""
    import io

    from PIL import ImageOps

    try:
        with Image.open(io.BytesIO(data)) as image:
            preview = ImageOps.exif_transpose(image).convert("RGB")
            preview.thumbnail((side, side))
            return preview
    except Exception:  # noqa: BLE001 - a preview is optional
        return None
