"""Training throughput of the engine (the studio's live path) divided by a bare ``model.fit``.

    MNIST_PATH=../shared/data/mnist.npz .venv/bin/python bench/training_overhead.py [--key colab_cnn]
        [--train-size 20000] [--batch-size 128] [--repeats 2] [--every 20]

One model, one data subset, one batch size, one process. After a warm-up (both paths traced),
the two paths alternate (bare, engine, engine, bare, …) so that a slow spell of the shared
machine hits both alike. Each measured run is one epoch over the same subset:

* bare:   ``model.fit(x, y, batch_size, epochs=1, verbose=0)`` timed around the call;
* engine: ``core.training.train(config, mnist, on_progress, control, model)`` in a worker thread,
  as the studio runs it, with a callback that does what the studio does (store every progress
  report and the latest one under a lock) while the main thread polls it twice a second (the
  page's fragment). Timed as the run's wall time minus its final test evaluation, so the
  subset preparation and every callback count against the engine.

ratio = engine images/s ÷ bare images/s over all repeats (summed times); the goal is ≥ 0.95.
cpu_ratio is the same with this process's CPU seconds instead of wall seconds: on a machine shared
with other jobs it is the steadier of the two (wall times of single runs vary up to 2× here).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import data, training  # noqa: E402


class StudioSink:
    """What the studio's job object does with progress: keep every report and the latest one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.points: list[dict] = []
        self.latest: training.Progress | None = None

    def __call__(self, progress: training.Progress) -> None:
        with self.lock:
            self.latest = progress
            self.points.append(progress.to_point())
            self.cpu_at_last_report = time.process_time()  # bench only: CPU time up to the test evaluation

    def poll(self) -> float | None:
        """The page's fragment: read the latest report (what it would draw)."""
        with self.lock:
            return None if self.latest is None else self.latest.fraction


def run_engine(config, mnist, model) -> tuple[float, float, int, int]:
    """(seconds, CPU seconds, images trained, progress reports) of one engine run in a worker thread."""
    sink, control, box = StudioSink(), training.Control(), {}
    cpu_begun = time.process_time()
    worker = threading.Thread(target=lambda: box.update(result=training.train(config, mnist, sink, control, model)))
    worker.start()
    while worker.is_alive():
        sink.poll()
        worker.join(timeout=0.5)
    result = box["result"]
    assert result.status == "completed", result.status
    # The last report is "evaluating" (just before the test evaluation), so its CPU mark ends the training.
    cpu = sink.cpu_at_last_report - cpu_begun
    return result.wall_seconds - result.test_seconds, cpu, result.samples_seen, len(sink.points)


def run_bare(config, x, y, model) -> tuple[float, float, int]:
    """(seconds, CPU seconds, images trained) of one bare model.fit epoch."""
    begun, cpu_begun = time.perf_counter(), time.process_time()
    model.fit(x, y, batch_size=config.batch_size, epochs=1, shuffle=True, verbose=0)
    return time.perf_counter() - begun, time.process_time() - cpu_begun, len(x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", default="colab_cnn")
    parser.add_argument("--train-size", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--every", type=int, default=20, help="batches between progress reports")
    args = parser.parse_args()

    mnist = data.load_mnist()
    document = training.TrainConfig.document(args.key)
    config = training.TrainConfig(
        key=args.key, epochs=1, batch_size=args.batch_size, optimizer=document.optimizer,
        learning_rate=document.learning_rate, train_size=args.train_size, validation_split=0.0,
        progress_every=args.every,
    )
    model = training.build_model(config)
    x, y, _, _ = training.split_data(config, mnist)
    print(f"{args.key}: {len(x)} images, batch {config.batch_size} ({config.batches_per_epoch()} batches), "
          f"progress every {config.progress_every} batches, {args.repeats} repeats", flush=True)

    # Warm-up: trace the training and evaluation functions of this model for both paths.
    warm = dataclasses.replace(config, train_size=10 * config.batch_size)
    run_bare(warm, x[: warm.train_size], y[: warm.train_size], model)
    run_engine(warm, mnist, model)

    totals = {"bare": [0.0, 0.0, 0], "engine": [0.0, 0.0, 0]}  # seconds, CPU seconds, images
    for repeat in range(args.repeats):
        order = ("bare", "engine") if repeat % 2 == 0 else ("engine", "bare")
        for path in order:
            if path == "bare":
                seconds, cpu, images = run_bare(config, x, y, model)
                extra = ""
            else:
                seconds, cpu, images, reports = run_engine(config, mnist, model)
                extra = f", {reports} progress reports"
            for i, value in enumerate((seconds, cpu, images)):
                totals[path][i] += value
            print(f"repeat {repeat + 1} {path:6s}: {seconds:6.2f} s ({cpu:6.2f} CPU s), "
                  f"{images / seconds:6.0f} images/s{extra}", flush=True)

    (bare_s, bare_cpu, bare_n), (engine_s, engine_cpu, engine_n) = totals["bare"], totals["engine"]
    print(f"bare {bare_n / bare_s:.0f} images/s, engine {engine_n / engine_s:.0f} images/s")
    # CPU time per image is less disturbed by other people's jobs on a shared machine than wall time.
    print(f"cpu_ratio={(bare_cpu / bare_n) / (engine_cpu / engine_n):.3f} (bare CPU s per image ÷ engine's)")
    print(f"ratio={(engine_n / engine_s) / (bare_n / bare_s):.3f}")


if __name__ == "__main__":
    main()
