"""The training engine: train a registry CNN with given settings, report progress, stop, save.

No Streamlit here, and TensorFlow/Keras is imported only inside functions. The studio runs
``train`` on a Dask worker (core.training.worker) and talks to it through two plain objects:

* ``on_progress(Progress)`` is called from the worker with phase ``"batch"`` every
  ``progress_every`` batches and at the last batch of every epoch, ``"epoch"`` at every epoch
  end (after validation, with its metrics), and ``"evaluating"`` once, just before the final
  evaluation on the test set;
* ``Control`` is set from another thread (the worker's message handler): ``request_stop()``
  (honoured after the current batch) and ``set_learning_rate(lr)`` (applied from the next batch on).

A loss that becomes NaN or infinite stops the run with status ``"diverged"`` and the reason
key ``"training.nan_loss"`` (locales/<lang>/training.toml; ``"training.nan_loss_detail"``
takes ``reason_values``). Per batch the engine does only a few Python comparisons: Keras
already hands its callbacks the loss as a float, and nothing else is converted unless reported.

Validation: the documents that validate on the test set (001, 003) are trained without a
held-out split here (``validation_split=0``) and report test metrics at the end, as every run
does; document 004 keeps its 10 % split (54,000 training images → 422 updates at batch 128).
The split is a seeded random draw from the training subset (Keras' own split takes the last
rows), and validation runs at each completed epoch end with batch size 1000. With ``augment``
only the training images are changed (core.training.augment); validation and test images never. A run stopped or
diverged in the middle of an epoch records that partial epoch only in ``batch_history`` (no
validation for it); a stopped run is still evaluated on the test set, a diverged one is not.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import math
import numbers
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from core import data as mnist_data
from models import zoo

OPTIMIZERS = ("sgd", "adam", "adadelta", "rmsprop")
TRAIN_IMAGES = 60000
EVAL_BATCH = 1000  # batch size for validation and the final test evaluation
MAX_VALIDATION_SPLIT = 0.5


class ConfigError(ValueError):
    """Settings that cannot be trained; ``key`` names the message in locales/<lang>/training.toml."""

    def __init__(self, key: str, **values):
        super().__init__(f"{key}: {values}")
        self.key = key
        self.values = values


@dataclass
class TrainConfig:
    """Everything that decides a run: model, hyperparameters, data subset, seed."""

    key: str  # registry key (models.zoo.REGISTRY)
    epochs: int
    batch_size: int
    optimizer: str  # "sgd" | "adam" | "adadelta" | "rmsprop"
    learning_rate: float
    dropout: tuple[float, ...] | None = None  # None = the document's rates
    train_size: int = TRAIN_IMAGES  # seeded random subset of the 60,000 training images
    validation_split: float = 0.0  # fraction of the subset held out for validation (0 = none)
    seed: int = 0
    progress_every: int = 20  # batches between progress reports
    augment: bool = False  # canvas-like augmentation of the training images (core.training.augment)

    @classmethod
    def document(cls, key: str) -> "TrainConfig":
        """The document's own settings (all 60,000 images; a split only where the document splits)."""
        entry = zoo.REGISTRY[key]
        d = entry.defaults
        return cls(
            key=key,
            epochs=d.epochs,
            batch_size=d.batch_size,
            optimizer=d.optimizer,
            learning_rate=d.learning_rate,
            dropout=tuple(entry.dropout) if entry.dropout else None,
            train_size=TRAIN_IMAGES,
            validation_split=d.validation_split if d.validation == "split" else 0.0,
        )

    def to_dict(self) -> dict:
        """Plain JSON-ready values (dropout as a list)."""
        values = dataclasses.asdict(self)
        values["dropout"] = None if self.dropout is None else [float(r) for r in self.dropout]
        return values

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        """The inverse of ``to_dict`` (unknown keys are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        kept = {name: value for name, value in values.items() if name in names}
        if kept.get("dropout") is not None:
            kept["dropout"] = tuple(float(r) for r in kept["dropout"])
        return cls(**kept)

    def dropout_rates(self) -> tuple[float, ...]:
        """The rates the model is built with (the document's unless overridden)."""
        return tuple(zoo.REGISTRY[self.key].dropout if self.dropout is None else self.dropout)

    def split_sizes(self) -> tuple[int, int]:
        """(images trained on, images held out for validation) of the subset."""
        held_out = int(round(self.train_size * self.validation_split))
        return self.train_size - held_out, held_out

    def batches_per_epoch(self) -> int:
        """Weight updates per epoch: ceil(training images / batch size); 54,000 / 128 → 422."""
        return math.ceil(self.split_sizes()[0] / self.batch_size)

    def check(self) -> None:
        """Raise ``ConfigError`` (with an i18n key) for settings that cannot be trained."""
        if self.key not in zoo.REGISTRY:
            raise ConfigError("bad_key", key=self.key)
        if not (isinstance(self.epochs, numbers.Integral) and self.epochs >= 1):
            raise ConfigError("bad_epochs", value=self.epochs)
        if not (isinstance(self.batch_size, numbers.Integral) and self.batch_size >= 1):
            raise ConfigError("bad_batch_size", value=self.batch_size)
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError("bad_optimizer", value=self.optimizer, choices=", ".join(OPTIMIZERS))
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise ConfigError("bad_learning_rate", value=self.learning_rate)
        if not (isinstance(self.train_size, numbers.Integral) and 1 <= self.train_size <= TRAIN_IMAGES):
            raise ConfigError("bad_train_size", value=self.train_size, most=TRAIN_IMAGES)
        if not (0.0 <= self.validation_split <= MAX_VALIDATION_SPLIT):
            raise ConfigError("bad_validation_split", value=self.validation_split, most=MAX_VALIDATION_SPLIT)
        n_fit, n_val = self.split_sizes()
        if n_fit < 1 or (self.validation_split > 0 and n_val < 1):
            raise ConfigError("too_few_images", train_size=self.train_size, split=self.validation_split)
        expected = len(zoo.REGISTRY[self.key].dropout)
        rates = self.dropout_rates()
        if len(rates) != expected or not all(0.0 <= r < 1.0 for r in rates):
            raise ConfigError("bad_dropout", value=list(rates), count=expected)
        if not (isinstance(self.progress_every, numbers.Integral) and self.progress_every >= 1):
            raise ConfigError("bad_progress_every", value=self.progress_every)


@dataclass
class Progress:
    """One report from the worker. Loss and accuracy are the running means of the current epoch
    (Keras' numbers); recent_loss and recent_accuracy cover only the images since the previous
    report of the epoch, which is what the model does now (the live curve)."""

    phase: str  # "batch" | "epoch" (after validation) | "evaluating" (once, before the test evaluation)
    epoch: int  # 1-based
    epochs: int
    batch: int  # batches done in this epoch (1-based)
    batches_per_epoch: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    samples_per_second: float
    elapsed: float  # seconds since train() started
    eta_seconds: float
    # additions beyond the first API (all with defaults):
    learning_rate: float = 0.0  # the learning rate in use at this point
    step: int = 0  # weight updates done in the whole run
    samples_seen: int = 0  # training images processed in the whole run
    recent_loss: float = math.nan  # "batch" reports only
    recent_accuracy: float = math.nan

    @property
    def fraction(self) -> float:
        """How much of the run is done, 0…1 (for a progress bar)."""
        total = self.epochs * self.batches_per_epoch
        return min(1.0, self.step / total) if total else 0.0

    def to_point(self) -> dict:
        """A plot point: the fields plus ``epoch_float`` (epochs done as a real number)."""
        point = dataclasses.asdict(self)
        point["epoch_float"] = (self.epoch - 1) + self.batch / max(1, self.batches_per_epoch)
        return point


class Control:
    """Thread-safe requests from another thread to the training loop."""

    def __init__(self):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pending_lr: float | None = None

    def request_stop(self) -> None:
        """Ask the worker to stop after the batch it is running."""
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def set_learning_rate(self, lr: float) -> None:
        """Use ``lr`` from the next batch on (the worker applies it; any positive finite float)."""
        lr = float(lr)
        if not (math.isfinite(lr) and lr > 0):
            raise ConfigError("bad_learning_rate", value=lr)
        with self._lock:
            self._pending_lr = lr

    def take_learning_rate(self) -> float | None:
        """The requested learning rate, once (None when nothing new was asked)."""
        with self._lock:
            lr, self._pending_lr = self._pending_lr, None
        return lr


@dataclass
class TrainResult:
    """What a run produced. ``history`` has one value per completed epoch (val_* empty without validation)."""

    model: object  # the trained keras.Model
    config: TrainConfig
    status: str  # "completed" | "stopped" | "diverged"
    reason_key: str | None  # i18n key, e.g. "training.nan_loss" when diverged
    history: dict[str, list[float]]
    batch_history: list[dict]  # Progress.to_point() of every "batch" report
    test_loss: float | None
    test_accuracy: float | None  # on the 10,000 test images (also after a stop; None when diverged)
    wall_seconds: float
    samples_seen: int
    # additions beyond the first API (all with defaults):
    reason_values: dict = field(default_factory=dict)  # values for "training.nan_loss_detail"
    fit_seconds: float = 0.0  # time inside model.fit (training + validation)
    test_seconds: float = 0.0  # time of the final test evaluation


def subset_rows(config: TrainConfig, available: int = TRAIN_IMAGES) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, validation rows): a seeded random draw of ``train_size`` rows, then split."""
    n_fit, _ = config.split_sizes()
    order = np.random.default_rng(config.seed).permutation(available)[: config.train_size]
    return np.sort(order[:n_fit]), np.sort(order[n_fit:])


def split_data(config: TrainConfig, mnist) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(x_fit (N, 28, 28, 1) float32, y_fit (N, 10), x_val, y_val): a seeded random subset and split."""
    fit_rows, val_rows = subset_rows(config, len(mnist.x_train))
    x_fit = mnist_data.normalise(mnist.x_train[fit_rows])
    y_fit = mnist_data.one_hot(mnist.y_train[fit_rows])
    if len(val_rows) == 0:
        return x_fit, y_fit, None, None
    return x_fit, y_fit, mnist_data.normalise(mnist.x_train[val_rows]), mnist_data.one_hot(mnist.y_train[val_rows])


