"""core.training.tb_logs: a finished studio run written as TensorBoard event files, read back with TensorFlow."""
from core.training import jobs
from core.training import studio
from core.training import tb_logs
from core.training.engine import TrainConfig


def read_scalars(folder):
    """{tag: [(step, value), …]} of every event file in ``folder``."""
    import tensorflow as tf

    found = {}
    for path in sorted(folder.glob("events.out.tfevents.*")):
        for raw in tf.data.TFRecordDataset(str(path)):
            event = tf.compat.v1.Event.FromString(raw.numpy())
            for value in event.summary.value:
                number = tf.make_ndarray(value.tensor)
                plugin = value.metadata.plugin_data.plugin_name
                found.setdefault(value.tag, []).append((event.step, float(number) if plugin == "scalars" else number))
    return found


def test_logs_of_a_real_run(tmp_path):
    manager = jobs.JobManager(max_running=1)
    config = TrainConfig(key="lenet5", epochs=2, batch_size=100, optimizer="adam", learning_rate=0.002,
                         train_size=1000, validation_split=0.2, progress_every=2)
    manager.submit("tb", config, label="tb")  # trained on a Dask worker; the model comes back here
    assert manager.wait_idle(240)
    record = studio.record_from_job(manager.take("tb"), 1)
    folder = tb_logs.write_logs(record, root=tmp_path, stem="../escape attempt")
    assert folder.parent == tmp_path and folder.name == "escape_attempt"  # safe name, inside root
    train = read_scalars(folder / "train")
    validation = read_scalars(folder / "validation")
    assert [step for step, _ in train["epoch_loss"]] == [0, 1]
    assert [v for _, v in train["epoch_accuracy"]] == [e["accuracy"] for e in record.epochs]
    assert [v for _, v in validation["epoch_accuracy"]] == [e["val_accuracy"] for e in record.epochs]
    assert [step for step, _ in train["batch_loss"]] == [p["step"] for p in record.points]
    histograms = {tag: values[0][1] for tag, values in train.items() if tag.startswith(("conv1", "dense1", "output"))}
    assert len(histograms) >= 6  # kernels and biases of conv1, dense1, output at least
    conv1 = record.model.get_layer("conv1").kernel.numpy()
    table = histograms["conv1/kernel"]
    assert table.shape == (30, 3) and table[:, 2].sum() == conv1.size  # every weight counted once
    assert table[0, 0] == conv1.min() and table[-1, 1] == conv1.max()
