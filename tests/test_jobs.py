"""core.training.jobs: the server-wide queue (K at once, FIFO, positions), stop, learning rate, closed sessions.

Most tests train for real (lenet5 on 1,000 images, about a second each). The queue-order tests
use a training function that holds until the test releases it, so that "who runs, who waits"
does not depend on how fast this shared machine is at the moment.
"""
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from core import data
from core.training import jobs
from core.training.engine import Control, TrainConfig


@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist()


def tiny(epochs=1, **changes):
    values = dict(key="lenet5", epochs=epochs, batch_size=100, optimizer="adam", learning_rate=0.002,
                  train_size=1000, progress_every=2)
    values.update(changes)
    return TrainConfig(**values)


class HeldTraining:
    """A training function that runs until the test releases it (or the job is stopped)."""

    def __init__(self):
        self.release = {}
        self.started = []

    def __call__(self, config, mnist, on_progress=None, control=None, model=None):
        gate = self.release.setdefault(config.seed, threading.Event())
        self.started.append(config.seed)
        while not gate.wait(0.01):
            if control.stop_requested:
                return SimpleNamespace(status="stopped", model=None, batch_history=[])
        if config.seed == 99:
            raise ValueError("broken on purpose")
        return SimpleNamespace(status="completed", model=None, batch_history=[])


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_curve_keeps_at_most_its_limit_evenly_spread():
    curve = jobs.Curve(limit=4)
    for value in range(10):
        curve.add({"v": value})
    # 0..4 → over 4: keep 0,2,4 (stride 2); 6 and 8 join → over 4: keep 0,4,8 (stride 4); 9 is skipped
    assert [p["v"] for p in curve.points] == [0, 4, 8]
    long = jobs.Curve(limit=300)
    for value in range(100_000):
        long.add({"v": value})
    values = [p["v"] for p in long.points]
    assert len(values) <= 300 and values[0] == 0
    assert len(set(np.diff(values))) == 1  # evenly spaced


def test_k_comes_from_the_setting_or_the_cpu_count(monkeypatch):
    monkeypatch.setenv("DOJO_MAX_TRAININGS", "3")
    assert jobs.max_trainings_setting() == 3
    monkeypatch.setenv("DOJO_MAX_TRAININGS", "0")
    assert jobs.max_trainings_setting() == 1
    monkeypatch.setenv("DOJO_MAX_TRAININGS", "many")
    assert jobs.max_trainings_setting() >= 1
    monkeypatch.delenv("DOJO_MAX_TRAININGS")
    assert jobs.JobManager().max_running == max(1, __import__("os").cpu_count() or 1)


def test_queue_is_first_in_first_out_with_visible_positions():
    held = HeldTraining()
    manager = jobs.JobManager(max_running=1, train=held, make_control=Control)
    for seed, session in enumerate(["a", "b", "c"]):
        manager.submit(session, tiny(seed=seed), mnist=None, label=session)
    assert wait_for(lambda: held.started == [0])
    a, b, c = manager.poll("a"), manager.poll("b"), manager.poll("c")
    assert (a.state, a.position) == ("running", None)
    assert (b.state, b.position, b.queue_length) == ("queued", 1, 2)
    assert (c.state, c.position) == ("queued", 2)
    assert manager.status() == {"running": 1, "waiting": 2, "max_running": 1}

    with pytest.raises(jobs.JobActive):
        manager.submit("b", tiny(), mnist=None, label="again")

    held.release[0].set()  # a finishes → b starts, c moves up
    assert wait_for(lambda: held.started == [0, 1])
    assert manager.poll("a").state == "completed"
    assert manager.poll("c").position == 1

    manager.stop("c")  # leaving the line: cancelled at once, never trained
    assert manager.poll("c").state == "cancelled"
    manager.stop("b")  # a running job ends at its next check
    assert wait_for(lambda: manager.poll("b").state == "stopped")
    assert held.started == [0, 1]
    assert manager.take("a").label == "a" and manager.poll("a") is None
    manager.close()


def test_two_at_once_when_k_is_two_and_a_failure_frees_its_slot():
    held = HeldTraining()
    manager = jobs.JobManager(max_running=2, train=held, make_control=Control)
    manager.submit("x", tiny(seed=99), mnist=None, label="x")
    manager.submit("y", tiny(seed=1), mnist=None, label="y")
    manager.submit("z", tiny(seed=2), mnist=None, label="z")
    assert wait_for(lambda: sorted(held.started) == [1, 99])
    assert manager.poll("z").position == 1
    held.release[99].set()
    assert wait_for(lambda: manager.poll("x").state == "failed")
    assert "broken on purpose" in manager.poll("x").error
    assert wait_for(lambda: 2 in held.started)  # z got x's slot
    held.release[1].set()
    held.release[2].set()
    assert manager.wait_idle(10)
    manager.close()


