"""streamlit-drawable-canvas 0.13.0, answering 30 ms after a stroke instead of 200 ms.

frontend/ is that release's frontend build with one constant changed: the debounce before a new
drawing is sent to Python (`Bc = 200` → `Bc = 30`, milliseconds; the 200 ms wait alone took two
thirds of the lab's 300 ms stroke-to-answer budget), and CSS rules added at the end of index.css
(the hidden toolbar took strokes begun at the canvas' top edge; its pencil stopped the drawing).
`st_canvas` takes the arguments of `streamlit_drawable_canvas.st_canvas` that the lab uses and
returns its CanvasResult.
Import it only in a page script: Streamlit registers the component when a script runs.
"""
from __future__ import annotations

import streamlit as st
from streamlit_drawable_canvas import CanvasResult

SEND_DELAY_MS = 30  # what frontend/index.js waits after a change before sending the drawing

_renderer = st.components.v2.component(
    "dojo-canvas.canvas",
    js="index.js",
    css="index.css",
    html='<div class="canvas-root"></div>',
    isolate_styles=True,
)


def st_canvas(
    *,
    stroke_width: int = 20,
    stroke_color: str = "black",
    background_color: str = "",
    width: int = 600,
    height: int = 400,
    drawing_mode: str = "freedraw",
    return_image_data: bool = False,
    key: str | None = None,
) -> CanvasResult:
    """A drawing canvas; see streamlit_drawable_canvas.st_canvas for the arguments."""
    empty = {"objects": [], "background": background_color}
    data = {
        "fillColor": "#eee", "strokeWidth": stroke_width, "strokeColor": stroke_color,
        "backgroundColor": background_color, "backgroundImageURL": None,
        "realtimeUpdateStreamlit": True, "canvasWidth": width, "canvasHeight": height,
        "drawingMode": drawing_mode, "initialDrawing": empty, "displayRadius": 3,
        "returnImageData": return_image_data, "disabled": False,
        "backgroundImageFit": "stretch", "maxDisplayHeight": None, "fontSize": 20, "label": "",
    }
    result = _renderer(
        data=data, key=key,
        default={"drawing": {"raw": empty, "data": None}, "backgroundFit": None},
        on_drawing_change=lambda: None, on_backgroundFit_change=lambda: None,
        width="content", height="content",
    )
    drawing = result.get("drawing") or {"raw": empty, "data": None}
    return CanvasResult(json_data=drawing.get("raw"), image_data_url=drawing.get("data"),
                        return_image_data=return_image_data)
