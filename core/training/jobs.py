"""Background training for the whole server: at most K runs at once, the rest wait in line.

One job per browser session, keyed by Streamlit's session id. A job waits in a first-in,
first-out queue until one of the K slots is free, then runs as a Dask task
(``core.training.worker.run_job``) on a worker process of ``core.training.cluster``: the model is
built, trained and evaluated there, so TensorFlow's per-batch Python never holds this server's
GIL. Progress comes back as Dask events and is kept here; the page polls
``manager.poll(session_id)`` from a fragment and reads a copy (``JobView``). Stop and the live
learning-rate change go out as numbered control messages that carry the whole wanted state; a
message the worker has not acknowledged within ``RESEND_AFTER`` seconds is sent again (the worker
may not be listening yet). The trained model comes back as .keras bytes and is loaded here for
the lab pages. Nothing here imports Streamlit.

A worker that dies mid-run ends its job as failed with ``error_key = "worker_lost"`` and frees
the slot: the scheduler's "remove-worker" event names the task (on any cluster, which might
otherwise re-run it elsewhere from the start), and the local cluster's scheduler fails it too.

A closed tab has no reliable "on close" hook in Streamlit, so a janitor thread asks a
``liveness(session_id)`` function (the page passes one that asks Streamlit's runtime whether
the session's websocket is still connected). A session gone for ``grace`` seconds has its job
stopped (or taken out of the queue) and its results dropped. When liveness is unknown (tests,
AppTest), a job nobody polled for ``idle_timeout`` seconds is treated the same way.

Memory per job is bounded: the batch curve keeps at most ``CURVE_POINTS`` points (thinned as it
grows), test predictions are kept as one byte per image, and the model as one of the registry's.
"""
from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from core.training import cluster as dask_cluster
from core.training.cluster import max_trainings_setting  # noqa: F401  (K, as the page and tests ask it here)
from core.training.engine import ConfigError, Progress, TrainConfig

LOG = logging.getLogger(__name__)
CURVE_POINTS = 300
ACTIVE = ("queued", "running")
DEFAULT_GRACE = 30.0  # seconds a session may be disconnected (a network blip) before its job stops
DEFAULT_IDLE = 20 * 60.0  # seconds without a poll, when liveness is unknown
RESEND_AFTER = 1.0  # seconds before an unacknowledged control message is sent again
MEASURE_TIMEOUT = 60.0  # seconds the "measure" button waits for a worker


class JobActive(RuntimeError):
    """This session already has a job waiting or training."""


class ClusterBusy(RuntimeError):
    """No worker was free to measure within the time allowed."""


class Curve:
    """Batch-level points, thinned so that at most ``limit`` are kept however long the run.

    Every ``stride``-th point is kept; when the list is full, every other point is dropped and
    the stride doubles, so the curve stays evenly spread over the whole run.
    """

    def __init__(self, limit: int = CURVE_POINTS):
        self.limit = limit
        self.stride = 1
        self.points: list[dict] = []
        self._seen = 0

    def add(self, point: dict) -> None:
        if self._seen % self.stride == 0:
            self.points.append(point)
            if len(self.points) > self.limit:
                self.points = self.points[::2]
                self.stride *= 2
        self._seen += 1