def fit_inputs(config: TrainConfig, x_fit: np.ndarray, y_fit: np.ndarray) -> dict:
    """The data arguments of ``model.fit``: the arrays, shuffled each epoch, or with ``augment`` a
    seeded stream of freshly augmented batches (same batches per epoch; the model is unchanged)."""
    if not config.augment:
        return {"x": x_fit, "y": y_fit, "batch_size": config.batch_size, "shuffle": True}
    from core.training import augment

    return {"x": augment.augmented_batches(x_fit, y_fit, config.batch_size, config.seed)}


def build_model(config: TrainConfig):
    """A fresh model of ``config`` (seeded weights, its dropout), compiled with its optimizer.

    Seeding uses keras.utils.set_random_seed (process-wide: Python, NumPy and TensorFlow seeds).
    No clear_session: other threads may be training; the zoo names every layer explicitly.
    """
    import keras

    config.check()
    keras.utils.set_random_seed(config.seed)
    model = zoo.build(config.key, config.dropout_rates() or None)
    return zoo.compile_model(model, config.optimizer, config.learning_rate)


@functools.lru_cache(maxsize=1)
def _engine_class():
    """The Keras callback class (defined lazily so importing this module needs no TensorFlow)."""
    import keras

    class Engine(keras.callbacks.Callback):
        """Watches every batch cheaply; builds a Progress only when reporting."""

        def __init__(self, run: "_Run"):
            super().__init__()
            self.run = run

        def on_epoch_begin(self, epoch, logs=None):
            self.run.epoch = epoch + 1
            self.run.window = (0, 0.0, 0.0)

        def on_train_batch_begin(self, batch, logs=None):
            control = self.run.control
            if control is not None and control._pending_lr is not None:
                self.run.apply_learning_rate(self.model, control.take_learning_rate())

        def on_train_batch_end(self, batch, logs=None):
            run = self.run
            run.step += 1
            loss = logs.get("loss") if logs else None
            if loss is not None and not math.isfinite(loss):
                run.diverge(batch + 1, logs)
                self.model.stop_training = True
                return
            if run.step == 1:  # the first batch includes tracing: speed is measured from its end
                run.first_batch_time, run.val_seconds_at_first = time.perf_counter(), run.val_seconds
            done = batch + 1
            reported = done % run.every == 0 or done == run.batches_per_epoch
            if reported:
                run.report_batch(done, logs)
            if run.control is not None and run.control._stop.is_set():
                run.status = "stopped"
                self.model.stop_training = True
                if not reported:
                    run.report_batch(done, logs)

        def on_epoch_end(self, epoch, logs=None):
            self.run.end_epoch(self.model, logs or {})

    return Engine


