"""A figure made once as the very dict the browser gets, without plotly's object model.

``st.plotly_chart`` calls a figure's ``to_dict()`` on every rerun: a deep copy and a walk over every
value to base64-encode arrays (6 ms for lesson 4's 21-panel figure). A cached figure never changes,
so its dict can be made once. Building it as a ``go.Figure`` first costs more still: plotly makes an
object per trace and per axis even unvalidated (~30 ms for lesson 4's 19 heatmaps on their own axes,
once per new input). So the dict is assembled here as ``go.Figure(...).to_dict()`` would produce it
(the default template, arrays base64-encoded), and plotly's objects are built only if some code
reads ``.data`` / ``.layout`` (tests do). Never modify one after building it.
"""
from __future__ import annotations

import copy
import threading

import plotly.graph_objects as go
from _plotly_utils.utils import convert_to_base64

from core.charts.style import BASE_LAYOUT

_TEMPLATE: dict | None = None
_TEMPLATE_LOCK = threading.Lock()


def default_template() -> dict:
    """The template ``go.Figure`` writes into every figure's layout (plotly's default), made once."""
    global _TEMPLATE
    with _TEMPLATE_LOCK:
        if _TEMPLATE is None:
            _TEMPLATE = go.Figure().to_dict()["layout"]["template"]
        return _TEMPLATE


class FrozenFigure(go.Figure):
    """A ``go.Figure`` whose ``to_dict()`` was made when it was built and is only handed out.

    plotly's own state (``.data``, ``.layout``, …) is built from the figure's trace and layout dicts
    the first time anything asks for it, so a figure that is only shown never builds it.
    """

    def __init__(self, data: list[dict], layout: dict):  # no go.Figure.__init__: see __getattr__
        self._spec = {"data": data, "layout": layout}
        frozen = copy.deepcopy(self._spec)
        frozen["layout"] = {**frozen["layout"], "template": default_template()}
        convert_to_base64(frozen)
        self._frozen = frozen

    def to_dict(self) -> dict:
        return self._frozen

    def __getattr__(self, name: str):
        """Only reached for attributes not set yet: plotly's internals, built on first use."""
        state = self.__dict__
        if name.startswith("_") and "_spec" in state and not state.get("_plotly_built"):
            state["_plotly_built"] = True
            go.Figure.__init__(self, copy.deepcopy(state["_spec"]), _validate=False)
            return getattr(self, name)
        raise AttributeError(name)


def frozen_figure(data: list[dict], layout: dict | None = None) -> FrozenFigure:
    """``style.figure``'s figure (trace dicts with their ``type``, one layout dict over the house layout,
    unvalidated) with its browser form made once and plotly's object model left out."""
    return FrozenFigure(data, {**BASE_LAYOUT, **(layout or {})})
