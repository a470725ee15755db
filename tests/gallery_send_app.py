"""A tiny page for AppTest: the lab's send box under a drawing (st.session_state["drawn"]) or none."""
import numpy as np
import streamlit as st

from core.lab import preprocess
from core.ui import send_to_class_box
from bench.harness.drawings import template_drawing

canvas = template_drawing(4, np.random.default_rng(123)) if st.session_state.get("drawn") else None
send_to_class_box(None if canvas is None else preprocess.canvas_to_mnist(canvas), canvas)
