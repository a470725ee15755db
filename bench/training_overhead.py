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

Two more modes measure the studio's path through Dask (core.training.jobs on worker processes):

``--dask``: on a LocalCluster of one worker, pairs of runs of the same epoch on that worker: a bare
``engine.train`` task vs a studio job (``worker.run_job``: progress events, control listening),
compared by Keras' fit time on the worker (``dask_ratio``); the progress messages and the server's
CPU per message; then ``--stops`` times on a long run: a learning-rate change and a stop, from the
call to the worker's acknowledgement, to the rate in use in a progress report, to the end of training
(the stop is honoured after the current batch) and to the result back in this process.

``--server-cpu``: the dashboard served on localhost (tests/browser serve_app) and 1 or 2 headless
Chromium tabs that each start a colab_cnn time box of ``--budget`` s on the studio page: the Streamlit
server process' CPU from the first click to the last result, and its child processes' (the Dask
workers). Then 1 or 2 runs of 120 s; while they train, window A of ``--window`` s with the tabs open
(each tab's fragment polls once a second) and window B with the tabs closed (no polls; the runs go on
within the 30 s grace): the server's CPU per poll is (A − B) / polls. Runs on the code before Dask
too (copy this file into that tree).
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz"
if "MNIST_PATH" not in os.environ and SHARED_MNIST.is_file():
    os.environ["MNIST_PATH"] = str(SHARED_MNIST)

from core import data
from core.training import engine  # noqa: E402


