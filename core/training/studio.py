"""The training studio's bookkeeping (no Streamlit, no TensorFlow import).

Slider choices, settings ↔ TrainConfig, the numbers behind the settings (images, updates,
time), one record per finished run, the run table and its CSV, and the picks of test images
for the result gallery. The page lays these out; this module decides them.
"""
from __future__ import annotations

import dataclasses
import io
import math
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from core import storage
from core.training.engine import TRAIN_IMAGES, TrainConfig
from core.charts.style import BLUE, RED
from models import zoo

EPOCH_CHOICES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 50, 100, 200, 500)
BATCH_CHOICES = (16, 32, 64, 128, 256, 512, 1000)
LR_CHOICES = (0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
OPTIMIZERS = ("sgd", "adam", "adadelta", "rmsprop")
STATES = ("completed", "stopped", "diverged", "failed", "cancelled", "discarded")
MAX_KEPT_MODELS = 5  # models this session keeps in memory; older runs keep their row, not the model
SUBSET_RANGE = (1000, TRAIN_IMAGES, 1000)
SPLIT_RANGE = (0.0, 0.5, 0.05)


def nearest(value: float, choices) -> float:
    """The choice closest to ``value`` (on a log scale for positive values)."""
    if value > 0 and all(c > 0 for c in choices):
        return min(choices, key=lambda c: abs(math.log(c) - math.log(value)))
    return min(choices, key=lambda c: abs(c - value))


def settings_from_config(config: TrainConfig) -> dict:
    """The studio's slider values for a config (snapped to the sliders' choices)."""
    return {
        "key": config.key,
        "epochs": int(nearest(config.epochs, EPOCH_CHOICES)),
        "batch_size": int(nearest(config.batch_size, BATCH_CHOICES)),
        "optimizer": config.optimizer,
        "learning_rate": float(nearest(config.learning_rate, LR_CHOICES)),
        "dropout": [float(r) for r in config.dropout_rates()],
        "train_size": int(config.train_size),
        "validation_split": float(config.validation_split),
        "seed": int(config.seed),
        "augment": bool(config.augment),
    }


def config_from_settings(settings: dict) -> TrainConfig:
    """A TrainConfig from the slider values (dropout only for models that have dropout)."""
    rates = tuple(float(r) for r in settings["dropout"])
    config = TrainConfig(
        key=settings["key"], epochs=int(settings["epochs"]), batch_size=int(settings["batch_size"]),
        optimizer=settings["optimizer"], learning_rate=float(settings["learning_rate"]),
        dropout=rates or None, train_size=int(settings["train_size"]),
        validation_split=round(float(settings["validation_split"]), 4), seed=int(settings["seed"]),
        augment=bool(settings.get("augment", False)),
    )
    return dataclasses.replace(config, progress_every=report_every(config))


def report_every(config: TrainConfig, points: int = 200, most: int = 20) -> int:
    """Batches between progress reports: about ``points`` points over the run, at least every ``most`` batches.

    A short run (22 updates) then still draws a curve of 11 points; a long one reports every 20.
    """
    updates = config.batches_per_epoch() * config.epochs
    return max(2, min(most, round(updates / points)))


AUGMENT_SECONDS_PER_IMAGE = 1.2e-4  # core.training.augment in model.fit: +1.35 CPU s per 10,800 images (colab_cnn, measured)


def numbers(config: TrainConfig, seconds_per_image: float | None = None) -> dict:
    """What the settings mean: images trained on / held out, updates per epoch and in all, time.

    An epoch of 54,000 images at batch size 128 is ceil(54000 / 128) = 422 updates (document 004).
    ``seconds_per_image``: training time of one image on this server (None if unknown).
    """
    n_fit, n_val = config.split_sizes()
    updates = math.ceil(n_fit / config.batch_size)
    out = {
        "n_fit": n_fit, "n_val": n_val, "batch_size": config.batch_size, "updates_per_epoch": updates,
        "last_batch": n_fit - (updates - 1) * config.batch_size, "epochs": config.epochs,
        "updates": updates * config.epochs, "images": n_fit * config.epochs,
        "seconds_per_epoch": None, "seconds": None,
    }
    if seconds_per_image:
        out["seconds_per_epoch"] = n_fit * seconds_per_image
        out["seconds"] = out["seconds_per_epoch"] * config.epochs
    return out


def seconds_per_image(key: str, measured_update: float | None = None, batch_size: int | None = None,
                      augment: bool = False) -> float | None:
    """Training seconds per image here: from a measurement if given, else the shipped model's record.

    The record's ``seconds_per_epoch`` is bench/epoch_seconds.py's figure for all 60,000 training
    images at the document's batch size, whatever validation the document uses; with ``augment``
    the augmentation's own cost per image is added to it (a measurement includes it already).
    """
    if measured_update and batch_size:
        return measured_update / batch_size
    meta = zoo.pretrained_meta(key) or {}
    if not meta.get("seconds_per_epoch"):
        return None
    return float(meta["seconds_per_epoch"]) / TRAIN_IMAGES + (AUGMENT_SECONDS_PER_IMAGE if augment else 0.0)


def run_label(key: str, index: int) -> str:
    """The name a run gets in the run table and in the lab's model picker, e.g. "#3 colab_cnn"."""
    return f"#{index} {key}"


def file_stem(label: str) -> str:
    """A safe file name stem for a run's downloads and logs (no path tricks)."""
    return storage.safe_stem("studio_" + re.sub(r"^#", "run", label))


@dataclasses.dataclass
class RunRecord:
    """One finished run of this session: what the results, the run table, the CSV and the
    TensorBoard logs show, and the model while the session keeps it."""

    index: int
    job_id: str
    label: str  # "#3 colab_cnn"
    key: str
    config: dict  # TrainConfig.to_dict() of what was trained (a time box's choice included)
    state: str  # one of STATES
    stop_reason: str | None = None
    error: str | None = None
    error_key: str | None = None  # a training_studio message instead of the raw error ("worker_lost")
    reason_key: str | None = None  # why a run diverged (locales training)
    reason_values: dict = dataclasses.field(default_factory=dict)
    test_loss: float | None = None
    test_accuracy: float | None = None
    wall_seconds: float | None = None
    samples_seen: int = 0
    epochs_done: float = 0.0
    points: list = dataclasses.field(default_factory=list)  # the batch curve
    epochs: list = dataclasses.field(default_factory=list)  # one dict per finished epoch
    lr_changes: list = dataclasses.field(default_factory=list)
    budget: float | None = None
    plan: dict | None = None
    predictions: np.ndarray | None = None
    confidence: np.ndarray | None = None
    model: object = None  # the Keras model (lab pages) while the session keeps it
    model_bytes: bytes | None = None  # the same model as a .keras file (the download)
    pending: bool = False  # a stopped run waiting for the student's keep-or-discard
    logs: str | None = None  # folder of its TensorBoard logs


def record_from_job(job, index: int) -> RunRecord:
    """One finished job → the session's record of it (model included while the session keeps it)."""
    result = job.result
    config = job.config
    kept = job.state in ("completed", "stopped")
    samples = getattr(result, "samples_seen", 0) or 0
    return RunRecord(
        index=index, job_id=job.id, label=run_label(config.key, index), key=config.key,
        config=config.to_dict(), state=job.state, stop_reason=job.stop_reason, error=job.error,
        error_key=job.error_key, reason_key=getattr(result, "reason_key", None),
        reason_values=getattr(result, "reason_values", {}) or {},
        test_loss=getattr(result, "test_loss", None), test_accuracy=getattr(result, "test_accuracy", None),
        wall_seconds=job.wall_seconds, samples_seen=samples,
        epochs_done=samples / max(1, config.split_sizes()[0]),
        points=list(job.curve.points), epochs=list(job.epochs), lr_changes=list(job.lr_changes),
        budget=job.budget, plan=job.plan.to_dict() if job.plan is not None else None,
        predictions=job.predictions, confidence=job.confidence,
        model=getattr(result, "model", None) if kept else None,
        model_bytes=job.model_bytes if kept else None,
    )


def collect(job, index: int, runs: list, trained: dict, tensorboard: bool = False) -> RunRecord:
    """File a finished job: its record joins ``runs``; a completed model joins ``trained`` (the lab's picker).

    A stopped run waits for the student's keep-or-discard (``pending``); with ``tensorboard`` its
    logs are written to runs/. Only the newest MAX_KEPT_MODELS records keep their model.
    """
    record = record_from_job(job, index)
    record.pending = record.state == "stopped" and record.model is not None
    if record.state == "completed":
        trained[record.label] = trained_entry(record)
    if tensorboard and record.model is not None:
        from core.training import tb_logs

        record.logs = str(tb_logs.write_logs(record))
    runs.append(record)
    for label in trim_models(runs):
        trained.pop(label, None)
    return record


def keras_bytes(result) -> bytes:
    """The trained model as .keras file bytes (written atomically to a temporary folder, then read)."""
    from core.training import engine

    with tempfile.TemporaryDirectory() as folder:
        return engine.save_run(result, Path(folder) / "model.keras").read_bytes()


def trim_models(records: list[RunRecord], keep: int = MAX_KEPT_MODELS) -> list[str]:
    """Drop the models of all but the newest ``keep`` records that still hold one; returns their labels."""
    holding = [r for r in records if r.model is not None]
    dropped = []
    for record in holding[:-keep] if len(holding) > keep else []:
        record.model = record.model_bytes = None
        dropped.append(record.label)
    return dropped


def discard(record: RunRecord) -> None:
    """The student threw a stopped run's model away: the row stays, the model goes."""
    record.pending = False
    record.model = record.model_bytes = None
    record.state = "discarded"


def trained_entry(record: RunRecord) -> dict:
    """The entry the CNN lab's model picker reads from st.session_state["trained_models"]."""
    return {"model": record.model, "key": record.key, "test_accuracy": record.test_accuracy,
            "config": record.config}


def run_table(records: list[RunRecord], columns: dict, states: dict | None = None) -> pd.DataFrame:
    """One row per run: settings, time, accuracy. ``columns`` maps field → header, ``states`` state → word."""
    rows = []
    for r in records:
        c = r.config
        rows.append({
            "label": r.label, "state": (states or {}).get(r.state, r.state), "key": r.key, "optimizer": c["optimizer"],
            "learning_rate": c["learning_rate"], "batch_size": c["batch_size"], "epochs": c["epochs"],
            "epochs_done": round(r.epochs_done, 2), "train_size": c["train_size"],
            "validation_split": c["validation_split"], "dropout": ", ".join(f"{d:g}" for d in (c["dropout"] or [])),
            "seed": c["seed"], "budget": r.budget,
            "seconds": None if r.wall_seconds is None else round(r.wall_seconds, 1),
            "test_loss": r.test_loss,
            "test_accuracy": None if r.test_accuracy is None else r.test_accuracy * 100,
        })
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.rename(columns=columns)


def runs_csv(records: list[RunRecord]) -> str:
    """The run table as CSV with plain (English) column names, for a spreadsheet."""
    frame = run_table(records, {name: name for name in RUN_COLUMNS})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue()


RUN_COLUMNS = ("label", "state", "key", "optimizer", "learning_rate", "batch_size", "epochs", "epochs_done",
               "train_size", "validation_split", "dropout", "seed", "budget", "seconds", "test_loss",
               "test_accuracy")


def gallery_picks(y_true: np.ndarray, predictions: np.ndarray, count: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(misclassified test indices, random test indices), ``count`` each, reproducible by ``seed``.

    The misclassified ones are a random draw of all mistakes (sorted), not just the first ones.
    """
    rng = np.random.default_rng(seed)
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(predictions))
    if len(wrong) > count:
        wrong = np.sort(rng.choice(wrong, size=count, replace=False))
    random = np.sort(rng.choice(len(y_true), size=min(count, len(y_true)), replace=False))
    return wrong, random


def bar_position(view, now: float) -> tuple[float, float]:
    """(fraction done 0…1, seconds left) for the live progress bar of a running job's view.

    A time box ends on the clock, maybe inside its last planned epoch, so its bar follows the clock.
    """
    progress = view.progress
    if view.budget:
        spent = now - view.started
        return min(1.0, spent / view.budget), max(0.0, view.budget - spent)
    return progress.fraction, progress.eta_seconds


@dataclasses.dataclass(frozen=True)
class Outcome:
    """How the page announces a finished run: a box of ``level`` (st.success, st.warning, …) with
    the texts ``boxed`` (i18n key, values) joined, then ``below`` as paragraphs."""

    level: str
    boxed: tuple
    below: tuple = ()
    icon: str | None = None


NOT_LEARNING = 0.2  # test accuracy at or below this: hardly better than guessing one of ten digits (10 %)


def outcome(record: RunRecord) -> Outcome:
    """The announcement of a finished run's record (keys under training_studio., except the reasons)."""
    state = record.state
    if state == "diverged":
        below = (("training.nan_loss_detail", record.reason_values),) if record.reason_values else ()
        return Outcome("error", ((record.reason_key or "training.nan_loss", {}),),
                       below + (("training_studio.nan_why", {}),), icon="💥")
    if state in ("failed", "cancelled", "discarded"):
        level = "error" if state == "failed" else "info"
        key = record.error_key if state == "failed" and record.error_key else state
        return Outcome(level, ((f"training_studio.{key}", {"error": record.error}),))
    numbers = {"accuracy": f"{record.test_accuracy * 100:.2f}", "loss": f"{record.test_loss:.4f}",
               "seconds": f"{record.wall_seconds:.1f}", "epochs": f"{record.epochs_done:.2f}"}
    boxed = ((f"training_studio.{state}", numbers),)
    reason = record.stop_reason if state == "stopped" else None
    if reason not in (None, "student"):
        boxed += ((f"training_studio.stopping_{reason}", {}),)
    if record.test_accuracy <= NOT_LEARNING:
        return Outcome("warning", boxed, not_learning(record, numbers["accuracy"]), icon="🤔")
    return Outcome("warning" if state == "stopped" else "success", boxed)


def not_learning(record: RunRecord, accuracy: str) -> tuple:
    """Why a run may end no better than guessing: steps too small or too few (the loss never left ln 10),
    or too large (it dropped, then broke: dead ReLUs); the run's own loss curve tells which."""
    rate = record.lr_changes[-1][1] if record.lr_changes else record.config["learning_rate"]
    document = zoo.REGISTRY[record.key].defaults
    said = (("training_studio.not_learning", {"accuracy": accuracy, "lr": f"{rate:g}", "optimizer": record.config["optimizer"],
                                              "document_lr": f"{document.learning_rate:g}",
                                              "document_optimizer": document.optimizer}),)
    losses = [point["loss"] for point in record.points if point.get("loss") is not None and math.isfinite(point["loss"])]
    if losses:
        said += (("training_studio.not_learning_curve", {"first": f"{losses[0]:.2f}", "lowest": f"{min(losses):.2f}",
                                                         "last": f"{losses[-1]:.2f}"}),)
    return said


def gallery_captions(y_true, predictions, confidence, wrong, sample) -> tuple[list[str], list[str], list[str]]:
    """Captions of the misclassified ("true→predicted (p%)") and the random ("predicted (p%)") test
    images, and the random ones' colours (blue right, vermillion wrong: apart for colour-blind eyes)."""
    wrong_captions = [f"{y_true[i]}→{predictions[i]} ({float(confidence[i]) * 100:.0f}%)" for i in wrong]
    sample_captions = [f"{predictions[i]} ({float(confidence[i]) * 100:.0f}%)" for i in sample]
    colors = [BLUE if predictions[i] == y_true[i] else RED for i in sample]
    return wrong_captions, sample_captions, colors


OVERFIT_GAP_POINTS = 1.0  # training − test accuracy above this (percentage points) counts as a sign of overfitting
RISING = 1.05  # the last validation loss this much above its lowest value: validation got worse


def epoch_rows(record: RunRecord) -> tuple:
    """A run's finished epochs as hashable rows (epoch, loss, accuracy, val_loss, val_accuracy) for the figure."""
    return tuple((e["epoch"], e.get("loss"), e.get("accuracy"), e.get("val_loss"), e.get("val_accuracy"))
                 for e in record.epochs if e.get("loss") is not None)


def generalisation(record: RunRecord) -> dict | None:
    """002's check on one run: last epoch's training accuracy vs the test accuracy, and whether the
    validation loss turned back up (004's curves). None for a run without a finished epoch or a test score.

    ``gap`` is in percentage points (002: 98.70 − 98.42 = 0.28); ``verdict`` is "fine", "gap" (gap above
    OVERFIT_GAP_POINTS) or "rising" (validation loss ended ≥ 5 % above its lowest, after that lowest epoch).
    """
    rows = epoch_rows(record)
    if not rows or record.test_accuracy is None or rows[-1][2] is None:
        return None
    last = rows[-1]
    gap = (last[2] - record.test_accuracy) * 100
    val = [(row[0], row[3]) for row in rows if row[3] is not None]
    best_epoch, best_loss = min(val, key=lambda pair: pair[1]) if val else (None, None)
    rising = bool(val) and best_epoch < val[-1][0] and val[-1][1] >= best_loss * RISING
    verdict = "rising" if rising else "gap" if gap > OVERFIT_GAP_POINTS else "fine"
    return {"label": record.label, "train_loss": last[1], "train_accuracy": last[2],
            "val_loss": val[-1][1] if val else None, "val_accuracy": last[4],
            "test_loss": record.test_loss, "test_accuracy": record.test_accuracy, "gap": gap,
            "best_val_epoch": best_epoch, "verdict": verdict}


def generalisation_row(seen: dict, verdicts: dict) -> dict:
    """One row of the overfitting table as text for reading ("98.70", "—" where there is no value)."""
    def text(value, digits: int, scale: float = 1.0) -> str:
        return "—" if value is None else f"{value * scale:.{digits}f}"

    return {"label": seen["label"], "train_loss": text(seen["train_loss"], 4),
            "train_accuracy": text(seen["train_accuracy"], 2, 100), "val_accuracy": text(seen["val_accuracy"], 2, 100),
            "test_loss": text(seen["test_loss"], 4), "test_accuracy": text(seen["test_accuracy"], 2, 100),
            "gap": f"{seen['gap']:+.2f}", "verdict": verdicts[seen["verdict"]]}