class _Run:
    """The bookkeeping of one run, shared by the callback and ``train``."""

    def __init__(self, config, on_progress, control, validation, started):
        self.config = config
        self.on_progress = on_progress
        self.control = control
        self.validation = validation  # (x_val, y_val) or None
        self.started = started
        self.every = config.progress_every
        self.n_fit = config.split_sizes()[0]
        self.batches_per_epoch = config.batches_per_epoch()
        self.epochs = config.epochs
        self.learning_rate = float(config.learning_rate)
        self.status = "completed"
        self.reason_values: dict = {}
        self.epoch = 1
        self.step = 0
        self.last_batch = 0  # batch (in epoch) of the last "batch" report
        self.window = (0, 0.0, 0.0)  # images, running loss and accuracy of this epoch at the last report
        self.history: dict[str, list[float]] = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        self.batch_history: list[dict] = []
        self.val_seconds = 0.0  # time spent validating (excluded from samples/s)
        self.last_val_seconds = 0.0
        self.first_batch_time: float | None = None  # steady-state clock starts after batch 1 (tracing)
        self.val_seconds_at_first = 0.0
        self.training_ended: float | None = None

    # -- numbers -------------------------------------------------------------------------
    def samples_seen(self, epoch: int | None = None, batch: int | None = None) -> int:
        """Training images processed after ``batch`` batches of ``epoch`` (the last batch may be short)."""
        epoch = self.epoch if epoch is None else epoch
        batch = self.last_batch if batch is None else batch
        return (epoch - 1) * self.n_fit + min(batch * self.config.batch_size, self.n_fit)

    def speed(self, now: float) -> tuple[float, float]:
        """(samples per second, seconds per batch), measured after the first batch, validation excluded."""
        if self.training_ended is not None:
            now = self.training_ended
        if self.first_batch_time is None or self.step <= 1:  # only the first batch so far: tracing included
            seconds = max(now - self.started, 1e-9)
            return self.step * self.config.batch_size / seconds, seconds / max(self.step, 1)
        seconds = max(now - self.first_batch_time - (self.val_seconds - self.val_seconds_at_first), 1e-9)
        steps = self.step - 1
        return steps * self.config.batch_size / seconds, seconds / steps

    def progress(self, phase, batch, logs, val_loss=None, val_accuracy=None) -> "Progress":
        now = time.perf_counter()
        samples_per_second, seconds_per_batch = self.speed(now)
        remaining_batches = self.epochs * self.batches_per_epoch - self.step
        remaining_validations = self.epochs - self.epoch + (phase != "epoch")
        eta = remaining_batches * seconds_per_batch
        if self.validation is not None:
            eta += remaining_validations * self.last_val_seconds
        return Progress(
            phase=phase, epoch=self.epoch, epochs=self.epochs,
            batch=batch, batches_per_epoch=self.batches_per_epoch,
            loss=float(logs.get("loss", math.nan)), accuracy=float(logs.get("accuracy", math.nan)),
            val_loss=val_loss, val_accuracy=val_accuracy,
            samples_per_second=samples_per_second, elapsed=now - self.started,
            eta_seconds=max(0.0, eta) if self.status == "completed" else 0.0,
            learning_rate=self.learning_rate, step=self.step,
            samples_seen=self.samples_seen(self.epoch, batch),
        )

    # -- events --------------------------------------------------------------------------
    def emit(self, progress: Progress) -> None:
        if self.on_progress is not None:
            self.on_progress(progress)

    def recent(self, batch: int, loss: float, accuracy: float) -> tuple[float, float]:
        """Mean loss and accuracy over the images since the previous report of this epoch.

        Keras reports means m over the epoch's first n images (weighted by images), so the n₀…n
        window's mean is (n·m − n₀·m₀) / (n − n₀).
        """
        seen = min(batch * self.config.batch_size, self.n_fit)
        before, loss_before, accuracy_before = self.window
        self.window = (seen, loss, accuracy)
        if seen <= before or not math.isfinite(loss):  # a diverged run's NaN stays NaN
            return loss, accuracy
        window_loss = (seen * loss - before * loss_before) / (seen - before)
        window_accuracy = (seen * accuracy - before * accuracy_before) / (seen - before)
        return max(0.0, window_loss), min(1.0, max(0.0, window_accuracy))  # float32 round-off

    def report_batch(self, batch: int, logs) -> None:
        self.last_batch = batch
        progress = self.progress("batch", batch, logs or {})
        progress.recent_loss, progress.recent_accuracy = self.recent(batch, progress.loss, progress.accuracy)
        self.batch_history.append(progress.to_point())
        self.emit(progress)

    def diverge(self, batch: int, logs) -> None:
        self.status = "diverged"
        suggestion = self.learning_rate / 10
        self.reason_values = {
            "epoch": self.epoch, "batch": batch,
            "lr": f"{self.learning_rate:g}", "suggestion": f"{suggestion:g}",
        }
        self.report_batch(batch, logs)

    def apply_learning_rate(self, model, lr: float | None) -> None:
        if lr is not None:
            model.optimizer.learning_rate = lr
            self.learning_rate = lr

    def end_epoch(self, model, logs: dict) -> None:
        """Record a completed epoch, validate, report; a stopped or diverged partial epoch is not recorded."""
        if self.status != "completed" and self.last_batch < self.batches_per_epoch:
            return
        if self.status == "diverged":
            return
        self.history["loss"].append(float(logs.get("loss", math.nan)))
        self.history["accuracy"].append(float(logs.get("accuracy", math.nan)))
        val_loss = val_accuracy = None
        if self.validation is not None:
            begun = time.perf_counter()
            val_loss, val_accuracy = (float(v) for v in model.evaluate(
                *self.validation, batch_size=EVAL_BATCH, verbose=0))
            self.last_val_seconds = time.perf_counter() - begun
            self.val_seconds += self.last_val_seconds
            self.history["val_loss"].append(val_loss)
            self.history["val_accuracy"].append(val_accuracy)
        self.emit(self.progress("epoch", self.batches_per_epoch, logs, val_loss, val_accuracy))