class StudioSink:
    """What the studio's job object does with progress: keep every report and the latest one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.points: list[dict] = []
        self.latest: engine.Progress | None = None
        self.cpu_at_last_report = 0.0

    def __call__(self, progress: engine.Progress) -> None:
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
    sink, control, box = StudioSink(), engine.Control(), {}
    cpu_begun = time.process_time()
    worker = threading.Thread(target=lambda: box.update(result=engine.train(config, mnist, sink, control, model)))
    worker.start()
    while worker.is_alive():
        sink.poll()
        worker.join(timeout=0.5)
    result = box["result"]
    assert result.status == "completed", result.status
    # The last report is "evaluating" (just before the test evaluation), so its CPU mark ends the engine.
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
    original = engine._engine_class
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

    engine._engine_class = timed_engine_class
    try:
        run = run_engine(config, mnist, model)
    finally:
        engine._engine_class = original
    print(f"accounting run: {run['seconds']:.2f} s, of which {spent[0] * 1000:.1f} ms in the engine's callbacks "
          f"(the studio sink included)", flush=True)
    return spent[0] / run["seconds"]


def bare_fit(config: dict) -> tuple[float, int]:
    """On a worker: one plain engine.train (no progress sink, no control) → (fit seconds, images)."""
    result = engine.train(engine.TrainConfig.from_dict(config), data.load_mnist())
    return result.fit_seconds, result.samples_seen


def wait(condition, timeout=120.0, every=0.001) -> float:
    """Seconds until ``condition()`` holds (polled every ``every`` s); raises after ``timeout``."""
    begun = time.perf_counter()
    while not condition():
        if time.perf_counter() - begun > timeout:
            raise TimeoutError("condition not reached")
        time.sleep(every)
    return time.perf_counter() - begun


def dask_path(args, config) -> None:
    """--dask: the studio's Dask path vs a bare run on the same worker; message costs; control latencies."""
    from core.training import cluster, jobs

    local = cluster.Cluster(workers=1)
    client = local.client()
    manager = jobs.JobManager(max_running=1, cluster=local)
    handled = {"count": 0, "cpu": 0.0}
    on_message = manager._on_message

    def timed(job, message):  # the server's work per message (in Dask's event-loop thread)
        begun = time.thread_time()
        on_message(job, message)
        handled["cpu"] += time.thread_time() - begun
        handled["count"] += 1

    manager._on_message = timed

    def studio_run(run_config) -> tuple[float, int, float]:
        cpu = time.process_time()
        manager.submit("bench", run_config, label="bench")
        manager.wait_idle(600)
        job = manager.take("bench")
        assert job.state == "completed", (job.state, job.error)
        return job.result.fit_seconds, job.result.samples_seen, time.process_time() - cpu

    warm = dataclasses.replace(config, train_size=10 * config.batch_size)
    client.submit(bare_fit, warm.to_dict(), pure=False).result()
    studio_run(warm)
    ratios, best = [], {"bare": math.inf, "studio": math.inf}
    handled.update(count=0, cpu=0.0)
    server_cpu = studio_seconds = 0.0
    for repeat in range(args.repeats):
        order = ("bare", "studio") if repeat % 2 == 0 else ("studio", "bare")
        pair = {}
        for path in order:
            if path == "bare":
                seconds, images = client.submit(bare_fit, config.to_dict(), pure=False).result()
            else:
                seconds, images, cpu = studio_run(config)
                server_cpu += cpu
                studio_seconds += seconds
            pair[path] = images / seconds
            best[path] = min(best[path], seconds / images)
            print(f"pair {repeat + 1} {path:6s}: fit {seconds:6.2f} s on the worker, {images / seconds:6.0f} images/s",
                  flush=True)
        ratios.append(pair["studio"] / pair["bare"])
    print("pair ratios (studio ÷ bare images/s): " + ", ".join(f"{r:.3f}" for r in ratios))
    print(f"dask_ratio={best['bare'] / best['studio']:.3f} (fastest of each path; goal ≥ 0.95)")
    count = max(1, handled["count"])
    print(f"messages={handled['count']} over {args.repeats} studio runs; server CPU per message "
          f"{handled['cpu'] / count * 1e6:.0f} µs; this process' CPU during the studio runs "
          f"{server_cpu / max(studio_seconds, 1e-9) * 100:.1f} % of one core (client, scheduler, handlers)")

    long = dataclasses.replace(config, epochs=500, train_size=2000, progress_every=1)
    rows = []
    for _ in range(args.stops):
        manager.submit("stop", long, label="stop")
        job = manager._jobs["stop"]
        wait(lambda: job.progress is not None and job.progress.step >= 5, timeout=300, every=0.01)
        rate = 0.0005 if job.control["learning_rate"] != 0.0005 else 0.001
        manager.set_learning_rate("stop", rate)
        lr_ack = wait(lambda: job.acked >= job.control["seq"])
        lr_used = wait(lambda: job.progress.learning_rate == rate) + lr_ack
        manager.stop("stop")
        stop_ack = wait(lambda: job.acked >= job.control["seq"])
        trained = wait(lambda: job.phase != "training") + stop_ack
        back = wait(lambda: job.state != "running", timeout=300) + trained
        rows.append((lr_ack, lr_used, stop_ack, trained, back))
        print(f"learning rate: acknowledged {lr_ack * 1000:.0f} ms, in a report {lr_used * 1000:.0f} ms; stop: "
              f"acknowledged {stop_ack * 1000:.0f} ms, training over {trained * 1000:.0f} ms, "
              f"result back {back:.2f} s", flush=True)
        manager.take("stop")
    if rows:
        medians = [statistics.median(column) for column in zip(*rows)]
        print(f"median: learning rate acknowledged {medians[0] * 1000:.0f} ms, in use {medians[1] * 1000:.0f} ms; "
              f"stop acknowledged {medians[2] * 1000:.0f} ms, training over {medians[3] * 1000:.0f} ms, "
              f"result back {medians[4]:.2f} s")
    local.close()


