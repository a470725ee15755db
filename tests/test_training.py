"""The training engine on small MNIST subsets: progress, stop, divergence, learning-rate change, saving."""
import io
import json
import math
import subprocess
import sys
import threading
import zipfile
from types import SimpleNamespace

import numpy as np
import pytest

from core import data, i18n
from core.training import engine
from models import zoo


@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist()


def small(key="colab_cnn", **changes):
    """A quick run: 2,000 images, one epoch, batch 64, the model's document optimizer."""
    config = engine.TrainConfig.document(key)
    values = dict(epochs=1, batch_size=64, train_size=2000, validation_split=0.0, progress_every=5)
    values.update(changes)
    for name, value in values.items():
        setattr(config, name, value)
    return config


def test_importing_the_engine_does_not_import_tensorflow():
    code = "import sys, core.training.engine; print('tensorflow' in sys.modules, 'keras' in sys.modules, 'streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(engine.Path(engine.__file__).parents[2]))
    assert out.stdout.split() == ["False", "False", "False"]


@pytest.mark.parametrize("key", list(zoo.REGISTRY))
def test_document_config_matches_the_registry(key):
    entry, config = zoo.REGISTRY[key], engine.TrainConfig.document(key)
    d = entry.defaults
    assert (config.key, config.epochs, config.batch_size, config.optimizer, config.learning_rate) == (
        key, d.epochs, d.batch_size, d.optimizer, d.learning_rate)
    assert config.train_size == 60000
    assert config.dropout_rates() == tuple(entry.dropout)
    assert config.validation_split == (0.1 if key == "colab_cnn" else 0.0)
    config.check()
    assert engine.TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_document_settings_do_not_augment_and_augment_travels_in_the_config():
    config = engine.TrainConfig.document("lenet5")
    assert config.augment is False
    config.augment = True
    assert engine.TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))).augment is True


def test_an_augmented_run_trains_on_changed_images_but_is_validated_on_plain_ones(mnist):
    """Same seed, same settings: only the training images differ, so the losses differ; the
    number of updates and the validation images are the same."""
    plain = engine.train(small(validation_split=0.2), mnist)
    changed = engine.train(small(validation_split=0.2, augment=True), mnist)
    assert changed.config.augment and changed.status == "completed"
    assert changed.samples_seen == plain.samples_seen == 1600
    assert changed.history["loss"][0] != plain.history["loss"][0]
    assert len(changed.history["val_accuracy"]) == 1 and changed.test_accuracy > 0.5
    x, y = engine.fit_inputs(changed.config, *engine.split_data(changed.config, mnist)[:2])["x"][0]
    assert x.shape == (64, 28, 28, 1) and y.shape == (64, 10)


def test_document_004_epoch_is_422_updates():
    config = engine.TrainConfig.document("colab_cnn")
    assert config.split_sizes() == (54000, 6000)
    assert config.batches_per_epoch() == 422  # ceil(54,000 / 128)


@pytest.mark.parametrize("change, key", [
    ({"optimizer": "lbfgs"}, "bad_optimizer"),
    ({"train_size": 0}, "bad_train_size"),
    ({"train_size": 60001}, "bad_train_size"),
    ({"learning_rate": -0.1}, "bad_learning_rate"),
    ({"learning_rate": math.nan}, "bad_learning_rate"),
    ({"epochs": 0}, "bad_epochs"),
    ({"validation_split": 0.9}, "bad_validation_split"),
    ({"dropout": (0.5, 0.5)}, "bad_dropout"),
    ({"dropout": (1.0,)}, "bad_dropout"),
    ({"train_size": 1, "validation_split": 0.4}, "too_few_images"),
])
def test_bad_settings_raise_a_translatable_error(change, key):
    config = small(**change)
    with pytest.raises(engine.ConfigError) as caught:
        config.check()
    assert caught.value.key == key
    for lang in ("ja", "en"):
        text = i18n.t(f"training.{key}", lang, **caught.value.values)
        assert text != f"training.{key}" and "{" not in text


