"""The training studio page under AppTest: settings, the numbers they mean, real short runs, NaN, stop, queue.

Runs train for real on the Dask workers of core.training.jobs (lenet5 on 1,000 images); the test reruns
the page until the result is there, as the page's fragment does in a browser.
"""
import time

import pytest

from core.training import jobs
from core.training import studio as core_studio
from core.training.engine import TrainConfig
from tests.conftest import open_page, wait_for

PAGE = "pages/training_studio.py"


def studio(lang="en"):
    at = open_page(PAGE, lang, timeout=60)
    assert not at.exception
    return at


def k(name, lang="en"):
    return f"_studio_{name}__{lang}"


def texts(at):
    return " ".join(str(e.value) for kind in ("markdown", "caption", "info", "success", "warning", "error")
                    for e in getattr(at, kind))


def button(at, label):
    found = [b for b in at.button if label in b.label]
    assert found, f"no button {label!r} in {[b.label for b in at.button]}"
    return found[0]


def small_run(at, **settings):
    """Choose lenet5 on 1,000 images for one epoch (plus ``settings``) and press Start."""
    at.selectbox(key=k("key")).set_value("lenet5").run()
    at.select_slider(key=k("epochs")).set_value(settings.pop("epochs", 1)).run()
    at.slider(key=k("train_size")).set_value(1000).run()
    for name, value in settings.items():
        widget = at.select_slider(key=k(name)) if name in ("learning_rate", "batch_size") else at.radio(key=k(name))
        widget.set_value(value).run()
    button(at, "Start training").click().run()
    assert not at.exception



