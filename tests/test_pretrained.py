"""The shipped weights: each loads, its recorded test accuracy is what it really scores, and its
JSON tells how it was trained (epochs chosen on held-out training images, not on the test set)."""
import json
import shutil

import numpy as np
import pytest

from core import data
from core.lab import inference
from core.training import augment
from models import zoo
from scripts import pretrain



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


@pytest.mark.parametrize("key", list(zoo.REGISTRY))
def test_epochs_were_chosen_on_the_held_out_images(key):
    """The kept epoch is the best validation epoch; validation = the last 6,000 training images,
    the recipe is the augmentation's (or none), and the document's own figure is only claimed where it exists."""
    meta = zoo.pretrained_meta(key)
    val = meta["history"]["val_accuracy"]
    assert meta["best_epoch"] == val.index(max(val)) + 1 <= meta["epochs_trained"] == len(val)
    assert meta["training_images"] + meta["validation_images"] == 60000 and meta["validation_images"] == 6000
    assert "test_accuracy_per_epoch" not in meta  # the test set is not looked at during training
    # scripts/pretrain.py rebuilds it: its schedule is the one the weights were trained with
    assert (meta["max_epochs"], meta["early_stopping_patience"]) == pretrain.SCHEDULE[key]
    assert meta["augmentation"] in (augment.CANVAS_LIKE.describe(), None)
    entry = zoo.REGISTRY[key]
    assert meta["document_accuracy"] == entry.reported_accuracy
    assert meta["required_accuracy"] == entry.target_accuracy
    assert meta["document_settings"]["epochs"] == entry.defaults.epochs


def test_only_documents_002_and_003_report_an_accuracy():
    reported = {entry.doc: entry.reported_accuracy for entry in zoo.REGISTRY.values() if entry.reported_accuracy}
    assert reported == {"002": 0.9842, "003": 0.9941}


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


def test_the_script_trains_the_keys_asked_for_into_the_folder_asked_for(tmp_path, monkeypatch, capsys):
    """--out sends the weights to a staging folder (compared before they replace the shipped ones)."""
    calls = []

    def fake_pretrain(key, budget_minutes=None, augmented=True, folder=pretrain.PRETRAINED):
        calls.append((key, budget_minutes, augmented, folder))
        return {"test_accuracy": 0.99, "best_epoch": 3, "epochs_trained": 5, "seconds_per_epoch": 9.0,
                "saved": True}

    monkeypatch.setattr(pretrain, "pretrain", fake_pretrain)
    pretrain.main(["qiita_cnn", "lenet5", "--out", str(tmp_path), "--plain"])
    assert calls == [("qiita_cnn", None, False, tmp_path), ("lenet5", None, False, tmp_path)]
    calls.clear()
    pretrain.main(["colab_cnn"])
    assert calls == [("colab_cnn", None, True, pretrain.PRETRAINED)]
    with pytest.raises(SystemExit):
        pretrain.main(["no_such_model"])
    assert "unknown model no_such_model" in capsys.readouterr().err