def train(
    config: TrainConfig,
    mnist,
    on_progress: Callable[[Progress], None] | None = None,
    control: Control | None = None,
    model=None,
) -> TrainResult:
    """Train ``config`` on ``mnist`` (core.data.Mnist); evaluate on the 10,000 test images unless diverged.

    The model is built and compiled here (in the calling thread) unless ``model`` is given.
    """
    import keras  # noqa: F401  (the one-time import is not part of the run's wall time)

    started = time.perf_counter()
    config.check()
    if model is None:
        model = build_model(config)
    elif getattr(model, "optimizer", None) is None:
        zoo.compile_model(model, config.optimizer, config.learning_rate)
    x_fit, y_fit, x_val, y_val = split_data(config, mnist)
    run = _Run(config, on_progress, control, None if x_val is None else (x_val, y_val), started)
    model_lr = float(model.optimizer.learning_rate)  # a given model may carry another rate (float32)
    if not math.isclose(model_lr, config.learning_rate, rel_tol=1e-6):
        run.learning_rate = model_lr

    fit_begun = time.perf_counter()
    model.fit(
        **fit_inputs(config, x_fit, y_fit), epochs=config.epochs,
        verbose=0, callbacks=[_engine_class()(run)],
    )
    fit_seconds = time.perf_counter() - fit_begun
    run.training_ended = time.perf_counter()  # samples/s stays that of the training from here on

    test_loss = test_accuracy = None
    test_seconds = 0.0
    if run.status != "diverged":
        last = run.batch_history[-1] if run.batch_history else {}
        run.emit(run.progress("evaluating", run.last_batch, last))
        begun = time.perf_counter()
        x_test, y_test = mnist_data.normalise(mnist.x_test), mnist_data.one_hot(mnist.y_test)
        test_loss, test_accuracy = (float(v) for v in model.evaluate(
            x_test, y_test, batch_size=EVAL_BATCH, verbose=0))
        test_seconds = time.perf_counter() - begun

    return TrainResult(
        model=model, config=config, status=run.status,
        reason_key="training.nan_loss" if run.status == "diverged" else None,
        history=run.history, batch_history=run.batch_history,
        test_loss=test_loss, test_accuracy=test_accuracy,
        wall_seconds=time.perf_counter() - started,
        samples_seen=run.samples_seen(run.epoch, run.last_batch) if run.step else 0,
        reason_values=run.reason_values, fit_seconds=fit_seconds, test_seconds=test_seconds,
    )


