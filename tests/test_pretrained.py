"""The shipped weights: each loads and its recorded test accuracy is what it really scores."""
import json
import shutil

import numpy as np
import pytest

from core import data
from core.lab import inference
from models import zoo


@pytest.fixture(scope="module")
def test_set():
    mnist = data.load_mnist()
    return data.normalise(mnist.x_test), mnist.y_test


@pytest.mark.parametrize("key", list(zoo.REGISTRY))
def test_recorded_accuracy_is_real(key, test_set):
    meta = zoo.pretrained_meta(key)
    assert meta is not None, f"models/pretrained/{key}.json is missing"
    images, labels = test_set
    model = inference.load_pretrained(key)
    predictions = np.concatenate([
        inference.predict_proba(model, images[i:i + 1000]).argmax(axis=1) for i in range(0, len(images), 1000)
    ])
    accuracy = float((predictions == labels).mean())
    assert abs(accuracy - meta["test_accuracy"]) <= 0.001
    assert accuracy >= zoo.REGISTRY[key].target_accuracy
    assert meta["parameters"] == model.count_params()


def test_total_size_is_small():
    total = sum(path.stat().st_size for path in zoo.PRETRAINED_DIR.glob("*.keras"))
    assert total <= 25 * 1024 * 1024


def test_corrupt_weights_make_only_that_model_unavailable(tmp_path, monkeypatch):
    for path in zoo.PRETRAINED_DIR.glob("*.json"):
        shutil.copy(path, tmp_path)
    (tmp_path / "lenet5.keras").write_bytes(b"not a keras file")
    monkeypatch.setattr(inference, "PRETRAINED_DIR", tmp_path)
    with pytest.raises(inference.ModelUnavailable) as error:
        inference.load_pretrained("lenet5")
    assert error.value.key == "lenet5"
    with pytest.raises(inference.ModelUnavailable):
        inference.load_pretrained("colab_cnn")  # not copied: missing
    json.loads((tmp_path / "colab_cnn.json").read_text())  # metadata stays readable
