"""Which models the lab pages can show: the five shipped seed models and those trained this session.

An option is a registry key ("colab_cnn") or "trained:<label>" for an entry of
st.session_state["trained_models"]. No Streamlit and no TensorFlow here.
"""
from __future__ import annotations

from collections.abc import Mapping

from models.zoo import PRETRAINED_DIR, REGISTRY, pretrained_meta

TRAINED = "trained:"
PREFERRED = "colab_cnn"


def options(trained: Mapping | None) -> list[str]:
    """The registry keys in order, then one "trained:<label>" per model trained in this session."""
    return list(REGISTRY) + [TRAINED + label for label in (trained or {})]


def is_trained(option: str) -> bool:
    return option.startswith(TRAINED)


def weights_stamp(key: str) -> float | None:
    """Modification time of models/pretrained/<key>.keras, or None while it is not there yet."""
    try:
        return (PRETRAINED_DIR / f"{key}.keras").stat().st_mtime
    except OSError:
        return None


def default_index(choices: list[str]) -> int:
    """Start on colab_cnn when its weights exist, else on the first shipped model, else the first."""
    shipped = [i for i, option in enumerate(choices) if not is_trained(option) and weights_stamp(option)]
    preferred = [i for i in shipped if choices[i] == PREFERRED]
    return (preferred or shipped or [0])[0]


def architecture(option: str, trained: Mapping | None) -> str:
    """The registry key an option is built from."""
    if is_trained(option):
        return (trained or {})[option[len(TRAINED):]].get("key", "")
    return option


def recorded_accuracy(option: str, trained: Mapping | None) -> float | None:
    """Test accuracy written down when the model was trained (its JSON, or the studio's record)."""
    if is_trained(option):
        value = (trained or {}).get(option[len(TRAINED):], {}).get("test_accuracy")
    else:
        value = (pretrained_meta(option) or {}).get("test_accuracy")
    return None if value is None else float(value)
