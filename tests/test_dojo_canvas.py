"""vendor/dojo_canvas: streamlit-drawable-canvas 0.13.0's frontend with its send delay changed and
a few CSS rules added (the toolbar: out of the canvas' way, undo, redo and reset only).

If streamlit-drawable-canvas is upgraded, these fail until the vendored copy is made again from
the new release (see vendor/dojo_canvas/README.md).
"""
import importlib.util
import re
from pathlib import Path

from tests.conftest import ROOT

VENDORED = ROOT / "vendor" / "dojo_canvas" / "dojo_canvas"
DELAY = re.compile(r"^\}, Bc = (\d+), Ar = \(e\) => \{$", re.MULTILINE)


def package_dir(name: str) -> Path:
    """An installed package's folder, found without importing it (its import needs a running app)."""
    return Path(importlib.util.find_spec(name).submodule_search_locations[0])


def test_vendored_frontend_is_the_release_but_for_the_send_delay():
    release = package_dir("streamlit_drawable_canvas") / "frontend" / "build"
    (release_js,) = release.glob("index-*.js")
    original = release_js.read_text(encoding="utf-8")
    ours = (VENDORED / "frontend" / "index.js").read_text(encoding="utf-8")

    assert [int(ms) for ms in DELAY.findall(original)] == [200]
    assert [int(ms) for ms in DELAY.findall(ours)] == [30]
    assert DELAY.sub("DELAY", ours) == DELAY.sub("DELAY", original)


def test_vendored_style_is_the_release_plus_the_toolbar_rules():
    """Exactly the added rules: the toolbar out of the canvas' way, and no edit or send-now button."""
    release = (package_dir("streamlit_drawable_canvas") / "frontend" / "build" / "index-style.css").read_text("utf-8")
    ours = (VENDORED / "frontend" / "index.css").read_text(encoding="utf-8")
    assert ours.startswith(release)
    added = [line for line in re.sub(r"/\*.*?\*/", "", ours[len(release):], flags=re.DOTALL).splitlines() if line.strip()]
    assert added == [".dc-toolbar{top:-2.65rem;pointer-events:none}",
                     ".dc-root:hover>.dc-toolbar,.dc-toolbar:focus-within,.dc-toolbar[data-pinned=true]{pointer-events:auto}",
                     '.dc-toolbar button[aria-label="Edit"],.dc-toolbar button[aria-label="Update the app with this drawing"],'
                     ".dc-toolbar-separator{display:none}"]


def test_wrapper_states_the_delay_its_frontend_uses():
    wrapper = (VENDORED / "__init__.py").read_text(encoding="utf-8")
    ours = (VENDORED / "frontend" / "index.js").read_text(encoding="utf-8")
    stated = re.search(r"^SEND_DELAY_MS = (\d+)", wrapper, re.MULTILINE)
    assert stated and DELAY.findall(ours) == [stated.group(1)]


def test_installed_copy_is_the_vendored_one():
    installed = package_dir("dojo_canvas")
    for name in ("__init__.py", "pyproject.toml", "frontend/index.js", "frontend/index.css"):
        assert (installed / name).read_bytes() == (VENDORED / name).read_bytes(), name
