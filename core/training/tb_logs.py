"""TensorBoard logs of a studio run, like document 001's ``keras.callbacks.TensorBoard`` writes.

Written once the run has finished (nothing is added to the training loop): ``train/`` and
``validation/`` folders with ``epoch_loss`` and ``epoch_accuracy`` per epoch, ``batch_loss``
and ``batch_accuracy`` per reported update, and a histogram of every weight at the end (001
asks for ``histogram_freq=1``). Open with ``tensorboard --logdir runs`` (TensorBoard is not
installed here; any machine that has it can read the folder).

TensorFlow is imported inside the function only, as in core/training/engine.py. The logs are
written in the server process (from the model that came back), so runs/ is on the server.
"""
from __future__ import annotations

from pathlib import Path

RUNS_DIR = Path(__file__).resolve().parent.parent / "runs"  # gitignored


def _writer(folder: Path):
    """A summary writer and the two ``tf.summary.write`` helpers TensorBoard's plugins read.

    ``tf.summary.scalar``/``histogram`` live in the TensorBoard package, which is not installed
    here; the plain ``tf.summary.write`` with the plugins' metadata writes the same records.
    """
    import numpy as np
    import tensorflow as tf

    def metadata(plugin: str):
        return tf.compat.v1.SummaryMetadata(plugin_data=tf.compat.v1.SummaryMetadata.PluginData(plugin_name=plugin))

    def scalar(tag: str, value: float, step: int) -> None:
        tf.summary.write(tag, tf.constant(float(value), tf.float32), step=int(step), metadata=metadata("scalars"))

    def histogram(tag: str, values, step: int, buckets: int = 30) -> None:
        counts, edges = np.histogram(np.asarray(values, dtype=np.float64).ravel(), bins=buckets)
        table = np.stack([edges[:-1], edges[1:], counts.astype(np.float64)], axis=1)  # [left, right, count]
        tf.summary.write(tag, tf.constant(table), step=int(step), metadata=metadata("histograms"))

    return tf.summary.create_file_writer(str(folder)), scalar, histogram


def write_logs(record, root: Path | None = None, stem: str | None = None) -> Path:
    """Write the logs of a studio run (core.training.studio.RunRecord) under ``root/stem`` (root: runs/)."""
    from core import storage
    from core.training import studio

    # the job id keeps two students' "#1 colab_cnn" apart in the shared runs/ folder
    stem = stem or f"{studio.file_stem(record.label)}_{record.job_id}"
    folder = Path(root or RUNS_DIR) / storage.safe_stem(stem)
    writer, scalar, histogram = _writer(folder / "train")
    with writer.as_default():
        for point in record.points:
            scalar("batch_loss", point["loss"], point["step"])
            scalar("batch_accuracy", point["accuracy"], point["step"])
        for epoch in record.epochs:
            scalar("epoch_loss", epoch["loss"], epoch["epoch"] - 1)
            scalar("epoch_accuracy", epoch["accuracy"], epoch["epoch"] - 1)
        if record.model is not None:
            last = max(0, len(record.epochs) - 1)
            for layer in record.model.layers:
                for weight in layer.weights:
                    histogram(f"{layer.name}/{weight.name}", weight.numpy(), last)  # "conv1/kernel"
    writer.close()
    checked = [e for e in record.epochs if e.get("val_loss") is not None]
    if checked:
        writer, scalar, _ = _writer(folder / "validation")
        with writer.as_default():
            for epoch in checked:
                scalar("epoch_loss", epoch["val_loss"], epoch["epoch"] - 1)
                scalar("epoch_accuracy", epoch["val_accuracy"], epoch["epoch"] - 1)
        writer.close()
    return folder
