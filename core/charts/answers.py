"""The network's answer: its digit and how sure, the ten probabilities as bars, the models side by side.

Pure: numbers in, HTML or Markdown out; no Streamlit, no TensorFlow; labels arrive already translated.
Used by the lab, "inside the network" and the test explorer alike.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

UNSURE_BELOW = 0.6  # a top probability under this is announced as a guess
ACCENT = "#d9480f"
GREY = "#adb5bd"
TRUE = "#2ca02c"  # the true label's mark, when it is known


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


def probability_bars(proba: np.ndarray, caption: str, true: int | None = None) -> str:
    """The ten class probabilities as an HTML bar list (0–100 %), the top one highlighted and the
    true label, when known, marked with a green ✔.

    Plain HTML rather than a plotly chart: it is redrawn after every stroke, and a browser
    repaints ten <div>s far faster than a chart (and the server builds them in microseconds).
    """
    top = int(np.argmax(proba))
    rows = []
    for digit, p in enumerate(proba):
        colour = ACCENT if digit == top else GREY
        weight = "700" if digit == top else "400"
        mark = f'<span style="color:{TRUE};font-weight:700">✔</span>' if digit == true else ""
        rows.append(
            f'<div style="display:flex;align-items:center;gap:6px;height:22px">'
            f'<span style="width:2.2em;text-align:right;font-weight:{weight}">{mark}{digit}</span>'
            f'<span style="flex:1;background:#f1f3f5;height:16px;border-radius:3px">'
            f'<span style="display:block;width:{p * 100:.1f}%;height:16px;background:{colour};'
            f'border-radius:3px"></span></span>'
            f'<span style="width:3.6em;text-align:right;font-variant-numeric:tabular-nums">{p * 100:.1f} %</span>'
            f"</div>"
        )
    return f'<div class="lab-bars"><div style="font-weight:600;margin-bottom:4px">{caption}</div>{"".join(rows)}</div>'


def side_by_side(results: list[dict], labels: dict[str, str]) -> str:
    """A Markdown table, one row per model: name, document, answer, confidence, parameters,
    test accuracy, ms per prediction ("—" where unknown).

    ``results`` items: name, doc, proba (10,) or None, parameters, accuracy (0–1 or None), ms.
    ``labels``: translated column names under the same keys. Markdown rather than a dataframe:
    it is redrawn after every stroke, and a few lines of text cost the server far less than a dataframe.
    """
    def shown(value, template: str) -> str:
        return "—" if value is None else template.format(value)

    columns = ("name", "doc", "answer", "confidence", "parameters", "accuracy", "ms")
    lines = ["| " + " | ".join(labels[c] for c in columns) + " |",
             "|" + "|".join([" --- "] * 2 + [" ---: "] * 5) + "|"]
    for item in results:
        proba = item.get("proba")
        read = answer(proba) if proba is not None else None
        accuracy = item.get("accuracy")
        cells = [item["name"], item.get("doc", ""), shown(read and read.digit, "{}"),
                 shown(read and read.confidence * 100, "{:.1f} %"), shown(item.get("parameters"), "{:,}"),
                 shown(accuracy and accuracy * 100, "{:.2f} %"), shown(item.get("ms"), "{:.2f}")]
        lines.append("| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)
