"""The class gallery used by students' pages under AppTest: a kept studio run evaluated on the pool
(a real tiny Keras model whose answers are known by hand), and a gallery drawing as the input of
"Inside the network" (hidden drawings never appear)."""
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
