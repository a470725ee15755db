"""MNIST for the whole app: MNIST_PATH, then Keras' cache, then Keras' download; validated.

Errors are `MnistError`s carrying an i18n key (locales/<lang>/data.toml) and its values, so
the page can say in the student's language what went wrong and what to do.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KERAS_CACHE = Path.home() / ".keras" / "datasets" / "mnist.npz"
SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz"
EXPECTED = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}


class MnistError(RuntimeError):
    """MNIST could not be had; ``key`` names the message in locales/<lang>/data.toml."""

    def __init__(self, key: str, **values):
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Mnist:
    """The four MNIST arrays as stored: uint8 images (0 = background, 255 = ink), uint8 labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def candidate_paths() -> list[Path]:
    """Where to look, in order: the MNIST_PATH setting, then Keras' cache."""
    paths = []
    if os.environ.get("MNIST_PATH"):
        paths.append(Path(os.environ["MNIST_PATH"]).expanduser())
    paths.append(KERAS_CACHE)
    return paths


def use_shared_mnist_if_unset(path: Path = SHARED_MNIST) -> str | None:
    """Point MNIST_PATH at the team's offline copy (``../shared/data/mnist.npz`` beside the checkout)
    when it is unset and the copy exists; return the MNIST_PATH now in force.

    For tests, benches and scripts on the development machines; the dashboard itself does not call it.
    """
    if not os.environ.get("MNIST_PATH") and path.is_file():
        os.environ["MNIST_PATH"] = str(path)
    return os.environ.get("MNIST_PATH") or None


def read_npz(path: Path) -> Mnist:
    """Read and validate one mnist.npz (keys, shapes, dtypes, label range)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files if name in EXPECTED}
    except Exception as exc:  # zip, pickle or OS errors all mean "not a usable file"
        raise MnistError("unreadable", path=str(path), detail=type(exc).__name__) from exc
    missing = sorted(set(EXPECTED) - set(arrays))
    if missing:
        raise MnistError("missing_keys", path=str(path), keys=", ".join(missing))
    for name, shape in EXPECTED.items():
        array = arrays[name]
        if array.shape != shape or array.dtype != np.uint8:
            raise MnistError(
                "bad_array", path=str(path), name=name,
                got=f"{array.shape} {array.dtype}", want=f"{shape} uint8",
            )
    for name in ("y_train", "y_test"):
        if arrays[name].max() > 9:
            raise MnistError("bad_labels", path=str(path), name=name)
    return Mnist(**arrays, source=str(path))


def _download_with_keras() -> Mnist:
    """Last resort: Keras downloads MNIST into its cache (fails without internet)."""
    try:
        from keras.datasets import mnist

        mnist.load_data()
    except Exception as exc:
        raise MnistError("not_found", paths=", ".join(map(str, candidate_paths()))) from exc
    return read_npz(KERAS_CACHE)


@functools.lru_cache(maxsize=1)
def load_mnist() -> Mnist:
    """MNIST once per process. A setting that points at a bad file is an error, not skipped."""
    setting = os.environ.get("MNIST_PATH")
    if setting:
        path = Path(setting).expanduser()
        if not path.is_file():
            raise MnistError("setting_missing", path=str(path))
        return read_npz(path)
    if KERAS_CACHE.is_file():
        return read_npz(KERAS_CACHE)
    return _download_with_keras()


def normalise(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) → float32 (N, 28, 28, 1) in [0, 1], as every document does."""
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]


def one_hot(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """Labels (N,) → one-hot (N, classes) float32, like keras.utils.to_categorical."""
    return np.eye(classes, dtype=np.float32)[labels]
