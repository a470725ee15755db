"""A page with only one lesson's quiz (lesson 4 unless ?lesson=lesson_N), for tests/test_quiz.py
under AppTest and for a look in the browser (?lang=en for English). Counts its full runs, so a
test can tell that answering reran only the quiz's fragment."""
import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core import ui  # noqa: E402  (after the path is set)

ui.language_from_link()
st.session_state["full_runs"] = st.session_state.get("full_runs", 0) + 1
st.caption(f"full runs: {st.session_state['full_runs']}")
ui.quiz(st.query_params.get("lesson", "lesson_4"))
