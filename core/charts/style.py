"""The house style of every chart: projector-sized font, one palette, and one cheap way to build a figure.

``figure(data, layout)`` makes a figure from plain dicts without plotly's object model: its browser
form (``to_dict()``) is made once when it is built (core.charts.frozen), because plotly's per-property
validation, its objects, and the deep copy ``st.plotly_chart`` makes of a ``go.Figure`` on every rerun
were most of the server's CPU per slider move (30 students × every rerun). The builders are checked by
their tests instead. Build the whole layout in one dict; never modify a figure after it is built.
"""
from __future__ import annotations

FONT = 15
# Okabe & Ito's colour-blind-safe palette (jfly.uni-koeln.de/color): about 1 student in 12 sees
# red and green alike, so no two colours here differ only by red vs green (tests/test_palette.py).
BLUE = "#0072B2"
RED = "#D55E00"  # Okabe–Ito's vermillion
GREEN = "#009E73"  # bluish green
ORANGE = "#E69F00"
GREY = "#555555"  # dark: a mid grey looks like GREEN to a deuteranope
PURPLE = "#CC79A7"  # reddish purple
INK = [[0.0, "white"], [1.0, "black"]]  # 0 = paper, high = ink (like 002's cmap=binary)
# Signed values (weights, feature maps): negative blue, 0 white, positive vermillion; a blue–orange
# diverging scale with equal lightness steps on both sides, safe for red–green colour blindness.
SIGNED = [[0.0, "#0b4f8c"], [0.25, "#5fa8d9"], [0.5, "#f7f7f7"], [0.75, "#e8975a"], [1.0, "#9a3d00"]]

BASE_LAYOUT = {"font": {"size": FONT}, "margin": {"l": 10, "r": 10, "t": 50, "b": 10}}
NO_BAR = {"displayModeBar": False}  # st.plotly_chart(config=NO_BAR): no toolbar over a classroom figure


def figure(data: list[dict], layout: dict | None = None):
    """A figure (a ``core.charts.frozen.FrozenFigure``) from trace dicts, each with its ``type``, and one
    layout dict over the house layout, unvalidated."""
    from core.charts.frozen import FrozenFigure  # frozen.py imports BASE_LAYOUT from here

    return FrozenFigure(data, {**BASE_LAYOUT, **(layout or {})})
