"""MNIST loading: the shared file validates; broken or missing files give the right message key."""
import os
from pathlib import Path

import numpy as np
import pytest

from core import data


@pytest.fixture(autouse=True)
def fresh_cache():
    data.load_mnist.cache_clear()
    yield
    data.load_mnist.cache_clear()


def _good_arrays():
    return {
        "x_train": np.zeros((60000, 28, 28), np.uint8), "y_train": np.zeros(60000, np.uint8),
        "x_test": np.zeros((10000, 28, 28), np.uint8), "y_test": np.full(10000, 9, np.uint8),
    }


def test_shared_mnist_loads_and_validates():
    mnist = data.load_mnist()
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.x_test.dtype == np.uint8
    assert set(np.unique(mnist.y_test)) == set(range(10))
    assert abs(mnist.x_train.mean() / 255 - 0.1307) < 0.001


def test_missing_setting_file(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "nope.npz"))
    with pytest.raises(data.MnistError) as error:
        data.load_mnist()
    assert error.value.key == "setting_missing"


def test_not_an_npz(monkeypatch, tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"this is not a zip file")
    monkeypatch.setenv("MNIST_PATH", str(path))
    with pytest.raises(data.MnistError) as error:
        data.load_mnist()
    assert error.value.key == "unreadable"


@pytest.mark.parametrize("change, key", [
    (lambda a: a.pop("y_test"), "missing_keys"),
    (lambda a: a.update(x_test=np.zeros((10, 28, 28), np.uint8)), "bad_array"),
    (lambda a: a.update(x_train=np.zeros((60000, 28, 28), np.float32)), "bad_array"),
    (lambda a: a.update(y_train=np.full(60000, 12, np.uint8)), "bad_labels"),
])
def test_broken_contents(monkeypatch, tmp_path, change, key):
    arrays = _good_arrays()
    change(arrays)
    path = tmp_path / "mnist.npz"
    np.savez(path, **arrays)
    monkeypatch.setenv("MNIST_PATH", str(path))
    with pytest.raises(data.MnistError) as error:
        data.load_mnist()
    assert error.value.key == key


def test_keras_cache_is_second(monkeypatch, tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(path, **_good_arrays())
    monkeypatch.delenv("MNIST_PATH")
    monkeypatch.setattr(data, "KERAS_CACHE", Path(path))
    assert data.load_mnist().source == str(path)


def test_normalise_and_one_hot():
    images = np.array([[[0, 255], [51, 102]]], np.uint8)
    out = data.normalise(images)
    assert out.shape == (1, 2, 2, 1) and out.dtype == np.float32
    assert np.allclose(out[0, :, :, 0], [[0, 1], [0.2, 0.4]])
    assert data.one_hot(np.array([2]))[0].tolist() == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]


def test_the_shared_copy_is_used_only_when_mnist_path_is_unset(tmp_path, monkeypatch):
    shared = tmp_path / "shared.npz"
    monkeypatch.delenv("MNIST_PATH", raising=False)
    assert data.use_shared_mnist_if_unset(shared) is None  # no copy there: nothing set
    assert "MNIST_PATH" not in os.environ
    shared.write_bytes(b"")
    assert data.use_shared_mnist_if_unset(shared) == str(shared)
    monkeypatch.setenv("MNIST_PATH", "/somewhere/else.npz")
    assert data.use_shared_mnist_if_unset(shared) == "/somewhere/else.npz"  # a setting wins
    monkeypatch.setenv("MNIST_PATH", "")
    assert data.use_shared_mnist_if_unset(shared) == str(shared)  # empty counts as unset, as in load_mnist