def cpu_seconds(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def cpu_window(server, seconds: float) -> tuple[float, float]:
    """(server CPU s, its child processes' CPU s) over ``seconds`` of wall time."""
    import psutil

    children = server.children(recursive=True)
    before = cpu_seconds(server), {c.pid: cpu_seconds(c) for c in children}
    time.sleep(seconds)
    spent = cpu_seconds(server) - before[0]
    kids = 0.0
    for child in children:
        try:
            kids += cpu_seconds(child) - before[1][child.pid]
        except psutil.NoSuchProcess:
            pass
    return spent, kids


def start_in_tab(browser, url: str, budget: int):
    """A fresh session on the studio page (English) that starts a colab_cnn time box of ``budget`` s."""
    from bench.harness.browser import choose_language, wait_for_app

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(url)
    wait_for_app(page)
    page.locator("a[href$='training_studio']").first.click()
    page.get_by_role("heading", name="トレーニングスタジオ").wait_for(timeout=120_000)
    wait_for_app(page)
    choose_language(page, "English")
    page.get_by_text(f"{budget} s", exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Start training").click()
    page.get_by_role("heading", name="Live").wait_for(timeout=120_000)
    return context, page


def server_cpu(args) -> None:
    """--server-cpu: the Streamlit server's CPU while 1 or 2 studio trainings run, and per fragment poll."""
    import psutil
    from playwright.sync_api import sync_playwright

    from bench.dashboard import running_dashboard
    from bench.harness.browser import launch_chromium

    training = re.compile(r"^Epoch \d+/\d+ · batch")  # the live bar once training (not measuring) runs
    with running_dashboard() as (url, pid), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        server = psutil.Process(pid)
        for count in args.trainings:
            # 1. whole runs: from the first click to the last result
            server_before, kids = cpu_seconds(server), server.children(recursive=True)
            kids_before = sum(cpu_seconds(k) for k in kids)
            begun = time.perf_counter()
            tabs = [start_in_tab(browser, url, args.budget) for _ in range(count)]
            for index, (_, page) in enumerate(tabs, 1):
                page.get_by_role("heading", name=re.compile(r"^Result of #1")).wait_for(timeout=600_000)
            wall = time.perf_counter() - begun
            spent = cpu_seconds(server) - server_before
            kids_spent = sum(cpu_seconds(k) for k in server.children(recursive=True)) - kids_before
            print(f"{count} × {args.budget} s time box: {wall:.0f} s from the first click to the last result; "
                  f"server CPU {spent:.1f} s = {spent / wall * 100:.0f} % of a core; child processes "
                  f"(Dask workers) {kids_spent:.1f} s", flush=True)
            for context, _ in tabs:
                context.close()
            # 2. per poll: long runs, window A with the tabs polling, window B with the tabs closed
            tabs = [start_in_tab(browser, url, 120) for _ in range(count)]
            for _, page in tabs:
                page.get_by_text(training).first.wait_for(timeout=600_000)
            polled, workers_a = cpu_window(server, args.window)
            for context, _ in tabs:
                context.close()
            quiet, workers_b = cpu_window(server, args.window)
            polls = count * args.window  # each tab's fragment runs once a second
            print(f"{count} training(s) of 120 s: server CPU {polled / args.window * 100:.1f} % of a core with "
                  f"the tabs polling, {quiet / args.window * 100:.1f} % with them closed; per poll "
                  f"{(polled - quiet) / polls * 1000:.1f} ms; child processes {workers_a / args.window * 100:.0f} % / "
                  f"{workers_b / args.window * 100:.0f} %", flush=True)
            time.sleep(35)  # the janitor stops the runs of the closed tabs after its 30 s grace
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", default="colab_cnn")
    parser.add_argument("--train-size", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=4, help="pairs of runs (one bare, one engine)")
    parser.add_argument("--every", type=int, default=20, help="batches between progress reports")
    parser.add_argument("--dask", action="store_true", help="the studio's Dask path instead of threads")
    parser.add_argument("--stops", type=int, default=5, help="--dask: learning-rate changes and stops timed")
    parser.add_argument("--server-cpu", action="store_true", help="the Streamlit server's CPU while trainings run")
    parser.add_argument("--trainings", type=int, nargs="+", default=[1, 2], help="--server-cpu: runs at once")
    parser.add_argument("--budget", type=int, default=30, choices=(30, 60, 120, 300), help="--server-cpu: time box")
    parser.add_argument("--window", type=float, default=15.0, help="--server-cpu: seconds per window")
    args = parser.parse_args()
    if args.server_cpu:
        server_cpu(args)
        return

    mnist = data.load_mnist()
    document = engine.TrainConfig.document(args.key)
    config = engine.TrainConfig(
        key=args.key, epochs=1, batch_size=args.batch_size, optimizer=document.optimizer,
        learning_rate=document.learning_rate, train_size=args.train_size, validation_split=0.0,
        progress_every=args.every,
    )
    if args.dask:
        dask_path(args, config)
        return
    model = engine.build_model(config)
    x, y, _, _ = engine.split_data(config, mnist)
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
        bare, studio = runs["bare"][-1], runs["engine"][-1]
        pair_ratios.append((studio["images"] / studio["seconds"]) / (bare["images"] / bare["seconds"]))

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
