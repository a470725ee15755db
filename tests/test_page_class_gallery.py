"""The teacher's class gallery page under AppTest: the PIN gate, then counts and every model's
accuracy on the pool, in Japanese and English; and the student's send box (tests/gallery_send_app.py)."""
import json

import numpy as np
import pytest

from core import gallery
from core.lab import inference
from core.lab import catalog as lab_models
from models.zoo import REGISTRY
from tests.conftest import ROOT, open_page
from tests.gallery_helpers import fill

PAGE = "pages/class_gallery.py"
PIN = "246810"
TIMEOUT = 120


@pytest.fixture
def pool(tmp_path, monkeypatch):
    monkeypatch.setenv("DOJO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DOJO_TEACHER_PIN", PIN)
    store = gallery.Gallery()
    ids = fill(store, 3)
    store.set_hidden(ids[0], True)  # one "0" hidden by the teacher
    return store


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def type_pin(at, pin: str):
    at.text_input(key="gallery_pin_text").input(pin)
    at.button[0].click()  # the form's submit button
    return at.run()


@pytest.mark.parametrize("lang, wrong, total, hidden, pool_column, terminal", [
    ("ja", "PINが違います", "集まった絵の数", "非表示", "クラスの絵 (%)", "ダッシュボードを起動したターミナルを見てください"),
    ("en", "Wrong PIN", "Drawings in the pool", "Hidden", "Our drawings (%)", "look at the terminal where the dashboard was started"),
])
def test_wrong_pin_refused_right_pin_shows_counts_and_accuracy(pool, lang, wrong, total, hidden, pool_column, terminal):
    at = open_page(PAGE, lang, timeout=TIMEOUT)
    assert not at.exception
    assert any(terminal in info.value for info in at.info)
    assert not [m for m in at.metric if m.label == total]  # nothing of the pool before the PIN

    at = type_pin(at, "000000")
    assert len(errors(at)) == 1 and errors(at)[0].startswith(wrong) and "4" in errors(at)[0]
    assert not [m for m in at.metric if m.label == total]

    at = type_pin(at, PIN)
    assert not at.exception, [e.value for e in at.exception]
    assert metric(at, total) == "29" and metric(at, hidden) == "1"
    assert [metric(at, str(d)) for d in range(10)] == ["2"] + ["3"] * 9

    readings = model_readings(pool)
    meant = pool.pool().digits
    table = at.dataframe[0].value
    assert list(table[pool_column]) == [round(100 * float(np.mean(read == meant)), 1) for read in readings]
    # the model picked first (LeNet-5) as a confusion matrix: rows meant, columns read
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    matrix = next(spec["data"][0]["text"] for spec in specs if spec["data"][0].get("texttemplate") == "%{text}")
    expected = np.zeros((10, 10), dtype=int)
    np.add.at(expected, (meant, readings[0]), 1)
    assert np.array(matrix, dtype=int).tolist() == expected.tolist()
    assert len(at.get("image")) == 10  # the pool: one strip per digit


def model_readings(store: gallery.Gallery) -> list[np.ndarray]:
    """What each shipped model reads in the visible pool, computed here directly (argmax)."""
    images = store.pool().images / 255.0
    return [inference.predict_proba(inference.load_pretrained(key), images).argmax(axis=1)
            for key in REGISTRY if lab_models.weights_stamp(key) is not None]


def test_repeated_wrong_pins_pause_the_session(pool):
    at = open_page(PAGE, "en", timeout=TIMEOUT)
    for left in (4, 3, 2, 1):
        at = type_pin(at, "1")
        assert errors(at) == [f"Wrong PIN. Try again ({left} tries left before a short pause)."]
    at = type_pin(at, "1")
    assert errors(at) == ["Too many wrong PINs. Wait 60 s and try again."]
    at = type_pin(at, PIN)  # even the right PIN waits out the pause
    assert errors(at)[0].startswith("Too many wrong PINs.")
    assert not at.metric


def test_hide_clear_and_empty_pool_messages(pool):
    at = open_page(PAGE, "en", timeout=TIMEOUT)
    at = type_pin(at, PIN)
    assert metric(at, "Drawings in the pool") == "29"
    at.button(key="gallery_clear").click().run()
    assert any(w.value.startswith("Delete all 30 drawings") for w in at.warning)
    at.button(key="gallery_clear_no").click().run()
    assert metric(at, "Drawings in the pool") == "29" and not at.warning
    at.button(key="gallery_clear").click().run()
    at.button(key="gallery_clear_yes").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["The pool is empty again (30 drawings deleted)."]
    assert metric(at, "Drawings in the pool") == "0"
    assert any(i.value.startswith("No drawings yet.") for i in at.info)
    assert len(pool.pool(include_hidden=True)) == 0


# ------------------------------------------------------------------ the student's send box

def send_app(at_lang: str, drawn: bool):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "tests" / "gallery_send_app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = at_lang
    at.session_state["drawn"] = drawn
    return at.run()


@pytest.mark.parametrize("lang, sent, duplicate", [
    ("ja", "送りました。ありがとう！ ギャラリーの絵は 31 枚になりました（そのうち「4」は 4 枚）。",
     "まったく同じ絵がもうギャラリーにあります。"),
    ("en", "Sent, thank you! The gallery has 31 drawings now (4 of them meant as 4).",
     "This exact drawing is already in the gallery."),
])
def test_send_box_sends_once_and_refuses_the_same_drawing_again(pool, lang, sent, duplicate):
    at = send_app(lang, drawn=True)
    assert not at.exception
    button = at.button(key="class_send_button")
    assert button.disabled  # no digit chosen yet
    at.button_group(key="class_send_digit").set_value(4).run()
    assert not at.button(key="class_send_button").disabled
    at.button(key="class_send_button").click().run()
    assert [s.value for s in at.success] == [sent]
    assert pool.counts()[4] == 4
    assert at.button_group(key="class_send_digit").value is None  # the next drawing may be another digit
    assert at.button(key="class_send_button").disabled
    at.button_group(key="class_send_digit").set_value(4).run()
    at.button(key="class_send_button").click().run()
    assert [e.value for e in at.error] == [duplicate] and not at.success
    assert at.button_group(key="class_send_digit").value == 4  # refused: the choice stays
    assert len(pool.pool(include_hidden=True)) == 31


def test_send_box_without_a_drawing_or_with_a_full_pool(pool, monkeypatch):
    at = send_app("en", drawn=False)
    assert [i.value for i in at.info] == ["Draw a digit first."]
    assert at.button(key="class_send_button").disabled
    monkeypatch.setenv("DOJO_GALLERY_MAX", "30")
    at = send_app("en", drawn=True)
    at.button_group(key="class_send_digit").set_value(4).run()
    at.button(key="class_send_button").click().run()
    assert [e.value for e in at.error] == ["The gallery is full (30 drawings). Ask the teacher."]
