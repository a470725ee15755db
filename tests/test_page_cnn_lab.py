"""The CNN lab page under AppTest: a drawing injected through the canvas' session state."""
import base64
import io
import shutil

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from bench.harness.drawings import _render, template_drawing
from models.zoo import pretrained_meta

PAGE = "pages/cnn_lab.py"
CANVAS = "lab_canvas_0"  # the canvas key before any "clear"
SEVEN = [[(0.0, 0.0), (1.0, 0.0), (0.4, 1.0)]]


def page(lang="en", **state) -> AppTest:
    at = AppTest.from_file(f"../{PAGE}")
    at.session_state["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    return at


def drawing_state(image: np.ndarray, strokes: int = 1) -> dict:
    """What streamlit-drawable-canvas stores for a drawing: fabric JSON and a PNG data URL."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return {"drawing": {"raw": {"objects": [{"type": "path"}] * strokes}, "data": url}, "backgroundFit": None}


def compare_table(at) -> list[dict]:
    """The side-by-side table (Markdown) as one dict per model, keyed by the column titles."""
    (text,) = [m.value for m in at.markdown if m.value.startswith("| ")]
    header, _, *rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in text.split("\n")]
    return [dict(zip(header, row)) for row in rows]


def seven_small_in_a_corner() -> np.ndarray:
    return _render([[(15 + 50 * x, 195 + 70 * y) for x, y in s] for s in SEVEN], pen=18)


def test_empty_canvas_asks_to_draw_and_never_answers():
    at = page()
    at.run(timeout=60)
    assert not at.exception
    assert any("Draw a digit" in info.value for info in at.info)
    assert len(at.metric) == 0
    assert "last_digit" not in at.session_state


def test_a_blank_drawing_counts_as_empty():
    blank = np.zeros((280, 280, 4), dtype=np.uint8)
    blank[..., 3] = 255
    at = page()
    at.run(timeout=60)
    at.session_state[CANVAS] = drawing_state(blank, strokes=0)
    at.run(timeout=30)
    assert not at.exception
    assert len(at.metric) == 0 and any("Draw a digit" in info.value for info in at.info)


def test_a_drawn_seven_is_read_and_stored_for_the_other_pages():
    at = page()
    at.run(timeout=60)
    at.session_state[CANVAS] = drawing_state(seven_small_in_a_corner(), strokes=1)
    at.run(timeout=30)
    assert not at.exception
    assert at.metric[0].value == "7"
    assert any(caption.value.startswith("1 stroke") for caption in at.caption)
    digit = at.session_state["last_digit"]
    assert digit.shape == (28, 28) and digit.dtype == np.float32 and digit.max() <= 1.0
    # the naive way shrinks a small corner drawing to a speck and reads something else
    naive = [m.value for m in at.markdown if m.value.startswith("Fed in like this")]
    assert naive and "**7**" not in naive[0]
    # side by side: one row per seed model, colab_cnn among them answering 7
    table = compare_table(at)
    assert [row["Document"] for row in table] == ["000", "001", "002", "003", "004"]
    (colab,) = [row for row in table if row["Model"] == "Colab CNN"]
    assert colab["Answer"] == "7" and colab["Test accuracy"] == f"{pretrained_meta('colab_cnn')['test_accuracy'] * 100:.2f} %" and colab["Parameters"] == "34,826"
    assert float(colab["ms / prediction"]) > 0
    assert all(row["Answer"] in "0123456789" for row in table)


def test_japanese_page_reads_the_same_drawing():
    at = page("ja")
    at.run(timeout=60)
    at.session_state[CANVAS] = drawing_state(template_drawing(3, np.random.default_rng(2)), strokes=1)
    at.run(timeout=30)
    assert not at.exception
    assert at.metric[0].label == "答え" and at.metric[0].value == "3"
    assert any("画" in caption.value for caption in at.caption)


def test_pixel_table_on_demand():
    at = page()
    at.run(timeout=60)
    at.session_state[CANVAS] = drawing_state(seven_small_in_a_corner())
    at.run(timeout=30)
    assert not any("lab-pixels" in element.proto.body for element in at.get("html"))
    at.toggle(key="lab_pixels").set_value(True).run(timeout=30)
    table = [element.proto.body for element in at.get("html") if "lab-pixels" in element.proto.body]
    assert len(table) == 1
    assert table[0].count("<tr>") == 28 and table[0].count("<td") == 28 * 28
    brightest = int(round(at.session_state["last_digit"].max() * 255))
    assert f">{brightest}</td>" in table[0]


@pytest.fixture
def uniform_model():
    """A "trained in class" model that knows nothing: every digit 10 %."""
    import keras

    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax", kernel_initializer="zeros"),
    ])
    return {"untrained": {"model": model, "key": "colab_cnn", "test_accuracy": 0.1, "config": {}}}


def test_trained_models_join_the_picker_and_a_low_confidence_answer_says_so(uniform_model):
    at = page(trained_models=uniform_model)
    at.run(timeout=60)
    picker = at.selectbox(key=f"lab_model__{at.session_state['lang']}")
    assert picker.options[-1] == "🏋️ untrained"  # core.ui.model_picker's label, as on the other lab pages
    at.session_state[CANVAS] = drawing_state(seven_small_in_a_corner())
    picker.set_value("trained:untrained").run(timeout=30)
    assert not at.exception
    assert any("Not sure" in warning.value for warning in at.warning)
    table = compare_table(at)
    assert len(table) == 6 and table[-1]["Model"] == "🏋️ untrained" and table[-1]["Confidence"] == "10.0 %"


def test_missing_and_damaged_weights_are_unavailable_others_still_work(tmp_path, monkeypatch):
    from core.lab import inference
    from core.lab import catalog as lab_models
    from models import zoo

    shutil.copy(zoo.PRETRAINED_DIR / "colab_cnn.keras", tmp_path / "colab_cnn.keras")
    (tmp_path / "qiita_cnn.keras").write_bytes(b"damaged")
    monkeypatch.setattr(zoo, "PRETRAINED_DIR", tmp_path)
    monkeypatch.setattr(inference, "PRETRAINED_DIR", tmp_path)
    monkeypatch.setattr(lab_models, "PRETRAINED_DIR", tmp_path)
    at = page()
    at.run(timeout=60)
    assert not at.exception
    picker = at.selectbox(key=f"lab_model__{at.session_state['lang']}")
    assert picker.value == "colab_cnn"
    at.session_state[CANVAS] = drawing_state(seven_small_in_a_corner())
    at.run(timeout=30)
    assert at.metric[0].value == "7"
    unavailable = [row["Model"] for row in compare_table(at) if row["Answer"] == "—"]
    assert len(unavailable) == 4 and all(name.endswith("(unavailable)") for name in unavailable)
    assert picker.options[0].endswith("weights not ready yet")  # lenet5: no file at all
    assert picker.options[2] == "Qiita CNN (002)"               # a file, found damaged only when loaded
    picker.set_value("qiita_cnn").run(timeout=30)
    assert not at.exception
    assert [error.value for error in at.error] == [
        "The model file of **Qiita CNN** could not be read (ValueError). Choose another model."]
    assert len(at.metric) == 0


def _png(image: Image.Image, fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def test_upload_reads_a_photo_of_dark_ink_on_paper():
    ink = template_drawing(4, np.random.default_rng(8))[..., 0]
    at = page()
    at.run(timeout=60)
    at.file_uploader(key="lab_upload").set_value(("four.jpg", _png(Image.fromarray(255 - ink), "JPEG"), "image/jpeg"))
    at.run(timeout=30)
    assert not at.exception and len(at.error) == 0
    assert any(m.value.startswith("The answer is **4**") for m in at.markdown)


@pytest.mark.parametrize("name, data, message", [
    ("empty.png", b"", "empty"),
    ("notes.png", b"just some text, not an image" * 4, "cannot be read as an image"),
])
def test_unusable_uploads_get_a_clear_message_and_nothing_else(name, data, message):
    at = page()
    at.run(timeout=60)
    at.file_uploader(key="lab_upload").set_value((name, data, "image/png"))
    at.run(timeout=30)
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert not any(m.value.startswith("The answer is") for m in at.markdown)


@pytest.mark.parametrize("lang, button, hint", [("ja", "ファイルを選ぶ", "またはここへファイルをドラッグ＆ドロップ"),
                                                ("en", "Choose a file", "or drag a file here")])
def test_file_uploaders_speak_the_pages_language(lang, button, hint):
    """Streamlit's own uploader texts ("Upload", "5MB per file • PNG…") are English: a style puts the page's own in."""
    at = page(lang).run(timeout=60)
    assert not at.exception and len(at.get("file_uploader")) == 2
    (style,) = [html.proto.body for html in at.get("html") if "stFileUploaderDropzone" in html.proto.body]
    assert f'content: "{button}"' in style and f'content: "{hint}"' in style
