"""bench/streamlit_client.py against a real dashboard server: it gets a page, changes a slider
and reads the new value rendered; a widget inside a fragment reruns only its fragment."""
import asyncio
import concurrent.futures

import pytest

from bench.dashboard import running_dashboard
from bench.streamlit_client import Session, process_cpu_seconds, widget_state


@pytest.fixture(scope="module")
def server():
    with running_dashboard() as served:
        yield served


def run(coroutine):
    """Run the scenario on an event loop of its own thread (a browser test's Playwright may hold this one's)."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, asyncio.wait_for(coroutine, 180)).result()


def test_page_slider_and_fragment(server):
    url, pid = server
    errors, measured = [], []

    async def scenario():
        session = Session(url, on_error=lambda what, detail: errors.append((what, detail)),
                          on_measure=lambda kind, seconds: measured.append(kind))
        await session.connect()
        try:
            await session.open()
            assert {"lesson_1_regression", "cnn_lab", "training_studio"} <= set(session.pages)
            assert session.find(key="lang").options == ["日本語", "English"]

            await session.open("lesson_1_regression")
            slope = session.find(key="l1_a")
            assert slope.kind == "slider" and (slope.proto.min, slope.proto.max) == (-1.0, 3.0)
            assert session.value_of(slope) == pytest.approx(0.3)  # the page's default
            formula = next(text for text in session.texts() if r"Q_t &=" in text)
            assert r"(0.30 \times" in formula and r"(1.55 \times" not in formula

            cpu_before = process_cpu_seconds(pid)
            await session.set(slope, 1.55)
            assert process_cpu_seconds(pid) > cpu_before  # the server ran the page again
            formula = next(text for text in session.texts() if r"Q_t &=" in text)
            assert r"(1.55 \times" in formula and r"(0.30 \times" not in formula
            assert session.value_of(session.find(key="l1_a")) == 1.55
            # found by its Japanese label too
            assert session.find(label="b（切片）").key == "l1_b"
            # the URL keeps the setup (core.links), and the client sends it back as a browser does
            assert "l1_a=1.55" in session.query_string
            await session.set(session.find(key="l1_b"), 0.5)
            assert "l1_a=1.55" in session.query_string and "l1_b=0.5" in session.query_string

            await session.open("cnn_lab")
            assert "l1_a" not in session.query_string  # another page: the query is cleared, as in a browser
            pen = session.find(key="lab_pen")
            assert pen.fragment_id, "the pen slider sits in the drawing fragment"
            choice = session.find(key="lab_model")  # lang_key: lab_model__ja
            assert choice.key == "lab_model__ja"
            assert choice.fragment_id != pen.fragment_id, "the picker is outside the drawing fragment"
            await session.set(pen, 30)
            assert measured[-1] == "fragment_rerun"
            assert session.find(key="lab_model") is not None, "a fragment run keeps the rest of the page"
            assert session.find_canvas() is not None
        finally:
            await session.close()

    run(scenario())
    assert errors == []
    assert measured[:2] == ["open", "open"]


def test_widget_state_is_what_the_frontend_sends():
    """Recorded from Chromium: a slider sends double_array_value, a radio its option label,
    the canvas its JSON, a button a one-shot trigger."""
    from bench.streamlit_client import Widget
    from streamlit.proto.Button_pb2 import Button
    from streamlit.proto.Radio_pb2 import Radio
    from streamlit.proto.Slider_pb2 import Slider

    slider = Widget("$$ID-abc-l1_a", "slider", Slider(id="$$ID-abc-l1_a"), "", "")
    assert list(widget_state(slider, 1.5).double_array_value.data) == [1.5]
    assert slider.key == "l1_a"
    radio = Widget("$$ID-abc-lang", "radio", Radio(options=["日本語", "English"]), "", "")
    assert widget_state(radio, "English").string_value == "English"
    button = Widget("$$ID-abc-None", "button", Button(), "", "")
    assert widget_state(button, True).trigger_value is True and button.key == "None"