def test_subset_and_split_are_seeded_disjoint_and_sized():
    config = small(train_size=1000, validation_split=0.2)
    fit_rows, val_rows = engine.subset_rows(config)
    assert (len(fit_rows), len(val_rows)) == (800, 200)
    assert len(set(fit_rows) | set(val_rows)) == 1000 and fit_rows.max() < 60000
    again, _ = engine.subset_rows(small(train_size=1000, validation_split=0.2))
    other, _ = engine.subset_rows(small(train_size=1000, validation_split=0.2, seed=1))
    assert np.array_equal(fit_rows, again) and not np.array_equal(fit_rows, other)


def test_progress_reports_are_sane_and_respect_subset_and_split(mnist):
    # 1,000 images, 20 % held out → 800 trained per epoch = 8 batches of 100; two epochs.
    config = small(train_size=1000, validation_split=0.2, batch_size=100, epochs=2, progress_every=3)
    reports = []
    result = engine.train(config, mnist, on_progress=reports.append)
    batches = [p for p in reports if p.phase == "batch"]
    epochs = [p for p in reports if p.phase == "epoch"]
    assert [(p.epoch, p.batch) for p in batches] == [(1, 3), (1, 6), (1, 8), (2, 3), (2, 6), (2, 8)]
    assert [p.step for p in batches] == [3, 6, 8, 11, 14, 16]
    assert [p.samples_seen for p in batches] == [300, 600, 800, 1100, 1400, 1600]
    for p in reports:
        assert p.batches_per_epoch == 8 and p.epochs == 2
        assert 0 < p.loss < 10 and 0 <= p.accuracy <= 1
        assert p.samples_per_second > 0 and p.eta_seconds >= 0 and p.elapsed > 0
    assert [p.elapsed for p in reports] == sorted(p.elapsed for p in reports)
    for epoch in (1, 2):  # the windows (300, 300, 200 images) make up the epoch's running mean
        mine = [p for p in batches if p.epoch == epoch]
        assert (mine[0].recent_loss, mine[0].recent_accuracy) == pytest.approx((mine[0].loss, mine[0].accuracy))
        for end in (2, 3):
            images = [300, 300, 200][:end]
            for name in ("loss", "accuracy"):
                pieced = sum(n * getattr(p, f"recent_{name}") for n, p in zip(images, mine)) / sum(images)
                assert pieced == pytest.approx(getattr(mine[end - 1], name), rel=1e-4)
    # ETA = batches left × seconds per batch (= batch size ÷ images/s) + validations left × the
    # last validation's time (known from epoch 2 on: one validation, at the end of epoch 2).
    validation_part = [p.eta_seconds - (16 - p.step) * 100 / p.samples_per_second for p in batches]
    assert validation_part[:3] == pytest.approx([0, 0, 0], abs=1e-9)
    assert validation_part[3] > 0 and validation_part[3:] == pytest.approx([validation_part[3]] * 3)
    assert len(epochs) == 2 and all(0 <= p.val_accuracy <= 1 and p.val_loss > 0 for p in epochs)
    assert [p.phase for p in reports].count("evaluating") == 1 and reports[-1].phase == "evaluating"  # the test set
    assert result.status == "completed" and result.reason_key is None
    assert result.samples_seen == 1600
    assert {k: len(v) for k, v in result.history.items()} == {"loss": 2, "accuracy": 2, "val_loss": 2, "val_accuracy": 2}
    assert result.history["val_accuracy"] == [p.val_accuracy for p in epochs]
    assert [point["step"] for point in result.batch_history] == [p.step for p in batches]
    assert result.batch_history[-1]["epoch_float"] == 2.0
    assert 0 <= result.test_accuracy <= 1 and result.test_loss > 0
    assert result.wall_seconds >= result.fit_seconds + result.test_seconds > 0


def test_recent_loss_is_the_mean_since_the_last_report_by_hand():
    # 25 images in batches of 10, 10, 5. Keras' running means after each batch: loss 2.0, 1.5, 1.4
    # (batch losses 2.0, 1.0, 1.0); accuracy 0.1, 0.3, 0.36 (1, 5 and 3 right: 0.1, 0.5, 0.6).
    run = engine._Run(small(train_size=25, batch_size=10, validation_split=0.0), None, None, None, 0.0)
    assert run.recent(1, 2.0, 0.1) == pytest.approx((2.0, 0.1))
    assert run.recent(2, 1.5, 0.3) == pytest.approx((1.0, 0.5))  # (20·1.5 − 10·2.0) / 10
    assert run.recent(3, 1.4, 0.36) == pytest.approx((1.0, 0.6))  # (25·1.4 − 20·1.5) / 5, (9 − 6) / 5
    run.window = (0, 0.0, 0.0)  # a new epoch (Engine.on_epoch_begin)
    assert run.recent(2, 0.8, 0.7) == pytest.approx((0.8, 0.7))  # first report of an epoch, after 2 batches
    assert math.isnan(run.recent(3, math.nan, 0.5)[0])  # a diverged loss is not clamped to 0


