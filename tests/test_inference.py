"""core.lab.inference with the shipped colab_cnn, and the MNIST way vs the naive way on drawings."""
import statistics
import time

import numpy as np
import pytest

from core.lab import inference
from core.lab.preprocess import canvas_to_mnist, naive_resize
from bench.harness.drawings import drawing_set


@pytest.fixture(scope="module")
def model():
    return inference.load_pretrained("colab_cnn")


def test_predict_proba_shapes_and_rows_summing_to_one(model):
    images = np.random.default_rng(0).random((3, 28, 28), dtype=np.float32)
    proba = inference.predict_proba(model, images)
    assert proba.shape == (3, 10) and proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(inference.predict_proba(model, images[..., np.newaxis]), proba, atol=1e-6)


def test_predict_proba_gives_model_predicts_numbers_faster(model):
    image = canvas_to_mnist(drawing_set(1, seed=3)[0][7])[np.newaxis]
    np.testing.assert_allclose(inference.predict_proba(model, image),
                               model.predict(image[..., np.newaxis], verbose=0), atol=1e-5)

    def median_ms(call, repeats):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    ours = median_ms(lambda: inference.predict_proba(model, image), 15)
    theirs = median_ms(lambda: model.predict(image[..., np.newaxis], verbose=0), 5)
    assert ours * 3 < theirs, f"predict_proba {ours:.1f} ms vs model.predict {theirs:.1f} ms"


def test_timed_proba_returns_probabilities_and_milliseconds(model):
    image = np.zeros((28, 28), dtype=np.float32)
    proba, ms = inference.timed_proba(model, image, repeats=2)
    assert proba.shape == (10,) and ms > 0


def test_mnist_test_digits_are_read(model):
    from core.data import load_mnist

    data = load_mnist()
    proba = inference.predict_proba(model, data.x_test[:300].astype(np.float32) / 255)
    assert (proba.argmax(axis=1) == data.y_test[:300]).mean() > 0.97


def test_the_mnist_way_reads_drawings_the_naive_way_does_not(model):
    """Synthetic mouse drawings (thick strokes, small or large, off-centre, slanted): the
    documents' whole-canvas resize reads under half of them; the MNIST way over 90 %."""
    from core.data import load_mnist

    data = load_mnist()
    drawings, labels = drawing_set(8, seed=42, mnist=(data.x_test, data.y_test))
    mnist_way = inference.predict_proba(model, np.stack([canvas_to_mnist(d) for d in drawings]))
    naive_way = inference.predict_proba(model, np.stack([naive_resize(d) for d in drawings]))
    right = (mnist_way.argmax(axis=1) == labels).mean()
    naive = (naive_way.argmax(axis=1) == labels).mean()
    assert right >= 0.9, right
    assert naive <= 0.6, naive
    assert right - naive >= 0.35


def test_missing_and_damaged_weights_make_only_that_model_unavailable(tmp_path, monkeypatch):
    monkeypatch.setattr(inference, "PRETRAINED_DIR", tmp_path)
    with pytest.raises(inference.ModelUnavailable) as missing:
        inference.load_pretrained("lenet5")
    assert missing.value.detail == "missing"
    (tmp_path / "qiita_cnn.keras").write_bytes(b"not a zip file at all")
    with pytest.raises(inference.ModelUnavailable) as damaged:
        inference.load_pretrained("qiita_cnn")
    assert damaged.value.key == "qiita_cnn" and damaged.value.detail != "missing"
    with pytest.raises(KeyError):
        inference.load_pretrained("no_such_model")
