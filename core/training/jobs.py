"""Background training for the whole server: at most K runs at once, the rest wait in line.

One job per browser session, keyed by Streamlit's session id. A job waits in a first-in,
first-out queue until one of the K slots is free, then trains in its own thread through
``core.training.engine.train``; the page polls ``manager.poll(session_id)`` from a fragment and reads a
copy (``JobView``). Nothing here imports Streamlit, and the worker never draws anything.

A closed tab has no reliable "on close" hook in Streamlit, so a janitor thread asks a
``liveness(session_id)`` function (the page passes one that asks Streamlit's runtime whether
the session's websocket is still connected). A session gone for ``grace`` seconds has its job
stopped (or taken out of the queue) and its results dropped. When liveness is unknown (tests,
AppTest), a job nobody polled for ``idle_timeout`` seconds is treated the same way.

Memory per job is bounded: the training subset is at most MNIST's 60,000 images, the model is
one of the registry's, the batch curve keeps at most ``CURVE_POINTS`` points (thinned as it
grows), and test predictions are kept as one byte per image.
"""
from __future__ import annotations

import logging
import math
import os
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

LOG = logging.getLogger(__name__)
CURVE_POINTS = 300
ACTIVE = ("queued", "running")
DEFAULT_GRACE = 30.0  # seconds a session may be disconnected (a network blip) before its job stops
DEFAULT_IDLE = 20 * 60.0  # seconds without a poll, when liveness is unknown


def max_trainings_setting() -> int:
    """K: the DOJO_MAX_TRAININGS setting, else the number of CPU cores (at least 1)."""
    value = os.environ.get("DOJO_MAX_TRAININGS", "")
    try:
        return max(1, int(value))
    except ValueError:
        return max(1, os.cpu_count() or 1)


_BUILD_LOCK = threading.Lock()


def build_model(config):
    """core.training.engine.build_model, one at a time in this process.

    The first call imports TensorFlow; two students pressing Start at once would otherwise
    import it from two script threads at the same time, which Python does not guarantee to survive.
    """
    from core.training import engine as training

    with _BUILD_LOCK:
        return training.build_model(config)


class JobActive(RuntimeError):
    """This session already has a job waiting or training."""


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
    config: object  # core.training.engine.TrainConfig
    mnist: object  # core.data.Mnist
    label: str
    model: object = None  # built in the script thread, handed to train(), then released
    budget: float | None = None  # time box in seconds (subset and epochs chosen when it starts)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    state: str = "queued"  # queued → running → completed | stopped | diverged | failed | cancelled
    phase: str = "queued"  # queued, measuring, training, evaluating (test), predicting, done
    control: object = None
    progress: object = None  # the latest core.training.engine.Progress
    curve: Curve = field(default_factory=Curve)
    epochs: list = field(default_factory=list)  # one dict per finished epoch
    lr_changes: list = field(default_factory=list)  # (batch seen so far, new learning rate)
    plan: object = None  # core.training.timebox.Plan when a time box chose the settings
    result: object = None  # core.training.engine.TrainResult
    predictions: np.ndarray | None = None  # (10000,) uint8 predicted test labels
    confidence: np.ndarray | None = None  # (10000,) float16 probability of the predicted label
    error: str | None = None
    stop_reason: str | None = None  # "student", "session_closed", "idle", "time_box"
    wall_seconds: float | None = None  # from the slot (time box measuring included) to the last prediction
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    last_seen: float = field(default_factory=time.monotonic)
    gone_since: float | None = None


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
    stop_reason: str | None
    budget: float | None
    started: float | None
    finished: float | None
    wall_seconds: float | None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


