"""A figure that is converted for the browser once, not on every rerun that shows it.

``st.plotly_chart`` calls the figure's ``to_dict()`` on every rerun: a deep copy and a walk over
every value to base64-encode arrays (6 ms for lesson 4's 21-panel figure, most of a rerun once the
figure itself comes from the cache). A cached figure never changes, so its dict can be made once.
Built like ``style.figure`` (plain dicts, no validation); never modify one after building it.
"""
from __future__ import annotations

import plotly.graph_objects as go

from core.charts.style import BASE_LAYOUT


class FrozenFigure(go.Figure):
    """A ``go.Figure`` whose ``to_dict()`` is computed when it is built and then only returned."""

    def to_dict(self) -> dict:
        if getattr(self, "_frozen", None) is None:
            self._frozen = super().to_dict()
        return self._frozen


def frozen_figure(data: list[dict], layout: dict | None = None) -> FrozenFigure:
    """``style.figure``'s figure (trace dicts with their ``type``, one layout dict over the house layout,
    unvalidated) with its browser form made once."""
    fig = FrozenFigure({"data": data, "layout": {**BASE_LAYOUT, **(layout or {})}}, _validate=False)
    fig.to_dict()
    return fig
