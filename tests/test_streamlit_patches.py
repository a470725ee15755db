"""core.streamlit_patches against the pinned Streamlit: each work-around finds what it patches, and behaves."""
import gc
import importlib.util
import sys
import weakref
from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from core import streamlit_patches
from tests.conftest import ROOT


@pytest.fixture
def unfrozen():
    """Whatever a test freezes goes back to the collector afterwards."""
    yield
    gc.unfreeze()


def test_the_installed_streamlit_is_the_pinned_one():
    pins = Path(ROOT / "requirements.txt").read_text().split()
    assert f"streamlit=={streamlit_patches.PINNED}" in pins
    assert streamlit.__version__ == streamlit_patches.PINNED


def fake_keras_and_pyplot(monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "keras", SimpleNamespace(
        backend=SimpleNamespace(clear_session=lambda *a, **k: calls.append("clear_session"))))
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", SimpleNamespace(close=lambda which: calls.append(f"close {which}")))
    return calls


def test_streamlit_resets_keras_after_each_run_and_the_patched_clean_up_does_not(monkeypatch, unfrozen):
    calls = fake_keras_and_pyplot(monkeypatch)
    spec = importlib.util.find_spec(script_runner.__name__)  # a fresh copy: Streamlit's own clean-up
    pristine = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pristine)
    pristine._clean_problem_modules()
    assert calls == ["clear_session", "close all"]  # why the work-around exists (a full gc each time)

    calls.clear()
    streamlit_patches.keep_keras_between_reruns()
    assert script_runner._clean_problem_modules.keeps_keras
    # the runner looks the clean-up up by name after every run, so the replacement is what runs
    assert "_clean_problem_modules" in streamlit_patches._names(script_runner.ScriptRunner._run_script.__code__)
    script_runner._clean_problem_modules()
    assert calls == ["close all"]


def test_after_a_run_that_imported_modules_garbage_is_collected_and_the_rest_frozen(monkeypatch, unfrozen):
    streamlit_patches.keep_keras_between_reruns()
    monkeypatch.setattr(streamlit_patches, "_modules_at_last_freeze", 0)  # as on a fresh server

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    garbage = weakref.ref(a)
    del a, b  # a cycle nobody holds: only the cyclic collector frees it
    alive = Node()
    alive.me = alive
    script_runner._clean_problem_modules()  # what Streamlit calls after each run
    assert garbage() is None  # collected before freezing, so not kept forever
    assert gc.get_freeze_count() > 0 and all(obj is not alive for obj in gc.get_objects())  # frozen
    assert streamlit_patches.freeze_after_imports() is False  # nothing imported since: nothing to do
    monkeypatch.setitem(sys.modules, "a_module_imported_just_now", SimpleNamespace())
    assert streamlit_patches.freeze_after_imports() is True


def test_tensorflows_objects_leave_the_full_collection(monkeypatch, unfrozen):
    import keras  # noqa: F401 (TensorFlow's ~240,000 objects)

    gc.unfreeze()
    monkeypatch.setattr(streamlit_patches, "_modules_at_last_freeze", 0)
    walked_before = len(gc.get_objects())
    assert streamlit_patches.freeze_after_imports()
    assert walked_before > 200_000 and len(gc.get_objects()) < walked_before / 20


def test_a_page_run_in_streamlits_pages_folder_mode_reruns_through_the_main_script(tmp_path, monkeypatch):
    """A fresh server beside a pages/ folder runs a deep-linked page in that old mode (app.py skipped);
    the switch turns the mode off and reruns once, so the next run is the main script's."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "other.py").write_text("")
    (tmp_path / "main.py").write_text(
        "import streamlit as st\n"
        "from streamlit.runtime.pages_manager import PagesManager\n"
        "from core import streamlit_patches\n"
        "st.session_state.setdefault('modes', []).append(PagesManager.uses_pages_directory)\n"
        "streamlit_patches.route_through_app()\n"
        "st.write('routed')\n"
    )
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)  # restored after
    at = AppTest.from_file(str(tmp_path / "main.py"), default_timeout=30).run()
    assert not at.exception
    assert at.session_state["modes"] == [True, False]  # first in pages/ mode, then once more without it
    assert [m.value for m in at.markdown] == ["routed"]


def test_this_tabs_session_id_stays_the_same_across_its_runs():
    def script():
        import streamlit as st

        from core import streamlit_patches

        st.session_state.setdefault("ids", []).append(streamlit_patches.current_session_id())

    at = AppTest.from_function(script, default_timeout=30).run().run()
    ids = at.session_state["ids"]
    assert len(ids) == 2 and ids[0] == ids[1] and isinstance(ids[0], str) and len(ids[0]) >= 8
    with pytest.raises(RuntimeError):
        streamlit_patches.current_session_id()  # outside a script run


def test_the_server_runtime_answers_whether_a_session_is_connected(monkeypatch):
    from streamlit.runtime import Runtime

    monkeypatch.setattr(Runtime, "_instance", None)
    assert streamlit_patches.session_alive("tab-1") is None  # no server runtime: "don't know", not "gone"

    asked = []

    class Sessions:
        def is_active_session(self, session_id):
            asked.append(session_id)
            return session_id == "tab-1"

    runtime = object.__new__(Runtime)  # Streamlit's own method on a stand-in session manager
    runtime._session_mgr = Sessions()
    monkeypatch.setattr(Runtime, "_instance", runtime)
    assert Runtime.exists()
    assert streamlit_patches.session_alive("tab-1") is True and streamlit_patches.session_alive("tab-2") is False
    assert asked == ["tab-1", "tab-2"]


def test_a_streamlit_without_what_a_patch_needs_stops_with_its_version(monkeypatch):
    monkeypatch.setattr(streamlit_patches, "_applied", False)
    monkeypatch.delattr(script_runner, "_clean_problem_modules")
    with pytest.raises(streamlit_patches.StreamlitPatchError) as error:
        streamlit_patches.apply()
    message = str(error.value)
    assert f"Streamlit {streamlit.__version__}" in message and "1.67.0" in message
    assert "_clean_problem_modules is gone" in message


def test_a_runner_that_no_longer_reads_the_pages_flag_is_refused(monkeypatch):
    monkeypatch.setattr(script_runner.ScriptRunner, "_run_script", lambda self, rerun_data: None)
    with pytest.raises(streamlit_patches.StreamlitPatchError, match="no longer uses uses_pages_directory"):
        streamlit_patches.route_through_app()