def predict_test_set(model, x_test: np.ndarray, chunk: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Predicted label (uint8) and its probability (float16) for every test image (N, 28, 28) uint8."""
    labels, confidence = [], []
    for start in range(0, len(x_test), chunk):
        images = (x_test[start:start + chunk].astype(np.float32) / 255.0)[..., np.newaxis]
        proba = np.asarray(model.predict_on_batch(images))
        labels.append(proba.argmax(axis=1).astype(np.uint8))
        confidence.append(proba.max(axis=1).astype(np.float16))
    return np.concatenate(labels), np.concatenate(confidence)


def _default_train(*args, **kwargs):
    from core.training import engine as training

    return training.train(*args, **kwargs)


def _default_control():
    from core.training import engine as training

    return training.Control()


def _default_planner(budget, config, mnist, model=None):
    from core.training import timebox

    return timebox.plan(budget, config, mnist, model=model)


def _steps(progress) -> int:
    """Updates done so far in the run (epochs and batches count from 1)."""
    if progress is None:
        return 0
    return (progress.epoch - 1) * progress.batches_per_epoch + progress.batch


class JobManager:
    """The server-wide queue: ``submit`` → waits → trains in a thread → ``take`` the result."""

    def __init__(
        self,
        max_running: int | None = None,
        liveness: Callable[[str], bool | None] | None = None,
        grace: float = DEFAULT_GRACE,
        idle_timeout: float = DEFAULT_IDLE,
        check_every: float = 2.0,
        train: Callable = _default_train,
        make_control: Callable = _default_control,
        planner: Callable = _default_planner,
    ):
        self.max_running = max_running or max_trainings_setting()
        self.liveness = liveness
        self.grace = grace
        self.idle_timeout = idle_timeout
        self.check_every = check_every
        self._train = train
        self._make_control = make_control
        self._planner = planner
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}  # session id → its latest job
        self._queue: deque[Job] = deque()
        self._running: set[str] = set()  # job ids
        self._janitor: threading.Thread | None = None
        self._closed = threading.Event()

    # --- what the page calls -------------------------------------------------------------
    def submit(self, session_id: str, config, mnist, label: str, model=None, budget: float | None = None) -> str:
        """Queue a training for this session; returns the job id. Raises JobActive if one is on."""
        with self._lock:
            old = self._jobs.get(session_id)
            if old is not None and old.state in ACTIVE:
                raise JobActive(session_id)
            job = Job(session_id, config, mnist, label, model=model, budget=budget)
            job.control = self._make_control()
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
        with self._lock:
            job = self._jobs.get(session_id)
            if job is None or job.state != "running":
                return False
            job.control.set_learning_rate(float(learning_rate))
            job.lr_changes.append((_steps(job.progress), float(learning_rate)))
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

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until nothing is queued or running (for scripts and tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._queue and not self._running:
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
            predictions=job.predictions, confidence=job.confidence, error=job.error,
            stop_reason=job.stop_reason, budget=job.budget, started=job.started, finished=job.finished,
            wall_seconds=job.wall_seconds,
        )

    def _stop(self, job: Job, reason: str) -> None:
        if job.state == "queued":
            self._queue.remove(job)
            job.state = job.phase = "cancelled"
            job.stop_reason = reason
            job.model = None
            job.finished = time.time()
        elif job.state == "running":
            job.stop_reason = job.stop_reason or reason
            job.control.request_stop()

    def _schedule(self) -> None:
        """Start waiting jobs, oldest first, while fewer than K run (called under the lock)."""
        while self._queue and len(self._running) < self.max_running:
            job = self._queue.popleft()
            job.state = "running"
            job.phase = "measuring" if job.budget else "training"
            job.started = time.time()
            self._running.add(job.id)
            threading.Thread(target=self._work, args=(job,), name=f"train-{job.id}", daemon=True).start()

    def _work(self, job: Job) -> None:
        """The training thread: (time box) → train → test predictions. Never touches Streamlit."""
        result, error = None, None
        started = time.perf_counter()
        try:
            config, deadline = job.config, None
            if job.budget:
                from core.training import timebox

                job.plan = self._planner(job.budget, config, job.mnist, model=job.model)
                config = timebox.planned_config(config, job.plan)
                deadline = timebox.Deadline(job.plan, config, started)
                with self._lock:
                    job.config = config
                    job.phase = "training"

            def report(progress):
                self._on_progress(job, progress)
                if deadline is not None and not job.control.stop_requested and deadline.should_stop(progress):
                    job.stop_reason = "time_box"
                    job.control.request_stop()

            if not job.control.stop_requested:
                result = self._train(config, job.mnist, on_progress=report, control=job.control, model=job.model)
                job.model = None
                if len(result.batch_history) > CURVE_POINTS:  # memory per job stays bounded
                    result.batch_history = result.batch_history[:: math.ceil(len(result.batch_history) / CURVE_POINTS)]
                if result.status != "diverged" and result.model is not None:
                    with self._lock:
                        job.phase = "predicting"
                    job.predictions, job.confidence = predict_test_set(result.model, job.mnist.x_test)
        except Exception as exc:  # a failed run must not take the server down; the page shows it
            LOG.exception("training job %s failed", job.id)
            error = f"{type(exc).__name__}: {exc}"
        finally:
            with self._lock:
                job.model = None
                job.mnist = None
                job.result = result
                job.error = error
                if error:
                    job.state = "failed"
                elif result is None:
                    job.state = "cancelled"
                elif result.status == "stopped" and job.stop_reason == "time_box":
                    job.state = "completed"  # the time box ended training on time, as planned
                else:
                    job.state = result.status
                job.phase = "done"
                job.wall_seconds = time.perf_counter() - started
                job.finished = time.time()
                self._running.discard(job.id)
                self._schedule()

    def _on_progress(self, job: Job, progress) -> None:
        with self._lock:
            job.progress = progress
            if progress.phase == "batch":
                job.phase = "training"
                seen = _steps(progress)
                job.curve.add({"step": seen, "epoch": seen / max(1, progress.batches_per_epoch),
                               "loss": progress.recent_loss, "accuracy": progress.recent_accuracy})
            elif progress.phase == "epoch":
                job.epochs.append({"epoch": progress.epoch, "loss": progress.loss, "accuracy": progress.accuracy,
                                   "val_loss": progress.val_loss, "val_accuracy": progress.val_accuracy})
            elif progress.phase == "evaluating":  # the engine says so once, before the test evaluation
                job.phase = "evaluating"

    def _start_janitor(self) -> None:
        if self._janitor is None or not self._janitor.is_alive():
            self._janitor = threading.Thread(target=self._janitor_loop, name="jobs-janitor", daemon=True)
            self._janitor.start()

    def _janitor_loop(self) -> None:
        while not self._closed.wait(self.check_every):
            self.reap()

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
    """The one manager of this server process (K from DOJO_MAX_TRAININGS or the CPU count)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = JobManager(liveness=liveness)
        elif liveness is not None and _SHARED.liveness is None:
            _SHARED.liveness = liveness
        return _SHARED