def wait_for_result(at, runs=1, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        if len(at.session_state["studio_runs"]) >= runs:
            return at.session_state["studio_runs"][-1]
        time.sleep(0.5)
    pytest.fail("the run did not finish in time")


def test_both_languages_and_the_numbers_of_document_004():
    at = studio("ja")
    assert [h.value for h in at.header][:3] == ["1. モデルを選ぶ", "2. 設定", "3. 学習させる"]
    at = studio("en")
    # colab_cnn with its document's settings: 60,000 − 10 % = 54,000 images, ⌈54,000 / 128⌉ = 422 updates
    assert "54,000 images to learn from (6,000 held out" in texts(at)
    assert "**422 updates**" in texts(at) and "15 epochs = **6,330 updates**" in texts(at)
    table = at.dataframe[0].value
    assert table["Layer"].tolist()[:2] == ["conv1", "pool1"] and table["Parameters"].sum() == 34826


def test_numbers_follow_the_sliders():
    at = studio()
    at.slider(key=k("validation_split")).set_value(0.0).run()
    at.slider(key=k("train_size")).set_value(10000).run()
    at.select_slider(key=k("batch_size")).set_value(64).run()
    # ⌈10,000 / 64⌉ = 157 updates, the last batch holds 10,000 − 156 × 64 = 16 images
    assert "**157 updates** of the weights (the last batch has 16 images)" in texts(at)


def test_model_choice_loads_its_document_settings_and_the_buttons_work():
    at = studio()
    at.selectbox(key=k("key")).set_value("lenet5").run()
    assert at.select_slider(key=k("epochs")).value == 500
    assert at.radio(key=k("optimizer")).value == "sgd"
    assert at.select_slider(key=k("learning_rate")).value == 0.05
    assert not [s for s in at.slider if "Dropout" in s.label]
    at.selectbox(key=k("key")).set_value("keras_mnist_cnn").run()
    assert [s.value for s in at.slider if "Dropout" in s.label] == [0.25, 0.5]
    assert (at.radio(key=k("optimizer")).value, at.select_slider(key=k("learning_rate")).value) == ("adadelta", 1.0)
    assert at.toggle(key=k("augment")).value is False  # the document's own training: no augmentation
    button(at, "Class preset").click().run()
    assert (at.radio(key=k("optimizer")).value, at.select_slider(key=k("batch_size")).value) == ("adam", 128)
    assert at.toggle(key=k("augment")).value is True
    button(at, "Document settings").click().run()
    assert at.radio(key=k("optimizer")).value == "adadelta" and at.select_slider(key=k("epochs")).value == 12
    assert at.toggle(key=k("augment")).value is False
    at.toggle(key=k("augment")).set_value(True).run()
    assert at.session_state["studio_settings"]["augment"] is True  # kept, so the run's config carries it


def test_a_short_run_shows_its_results_and_joins_the_lab_picker(tmp_path, monkeypatch):
    from core.training import tb_logs

    monkeypatch.setattr(tb_logs, "RUNS_DIR", tmp_path)
    at = studio()
    at.checkbox(key=k("tensorboard")).check().run()
    small_run(at)
    record = wait_for_result(at)
    assert record.state == "completed"
    folder = f"studio_run1_lenet5_{record.job_id}"
    assert record.logs == str(tmp_path / folder)
    assert list((tmp_path / folder / "train").glob("events.out.tfevents.*"))
    assert f"TensorBoard logs written to runs/{folder}" in texts(at)
    # 8 updates of lenet5 (1,000 images, batch 128) may still be no better than guessing: then the box warns
    learned = record.test_accuracy > core_studio.NOT_LEARNING
    assert [s.value for s in (at.success if learned else at.warning) if "of the 10,000 test images right" in s.value]
    assert learned or "Steps too small or too few" in texts(at)
    entry = at.session_state["trained_models"][record.label]
    assert entry["key"] == "lenet5" and entry["test_accuracy"] == record.test_accuracy
    assert entry["config"]["train_size"] == 1000 and entry["model"] is not None
    assert len(at.get("plotly_chart")) >= 4  # confusion matrix, two galleries, the runs overlay
    assert len(at.get("download_button")) == 2  # .keras and CSV
    table = next(d.value for d in at.dataframe if "Images" in d.value.columns)  # the runs table
    assert table["Run"].tolist() == [record.label] and table["Images"].tolist() == [1000]


def test_a_nan_loss_is_explained():
    """A real overflow: the slider's largest rate (10) only sometimes overflows (dead ReLUs keep the loss
    finite; so did 1e30 once in CI), so the run's rate is raised to 1e300 through the manager the live slider
    uses: float32 makes it infinite, and 0 × ∞ (a blank pixel times a weight) is NaN."""
    at = studio()
    small_run(at, optimizer="adam", epochs=200)
    manager = jobs.shared()
    assert wait_for(lambda: any(manager.set_learning_rate(sid, 1e300) for sid in list(manager._jobs)), 120)
    record = wait_for_result(at)
    assert record.state == "diverged" and record.label not in at.session_state["trained_models"]
    assert [e.value for e in at.error if "NaN" in e.value]
    assert "learning rate 1e+300" in texts(at) and "**Why?**" in texts(at)


def test_stop_with_a_new_learning_rate_then_keep_or_discard():
    at = studio()
    small_run(at, epochs=200)
    at.run()
    at.select_slider(key="_studio_live_lr").set_value(0.0005).run()
    button(at, "Stop").click().run()
    record = wait_for_result(at)
    assert record.state == "stopped" and record.lr_changes[0][1] == 0.0005
    assert record.epochs_done < 200
    assert "You stopped this run early" in texts(at)
    assert record.label not in at.session_state["trained_models"]
    button(at, "Keep").click().run()
    assert record.label in at.session_state["trained_models"]

    small_run(at, epochs=200)
    button(at, "Stop").click().run()
    second = wait_for_result(at, runs=2)
    button(at, "Discard").click().run()
    assert at.session_state["studio_runs"][-1].model is None
    assert second.label not in at.session_state["trained_models"]
    assert at.dataframe[-1].value["Result"].tolist() == ["stopped", "discarded"]


def test_a_second_training_waits_in_line_with_its_position():
    manager = jobs.shared()
    before = manager.max_running
    manager.set_max_running(1)
    try:
        busy = TrainConfig(key="lenet5", epochs=200, batch_size=100, optimizer="adam", learning_rate=0.001,
                           train_size=1000)
        manager.submit("another student", busy, label="other")
        at = studio()
        small_run(at)
        assert [i.value for i in at.info if "you are number **1** of 1 waiting" in i.value]
        assert "1 training(s) running, 1 waiting; at most 1 run at once" in texts(at)
        manager.stop("another student")
        record = wait_for_result(at)
        assert record.state == "completed"
    finally:
        manager.stop("another student")
        manager.take("another student")
        manager.set_max_running(before)


def test_the_studio_opens_without_tensorflow_in_the_server():
    """Training, model building and the time box run on Dask workers: TensorFlow enters this
    process only when a trained model comes back."""
    from tests.conftest import assert_no_tensorflow

    assert_no_tensorflow(["pages/training_studio.py"], "en")


def test_measure_runs_on_a_worker():
    at = studio()
    at.selectbox(key=k("key")).set_value("lenet5").run()
    button(at, "Measure batch size").click().run(timeout=240)
    assert not at.exception
    seconds = at.session_state["studio_measured"][("lenet5", at.select_slider(key=k("batch_size")).value, False)]
    assert 0 < seconds < 5
    assert "Time measured just now on a training worker" in texts(at)