@dataclass
class Job:
    """One training request and everything the page needs to show about it."""

    session_id: str
    config: TrainConfig  # the planned one once a time box has chosen subset and epochs
    label: str
    budget: float | None = None  # time box in seconds (subset and epochs chosen on the worker)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    state: str = "queued"  # queued → running → completed | stopped | diverged | failed | cancelled
    phase: str = "queued"  # queued, starting, measuring, training, evaluating (test), predicting, receiving, done
    progress: Progress | None = None  # the latest report of the engine
    curve: Curve = field(default_factory=Curve)
    epochs: list = field(default_factory=list)  # one dict per finished epoch
    lr_changes: list = field(default_factory=list)  # (batch seen so far, new learning rate)
    plan: object = None  # core.training.timebox.Plan when a time box chose the settings
    result: object = None  # core.training.engine.TrainResult, its model loaded in this process
    model_bytes: bytes | None = None  # the trained model as a .keras file (no optimizer state)
    predictions: np.ndarray | None = None  # (10000,) uint8 predicted test labels
    confidence: np.ndarray | None = None  # (10000,) float16 probability of the predicted label
    error: str | None = None
    error_key: str | None = None  # "worker_lost", "cluster_unavailable" (locales training_studio)
    stop_reason: str | None = None  # "student", "session_closed", "idle", "time_box"
    wall_seconds: float | None = None  # on the worker: from the built model (time box measuring included) to the last prediction
    started: float | None = None
    finished: float | None = None
    last_seen: float = field(default_factory=time.monotonic)
    gone_since: float | None = None
    # the line to the worker
    future: object = None  # the Dask future while it runs
    worker: str | None = None  # address of the worker running it
    pid: int | None = None  # its process id
    control: dict = field(default_factory=lambda: {"seq": 0, "stop": False, "learning_rate": None})
    acked: int = 0  # the last control message the worker acknowledged
    sent_at: float = 0.0  # time.monotonic() of the last control message sent


@dataclass(frozen=True)
class JobView:
    """A copy of a job for the page, taken under the manager's lock."""

    id: str
    label: str
    state: str
    phase: str
    position: int | None  # 1-based place in the queue while waiting
    queue_length: int
    running: int
    max_running: int
    config: object
    progress: object
    curve: list
    epochs: list
    lr_changes: list
    plan: object
    result: object
    predictions: np.ndarray | None
    confidence: np.ndarray | None
    error: str | None
    error_key: str | None
    stop_reason: str | None
    budget: float | None
    started: float | None
    finished: float | None
    wall_seconds: float | None
    worker: str | None  # address of the Dask worker running it, and its process id
    pid: int | None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


