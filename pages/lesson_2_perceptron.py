"""Page under construction (being written now)."""
import streamlit as st

from core.ui import tr

st.title(tr("nav.lesson_2"))
