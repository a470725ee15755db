"""Loading the shipped models and fast prediction (TensorFlow is imported only when called)."""
from __future__ import annotations

import numpy as np

from models.zoo import PRETRAINED_DIR, REGISTRY


class ModelUnavailable(RuntimeError):
    """A shipped model file is missing or damaged; only that model is unavailable."""

    def __init__(self, key: str, detail: str):
        super().__init__(f"{key}: {detail}")
        self.key = key
        self.detail = detail


def load_pretrained(key: str):
    """The Keras model shipped as models/pretrained/<key>.keras (uncompiled)."""
    import keras

    if key not in REGISTRY:
        raise KeyError(key)
    path = PRETRAINED_DIR / f"{key}.keras"
    if not path.is_file():
        raise ModelUnavailable(key, "missing")
    try:
        return keras.saving.load_model(path, compile=False)
    except Exception as exc:  # a damaged zip, a wrong architecture, anything unreadable
        raise ModelUnavailable(key, type(exc).__name__) from exc


def predict_proba(model, images: np.ndarray) -> np.ndarray:
    """(N, 28, 28) or (N, 28, 28, 1) float32 in [0, 1] → (N, 10) class probabilities."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    return np.asarray(model.predict_on_batch(images), dtype=np.float32)
