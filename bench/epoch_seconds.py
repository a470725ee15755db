"""Seconds per full MNIST epoch (60,000 images) of each seed CNN with its document's batch size.

    .venv/bin/python bench/epoch_seconds.py [--write]

Times `model.fit` on 12,000 images after a warm-up epoch and scales to 60,000. With --write the
figure replaces `seconds_per_epoch` in models/pretrained/<key>.json (shown on the home page), since
the figure recorded while pretraining includes whatever else the machine was doing then.
The training studio divides this figure by 60,000 for its time estimate (core.training.studio).
MNIST: MNIST_PATH, else ../shared/data/mnist.npz beside the checkout.
"""
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import data  # noqa: E402
from models import zoo  # noqa: E402

SAMPLE = 12_000


def seconds_per_epoch(key: str, x, y) -> float:
    settings = zoo.REGISTRY[key].defaults
    model = zoo.compile_model(zoo.build(key), settings.optimizer, settings.learning_rate)
    model.fit(x[:settings.batch_size * 4], y[:settings.batch_size * 4], batch_size=settings.batch_size, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=settings.batch_size, epochs=1, verbose=0)
    return (time.perf_counter() - start) * 60_000 / len(x)


def write_figure(key: str, seconds: float) -> None:
    path = zoo.PRETRAINED_DIR / f"{key}.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["seconds_per_epoch"] = round(seconds, 1)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(meta, out, ensure_ascii=False, indent=2)
    os.replace(tmp, path)


def main() -> None:
    data.use_shared_mnist_if_unset()
    mnist = data.load_mnist()
    x, y = data.normalise(mnist.x_train[:SAMPLE]), data.one_hot(mnist.y_train[:SAMPLE])
    for key in zoo.REGISTRY:
        seconds = seconds_per_epoch(key, x, y)
        print(f"{key}: {seconds:.1f} s per 60,000-image epoch (batch {zoo.REGISTRY[key].defaults.batch_size})", flush=True)
        if "--write" in sys.argv:
            write_figure(key, seconds)


if __name__ == "__main__":
    main()
