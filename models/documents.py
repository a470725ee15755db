"""What the five course documents show and report: their Keras listings (corrected for today's
Keras, in models/listings/<key>.py) and the results they printed.

Plain data: no Keras import here. The listings are text shown beside each model; a test runs
them and checks they build the same layers as models/zoo.py.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

LISTING_DIR = Path(__file__).parent / "listings"


@dataclass(frozen=True)
class Reported:
    """A result printed in a document (None where the document prints none)."""

    test_accuracy: float | None = None
    test_loss: float | None = None
    train_accuracy: float | None = None
    train_loss: float | None = None


# 002 prints the last epoch (loss 0.0435, accuracy 0.9870) and evaluate() on the test set
# ([0.04481068253517151, 0.9842000007629395]); 003 prints 損失 0.0201…, 評価 0.9940999…;
# 000, 001 and 004 train and evaluate but print no number.
REPORTED: dict[str, Reported] = {
    "lenet5": Reported(),
    "keras_mnist_cnn": Reported(),
    "qiita_cnn": Reported(test_accuracy=0.9842, test_loss=0.0448, train_accuracy=0.9870, train_loss=0.0435),
    "three_conv": Reported(test_accuracy=0.9941, test_loss=0.0201),
    "colab_cnn": Reported(),
}


@functools.lru_cache(maxsize=None)
def listing(key: str) -> str:
    """The document's Keras code for a registry key, corrected to run with Keras 3 (lines marked ✎)."""
    return (LISTING_DIR / f"{key}.py").read_text(encoding="utf-8")


def gap_points(train_accuracy: float, test_accuracy: float) -> float:
    """Training minus test accuracy in percentage points (002: 98.70 − 98.42 = 0.28, "about 0.3 %")."""
    return (train_accuracy - test_accuracy) * 100
