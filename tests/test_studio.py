"""core.training.studio and core.charts.training: the numbers behind the settings, records, table, CSV, curves."""
import csv
import io
from types import SimpleNamespace

import numpy as np
import pytest

from core.charts import style
from core.charts import training as charts
from core.training import studio
from core.training.engine import TrainConfig


def test_numbers_of_document_004():
    config = TrainConfig.document("colab_cnn")
    n = studio.numbers(config, seconds_per_image=0.0001)
    # 60,000 − 6,000 held out = 54,000; ⌈54,000 / 128⌉ = 422; the last batch 54,000 − 421 × 128 = 112
    assert (n["n_fit"], n["n_val"], n["updates_per_epoch"], n["last_batch"]) == (54000, 6000, 422, 112)
    assert (n["updates"], n["images"]) == (422 * 15, 54000 * 15)
    assert n["seconds_per_epoch"] == pytest.approx(5.4) and n["seconds"] == pytest.approx(81.0)
    assert studio.numbers(config)["seconds"] is None


def test_seconds_per_image_from_a_measurement_or_the_shipped_record(monkeypatch):
    # a measured update of 64 ms at batch size 128: 0.064 / 128 = 0.0005 s per image
    assert studio.seconds_per_image("colab_cnn", measured_update=0.064, batch_size=128) == pytest.approx(0.0005)
    # the record: bench/epoch_seconds.py times 60,000 images, even for a model that holds 10 % out
    records = {"colab_cnn": {"seconds_per_epoch": 7.2, "validation": "split"}, "lenet5": None}
    monkeypatch.setattr(studio.zoo, "pretrained_meta", records.get)
    assert studio.seconds_per_image("colab_cnn") == pytest.approx(7.2 / 60000)  # 0.00012 s
    # document 004 fits 54,000 images: 54,000 × 0.00012 = 6.48 s per epoch (not 7.2), × 15 epochs = 97.2 s
    n = studio.numbers(TrainConfig.document("colab_cnn"), studio.seconds_per_image("colab_cnn"))
    assert n["seconds_per_epoch"] == pytest.approx(6.48) and n["seconds"] == pytest.approx(97.2)
    assert studio.seconds_per_image("lenet5") is None  # no record: no estimate
    # augmenting adds its own 1.2e-4 s per image to the record (a measurement includes it already)
    assert studio.seconds_per_image("colab_cnn", augment=True) == pytest.approx(7.2 / 60000 + 1.2e-4)
    assert studio.seconds_per_image("colab_cnn", 0.064, 128, augment=True) == pytest.approx(0.0005)


def test_every_shipped_record_has_its_epoch_time():
    from models import zoo

    for key in zoo.REGISTRY:
        assert zoo.pretrained_meta(key)["seconds_per_epoch"] > 0, key


def test_settings_snap_to_the_sliders_and_come_back_as_a_config():
    settings = studio.settings_from_config(TrainConfig.document("keras_mnist_cnn"))
    assert settings["learning_rate"] == 1.0 and settings["dropout"] == [0.25, 0.5]
    settings["learning_rate"] = studio.nearest(0.0013, studio.LR_CHOICES)
    assert settings["learning_rate"] == 0.001  # log scale: 0.0013 is nearer 0.001 than 0.002
    assert studio.nearest(700, studio.BATCH_CHOICES) == 512 and studio.nearest(800, studio.BATCH_CHOICES) == 1000
    config = studio.config_from_settings(settings)
    config.check()
    assert (config.key, config.optimizer, config.dropout, config.epochs) == ("keras_mnist_cnn", "adadelta", (0.25, 0.5), 12)
    assert studio.config_from_settings(studio.settings_from_config(TrainConfig.document("lenet5"))).dropout is None
    assert settings["augment"] is False and config.augment is False  # document settings: as the documents
    settings["augment"] = True
    assert studio.config_from_settings(settings).augment is True


def test_reports_are_frequent_for_short_runs_and_every_20_batches_for_long_ones():
    short = TrainConfig(key="lenet5", epochs=1, batch_size=128, optimizer="adam", learning_rate=0.001,
                        train_size=3000, validation_split=0.1)  # 22 updates
    assert studio.report_every(short) == 2
    assert studio.report_every(TrainConfig.document("colab_cnn")) == 20  # 6,330 updates


