"""A .keras file a student uploads (e.g. one downloaded from the training studio), checked and loaded safely.

Refused with a clear reason (an i18n key of locales model_upload.error, and its values): an empty or
too large file, a file that is not a Keras archive, a model Keras' safe mode will not load (Lambda
layers run arbitrary code), or one that does not take a 28×28×1 image and give 10 outputs.
Loaded from a temporary folder that is removed afterwards; TensorFlow is imported only when called.
"""
from __future__ import annotations

import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

import numpy as np

MAX_MB = 16  # the studio's largest download (qiita_cnn, 2.6 M parameters, no optimizer state) is ~10 MB
MAX_UNPACKED_MB = 64  # what the archive may expand to (a zip bomb is refused before Keras sees it)
MEMBERS = {"config.json", "model.weights.h5"}  # what every Keras 3 .keras archive holds


class UploadedModelError(ValueError):
    """Why an uploaded model is refused: ``key`` under model_upload.error, ``values`` for its text."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


def check_archive(data: bytes) -> None:
    """Size and shape of the file before any loading: not empty, not too large, a .keras zip archive."""
    if not data:
        raise UploadedModelError("empty_file")
    if len(data) > MAX_MB * 1024 * 1024:
        raise UploadedModelError("too_large", size_mb=f"{len(data) / 1024 / 1024:.1f}", limit_mb=MAX_MB)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadedModelError("not_keras") from None
    if not MEMBERS <= names:
        raise UploadedModelError("not_keras")
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise UploadedModelError("too_large", size_mb=f"{unpacked / 1024 / 1024:.1f}", limit_mb=MAX_UNPACKED_MB)


def shape_text(shape) -> str:
    return "×".join("?" if d is None else str(d) for d in tuple(shape)[1:])


def load(data: bytes):
    """The uploaded .keras bytes → an uncompiled, warmed-up Keras model that reads one MNIST digit.

    Raises UploadedModelError for anything else (never another exception).
    """
    check_archive(data)
    import keras

    with tempfile.TemporaryDirectory(prefix="dojo_upload_") as folder:
        path = Path(folder) / "uploaded.keras"
        path.write_bytes(data)
        try:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:  # a damaged archive, unknown layers, or code safe mode refuses
            unsafe = "safe_mode" in str(error) or "Lambda" in str(error)
            raise UploadedModelError("unsafe" if unsafe else "not_loadable", detail=type(error).__name__) from None
    inputs, outputs = getattr(model, "inputs", None) or [], getattr(model, "outputs", None) or []
    if len(inputs) != 1 or len(outputs) != 1:
        raise UploadedModelError("wrong_shape", inputs=len(inputs), outputs=len(outputs), shape_in="?", shape_out="?")
    shape_in, shape_out = tuple(inputs[0].shape), tuple(outputs[0].shape)
    if shape_in[1:] != (28, 28, 1) or shape_out[1:] != (10,):
        raise UploadedModelError("wrong_shape", inputs=1, outputs=1, shape_in=shape_text(shape_in),
                                 shape_out=shape_text(shape_out))
    try:
        probabilities = np.asarray(model.predict_on_batch(np.zeros((1, 28, 28, 1), np.float32)))
    except Exception as error:
        raise UploadedModelError("not_loadable", detail=type(error).__name__) from None
    if probabilities.shape != (1, 10) or not np.all(np.isfinite(probabilities)):
        raise UploadedModelError("not_loadable", detail="output")
    return model


def layer_signature(model) -> list[tuple]:
    """(layer kind, output shape, parameters) per layer: compared with models/zoo.py to name the architecture."""
    return [(type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers]


def architecture(model) -> str:
    """The registry key whose layers the model has (the studio's downloads are zoo models), or ""."""
    from models import zoo

    mine, count = layer_signature(model), model.count_params()
    for key in zoo.REGISTRY:
        recorded = (zoo.pretrained_meta(key) or {}).get("parameters")
        if recorded not in (None, count):  # most keys are ruled out without building anything
            continue
        if layer_signature(zoo.build(key)) == mine:
            return key
    return ""