def test_closed_session_is_stopped_after_the_grace_time():
    held = HeldTraining()
    alive = {"a": True, "b": True}
    manager = jobs.JobManager(max_running=1, train=held, make_control=Control, liveness=alive.get,
                              grace=30, check_every=3600)
    manager.submit("a", tiny(seed=0), mnist=None, label="a")
    manager.submit("b", tiny(seed=1), mnist=None, label="b")
    assert wait_for(lambda: held.started == [0])
    ids = [manager.poll("a").id, manager.poll("b").id]
    now = time.monotonic()
    alive["a"] = alive["b"] = False  # both tabs closed
    assert manager.reap(now) == []  # a network blip is forgiven…
    assert manager.reap(now + 29) == []
    assert manager.reap(now + 31) == ids  # …but not 31 s of silence
    assert manager.status()["waiting"] == 0 and manager.poll("b") is None  # b left the line, never trained
    assert wait_for(lambda: manager.status()["running"] == 0)  # a stopped at its next batch
    assert held.started == [0]
    assert manager.reap(now + 32) == [ids[0]] and manager.poll("a") is None  # its unclaimed result is dropped


def test_unpolled_job_stops_when_liveness_is_unknown():
    held = HeldTraining()
    manager = jobs.JobManager(max_running=1, train=held, make_control=Control, idle_timeout=600, check_every=3600)
    manager.submit("a", tiny(seed=0), mnist=None, label="a")
    assert wait_for(lambda: held.started == [0])
    view = manager.poll("a")
    assert manager.reap(time.monotonic() + 60) == []
    assert manager.reap(time.monotonic() + 601) == [view.id]
    assert wait_for(lambda: manager.poll("a").state == "stopped")
    assert manager.poll("a").stop_reason == "idle"


def test_real_trainings_wait_their_turn_and_bring_their_results(mnist):
    manager = jobs.JobManager(max_running=1)
    manager.submit("first", tiny(), mnist, label="first")
    manager.submit("second", tiny(seed=1), mnist, label="second")
    assert manager.poll("second").position == 1
    assert manager.wait_idle(120)
    first, second = manager.take("first"), manager.take("second")
    assert first.state == second.state == "completed"
    assert second.started >= first.finished - 0.05  # never both at once with K = 1
    for job in (first, second):
        assert job.result.test_accuracy > 0.5
        assert job.predictions.shape == (10000,) and job.predictions.dtype == np.uint8
        assert job.confidence.dtype == np.float16 and 0.1 <= float(job.confidence.min()) <= 1.0
        # the predictions agree with the engine's own test accuracy
        assert abs((job.predictions == mnist.y_test).mean() - job.result.test_accuracy) < 0.002
        assert job.epochs[-1]["epoch"] == 1 and job.curve.points[-1]["step"] == 10
        assert job.wall_seconds >= job.result.wall_seconds
        assert job.mnist is None and job.model is None  # the job lets go of the data


def test_stop_within_a_batch_and_change_the_learning_rate(mnist):
    manager = jobs.JobManager(max_running=1)
    seen = []
    manager.submit("s", tiny(epochs=200, progress_every=1), mnist, label="s")
    assert wait_for(lambda: (manager.poll("s").progress or SimpleNamespace(step=0)).step >= 3)
    assert manager.set_learning_rate("s", 0.0005)
    assert wait_for(lambda: manager.poll("s").progress.learning_rate == 0.0005)
    seen.append(manager.poll("s").progress.step)
    manager.stop("s")
    assert manager.wait_idle(60)
    job = manager.take("s")
    assert job.state == "stopped" and job.stop_reason == "student"
    assert len(job.result.batch_history) <= jobs.CURVE_POINTS and len(job.curve.points) <= jobs.CURVE_POINTS
    assert job.result.samples_seen < 200 * 1000  # far from the 200 epochs asked for
    assert job.lr_changes and job.lr_changes[0][1] == 0.0005
    assert job.result.test_accuracy is not None  # a stopped model is still evaluated
    assert not manager.set_learning_rate("s", 0.1)  # nothing running any more


def test_a_diverging_run_has_no_predictions(mnist):
    manager = jobs.JobManager(max_running=1)
    manager.submit("nan", tiny(optimizer="sgd", learning_rate=10.0, batch_size=128), mnist, label="nan")
    assert manager.wait_idle(60)
    job = manager.take("nan")
    assert job.state == "diverged" and job.result.reason_key == "training.nan_loss"
    assert job.predictions is None


def test_predict_test_set_matches_argmax():
    class Fixed:
        def predict_on_batch(self, images):
            # probability 0.8 on (first pixel × 9) rounded, 0.2/9 elsewhere
            labels = np.rint(images[:, 0, 0, 0] * 9).astype(int)
            proba = np.full((len(images), 10), 0.2 / 9, dtype=np.float32)
            proba[np.arange(len(images)), labels] = 0.8
            return proba

    x = np.zeros((2500, 28, 28), dtype=np.uint8)
    x[:, 0, 0] = (np.arange(2500) % 10) * 255 // 9
    labels, confidence = jobs.predict_test_set(Fixed(), x)
    assert labels.tolist() == (np.arange(2500) % 10).tolist()
    assert np.allclose(confidence.astype(float), 0.8, atol=1e-3)