def record(index, state="completed", accuracy=0.98, model="m", **changes):
    config = TrainConfig(key="lenet5", epochs=2, batch_size=128, optimizer="adam", learning_rate=0.002,
                         train_size=5000, validation_split=0.1).to_dict()
    values = dict(index=index, job_id=f"j{index}", label=studio.run_label("lenet5", index), key="lenet5",
                  config=config, state=state, epochs_done=2.0, wall_seconds=12.34, test_loss=0.05,
                  test_accuracy=accuracy, model=model, model_bytes=b"PK" if model else None)
    values.update(changes)
    return studio.RunRecord(**values)


def test_run_table_and_csv():
    runs = [record(1), record(2, "stopped", 0.9)]
    table = studio.run_table(runs, {name: name.upper() for name in studio.RUN_COLUMNS}, {"stopped": "停止"})
    assert table["LABEL"].tolist() == ["#1 lenet5", "#2 lenet5"]
    assert table["STATE"].tolist() == ["completed", "停止"]
    assert table["TEST_ACCURACY"].tolist() == pytest.approx([98.0, 90.0])
    rows = list(csv.DictReader(io.StringIO(studio.runs_csv(runs))))
    assert rows[0]["seconds"] == "12.3" and rows[1]["train_size"] == "5000" and rows[0]["optimizer"] == "adam"


def test_only_the_newest_models_are_kept():
    runs = [record(i) for i in range(1, 8)]
    dropped = studio.trim_models(runs, keep=5)
    assert dropped == ["#1 lenet5", "#2 lenet5"]
    assert [r.model is None for r in runs] == [True, True, False, False, False, False, False]
    assert [r.model_bytes is None for r in runs] == [True, True, False, False, False, False, False]


def test_a_discarded_run_keeps_its_row_not_its_model():
    run = record(1, "stopped", pending=True)
    studio.discard(run)
    assert (run.state, run.pending, run.model, run.model_bytes) == ("discarded", False, None, None)
    assert studio.run_table([run], {"label": "L", "state": "S"})["S"].tolist() == ["discarded"]


def test_file_names_have_no_path_tricks():
    assert studio.file_stem("#3 colab_cnn") == "studio_run3_colab_cnn"
    assert "/" not in studio.file_stem("../../etc/passwd") and ".." not in studio.file_stem("../../etc/passwd")


def test_gallery_picks_mistakes_and_random_images_reproducibly():
    y = np.arange(100) % 10
    pred = y.copy()
    pred[[3, 51, 97]] = 0  # y[51] = 1, so these three are wrong
    wrong, sample = studio.gallery_picks(y, pred, count=12, seed=1)
    assert wrong.tolist() == [3, 51, 97]
    assert len(sample) == 12 and len(set(sample.tolist())) == 12
    assert studio.gallery_picks(y, pred, 12, seed=1)[1].tolist() == sample.tolist()


def test_figures_hold_the_curves_they_are_given():
    labels = {name: name for name in ("loss", "accuracy", "epoch", "train", "train_epoch", "validation")}
    points = [{"step": s, "epoch": s / 10, "loss": 2 / s, "accuracy": 1 - 1 / s} for s in range(2, 21, 2)]
    epochs = [{"epoch": 1, "loss": 1.0, "accuracy": 0.5, "val_loss": 0.9, "val_accuracy": 0.6},
              {"epoch": 2, "loss": 0.1, "accuracy": 0.9, "val_loss": None, "val_accuracy": None}]
    fig = charts.live_curves(points, epochs, labels, total_epochs=2)
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len(lines) == 2 and list(lines[0].y) == [p["loss"] for p in points]
    validation = [t for t in fig.data if t.name == "validation"]
    assert [list(t.y) for t in validation] == [[0.9], [0.6]]  # epoch 2 has no validation
    overlay = charts.runs_overlay([{"label": "a", "points": points, "epochs": epochs}], labels)
    assert {t.name for t in overlay.data} >= {"a"}


def test_a_finished_run_downloads_as_a_loadable_keras_file(tmp_path):
    import keras

    from core import data
    from core.training import jobs

    manager = jobs.JobManager(max_running=1)
    config = TrainConfig(key="lenet5", epochs=1, batch_size=100, optimizer="adam", learning_rate=0.002, train_size=1000)
    mnist = data.load_mnist()
    manager.submit("dl", config, label="dl")  # trained on a Dask worker, model back as .keras bytes
    assert manager.wait_idle(240)
    runs, trained = [], {}
    record = studio.collect(manager.take("dl"), 1, runs, trained)
    assert runs == [record] and trained["#1 lenet5"]["model"] is record.model
    assert record.model_bytes[:2] == b"PK"  # a .keras file is a zip: the download
    path = tmp_path / "back.keras"
    path.write_bytes(record.model_bytes)
    again = keras.saving.load_model(path, compile=False)
    images = data.normalise(mnist.x_test[:200])
    assert np.allclose(again.predict_on_batch(images), record.model.predict_on_batch(images), atol=1e-6)
    # the worker's test predictions are the model's own answers
    assert (record.model.predict_on_batch(images).argmax(axis=1) == record.predictions[:200]).mean() > 0.99


