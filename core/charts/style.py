"""The house style of every chart: projector-sized font, one palette, and one cheap way to build a figure.

``figure(data, layout)`` makes a plotly figure from plain dicts without plotly's per-property
validation: that validation was most of the server's CPU per slider move (30 students × every
rerun). The builders are checked by their tests instead. Build the whole layout in one dict;
avoid ``update_layout`` / ``make_subplots`` chains on hot paths.
"""
from __future__ import annotations

import plotly.graph_objects as go

FONT = 15
BLUE = "#1f77b4"
RED = "#d62728"
GREEN = "#2ca02c"
ORANGE = "#ff7f0e"
GREY = "#7f7f7f"
INK = [[0.0, "white"], [1.0, "black"]]  # 0 = paper, high = ink (like 002's cmap=binary)
SIGNED = "RdBu_r"  # negative blue, 0 white, positive red

BASE_LAYOUT = {"font": {"size": FONT}, "margin": {"l": 10, "r": 10, "t": 50, "b": 10}}
NO_BAR = {"displayModeBar": False}  # st.plotly_chart(config=NO_BAR): no toolbar over a classroom figure


def figure(data: list[dict], layout: dict | None = None) -> go.Figure:
    """A figure from trace dicts (each with its ``type``) and one layout dict over the house layout, unvalidated."""
    return go.Figure({"data": data, "layout": {**BASE_LAYOUT, **(layout or {})}}, _validate=False)