def _finite(value):
    """JSON has no NaN/Infinity: such numbers become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def run_meta(result: TrainResult) -> dict:
    """The JSON saved beside a trained model: settings, story, figures, library versions."""
    from core import storage

    entry = zoo.REGISTRY[result.config.key]
    return _finite({
        "key": result.config.key,
        "document": entry.doc,
        "config": result.config.to_dict(),
        "status": result.status,
        "reason_key": result.reason_key,
        "test_loss": result.test_loss,
        "test_accuracy": result.test_accuracy,
        "wall_seconds": result.wall_seconds,
        "fit_seconds": result.fit_seconds,
        "samples_seen": result.samples_seen,
        "epochs_completed": len(result.history["loss"]),
        "history": result.history,
        "parameters": int(result.model.count_params()),
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": storage.versions(),
    })


def save_run(result: TrainResult, path) -> Path:
    """Write ``path`` (.keras, no optimizer state) and the .json beside it, atomically; return the .keras path."""
    from core import storage

    path = Path(path)
    if path.suffix == "":
        path = path.with_suffix(".keras")
    meta = run_meta(result)
    json.dumps(meta, allow_nan=False)  # fail before writing anything if the meta is not clean JSON
    return storage.save_atomic(storage.without_optimizer(result.model), path, meta)


def measure_batch_seconds(config: TrainConfig, mnist, batches: int = 5) -> float:
    """Seconds per training batch of ``config`` on this machine, after two warm-up batches (tracing)."""
    import keras

    config.check()
    warm_up = 2
    model = build_model(config)
    rows = np.random.default_rng(config.seed).permutation(len(mnist.x_train))[: (warm_up + batches) * config.batch_size]
    x, y = mnist_data.normalise(mnist.x_train[rows]), mnist_data.one_hot(mnist.y_train[rows])
    marks: list[float] = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            marks.append(time.perf_counter())

    begun = time.perf_counter()
    model.fit(**fit_inputs(config, x, y), epochs=1, verbose=0, callbacks=[Clock()])
    if len(marks) <= warm_up:  # a batch so large that the data holds no timed batch
        return (marks[-1] - begun) / len(marks)
    return (marks[-1] - marks[warm_up - 1]) / (len(marks) - warm_up)