def test_bar_follows_the_engine_or_the_time_box_clock():
    progress = SimpleNamespace(fraction=0.25, eta_seconds=30.0)
    assert studio.bar_position(SimpleNamespace(progress=progress, budget=None, started=100.0), now=110.0) == (0.25, 30.0)
    boxed = SimpleNamespace(progress=progress, budget=60.0, started=100.0)
    assert studio.bar_position(boxed, now=115.0) == (0.25, 45.0)  # 15 of 60 s
    assert studio.bar_position(boxed, now=170.0) == (1.0, 0.0)     # past the box: full, nothing left


def finished(**changes) -> studio.RunRecord:
    values = dict(test_accuracy=0.98765, test_loss=0.04321, epochs_done=1.5)
    values.update(changes)
    return record(1, **values)


def test_outcome_of_each_finished_state():
    numbers = {"accuracy": "98.77", "loss": "0.0432", "seconds": "12.3", "epochs": "1.50"}
    assert studio.outcome(finished()) == studio.Outcome("success", (("training_studio.completed", numbers),))
    assert studio.outcome(finished(state="stopped", stop_reason="student")).boxed == (("training_studio.stopped", numbers),)
    boxed = studio.outcome(finished(state="stopped", stop_reason="time_box"))
    assert boxed.level == "warning" and boxed.boxed[1] == ("training_studio.stopping_time_box", {})
    nan = studio.outcome(finished(state="diverged", reason_key="training.nan_loss", reason_values={"epoch": 1}))
    assert (nan.level, nan.icon, nan.boxed) == ("error", "💥", (("training.nan_loss", {}),))
    assert nan.below == (("training.nan_loss_detail", {"epoch": 1}), ("training_studio.nan_why", {}))
    assert studio.outcome(finished(state="failed", error="boom")).boxed == (("training_studio.failed", {"error": "boom"}),)
    lost = studio.outcome(finished(state="failed", error="KilledWorker: …", error_key="worker_lost"))
    assert (lost.level, lost.boxed) == ("error", (("training_studio.worker_lost", {"error": "KilledWorker: …"}),))
    assert studio.outcome(finished(state="cancelled")).level == "info"


def test_a_run_no_better_than_guessing_is_explained():
    """11.35 % (every image read as 1) is hardly better than 10 % guessing: both usual causes are named
    with this run's and the document's settings, and the run's own loss curve (first, lowest, last)."""
    curve = [{"epoch": 0.1, "loss": 2.31}, {"epoch": 0.5, "loss": 1.20}, {"epoch": 1.0, "loss": float("nan")},
             {"epoch": 1.5, "loss": 2.30}]
    stuck = studio.outcome(finished(test_accuracy=0.1135, test_loss=2.3011, points=curve))
    assert (stuck.level, stuck.icon) == ("warning", "🤔")
    assert stuck.boxed == (("training_studio.completed", {"accuracy": "11.35", "loss": "2.3011", "seconds": "12.3",
                                                          "epochs": "1.50"}),)
    assert stuck.below == (
        ("training_studio.not_learning", {"accuracy": "11.35", "lr": "0.002", "optimizer": "adam",
                                          "document_lr": "0.05", "document_optimizer": "sgd"}),
        ("training_studio.not_learning_curve", {"first": "2.31", "lowest": "1.20", "last": "2.30"}))
    changed = studio.outcome(finished(test_accuracy=0.098, lr_changes=[(0.5, 10.0)]))  # the rate the run ended with
    assert changed.below == (("training_studio.not_learning", {**stuck.below[0][1], "accuracy": "9.80", "lr": "10"}),)
    assert studio.outcome(finished(test_accuracy=0.21)).level == "success"  # learning something: no such note



def test_gallery_captions_by_hand():
    y, pred, conf = np.array([3, 5, 7]), np.array([3, 6, 7]), np.array([0.994, 0.5, 0.876])
    wrong, sample, colors = studio.gallery_captions(y, pred, conf, wrong=[1], sample=[0, 1])
    assert wrong == ["5→6 (50%)"] and sample == ["3 (99%)", "6 (50%)"]
    assert colors == [style.BLUE, style.RED]
