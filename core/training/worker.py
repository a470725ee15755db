"""What runs on a Dask worker: one studio training from its settings to its trained model.

``run_job`` builds the model, runs the time box (measuring this worker), trains with
``core.training.engine.train``, predicts the test set, and returns plain results with the model
as .keras bytes; TensorFlow lives here, not in the Streamlit server. A ``Link`` is the job's
line to the server: progress goes out as Dask events on ``cluster.PROGRESS_TOPIC`` (at most
every ``SEND_EVERY`` seconds, with the curve points since the last one); stop and learning-rate
requests come in on ``cluster.CONTROL_TOPIC`` and are acknowledged at once.

A remote worker (``dask worker tcp://…``) needs this project's code importable (start it in
the project folder or with it on PYTHONPATH), the packages of requirements.txt, and MNIST
(MNIST_PATH, or Keras' cache ~/.keras/datasets/mnist.npz).
"""
from __future__ import annotations

import math
import os
import threading
import time

from distributed import get_client, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from core import data
from core.training import cluster, engine, jobs, studio, timebox

SEND_EVERY = 0.25  # seconds between progress messages of one job (epoch ends and phases go at once)
_LINKS: dict[str, "Link"] = {}  # job id → its link, in this worker process
_SUBSCRIBED: set[str] = set()  # ids of the clients of this process that listen to CONTROL_TOPIC
_SUBSCRIBE_LOCK = threading.Lock()


class Nice(WorkerPlugin):
    """Lower every thread of the worker to OS priority ``level`` (Linux nice is per thread; threads
    started later, TensorFlow's pools included, inherit it from the thread that starts them)."""

    name = "dojo-nice"

    def __init__(self, level: int):
        self.level = level

    def setup(self, worker) -> None:
        if not hasattr(os, "setpriority"):
            return
        tasks = "/proc/self/task"
        ids = [int(t) for t in os.listdir(tasks)] if os.path.isdir(tasks) else [0]
        for tid in ids:
            try:
                os.setpriority(os.PRIO_PROCESS, tid, max(self.level, os.getpriority(os.PRIO_PROCESS, tid)))
            except OSError:  # a thread that ended meanwhile
                pass


def _on_control(event) -> None:
    _, message = event
    link = _LINKS.get(message.get("job"))
    if link is not None:
        link.apply(message)


class Link:
    """A job's line to the server, on the worker: its ``engine.Control`` in, its progress out."""

    def __init__(self, job_id: str, every: float = SEND_EVERY):
        self.job_id = job_id
        self.every = every
        self.worker = get_worker()
        self.control = engine.Control()
        self.applied = 0  # sequence number of the last control message applied
        self.learning_rate: float | None = None  # the last rate asked for
        self.latest: engine.Progress | None = None
        self.points: list[list[float]] = []  # [step, epoch, recent loss, recent accuracy] since the last send
        self.epochs: list[dict] = []
        self.sent = 0.0

    def __enter__(self) -> "Link":
        _LINKS[self.job_id] = self
        client = get_client()
        with _SUBSCRIBE_LOCK:
            if client.id not in _SUBSCRIBED:
                client.subscribe_topic(cluster.CONTROL_TOPIC, _on_control)
                _SUBSCRIBED.add(client.id)
        return self

    def __exit__(self, *exc) -> None:
        _LINKS.pop(self.job_id, None)

    def send(self, kind: str, **values) -> None:
        self.worker.log_event(cluster.PROGRESS_TOPIC, {"job": self.job_id, "kind": kind, **values})

    def apply(self, message: dict) -> None:
        """A control message (the whole wanted state, numbered): stop, learning rate; acknowledged."""
        seq = message["seq"]
        if seq > self.applied:
            if message.get("stop"):
                self.control.request_stop()
            rate = message.get("learning_rate")
            if rate is not None and rate != self.learning_rate:
                self.control.set_learning_rate(rate)
                self.learning_rate = rate
            self.applied = seq
        self.send("ack", seq=self.applied)

    def progress(self, progress: engine.Progress) -> None:
        """The engine's on_progress: keep the curve point, send now and then (epoch ends at once)."""
        self.latest = progress
        if progress.phase == "batch":
            self.points.append([progress.step, progress.step / max(1, progress.batches_per_epoch),
                                progress.recent_loss, progress.recent_accuracy])
        elif progress.phase == "epoch":
            self.epochs.append({"epoch": progress.epoch, "loss": progress.loss, "accuracy": progress.accuracy,
                                "val_loss": progress.val_loss, "val_accuracy": progress.val_accuracy})
        if progress.phase != "batch" or time.monotonic() - self.sent >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.latest is None:
            return
        self.send("progress", progress=vars(self.latest).copy(), points=self.points, epochs=self.epochs)
        self.latest, self.points, self.epochs = None, [], []
        self.sent = time.monotonic()


def run_job(job_id: str, config: dict, budget: float | None = None) -> dict:
    """One studio training on this worker → {result (model-less TrainResult), config, plan, stop_reason,
    predictions, confidence, model_bytes, wall_seconds}. The clock starts once the model is built."""
    with Link(job_id) as link:
        link.send("started", worker=link.worker.address, pid=os.getpid())
        settings = engine.TrainConfig.from_dict(config)
        mnist = data.load_mnist()
        model = engine.build_model(settings)  # checks the settings first
        started = time.perf_counter()
        plan = deadline = stop_reason = None
        if budget:
            link.send("phase", phase="measuring")
            plan = timebox.plan(budget, settings, mnist, model=model)
            settings = timebox.planned_config(settings, plan)
            deadline = timebox.Deadline(plan, settings, started)
            link.send("plan", plan=plan.to_dict(), config=settings.to_dict())

        def report(progress):
            nonlocal stop_reason
            link.progress(progress)
            if deadline is not None and not link.control.stop_requested and deadline.should_stop(progress):
                stop_reason = "time_box"
                link.control.request_stop()
                link.send("time_box")

        # a stop that came while building or measuring still trains one batch (engine.train), so the
        # student gets a "stopped" run to keep or discard, as a stop during training gives
        result = engine.train(settings, mnist, on_progress=report, control=link.control, model=model)
        link.flush()
        if len(result.batch_history) > jobs.CURVE_POINTS:  # what travels back stays small
            result.batch_history = result.batch_history[:: math.ceil(len(result.batch_history) / jobs.CURVE_POINTS)]
        outcome = {"config": settings, "plan": plan, "stop_reason": stop_reason,
                   "predictions": None, "confidence": None, "model_bytes": None}
        if result.status != "diverged":
            link.send("phase", phase="predicting")
            outcome["predictions"], outcome["confidence"] = jobs.predict_test_set(result.model, mnist.x_test)
        outcome["wall_seconds"] = time.perf_counter() - started
        if result.status != "diverged":
            outcome["model_bytes"] = studio.keras_bytes(result)
        result.model = None
        outcome["result"] = result
        return outcome


def measure(config: dict, batches: int = 10) -> float:
    """Seconds per training update of ``config`` on this worker (the studio's "measure" button)."""
    return engine.measure_batch_seconds(engine.TrainConfig.from_dict(config), data.load_mnist(), batches=batches)


def warm_up() -> int:
    """Load TensorFlow and MNIST in this worker process; returns its pid."""
    import keras  # noqa: F401

    data.load_mnist()
    return os.getpid()
