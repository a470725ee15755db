"""Atomic saving of a Keras model with a JSON of its story beside it (no Streamlit here).

Both files are written under temporary names in the target folder and renamed into place,
so an interrupted save never leaves a half-written ``.keras`` or ``.json`` behind.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def safe_stem(name: str, fallback: str = "model") -> str:
    """A file stem with no path tricks: letters, digits, '-' and '_' only, at most 64 chars."""
    stem = SAFE_NAME.sub("_", name).strip("._-")[:64]
    return stem or fallback


def versions() -> dict[str, str]:
    """Library versions worth recording next to a saved model."""
    import keras
    import numpy
    import tensorflow

    return {"keras": keras.__version__, "tensorflow": tensorflow.__version__, "numpy": numpy.__version__}


def without_optimizer(model):
    """An uncompiled copy with the same weights, so the saved file carries no optimizer state."""
    # keras.models.clone_model keeps the compile state (and so the optimizer) in Keras 3.
    clone = type(model).from_config(model.get_config())
    clone.set_weights(model.get_weights())
    return clone


def save_atomic(model, path: Path, meta: dict) -> Path:
    """Write ``path`` (.keras) and ``path.with_suffix('.json')`` atomically; return ``path``."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError("model files end in .keras")
    path.parent.mkdir(parents=True, exist_ok=True)
    meta_path = path.with_suffix(".json")
    tmp_model = tmp_meta = None
    try:
        fd, tmp_model = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".keras", dir=path.parent)
        os.close(fd)
        model.save(tmp_model)
        fd, tmp_meta = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(meta, out, ensure_ascii=False, indent=2)
        os.replace(tmp_model, path)
        tmp_model = None
        os.replace(tmp_meta, meta_path)
        tmp_meta = None
    finally:
        for leftover in (tmp_model, tmp_meta):
            if leftover and os.path.exists(leftover):
                os.unlink(leftover)
    return path
