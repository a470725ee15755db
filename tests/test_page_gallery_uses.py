"""The class gallery used by students' pages under AppTest: a kept studio run evaluated on the pool
(a real tiny Keras model whose answers are known by hand), and a gallery drawing as the input of
"Inside the network" (hidden drawings never appear)."""
import base64
import json

import numpy as np
import pytest

from core import gallery
from core.training import studio
from core.training.engine import TrainConfig
from tests.conftest import open_page
from tests.gallery_helpers import ink_drawing, ink_reader

STUDIO = "pages/training_studio.py"
INSIDE = "pages/inside_network.py"
MEANT = [0, 0, 1, 1, 1, 2, 7, 7, 9]
READ = [0, 0, 1, 7, 1, 2, 1, 7, 4]  # what the ink reader answers for each drawing: three mistakes


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DOJO_DATA_DIR", str(tmp_path))
    return tmp_path


def kept_run(at, model) -> None:
    """Put a finished run of ``model`` into the studio's session as if it had just been trained."""
    config = TrainConfig.document("lenet5")
    record = studio.RunRecord(index=1, job_id="test", label="#1 lenet5", key="lenet5", config=config.to_dict(),
                              state="completed", test_loss=0.05, test_accuracy=0.9812, wall_seconds=3.0,
                              samples_seen=1000, epochs_done=1.0, model=model)
    at.session_state["studio_runs"] = [record]
    at.session_state["trained_models"] = {record.label: studio.trained_entry(record)}
    at.session_state["studio_counter"] = 1


def matrix_of(at) -> list[list[int]]:
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    found = [spec["data"][0]["text"] for spec in specs if spec["data"][0].get("texttemplate") == "%{text}"]
    assert len(found) == 1  # the run has no MNIST predictions here: the one matrix is the gallery's
    return np.array(found[0], dtype=int).tolist()


@pytest.mark.parametrize("lang, button, empty, accuracy, wrong", [
    ("en", "Evaluate on the class gallery", "The class gallery is empty", "Right on the class gallery (9 drawings)",
     "Misread drawings (3 in all, 3 shown; meant → read)"),
    ("ja", "クラスギャラリーで評価する", "クラスギャラリーはまだ空です", "クラスギャラリーの正解率（9 枚）",
     "読みまちがえた絵（全部で 3 枚、3 枚を表示。意図した数字 → モデルの答え）"),
])
def test_a_kept_run_is_evaluated_on_the_class_gallery(folder, lang, button, empty, accuracy, wrong):
    at = open_page(STUDIO, lang, timeout=120)
    kept_run(at, ink_reader())
    at.run()
    assert not at.exception
    found = [b for b in at.button if button in b.label]
    assert len(found) == 1
    found[0].click().run()
    assert any(i.value.startswith(empty) for i in at.info)  # nobody has sent a drawing yet
    assert not [b for b in at.button if button in b.label]  # asked once: the button has done its job

    store = gallery.Gallery()
    for k, (meant, read) in enumerate(zip(MEANT, READ)):
        store.add(ink_drawing(read, k), meant)
    hidden = store.add(ink_drawing(3, 99), 5)  # a 5 read as 3, hidden by the teacher: not counted
    store.set_hidden(hidden, True)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metric = {m.label: m.value for m in at.metric}
    assert metric[accuracy] == "66.7 %"
    assert "98.12 %" in metric.values()
    by_hand = np.zeros((10, 10), dtype=int)
    for meant, read in zip(MEANT, READ):
        by_hand[meant, read] += 1
    assert matrix_of(at) == by_hand.tolist() and by_hand[1, 7] == 1 and by_hand.trace() == 6
    assert any(m.value == f"**{wrong}**" for m in at.markdown)
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    captions = next(spec["data"][1]["text"] for spec in specs
                    if len(spec["data"]) > 1 and spec["data"][1].get("mode") == "text")
    assert captions == ["1→7", "7→1", "9→4"]

    store.add(ink_drawing(5, 7), 5)  # a new send, read right: 7 of 10 after "read the new drawings"
    at.run()
    metric = {m.label: m.value for m in at.metric}
    assert metric[accuracy.replace("9", "10")] == "70.0 %"


# ------------------------------------------------------------------ inside the network: a class drawing as the input

def shown_input(at) -> np.ndarray:
    """The input digit drawn on the inside page (its first chart), as 0–255."""
    z = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["z"]
    if isinstance(z, dict):  # plotly's typed array: {"dtype", "bdata" (base64), "shape"}
        z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(28, 28)
    return np.round(np.asarray(z, dtype=float) * 255).astype(np.uint8)


def test_inside_takes_a_class_drawing_as_input_and_never_a_hidden_one(folder):
    from core import data

    mnist = data.load_mnist()
    sevens = np.flatnonzero(mnist.y_test == 7)[:3]
    store = gallery.Gallery()
    visible = [store.add(mnist.x_test[sevens[0]], 7), store.add(mnist.x_test[sevens[1]], 7)]
    store.set_hidden(store.add(mnist.x_test[sevens[2]], 7), True)  # the teacher hid this 7
    store.set_hidden(store.add(mnist.x_test[np.flatnonzero(mnist.y_test == 1)[0]], 1), True)  # and the only 1
    store.add(mnist.x_test[1], 2)  # test image 1 is a 2
    at = open_page(INSIDE, "en", timeout=120)
    assert at.radio(key="inside_source__en").options == ["🔢 A test image", "🖼️ A drawing of the class"]
    at.radio(key="inside_source__en").set_value("gallery").run(timeout=120)
    assert not at.exception
    picker = at.selectbox(key="inside_gallery_digit")
    assert picker.options == ["2 (1 drawings)", "7 (2 drawings)"]  # the hidden 7 is not counted, the 1 not offered
    assert at.button(key="inside_gallery_random").disabled  # one 2 only: no other to roll
    assert np.array_equal(shown_input(at), mnist.x_test[1]) and at.metric[0].value == "2"
    picker.set_value(7).run(timeout=120)
    assert any(m.value == "✅ Correct: the label is **7**." for m in at.markdown)
    seen = []
    for _ in range(4):
        image = shown_input(at)
        seen.append(next(k for k in range(3) if np.array_equal(image, mnist.x_test[sevens[k]])))
        at.button(key="inside_gallery_random").click().run(timeout=120)
    assert seen in ([0, 1, 0, 1], [1, 0, 1, 0])  # the two visible 7s in turn, never the hidden one
    assert not at.get("download_button") and len(at.get("plotly_chart")) == 1 + 4  # one drawing, no grid
    assert len(visible) == 2


def test_inside_with_an_empty_gallery_says_so_and_shows_a_test_image(folder):
    at = open_page(INSIDE, "ja", timeout=120)
    at.radio(key="inside_source__ja").set_value("gallery").run(timeout=120)
    assert not at.exception
    assert any(i.value.startswith("クラスギャラリーはまだ空です") for i in at.info)
    assert at.metric[0].value == "7"  # test image 0