def test_without_validation_the_val_history_is_empty(mnist):
    reports = []
    # 640 images = 10 batches of 64, reported every 4: batches 4, 8 and the last one, 10.
    result = engine.train(small("lenet5", train_size=640, progress_every=4), mnist, on_progress=reports.append)
    assert [(p.phase, p.batch) for p in reports] == [
        ("batch", 4), ("batch", 8), ("batch", 10), ("epoch", 10), ("evaluating", 10)]
    # ETA: 6 batches left at the speed so far, then 2, then none (no validation to wait for)
    assert [p.eta_seconds * p.samples_per_second / 64 for p in reports[:3]] == pytest.approx([6, 2, 0])
    assert all(p.val_loss is None and p.val_accuracy is None for p in reports)
    assert result.history["val_loss"] == [] and len(result.history["loss"]) == 1
    assert result.samples_seen == 640 and result.test_accuracy is not None


def test_stop_is_honoured_within_one_batch(mnist):
    control = engine.Control()
    reports = []

    def stop_at_third_batch(progress):
        reports.append(progress)
        if progress.batch >= 3:
            control.request_stop()

    config = small(batch_size=50, progress_every=3)  # 40 batches per epoch
    result = engine.train(config, mnist, on_progress=stop_at_third_batch, control=control)
    assert result.status == "stopped"
    assert result.samples_seen <= (3 + 1) * 50
    assert [p.batch for p in reports if p.phase == "batch"][-1] in (3, 4)
    assert result.history["loss"] == []  # the epoch was not completed
    assert result.test_accuracy is not None  # test metrics also after a stop


def test_stop_and_learning_rate_from_another_thread(mnist):
    """The worker's set-up: train() in the task thread, the message handler's thread sets the Control."""
    control, box = engine.Control(), {}
    reported = {1: threading.Event(), 2: threading.Event()}
    answered = {1: threading.Event(), 2: threading.Event()}

    def on_progress(progress):  # the worker waits at batches 1 and 2 while the UI thread acts (reports every batch)
        if progress.phase == "batch" and progress.batch in reported:
            reported[progress.batch].set()
            answered[progress.batch].wait(timeout=30)

    config = small("lenet5", optimizer="sgd", learning_rate=0.05, progress_every=1)
    model = engine.build_model(config)  # built in another thread than the one that trains
    worker = threading.Thread(target=lambda: box.update(result=engine.train(config, mnist, on_progress, control, model)))
    worker.start()
    assert reported[1].wait(timeout=60)
    control.set_learning_rate(0.123)
    answered[1].set()
    assert reported[2].wait(timeout=60)
    control.request_stop()
    answered[2].set()
    worker.join(timeout=60)
    result = box["result"]
    assert result.status == "stopped" and result.samples_seen == 2 * config.batch_size
    assert [(p["batch"], p["learning_rate"]) for p in result.batch_history] == [(1, 0.05), (2, 0.123)]
    assert float(model.optimizer.learning_rate) == pytest.approx(0.123)


def test_a_stop_requested_before_the_start_runs_one_batch(mnist):
    control = engine.Control()
    control.request_stop()
    result = engine.train(small("lenet5"), mnist, control=control)
    assert result.status == "stopped" and result.samples_seen == 64


def test_a_huge_learning_rate_diverges_with_an_explanation(mnist):
    result = engine.train(small("lenet5", optimizer="sgd", learning_rate=1e6), mnist)
    assert result.status == "diverged" and result.reason_key == "training.nan_loss"
    assert result.test_accuracy is None and result.test_loss is None
    assert not math.isfinite(result.batch_history[-1]["loss"])
    assert not math.isfinite(result.batch_history[-1]["recent_loss"])  # the live curve shows the break too
    assert result.samples_seen < 2000  # stopped at the first NaN, not after the epoch
    assert result.reason_values["lr"] == "1e+06" and result.reason_values["suggestion"] == "100000"
    ja, en = i18n.t(result.reason_key, "ja"), i18n.t(result.reason_key, "en")
    assert "学習率" in ja and "10" in ja and "NaN" in ja
    assert "learning rate" in en and "10×" in en and "overflow" in en
    detail = i18n.t("training.nan_loss_detail", "en", **result.reason_values)
    assert "1e+06" in detail and "100000" in detail


