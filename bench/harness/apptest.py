"""Open a page under Streamlit's AppTest the way the dashboard does (tests and benches share it)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def open_page(path: str, lang: str = "ja", timeout: float = 30):
    """Run a page through app.py's navigation under AppTest (a page file run on its own breaks
    st.page_link, which resolves pages against app.py)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.session_state["lang"] = lang
    at.run()
    if path != "pages/home.py":
        at.switch_page(path).run()
    return at