def predict_test_set(model, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Predicted label (uint8) and its probability (float16) for every test image (N, 28, 28) uint8."""
    from core.lab import explain

    proba = explain.predict_all(model, x_test)
    return proba.argmax(axis=1).astype(np.uint8), proba.max(axis=1).astype(np.float16)


_LOAD_LOCK = threading.Lock()


def load_model(blob: bytes):
    """A .keras file's bytes → the Keras model (uncompiled), one at a time in this process.

    The first call imports TensorFlow here (two runs coming back at once must not import it twice)
    and then exempts what it loaded from the cyclic garbage collector, as the lab does
    (core.streamlit_patches.freeze_after_imports); later models stay collectable.
    """
    import os
    import sys
    import tempfile

    with _LOAD_LOCK:
        first = "keras" not in sys.modules
        import keras

        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "model.keras")
            with open(path, "wb") as out:
                out.write(blob)
            model = keras.saving.load_model(path, compile=False)
        if first:
            from core import streamlit_patches

            streamlit_patches.freeze_after_imports()
        return model


def _steps(progress) -> int:
    """Updates done so far in the run (epochs and batches count from 1)."""
    if progress is None:
        return 0
    return (progress.epoch - 1) * progress.batches_per_epoch + progress.batch


def _lost_worker(exc: BaseException) -> bool:
    """Did the run end because its worker (or the whole cluster) went away?"""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    return isinstance(exc, (KilledWorker, CancelledError))


class JobManager:
    """The server-wide queue: ``submit`` → waits → trains on a Dask worker → ``take`` the result."""

    def __init__(
        self,
        max_running: int | None = None,
        liveness: Callable[[str], bool | None] | None = None,
        grace: float = DEFAULT_GRACE,
        idle_timeout: float = DEFAULT_IDLE,
        check_every: float = 1.0,
        cluster: dask_cluster.Cluster | None = None,
        task: Callable | None = None,
    ):
        self.max_running = max_running or max_trainings_setting()
        self.liveness = liveness
        self.grace = grace
        self.idle_timeout = idle_timeout
        self.check_every = check_every
        self.cluster = cluster or dask_cluster.shared()
        self._task = task  # what runs on the worker (default core.training.worker.run_job)
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}  # session id → its latest job
        self._queue: deque[Job] = deque()
        self._running: set[str] = set()  # ids of the jobs holding a slot
        self._janitor: threading.Thread | None = None
        self._closed = threading.Event()

    # --- what the page calls -------------------------------------------------------------
    def submit(self, session_id: str, config: TrainConfig, label: str, budget: float | None = None) -> str:
        """Queue a training for this session; returns the job id. Raises JobActive if one is on."""
        with self._lock:
            old = self._jobs.get(session_id)
            if old is not None and old.state in ACTIVE:
                raise JobActive(session_id)
            job = Job(session_id, config, label, budget=budget)
            self._jobs[session_id] = job
            self._queue.append(job)
            self._start_janitor()
            self._schedule()
            return job.id

    def poll(self, session_id: str) -> JobView | None:
        """A copy of this session's latest job (None if it has none); marks the session as seen."""
        with self._lock:
            job = self._jobs.get(session_id)
            if job is None:
                return None
            job.last_seen = time.monotonic()
            job.gone_since = None
            return self._view(job)

    def stop(self, session_id: str, reason: str = "student") -> None:
        """Stop this session's job: a waiting one leaves the queue, a running one ends within a batch."""
        with self._lock:
            job = self._jobs.get(session_id)
            if job is not None:
                self._stop(job, reason)

    def set_learning_rate(self, session_id: str, learning_rate: float) -> bool:
        """Change the learning rate of this session's job while it runs (True if it was running)."""
        rate = float(learning_rate)
        if not (math.isfinite(rate) and rate > 0):
            raise ConfigError("bad_learning_rate", value=rate)
        with self._lock:
            job = self._jobs.get(session_id)
            if job is None or job.state != "running" or job.id not in self._running:
                return False
            self._control(job, learning_rate=rate)
            job.lr_changes.append((_steps(job.progress), rate))
            return True

    def take(self, session_id: str) -> Job | None:
        """Remove and return this session's finished job (with its model); None while it is active."""
        with self._lock:
            job = self._jobs.get(session_id)
            if job is None or job.state in ACTIVE:
                return None
            del self._jobs[session_id]
            return job

    def status(self) -> dict:
        """Server-wide counts for the page: running, waiting, K."""
        with self._lock:
            return {"running": len(self._running), "waiting": len(self._queue), "max_running": self.max_running}

    def set_max_running(self, k: int) -> None:
        with self._lock:
            self.max_running = max(1, int(k))
            self._schedule()

    def measure(self, config: TrainConfig, timeout: float = MEASURE_TIMEOUT) -> float:
        """Seconds per training update of ``config``, measured on a worker (blocks; ClusterBusy after ``timeout``)."""
        from distributed import TimeoutError as DaskTimeout

        from core.training import worker

        future = self.cluster.client().submit(worker.measure, config.to_dict(), pure=False, priority=10)
        try:
            return future.result(timeout=timeout)
        except (DaskTimeout, TimeoutError) as exc:
            raise ClusterBusy() from exc
        finally:
            future.cancel()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until nothing is queued, running or coming back (for scripts and tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._queue and not self._running and not any(j.state in ACTIVE for j in self._jobs.values()):
                    return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        """Stop every job and the janitor (tests)."""
        self._closed.set()
        with self._lock:
            for job in list(self._jobs.values()):
                self._stop(job, "closed")

    # --- inside ----------------------------------------------------------------------------
    def _view(self, job: Job) -> JobView:
        position = None
        if job.state == "queued":
            position = next(i for i, queued in enumerate(self._queue, 1) if queued is job)
        return JobView(
            id=job.id, label=job.label, state=job.state, phase=job.phase, position=position,
            queue_length=len(self._queue), running=len(self._running), max_running=self.max_running,
            config=job.config, progress=job.progress, curve=list(job.curve.points),
            epochs=list(job.epochs), lr_changes=list(job.lr_changes), plan=job.plan, result=job.result,
            predictions=job.predictions, confidence=job.confidence, error=job.error, error_key=job.error_key,
            stop_reason=job.stop_reason, budget=job.budget, started=job.started, finished=job.finished,
            wall_seconds=job.wall_seconds, worker=job.worker, pid=job.pid,
        )

    def _stop(self, job: Job, reason: str) -> None:
        if job.state == "queued":
            self._queue.remove(job)
            job.state = job.phase = "cancelled"
            job.stop_reason = reason
            job.finished = time.time()
        elif job.state == "running" and job.id in self._running and not job.control["stop"]:
            job.stop_reason = job.stop_reason or reason
            self._control(job, stop=True)

    def _control(self, job: Job, **changes) -> None:
        """Change the wanted state of a running job and send it (numbered; the worker acknowledges)."""
        job.control.update(changes)
        job.control["seq"] += 1
        self._send(job)

    def _send(self, job: Job) -> None:
        job.sent_at = time.monotonic()
        self.cluster.send(job.id, **job.control)

    def _schedule(self) -> None:
        """Start waiting jobs, oldest first, while fewer than K run (called under the lock)."""
        while self._queue and len(self._running) < self.max_running:
            job = self._queue.popleft()
            job.state = "running"
            job.phase = "starting"
            job.started = time.time()
            self._running.add(job.id)
            threading.Thread(target=self._launch, args=(job,), name=f"launch-{job.id}", daemon=True).start()

    def _launch(self, job: Job) -> None:
        """Hand the job to the cluster (the first call may start the local cluster: seconds)."""
        try:
            task = self._task
            if task is None:
                from core.training import worker

                task = worker.run_job
            client = self.cluster.client()
            self.cluster.listen(job.id, lambda message: self._on_message(job, message))
            future = client.submit(task, job.id, job.config.to_dict(), job.budget,
                                   key=dask_cluster.TASK_PREFIX + job.id, pure=False)
        except Exception as exc:  # no cluster: the page says so, the slot is freed
            LOG.exception("could not start training job %s on the cluster", job.id)
            self._finish(job, error=f"{type(exc).__name__}: {exc}", error_key="cluster_unavailable")
            return
        with self._lock:
            job.future = future
        future.add_done_callback(lambda done: self._collect(job, done))

    def _on_message(self, job: Job, message: dict) -> None:
        """A message of the job's worker (in the Dask client's event-loop thread)."""
        kind = message["kind"]
        with self._lock:
            if job.state not in ACTIVE:
                return
            if kind == "progress":
                self._on_progress(job, message)
            elif kind == "ack":
                job.acked = max(job.acked, message["seq"])
            elif kind == "phase":
                job.phase = message["phase"]
            elif kind == "plan":
                from core.training import timebox

                job.plan = timebox.Plan.from_dict(message["plan"])
                job.config = TrainConfig.from_dict(message["config"])
                job.phase = "training"
            elif kind == "time_box":
                job.stop_reason = job.stop_reason or "time_box"
            elif kind == "started":
                job.worker, job.pid = message["worker"], message["pid"]
                if job.control["seq"] > job.acked:
                    self._send(job)  # asked for before the worker listened
            elif kind == "lost" and job.id in self._running:
                self._lost(job)

    def _on_progress(self, job: Job, message: dict) -> None:
        progress = Progress(**message["progress"])
        job.progress = progress
        for step, epoch, loss, accuracy in message["points"]:
            job.curve.add({"step": step, "epoch": epoch, "loss": loss, "accuracy": accuracy})
        job.epochs.extend(message["epochs"])
        if progress.phase == "batch":
            job.phase = "training"
        elif progress.phase == "evaluating":  # the engine says so once, before the test evaluation
            job.phase = "evaluating"

    def _lost(self, job: Job) -> None:
        """The job's worker is gone: fail the job (its future is cancelled; a re-run elsewhere is stopped)."""
        job.error_key = "worker_lost"
        self._control(job, stop=True)
        if job.future is not None:
            threading.Thread(target=job.future.cancel, daemon=True).start()

    def _collect(self, job: Job, future) -> None:
        """The Dask task ended (in Dask's callback thread): free the slot, then bring the result home."""
        with self._lock:
            self._running.discard(job.id)
            job.phase = "receiving"
            self._schedule()
        self.cluster.forget(job.id)
        outcome, model, error, error_key = None, None, None, job.error_key
        try:
            outcome = future.result()
            if outcome["model_bytes"] is not None:
                model = load_model(outcome["model_bytes"])
        except Exception as exc:  # a failed run must not take the server down; the page shows it
            if _lost_worker(exc) or error_key == "worker_lost":
                error_key = "worker_lost"
            else:
                LOG.error("training job %s failed: %s: %s", job.id, type(exc).__name__, exc)
            error = f"{type(exc).__name__}: {exc}"
        finally:
            future.release()
        self._finish(job, outcome if error is None else None, model, error, error_key)

    def _finish(self, job: Job, outcome: dict | None = None, model=None, error: str | None = None,
                error_key: str | None = None) -> None:
        with self._lock:
            result = None
            if outcome is not None:
                result = outcome["result"]
                job.config, job.plan = outcome["config"], outcome["plan"] or job.plan
                job.predictions, job.confidence = outcome["predictions"], outcome["confidence"]
                job.model_bytes = outcome["model_bytes"]
                job.wall_seconds = outcome["wall_seconds"]
                if outcome["stop_reason"]:
                    job.stop_reason = job.stop_reason or outcome["stop_reason"]
                result.model = model
            job.result, job.error, job.error_key = result, error, error_key
            if error:
                job.state = "failed"
            elif result.status == "stopped" and job.stop_reason == "time_box":
                job.state = "completed"  # the time box ended training on time, as planned
            else:
                job.state = result.status
            job.phase = "done"
            job.future = None
            job.finished = time.time()
            self._running.discard(job.id)
            self._schedule()

    def _start_janitor(self) -> None:
        if self._janitor is None or not self._janitor.is_alive():
            self._janitor = threading.Thread(target=self._janitor_loop, name="jobs-janitor", daemon=True)
            self._janitor.start()

    def _janitor_loop(self) -> None:
        while not self._closed.wait(self.check_every):
            self.reap()
            self.resend()

    def resend(self, now: float | None = None) -> int:
        """Send again the control messages no worker acknowledged within RESEND_AFTER; returns how many."""
        now = time.monotonic() if now is None else now
        count = 0
        with self._lock:
            for job in self._jobs.values():
                if job.id in self._running and job.control["seq"] > job.acked and now - job.sent_at >= RESEND_AFTER:
                    self._send(job)
                    count += 1
        return count

    def reap(self, now: float | None = None) -> list[str]:
        """Stop the jobs of sessions that are gone and drop their unclaimed results; returns their ids."""
        now = time.monotonic() if now is None else now
        reaped = []
        with self._lock:
            for session_id, job in list(self._jobs.items()):
                alive = self.liveness(session_id) if self.liveness else None
                if alive is True:
                    job.gone_since = None
                    continue
                if alive is False:
                    job.gone_since = job.gone_since if job.gone_since is not None else now
                    gone = now - job.gone_since >= self.grace
                    reason = "session_closed"
                else:
                    gone = now - job.last_seen >= self.idle_timeout
                    reason = "idle"
                if not gone:
                    continue
                reaped.append(job.id)
                if job.state in ACTIVE:
                    self._stop(job, reason)
                    if job.state == "cancelled":
                        del self._jobs[session_id]
                else:
                    del self._jobs[session_id]  # unclaimed results: free the model
        return reaped


_SHARED: JobManager | None = None
_SHARED_LOCK = threading.Lock()


def shared(liveness: Callable[[str], bool | None] | None = None) -> JobManager:
    """The one manager of this server process (K from DOJO_MAX_TRAININGS or the CPU count); the
    first call starts the cluster in the background, so the first run starts sooner."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = JobManager(liveness=liveness)
            _SHARED.cluster.warm_up()
        elif liveness is not None and _SHARED.liveness is None:
            _SHARED.liveness = liveness
        return _SHARED