def test_learning_rate_change_is_applied_from_the_next_batch(mnist):
    config = small("lenet5", optimizer="sgd", learning_rate=0.05, progress_every=5)
    model = engine.build_model(config)
    control = engine.Control()
    frozen = {}

    def freeze_at_batch_5(progress):
        if progress.batch == 5 and not frozen:
            frozen["weights"] = model.get_weights()
            control.set_learning_rate(1e-30)  # plain SGD: w - 1e-30·g rounds back to w

    result = engine.train(config, mnist, on_progress=freeze_at_batch_5, control=control, model=model)
    assert result.status == "completed"
    for before, after in zip(frozen["weights"], model.get_weights()):
        np.testing.assert_allclose(after, before, rtol=0, atol=1e-20)
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-30, rel=1e-6)
    rates = [(p["batch"], p["learning_rate"]) for p in result.batch_history]
    assert rates[0] == (5, 0.05) and rates[1][0] == 10 and rates[1][1] == pytest.approx(1e-30)
    with pytest.raises(engine.ConfigError):
        control.set_learning_rate(0)


def test_real_learning_colab_cnn_5k_one_epoch(mnist):
    config = small("colab_cnn", train_size=5000, batch_size=32, progress_every=50)
    result = engine.train(config, mnist)
    assert result.status == "completed"
    assert result.test_accuracy > 0.90


def test_save_run_writes_model_and_json(tmp_path, mnist):
    import h5py
    import keras

    result = engine.train(small("lenet5", train_size=640, progress_every=100), mnist)
    path = engine.save_run(result, tmp_path / "my_run.keras")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my_run.json", "my_run.keras"]
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["key"] == "lenet5" and meta["status"] == "completed"
    assert meta["test_accuracy"] == pytest.approx(result.test_accuracy)
    assert meta["config"] == result.config.to_dict()
    assert meta["history"]["loss"] == pytest.approx(result.history["loss"])
    assert meta["wall_seconds"] > 0 and set(meta["versions"]) >= {"keras", "tensorflow", "numpy"}
    with zipfile.ZipFile(path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as weights:
        assert "layers" in weights and "optimizer" not in weights  # no optimizer state in the file
    loaded = keras.saving.load_model(path, compile=False)
    for a, b in zip(loaded.get_weights(), result.model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_save_run_of_a_diverged_run_writes_clean_json(tmp_path, mnist):
    result = engine.train(small("lenet5", optimizer="sgd", learning_rate=1e6, progress_every=100), mnist)
    path = engine.save_run(result, tmp_path / "nan_run")
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))  # strict JSON: no NaN
    assert path.name == "nan_run.keras" and meta["status"] == "diverged" and meta["test_accuracy"] is None


def test_an_interrupted_save_leaves_no_file(tmp_path, monkeypatch, mnist):
    import keras

    result = engine.train(small("lenet5", train_size=640, progress_every=100), mnist)

    def save_half_then_fail(self, filepath, *args, **kwargs):
        with open(filepath, "wb") as out:
            out.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(keras.Model, "save", save_half_then_fail)
    with pytest.raises(OSError):
        engine.save_run(result, tmp_path / "run.keras")
    assert list(tmp_path.iterdir()) == []


def test_measure_batch_seconds_leaves_out_the_warm_up_batches(mnist, monkeypatch):
    """A clock that reads 0 at the start, 10 and 20 after the two warm-up batches (tracing), then 21, 22,
    23: three timed batches of (23 − 20) / 3 = 1 s each (counting the warm-up would give 23 / 5 = 4.6)."""
    readings = iter([0.0, 10.0, 20.0, 21.0, 22.0, 23.0])
    monkeypatch.setattr(engine, "time", SimpleNamespace(perf_counter=lambda: next(readings)))
    assert engine.measure_batch_seconds(small("lenet5", batch_size=128), mnist, batches=3) == pytest.approx(1.0)
