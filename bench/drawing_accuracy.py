"""Accuracy of each shipped model on synthetic canvas drawings, prepared the lab's way, before/after.

Three sets of drawings (bench/harness/drawings.py: pen-stroke templates and re-drawn MNIST test
digits, half each): "usual" (60–250 px tall, pen 8–32 px), "small" (40–80 px tall with the
lab's pen of about 20 px, up to 0.3 of the height) and "thick" (pen 28–40 px). A pen that would
fill a loop of a re-drawn digit is made thinner: without that rule it filled one in 27 of the
usual set's 300 re-drawn digits (0s and 8s as blobs no one could read). Each drawing goes
through core.lab.preprocess.canvas_to_mnist, as in the lab. With --before-rev the weights of
that git revision are scored too, on the same drawings.

    .venv/bin/python bench/drawing_accuracy.py [--per-digit 30] [--before-rev 341f814]

Prints one row per model (and per revision): MNIST test accuracy (from the model's JSON),
accuracy per set, and on all drawings; the last line is colab_cnn's accuracy on all drawings, %.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.harness.drawings import drawing_set  # noqa: E402
from core.data import load_mnist, use_shared_mnist_if_unset  # noqa: E402
from core.lab.inference import predict_proba  # noqa: E402
from core.lab.preprocess import canvas_to_mnist  # noqa: E402
from models.zoo import PRETRAINED_DIR, REGISTRY  # noqa: E402

SETS = {  # name → (seed, ranges for drawing_set)
    "usual": (7, {}),
    "small": (8, {"heights": (40, 80), "pens": (16, 24), "pen_share": 0.3}),
    "thick": (9, {"heights": (120, 250), "pens": (28, 40), "pen_share": 0.3}),
}


def prepared_sets(per_digit: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name → ((N, 28, 28) inputs prepared as the lab does, (N,) labels)."""
    data = load_mnist()
    out = {}
    for name, (seed, ranges) in SETS.items():
        drawings, labels = drawing_set(per_digit, seed=seed, mnist=(data.x_test, data.y_test), **ranges)
        out[name] = np.stack([canvas_to_mnist(d) for d in drawings]), labels
    return out


def weights_at(rev: str, folder: Path) -> Path:
    """models/pretrained/*.keras and *.json of a git revision, written into ``folder``."""
    for key in REGISTRY:
        for suffix in (".keras", ".json"):
            blob = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:models/pretrained/{key}{suffix}"],
                                  capture_output=True, check=False).stdout
            if blob:
                (folder / f"{key}{suffix}").write_bytes(blob)
    return folder


def score(folder: Path, key: str, sets) -> tuple[float | None, dict[str, float]] | None:
    """(recorded MNIST test accuracy, {set: accuracy, "all": accuracy}) of one model file, or None."""
    import keras

    path = folder / f"{key}.keras"
    if not path.is_file():
        return None
    model = keras.saving.load_model(path, compile=False)
    meta_path = folder / f"{key}.json"
    test = json.loads(meta_path.read_text())["test_accuracy"] if meta_path.is_file() else None
    right = {name: predict_proba(model, x).argmax(axis=1) == y for name, (x, y) in sets.items()}
    result = {name: float(hits.mean()) for name, hits in right.items()}
    result["all"] = float(np.concatenate(list(right.values())).mean())
    return test, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-digit", type=int, default=30, help="drawings per digit and kind in each set")
    parser.add_argument("--before-rev", help="also score the weights of this git revision")
    args = parser.parse_args()
    use_shared_mnist_if_unset()
    sets = prepared_sets(args.per_digit)
    sizes = ", ".join(f"{name} {len(y)}" for name, (_, y) in sets.items())
    print(f"synthetic canvas drawings prepared the lab's way: {sizes} (half templates, half re-drawn MNIST)\n")
    header = f"{'model':16} {'weights':8} {'MNIST test':>10} " + " ".join(f"{n:>7}" for n in [*SETS, "all"])
    print(header)
    print("-" * len(header))
    final = None
    with tempfile.TemporaryDirectory() as tmp:
        versions = [("now", PRETRAINED_DIR)]
        if args.before_rev:
            versions.insert(0, (args.before_rev[:8], weights_at(args.before_rev, Path(tmp))))
        for key in REGISTRY:
            for label, folder in versions:
                scored = score(folder, key, sets)
                if scored is None:
                    print(f"{key:16} {label:8} missing")
                    continue
                test, result = scored
                cells = " ".join(f"{100 * result[n]:6.1f}%" for n in [*SETS, "all"])
                print(f"{key:16} {label:8} {'' if test is None else f'{100 * test:9.2f}%':>10} {cells}")
                if key == "colab_cnn" and label == "now":
                    final = result["all"]
    print("colab_cnn accuracy on all synthetic drawings, %:")
    print("missing" if final is None else f"{100 * final:.1f}")


if __name__ == "__main__":
    main()
