"""TensorBoard logs of a studio run, like document 001's ``keras.callbacks.TensorBoard`` writes.

Written once the run has finished (nothing is added to the training loop): ``train/`` and
``validation/`` folders with ``epoch_loss`` and ``epoch_accuracy`` per epoch, ``batch_loss``
and ``batch_accuracy`` per reported update, and a histogram of every weight at the end (001
asks for ``histogram_freq=1``). Open with ``tensorboard --logdir runs`` (TensorBoard is not
installed here; any machine that has it can read the folder).

TensorFlow is imported inside the function only, as in core/training.py.
"""
from __future__ import annotations

from pathlib import Path

RUNS_DIR = Path(__file__).resolve().parent.parent / "runs"  # gitignored


def write_logs(record: dict, root: Path = RUNS_DIR, stem: str | None = None) -> Path:
    """Write the logs of a studio run record (core.studio.record_from_job) under ``root/stem``."""
    import tensorflow as tf

    from core import studio, storage

    folder = Path(root) / storage.safe_stem(stem or studio.file_stem(record["label"]))
    train = tf.summary.create_file_writer(str(folder / "train"))
    with train.as_default():
        for point in record["points"]:
            tf.summary.scalar("batch_loss", point["loss"], step=point["step"])
            tf.summary.scalar("batch_accuracy", point["accuracy"], step=point["step"])
        for epoch in record["epochs"]:
            tf.summary.scalar("epoch_loss", epoch["loss"], step=epoch["epoch"] - 1)
            tf.summary.scalar("epoch_accuracy", epoch["accuracy"], step=epoch["epoch"] - 1)
        if record.get("model") is not None:
            last = max(0, len(record["epochs"]) - 1)
            for weight in record["model"].weights:
                tf.summary.histogram(weight.path.replace(":", "_"), weight.numpy(), step=last)
    train.close()
    checked = [e for e in record["epochs"] if e.get("val_loss") is not None]
    if checked:
        validation = tf.summary.create_file_writer(str(folder / "validation"))
        with validation.as_default():
            for epoch in checked:
                tf.summary.scalar("epoch_loss", epoch["val_loss"], step=epoch["epoch"] - 1)
                tf.summary.scalar("epoch_accuracy", epoch["val_accuracy"], step=epoch["epoch"] - 1)
        validation.close()
    return folder
