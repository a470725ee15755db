"""Training throughput of the engine (the studio's live path) divided by a bare ``model.fit``.

    MNIST_PATH=../shared/data/mnist.npz .venv/bin/python bench/training_overhead.py [--key colab_cnn]
        [--train-size 20000] [--batch-size 128] [--repeats 4] [--every 20]

One model, one data subset, one batch size, one process. After a warm-up (both paths traced),
the two paths alternate in pairs (bare→engine, engine→bare, …) so that a slow spell of the
shared machine hits both alike. Each measured run is one epoch over the same subset:

* bare:   ``model.fit(x, y, batch_size, epochs=1, verbose=0)`` timed around the call;
* engine: ``core.training.engine.train(config, mnist, on_progress, control, model)`` in a worker thread,
  as the studio runs it, with a callback that does what the studio does (store every progress
  report and the latest one under a lock) while the main thread polls it twice a second (the
  page's fragment). Timed as the run's wall time minus its final test evaluation, so the
  subset preparation and every callback count against the engine.

Printed: each run; ``sum_ratio`` (engine images/s ÷ bare images/s over all runs);
``median_pair_ratio``; ``cpu_ratio`` (with this process's CPU seconds instead of wall seconds);
and ``engine_share``: the fraction of the engine's training time spent in its own code rather than
in Keras' fit loop: the callbacks with the studio sink (timed in one extra run) plus the time
outside fit (the data subset; median over the engine runs). The last line, ``ratio``, compares the fastest run of each path
(best of N, as ``timeit`` advises): other people's jobs on this shared 2-core machine only ever
add time, and single runs of the same work vary up to 2× here. Goal: ratio ≥ 0.95.
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import data
from core.training import engine as training  # noqa: E402


class StudioSink:
    """What the studio's job object does with progress: keep every report and the latest one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.points: list[dict] = []
        self.latest: training.Progress | None = None
        self.cpu_at_last_report = 0.0

    def __call__(self, progress: training.Progress) -> None:
        with self.lock:
            self.latest = progress
            self.points.append(progress.to_point())
            self.cpu_at_last_report = time.process_time()  # bench only: CPU time up to the test evaluation

    def poll(self) -> float | None:
        """The page's fragment: read the latest report (what it would draw)."""
        with self.lock:
            return None if self.latest is None else self.latest.fraction


def run_engine(config, mnist, model) -> dict:
    """One engine run in a worker thread: seconds, CPU seconds, images, reports, the result."""
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
    return {
        "seconds": result.wall_seconds - result.test_seconds,
        "cpu": sink.cpu_at_last_report - cpu_begun,
        "images": result.samples_seen,
        "reports": len(sink.points),
        "result": result,
    }


def run_bare(config, x, y, model) -> dict:
    """One bare model.fit epoch: seconds, CPU seconds, images."""
    begun, cpu_begun = time.perf_counter(), time.process_time()
    model.fit(x, y, batch_size=config.batch_size, epochs=1, shuffle=True, verbose=0)
    return {"seconds": time.perf_counter() - begun, "cpu": time.process_time() - cpu_begun, "images": len(x)}


def callback_share(config, mnist, model) -> float:
    """The callbacks' share of the engine's training time, from one extra run whose hooks are timed."""
    original = training._engine_class
    spent = [0.0]

    def timed(hook):
        def wrapper(self, *args, **kwargs):
            begun = time.perf_counter()
            try:
                return hook(self, *args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - begun
        return wrapper

    def timed_engine_class():
        base = original()
        hooks = ("on_epoch_begin", "on_train_batch_begin", "on_train_batch_end", "on_epoch_end")
        return type("TimedEngine", (base,), {name: timed(getattr(base, name)) for name in hooks})

    training._engine_class = timed_engine_class
    try:
        run = run_engine(config, mnist, model)
    finally:
        training._engine_class = original
    print(f"accounting run: {run['seconds']:.2f} s, of which {spent[0] * 1000:.1f} ms in the engine's callbacks "
          f"(the studio sink included)", flush=True)
    return spent[0] / run["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", default="colab_cnn")
    parser.add_argument("--train-size", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=4, help="pairs of runs (one bare, one engine)")
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
          f"progress every {config.progress_every} batches, {args.repeats} pairs", flush=True)

    # Warm-up: trace the training and evaluation functions of this model for both paths.
    warm = dataclasses.replace(config, train_size=10 * config.batch_size)
    run_bare(warm, x[: warm.train_size], y[: warm.train_size], model)
    run_engine(warm, mnist, model)

    runs = {"bare": [], "engine": []}
    pair_ratios = []
    for repeat in range(args.repeats):
        order = ("bare", "engine") if repeat % 2 == 0 else ("engine", "bare")
        for path in order:
            run = run_bare(config, x, y, model) if path == "bare" else run_engine(config, mnist, model)
            runs[path].append(run)
            extra = f", {run['reports']} progress reports" if path == "engine" else ""
            print(f"pair {repeat + 1} {path:6s}: {run['seconds']:6.2f} s ({run['cpu']:6.2f} CPU s), "
                  f"{run['images'] / run['seconds']:6.0f} images/s{extra}", flush=True)
        bare, engine = runs["bare"][-1], runs["engine"][-1]
        pair_ratios.append((engine["images"] / engine["seconds"]) / (bare["images"] / bare["seconds"]))

    # The engine's own code: its callbacks, plus what it does outside fit (the data subset, checks).
    outside_fit = [run["seconds"] - run["result"].fit_seconds for run in runs["engine"]]
    outside_share = statistics.median(o / run["seconds"] for o, run in zip(outside_fit, runs["engine"]))
    print("data preparation (outside fit): " + ", ".join(f"{o * 1000:.0f} ms" for o in outside_fit))
    share = callback_share(config, mnist, model) + outside_share

    def total(path, what):
        return sum(run[what] for run in runs[path])

    sum_ratio = (total("engine", "images") / total("engine", "seconds")) / (total("bare", "images") / total("bare", "seconds"))
    cpu_ratio = (total("bare", "cpu") / total("bare", "images")) / (total("engine", "cpu") / total("engine", "images"))
    best = {path: min(run["seconds"] / run["images"] for run in runs[path]) for path in runs}
    print("pair ratios: " + ", ".join(f"{r:.3f}" for r in pair_ratios))
    print(f"sum_ratio={sum_ratio:.3f} median_pair_ratio={statistics.median(pair_ratios):.3f} "
          f"cpu_ratio={cpu_ratio:.3f}")
    print(f"engine_share={share:.4f} (the engine's own code; ratio {1 - share:.3f} without noise)")
    print(f"best runs: bare {1 / best['bare']:.0f} images/s, engine {1 / best['engine']:.0f} images/s")
    print(f"ratio={best['bare'] / best['engine']:.3f}")


if __name__ == "__main__":
    main()
