"""How well the time box keeps its promise: wall time ÷ budget and the test accuracy reached.

For budgets of 30 and 60 s with colab_cnn and lenet5 (the class preset: Adam, batch 128), each
run goes through the studio's own path: submit to core.training.jobs with the budget; a Dask worker
builds the model, measures, chooses subset and epochs, trains, evaluates and predicts the test set.
``wall`` is the time box's own clock on the worker (built model → last test prediction, what the
budget promises); ``click`` runs from the submit to the model back in this process. The worst
ratio (wall ÷ budget) is printed last. The workers are started and warmed up before the first run.

    .venv/bin/python bench/time_box.py [--budgets 30 60] [--models colab_cnn lenet5]

Goal: every ratio within 0.85–1.15, and ≥ 98.5 % test accuracy within 60 s for the best preset.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz"
if "MNIST_PATH" not in os.environ and SHARED_MNIST.is_file():
    os.environ["MNIST_PATH"] = str(SHARED_MNIST)

from core.training import cluster, jobs, timebox, worker  # noqa: E402


def one_run(manager: jobs.JobManager, key: str, budget: float, overrides: dict) -> dict:
    config = dataclasses.replace(timebox.class_preset(key), **overrides)
    begun = time.perf_counter()
    manager.submit("bench", config, label=f"{key}-{budget:g}s", budget=budget)
    manager.wait_idle(timeout=budget * 4 + 120)
    click = time.perf_counter() - begun
    job = manager.take("bench")
    if job.error:
        raise RuntimeError(job.error)
    plan = job.plan
    wall = job.wall_seconds
    return {
        "key": key, "budget": budget, "wall": wall, "ratio": wall / budget, "click": click,
        "predicted": plan.predicted_seconds, "train_size": plan.train_size, "epochs": plan.epochs,
        "update_ms": plan.measurement.update_seconds * 1000, "measure_s": plan.measurement.spent_seconds,
        "train_s": job.result.wall_seconds, "accuracy": job.result.test_accuracy, "state": job.state,
        "epochs_done": job.result.samples_seen / job.config.split_sizes()[0],
        "cut": job.stop_reason == "time_box",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[30, 60])
    parser.add_argument("--models", nargs="+", default=["colab_cnn", "lenet5"])
    parser.add_argument("--batch-size", type=int, help="override the preset's batch size")
    parser.add_argument("--learning-rate", type=float, help="override the preset's learning rate")
    args = parser.parse_args()
    overrides = {}
    if args.batch_size:
        overrides["batch_size"] = args.batch_size
    if args.learning_rate:
        overrides["learning_rate"] = args.learning_rate

    local = cluster.Cluster(workers=1)
    local.client().submit(worker.warm_up, pure=False).result()  # a running studio's workers are warm
    manager = jobs.JobManager(max_running=1, cluster=local)
    print(f"cpu cores={os.cpu_count()}  load average={os.getloadavg()[0]:.2f}", flush=True)
    rows = []
    for budget in args.budgets:
        for key in args.models:
            row = one_run(manager, key, budget, overrides)
            rows.append(row)
            print(
                f"{row['key']:<10} budget={row['budget']:>4.0f}s wall={row['wall']:6.1f}s click={row['click']:6.1f}s "
                f"ratio={row['ratio']:.3f} predicted={row['predicted']:5.1f}s "
                f"chose {row['train_size']} images × {row['epochs']} epochs, did {row['epochs_done']:.2f}"
                f"{' (deadline cut)' if row['cut'] else ''} "
                f"(update {row['update_ms']:.1f} ms, measuring {row['measure_s']:.1f}s, train {row['train_s']:.1f}s) "
                f"test accuracy={row['accuracy'] * 100:.2f}% {row['state']}",
                flush=True,
            )
    manager.close()
    local.close()
    best60 = max((r for r in rows if r["budget"] <= 60), key=lambda r: r["accuracy"], default=None)
    if best60:
        print(f"best within 60 s: {best60['key']} {best60['accuracy'] * 100:.2f}% (goal ≥ 98.5 %)")
    worst = max(rows, key=lambda r: abs(r["ratio"] - 1))
    print(f"worst ratio={worst['ratio']:.3f} ({worst['key']}, {worst['budget']:.0f} s; goal 0.85–1.15)")


if __name__ == "__main__":
    main()
