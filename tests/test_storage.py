"""Atomic saving: both files or none; safe names."""
import json

import pytest

from core import storage
from models import zoo


def test_safe_stem_removes_path_tricks():
    assert storage.safe_stem("../../etc/passwd") == "etc_passwd"
    assert storage.safe_stem("my model (1)") == "my_model_1"
    assert storage.safe_stem("...") == "model"
    assert len(storage.safe_stem("x" * 500)) == 64


def test_save_atomic_writes_model_and_json(tmp_path):
    model = zoo.build("colab_cnn")
    path = storage.save_atomic(model, tmp_path / "run.keras", {"test_accuracy": 0.5})
    assert path.is_file() and json.loads(path.with_suffix(".json").read_text())["test_accuracy"] == 0.5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json", "run.keras"]


def test_interrupted_save_leaves_nothing(tmp_path, monkeypatch):
    model = zoo.build("colab_cnn")

    def broken_save(path, *args, **kwargs):
        open(path, "wb").write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(model, "save", broken_save)
    with pytest.raises(OSError):
        storage.save_atomic(model, tmp_path / "run.keras", {})
    assert list(tmp_path.iterdir()) == []


def test_saved_model_carries_no_optimizer_state(tmp_path):
    import keras
    import numpy as np

    model = zoo.compile_model(zoo.build("colab_cnn"), "adam", 0.001)
    model.train_on_batch(np.zeros((2, 28, 28, 1), np.float32), np.eye(10, dtype=np.float32)[[0, 1]])
    path = storage.save_atomic(storage.without_optimizer(model), tmp_path / "m.keras", {})
    loaded = keras.saving.load_model(path, compile=False)
    assert not getattr(loaded, "compiled", False)
    assert np.allclose(loaded.get_weights()[0], model.get_weights()[0])
    assert path.stat().st_size < 34_826 * 4 * 1.5  # weights only; Adam's two slots would triple it
