"""A figure made once as the very dict the browser gets, without plotly's object model.

``st.plotly_chart`` calls a figure's ``to_dict()`` on every rerun: a deep copy and a walk over every
value to base64-encode arrays (6 ms for lesson 4's 21-panel figure; 3 ms per rerun for lesson 0's four). A cached figure never changes,
so its dict can be made once. Building it as a ``go.Figure`` first costs more still: plotly makes an
object per trace and per axis even unvalidated (~30 ms for lesson 4's 19 heatmaps on their own axes,
once per new input). So the dict is assembled here as ``go.Figure(...).to_dict()`` would produce it
(the default template, arrays base64-encoded, in one walk that skips lists of plain values such as a
pixel table's 784 labels), and plotly's objects are built only if some code
reads ``.data`` / ``.layout`` (tests do). Never modify one after building it.
"""
from __future__ import annotations

import base64
import copy
import functools

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec

@functools.cache
def default_template() -> dict:
    """The template ``go.Figure`` writes into every figure's layout (plotly's default), made once."""
    return go.Figure().to_dict()["layout"]["template"]


PLAIN = (str, int, float, bool, type(None))


def browser_form(value):
    """A copy of a figure's dicts and lists with numeric arrays base64-encoded, as plotly's ``to_dict()``
    makes it (``convert_to_base64`` on a deep copy), in one walk that does not visit plain values."""
    if isinstance(value, dict):
        return {key: item if is_skipped_key(key) else typed_array(item) if _is_array(item)
                else browser_form(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        if all(isinstance(item, PLAIN) for item in value):
            return type(value)(value)
        return type(value)(browser_form(item) for item in value)
    return value if isinstance(value, PLAIN) else copy.deepcopy(value)


# numpy dtype → plotly.js typed-array name (plotly's plotlyjsShortTypes); int64 / uint64 are narrowed first
SHORT_TYPES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
               "float32": "f4", "float64": "f8"}
NARROWER = {"int64": (np.int8, np.int16, np.int32), "uint64": (np.uint8, np.uint16, np.uint32)}


def typed_array(value):
    """plotly's ``to_typed_array_spec``: a numeric numpy array as {"dtype", "bdata" (base64), "shape"}, made
    directly (plotly first copies every array-like through narwhals: ~0.2 ms an array, 20 arrays a figure)."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf" or value.size == 0:
        return to_typed_array_spec(value)  # anything else exactly as plotly does it
    name = str(value.dtype)
    if name in NARROWER:
        low, high = value.min(), value.max()
        fitting = [kind for kind in NARROWER[name] if np.iinfo(kind).min <= low and high <= np.iinfo(kind).max]
        if not fitting:
            return np.array(value)  # too large for plotly.js' typed arrays: a plain copy, as plotly leaves it
        value, name = value.astype(fitting[0]), np.dtype(fitting[0]).name
    if name not in SHORT_TYPES:
        return np.array(value)  # e.g. float16: left as an array, as plotly leaves it
    spec = {"dtype": SHORT_TYPES[name], "bdata": base64.b64encode(np.ascontiguousarray(value)).decode("ascii")}
    if value.ndim > 1:
        spec["shape"] = str(value.shape)[1:-1]
    return spec


def _is_array(value) -> bool:
    """plotly's ``is_homogeneous_array``, answered at once for the plain values most of a figure is."""
    return isinstance(value, np.ndarray) or (not isinstance(value, PLAIN + (dict, list, tuple))
                                             and is_homogeneous_array(value))


class FrozenFigure(go.Figure):
    """A ``go.Figure`` whose ``to_dict()`` was made when it was built and is only handed out.

    plotly's own state (``.data``, ``.layout``, …) is built from the figure's trace and layout dicts
    the first time anything asks for it, so a figure that is only shown never builds it.
    """

    def __init__(self, data: list[dict], layout: dict):  # no go.Figure.__init__: see __getattr__
        self._spec = {"data": data, "layout": layout}
        frozen = browser_form(self._spec)
        if "template" not in frozen["layout"]:  # as go.Figure: plotly's default unless one is given
            frozen["layout"]["template"] = default_template()
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

