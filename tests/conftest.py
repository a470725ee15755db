"""Shared test setup: the project root on sys.path and MNIST from the shared offline copy."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist.npz"
if "MNIST_PATH" not in os.environ and SHARED_MNIST.is_file():
    os.environ["MNIST_PATH"] = str(SHARED_MNIST)


def open_page(path: str, lang: str = "ja", timeout: float = 30):
    """Run a page the way the dashboard does (through app.py's navigation) under AppTest.

    Running a page file on its own breaks st.page_link, which resolves pages against app.py.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.session_state["lang"] = lang
    at.run()
    if path != "pages/home.py":
        at.switch_page(path).run()
    return at
