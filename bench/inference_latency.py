"""Latency of one drawing → answer, per pretrained model: our path next to Keras' two ways.

Our path: core.lab.preprocess.canvas_to_mnist + core.lab.inference.predict_proba
(``model.predict_on_batch``: one compiled step). Compared on the same prepared input with:
- ``model(x, training=False)``: a direct call, what Keras advises for one sample or a few
  (it runs the layers eagerly; converting the answer to numpy included);
- ``model.predict(x)``: what the documents use (a data pipeline per call, meant for batches).
All in one run, on the same synthetic canvas drawings (bench/harness/drawings.py), p50/p95 in ms.
Also: accuracy on those drawings, prepared the MNIST way vs the naive whole-canvas resize.

    .venv/bin/python bench/inference_latency.py [--repeats 200]

The last line is the colab_cnn p95 of our path in ms (goal ≤ 10 ms, ≥ 5× faster than predict).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.harness.drawings import drawing_set  # noqa: E402
from core.data import load_mnist, use_shared_mnist_if_unset  # noqa: E402
from core.lab.inference import ModelUnavailable, load_pretrained, predict_proba  # noqa: E402
from core.lab.preprocess import canvas_to_mnist, naive_resize  # noqa: E402
from models.zoo import REGISTRY  # noqa: E402


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """(p50, p95) in ms."""
    ms = np.array(seconds) * 1000.0
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def time_ours(model, drawings: np.ndarray, repeats: int) -> list[float]:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        predict_proba(model, canvas_to_mnist(drawings[i % len(drawings)])[np.newaxis])
        times.append(time.perf_counter() - start)
    return times


def time_call(model, drawings: np.ndarray, repeats: int) -> list[float]:
    """``model(x, training=False)`` on the prepared drawing, answer as numpy (as the page needs it)."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        np.asarray(model(canvas_to_mnist(drawings[i % len(drawings)])[np.newaxis, ..., np.newaxis], training=False))
        times.append(time.perf_counter() - start)
    return times


def time_predict(model, drawings: np.ndarray, repeats: int) -> list[float]:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        model.predict(canvas_to_mnist(drawings[i % len(drawings)])[np.newaxis, ..., np.newaxis], verbose=0)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200, help="timed drawings per model (our path)")
    parser.add_argument("--per-digit", type=int, default=20, help="synthetic drawings per digit and family")
    args = parser.parse_args()

    use_shared_mnist_if_unset()
    mnist = None
    try:
        data = load_mnist()
        mnist = (data.x_test, data.y_test)
    except Exception as exc:  # noqa: BLE001 - the template drawings alone still measure something
        print(f"(no MNIST: {exc}; template drawings only)")
    drawings, labels = drawing_set(args.per_digit, seed=2024, mnist=mnist)
    mnist_way = np.stack([canvas_to_mnist(d) for d in drawings])
    naive_way = np.stack([naive_resize(d) for d in drawings])
    half = args.per_digit * 10
    print(f"{len(drawings)} synthetic drawings ({half} from pen-stroke templates, "
          f"{len(drawings) - half} re-drawn MNIST test digits)\n")

    header = (f"{'model':16} {'acc MNIST way':>13} {'acc naive':>9} | {'ours p50':>8} {'ours p95':>8} "
              f"| {'call p50':>8} {'call p95':>8} | {'predict p50':>11} {'predict p95':>11} "
              f"| {'÷ call p50':>10} {'÷ predict p50':>13}")
    print(header)
    print("-" * len(header))
    final = None
    for key in REGISTRY:
        try:
            model = load_pretrained(key)
        except ModelUnavailable as exc:
            print(f"{key:16} unavailable ({exc.detail})")
            continue
        ours = percentiles(time_ours(model, drawings, args.repeats))
        call = percentiles(time_call(model, drawings, args.repeats))
        baseline = percentiles(time_predict(model, drawings, max(20, args.repeats // 5)))
        right = predict_proba(model, mnist_way).argmax(axis=1) == labels
        naive = predict_proba(model, naive_way).argmax(axis=1) == labels
        print(f"{key:16} {right.mean():13.1%} {naive.mean():9.1%} | {ours[0]:6.2f}ms {ours[1]:6.2f}ms "
              f"| {call[0]:6.2f}ms {call[1]:6.2f}ms | {baseline[0]:9.2f}ms {baseline[1]:9.2f}ms "
              f"| {call[0] / ours[0]:9.1f}× {baseline[0] / ours[0]:12.1f}×")
        if key == "colab_cnn":
            final = ours[1]
            predicted = predict_proba(model, mnist_way).argmax(axis=1)
            pairs = sorted({(int(t), int(p)) for t, p in zip(labels, predicted) if t != p},
                           key=lambda tp: -int(((labels == tp[0]) & (predicted == tp[1])).sum()))
            misread = ", ".join(f"{t}→{p} ×{int(((labels == t) & (predicted == p)).sum())}" for t, p in pairs[:6])
            per_family = f"templates {right[:half].mean():.1%} (naive {naive[:half].mean():.1%})"
            if len(drawings) > half:
                per_family += f", re-drawn MNIST {right[half:].mean():.1%} (naive {naive[half:].mean():.1%})"
    if final is None:
        print("colab_cnn unavailable")
        sys.exit(1)
    print(f"\ncolab_cnn accuracy on drawings, MNIST way: {per_family}")
    print(f"colab_cnn misreadings (true→read): {misread or 'none'}")
    print("colab_cnn p95 (canvas_to_mnist + predict_proba), ms:")
    print(f"{final:.2f}")


if __name__ == "__main__":
    main()
