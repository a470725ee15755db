"""Work-arounds for Streamlit 1.67.0's runtime, in one place; app.py applies them at the top of every run.

Besides core/ui.py this is the only core module that imports Streamlit: each work-around changes or
asks Streamlit's own runtime (its after-run clean-up, its pages/ folder mode, its session registry),
so none can be written without it. Each checks first that what it relies on is there, and stops the
app with a ``StreamlitPatchError`` naming the installed Streamlit version when it is not.
"""
from __future__ import annotations

import gc
import sys

import streamlit

PINNED = "1.67.0"  # the version these work-arounds are written for (requirements.txt)


class StreamlitPatchError(RuntimeError):
    """A work-around cannot be applied to the installed Streamlit."""

    def __init__(self, patch: str, missing: str):
        super().__init__(
            f"CNN Dojo cannot start: its work-around '{patch}' does not fit Streamlit {streamlit.__version__} "
            f"(written for {PINNED}): {missing}. Install the pinned version: pip install -r requirements.txt"
        )


def _names(code) -> set[str]:
    """The global and attribute names a function's code (nested functions included) looks up."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names(const)
    return names


def _require(patch: str, owner, name: str, used_by=None):
    """``owner.name``, checked to exist and, with ``used_by``, to be looked up by name in that function
    at run time (so that replacing it takes effect)."""
    if not hasattr(owner, name):
        raise StreamlitPatchError(patch, f"{getattr(owner, '__name__', owner)}.{name} is gone")
    if used_by is not None and name not in _names(used_by.__code__):
        raise StreamlitPatchError(patch, f"{used_by.__qualname__} no longer uses {name}")
    return getattr(owner, name)


_applied = False


def apply() -> None:
    """Every work-around, and a check that the session helpers below still fit; once per process
    (later calls return at once)."""
    global _applied
    if _applied:
        return
    from streamlit.runtime import scriptrunner

    keep_keras_between_reruns()
    route_through_app()
    _require("session liveness", _runtime(), "is_active_session")
    _require("session id", scriptrunner, "get_script_run_ctx")
    _applied = True


# --- 1. no Keras reset after each run; freeze what imports leave behind ----------------------------

_modules_at_last_freeze = 0


def keep_keras_between_reruns() -> None:
    """Replace Streamlit's after-run clean-up by one that keeps Keras (and freezes long-lived objects).

    After each run (every fragment poll, every stroke on the canvas) Streamlit 1.67 calls
    ``keras.backend.clear_session()`` (``script_runner._clean_problem_modules``), which does a full
    ``gc.collect()`` and empties TensorFlow's kernel cache: ~0.8 s once TensorFlow is loaded. This
    app builds its models once and caches them, so that reset buys nothing. The replacement keeps
    Streamlit's other clean-up (closing matplotlib figures) and calls ``freeze_after_imports``.
    """
    from streamlit.runtime.scriptrunner import script_runner

    patch = "keep Keras between reruns"
    current = _require(patch, script_runner, "_clean_problem_modules", used_by=script_runner.ScriptRunner._run_script)
    if getattr(current, "keeps_keras", False):
        return

    def clean_without_keras() -> None:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            try:
                pyplot.close("all")
            except Exception:  # Streamlit's own clean-up swallows errors here too
                pass
        freeze_after_imports()

    clean_without_keras.keeps_keras = True
    script_runner._clean_problem_modules = clean_without_keras


def freeze_after_imports() -> bool:
    """After a run that imported modules: one full collection, then exempt every object alive from
    Python's cyclic garbage collector (``gc.freeze``); True if it froze.

    Imported modules live as long as the server, and TensorFlow brings ~240,000 objects: a full
    collection walks them all (~0.2 s of CPU here, bench/gc_pause.py), and Python starts one on its
    own now and then, a pause for every student at once. Frozen objects are still freed by reference
    counting; only cycles among objects alive at a freeze are never collected. Imports stop once
    every page was visited, so this runs a few times per server.
    """
    global _modules_at_last_freeze
    if len(sys.modules) == _modules_at_last_freeze:
        return False
    gc.collect()
    gc.freeze()
    _modules_at_last_freeze = len(sys.modules)
    return True


# --- 2. a deep link on a fresh server goes through app.py ---------------------------------------

def route_through_app() -> None:
    """Make a first visit to a page URL go through app.py (core/ui.py calls this when a page imports it).

    On a fresh server Streamlit sees the pages/ folder and runs a deep-linked page on its own (its
    old multipage mode: no language switch, no navigation), so app.py has not run yet: the page's
    import of core.ui switches that mode off and reruns, and app.py routes to the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner

    _require("route deep links through app.py", PagesManager, "uses_pages_directory",
             used_by=script_runner.ScriptRunner._run_script)
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        streamlit.rerun()


# --- 3. which browser tab is this, and is it still there ------------------------------------------

def _runtime():
    from streamlit import runtime

    return _require("session liveness", runtime, "Runtime")


def current_session_id() -> str:
    """This browser tab's Streamlit session id (call inside a script run)."""
    from streamlit.runtime import scriptrunner

    ctx = _require("session id", scriptrunner, "get_script_run_ctx")()
    if ctx is None:
        raise RuntimeError("current_session_id() outside a Streamlit script run")
    return ctx.session_id


def session_alive(session_id: str) -> bool | None:
    """Is that browser tab still connected? None when there is no server runtime (AppTest puts a
    stand-in there, whose answer is truthy)."""
    runtime = _runtime()
    return runtime.instance().is_active_session(session_id) if runtime.exists() else None
