"""core.training.jobs: the server-wide queue (K at once, FIFO, positions), stop, learning rate, closed
sessions, a worker that dies.

Real trainings (lenet5 on 1,000 images) run on this process' shared Dask LocalCluster
(core.training.cluster.shared(): niced worker processes, as in the app). The queue-order tests use
an in-process Dask cluster and a task that holds until the test releases it, talking to the
manager through the real worker ``Link`` (started, stop, acknowledgements), so that "who runs,
who waits" does not depend on how fast this shared machine is at the moment.
"""
import os
import signal
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from core import data, i18n
from core.training import cluster, jobs, studio, worker
from core.training.engine import ConfigError, TrainConfig
from tests.conftest import wait_for

GATES: dict[int, threading.Event] = {}  # seed → released by the test
STARTED: list[int] = []  # seeds, in the order their held task started


@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist()


@pytest.fixture(scope="module")
def in_process():
    """A Dask cluster whose worker threads live in this process (the held tasks share GATES)."""
    local = cluster.Cluster(workers=1, processes=False, threads_per_worker=4, nice=None)
    yield local
    local.close()


@pytest.fixture
def held(in_process):
    GATES.clear()
    STARTED.clear()
    return in_process


def held_task(job_id, config, budget):
    """Runs until the test sets its seed's gate (or the job is stopped); seed 99 fails."""
    seed = config["seed"]
    with worker.Link(job_id) as link:
        link.send("started", worker="in-process", pid=os.getpid())
        STARTED.append(seed)
        gate = GATES.setdefault(seed, threading.Event())
        status = "completed"
        while not gate.wait(0.01):
            if link.control.stop_requested:
                status = "stopped"
                break
        if seed == 99:
            raise ValueError("broken on purpose")
    return {"result": SimpleNamespace(status=status, model=None), "config": TrainConfig.from_dict(config),
            "plan": None, "stop_reason": None, "predictions": None, "confidence": None, "model_bytes": None,
            "wall_seconds": 0.0}


def tiny(epochs=1, **changes):
    values = dict(key="lenet5", epochs=epochs, batch_size=100, optimizer="adam", learning_rate=0.002,
                  train_size=1000, progress_every=2)
    values.update(changes)
    return TrainConfig(**values)



def step(manager, session):
    view = manager.poll(session)
    return view.progress.step if view is not None and view.progress is not None else 0


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
    assert jobs.JobManager().max_running == max(1, os.cpu_count() or 1)
    assert cluster.Cluster().workers == max(1, os.cpu_count() or 1)  # one worker process per slot


def test_queue_is_first_in_first_out_with_visible_positions(held):
    manager = jobs.JobManager(max_running=1, cluster=held, task=held_task)
    for seed, session in enumerate(["a", "b", "c"]):
        manager.submit(session, tiny(seed=seed), label=session)
    # the task runs before its "started" message (with the pid) reaches the manager
    assert wait_for(lambda: STARTED == [0] and manager.poll("a").pid is not None)
    a, b, c = manager.poll("a"), manager.poll("b"), manager.poll("c")
    assert (a.state, a.position, a.pid) == ("running", None, os.getpid())
    assert (b.state, b.position, b.queue_length) == ("queued", 1, 2)
    assert (c.state, c.position) == ("queued", 2)
    assert manager.status() == {"running": 1, "waiting": 2, "max_running": 1}

    with pytest.raises(jobs.JobActive):
        manager.submit("b", tiny(), label="again")

    GATES[0].set()  # a finishes → b starts, c moves up
    assert wait_for(lambda: STARTED == [0, 1])
    assert wait_for(lambda: manager.poll("a").state == "completed")
    assert manager.poll("c").position == 1

    manager.stop("c")  # leaving the line: cancelled at once, never trained
    assert manager.poll("c").state == "cancelled"
    manager.stop("b")  # a running job ends at its next check, once the message reached the worker
    assert wait_for(lambda: manager.poll("b").state == "stopped")
    assert STARTED == [0, 1]
    assert manager.take("a").label == "a" and manager.poll("a") is None
    manager.close()


def test_two_at_once_when_k_is_two_and_a_failure_frees_its_slot(held):
    manager = jobs.JobManager(max_running=2, cluster=held, task=held_task)
    manager.submit("x", tiny(seed=99), label="x")
    manager.submit("y", tiny(seed=1), label="y")
    manager.submit("z", tiny(seed=2), label="z")
    assert wait_for(lambda: sorted(STARTED) == [1, 99])
    assert manager.poll("z").position == 1
    GATES[99].set()
    assert wait_for(lambda: manager.poll("x").state == "failed")
    assert "broken on purpose" in manager.poll("x").error and manager.poll("x").error_key is None
    assert wait_for(lambda: 2 in STARTED)  # z got x's slot
    GATES[1].set()
    GATES[2].set()
    assert manager.wait_idle(30)
    manager.close()


def test_a_stop_sent_before_the_worker_listens_still_arrives(held):
    """Stop at once after submitting: the message goes out before the task subscribed; the
    worker's "started" (or the janitor's resend) brings it again, and the acknowledgement ends it."""
    manager = jobs.JobManager(max_running=1, cluster=held, task=held_task)
    manager.submit("early", tiny(seed=5), label="early")
    manager.stop("early")
    assert wait_for(lambda: manager.poll("early").state == "stopped", 30)
    assert manager.take("early").stop_reason == "student"
    assert STARTED == [5]


def test_unacknowledged_control_is_sent_again_after_a_second():
    sent = []
    fake = SimpleNamespace(send=lambda job_id, **values: sent.append((job_id, values)))
    manager = jobs.JobManager(max_running=1, cluster=fake)
    job = jobs.Job("s", tiny(), "s", state="running")
    manager._jobs["s"], manager._running = job, {job.id}
    manager.stop("s")
    assert sent == [(job.id, {"seq": 1, "stop": True, "learning_rate": None})]
    assert manager.resend(now=job.sent_at + 0.5) == 0  # not yet
    assert manager.resend(now=job.sent_at + 1.0) == 1 and len(sent) == 2
    job.acked = 1  # the worker answered
    assert manager.resend(now=job.sent_at + 5.0) == 0
    assert manager.set_learning_rate("s", 0.01) and sent[-1][1] == {"seq": 2, "stop": True, "learning_rate": 0.01}
    with pytest.raises(ConfigError):
        manager.set_learning_rate("s", -1)


def test_closed_session_is_stopped_after_the_grace_time(held):
    alive = {"a": True, "b": True}
    manager = jobs.JobManager(max_running=1, cluster=held, task=held_task, liveness=alive.get,
                              grace=30, check_every=3600)
    manager.submit("a", tiny(seed=0), label="a")
    manager.submit("b", tiny(seed=1), label="b")
    assert wait_for(lambda: STARTED == [0])
    ids = [manager.poll("a").id, manager.poll("b").id]
    now = time.monotonic()
    alive["a"] = alive["b"] = False  # both tabs closed
    assert manager.reap(now) == []  # a network blip is forgiven…
    assert manager.reap(now + 29) == []
    assert manager.reap(now + 31) == ids  # …but not 31 s of silence
    assert manager.status()["waiting"] == 0 and manager.poll("b") is None  # b left the line, never trained
    assert wait_for(lambda: manager.status()["running"] == 0)  # a stopped at its next check
    assert wait_for(lambda: manager._jobs["a"].state == "stopped")
    assert STARTED == [0]
    assert manager.reap(now + 32) == [ids[0]] and manager.poll("a") is None  # its unclaimed result is dropped


def test_unpolled_job_stops_when_liveness_is_unknown(held):
    manager = jobs.JobManager(max_running=1, cluster=held, task=held_task, idle_timeout=600, check_every=3600)
    manager.submit("a", tiny(seed=0), label="a")
    assert wait_for(lambda: STARTED == [0])
    view = manager.poll("a")
    assert manager.reap(time.monotonic() + 60) == []
    assert manager.reap(time.monotonic() + 601) == [view.id]
    assert wait_for(lambda: manager.poll("a").state == "stopped")
    assert manager.poll("a").stop_reason == "idle"


def test_real_trainings_wait_their_turn_and_bring_their_results(mnist):
    manager = jobs.JobManager(max_running=1)
    manager.submit("first", tiny(), label="first")
    manager.submit("second", tiny(seed=1), label="second")
    assert manager.poll("second").position == 1
    on_a_worker = ("starting", "measuring", "training", "evaluating", "predicting")
    together, deadline = False, time.monotonic() + 300
    while manager.poll("first").active or manager.poll("second").active:  # never both on a worker with K = 1
        together |= all(manager.poll(s).phase in on_a_worker for s in ("first", "second"))
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert not together
    first, second = manager.take("first"), manager.take("second")
    assert first.state == second.state == "completed", (first.error, second.error)
    assert second.started >= first.started
    for job in (first, second):
        assert job.pid != os.getpid()  # trained in a worker process
        assert job.result.test_accuracy > 0.5
        assert job.predictions.shape == (10000,) and job.predictions.dtype == np.uint8
        assert job.confidence.dtype == np.float16 and 0.1 <= float(job.confidence.min()) <= 1.0
        # the predictions agree with the engine's own test accuracy, and the model that came back agrees too
        assert abs((job.predictions == mnist.y_test).mean() - job.result.test_accuracy) < 0.002
        back = jobs.predict_test_set(job.result.model, mnist.x_test[:500])[0]
        assert (back == job.predictions[:500]).mean() > 0.99
        assert job.model_bytes[:2] == b"PK"
        assert job.epochs[-1]["epoch"] == 1 and job.curve.points[-1]["step"] == 10
        assert job.wall_seconds >= job.result.wall_seconds - job.result.fit_seconds - job.result.test_seconds


def test_stop_within_a_batch_and_change_the_learning_rate():
    manager = jobs.JobManager(max_running=1)
    manager.submit("s", tiny(epochs=200, progress_every=1), label="s")
    assert wait_for(lambda: step(manager, "s") >= 3, 180)
    assert manager.set_learning_rate("s", 0.0005)
    assert wait_for(lambda: manager.poll("s").progress.learning_rate == 0.0005)  # applied on the worker
    manager.stop("s")
    assert manager.wait_idle(120)
    job = manager.take("s")
    assert job.state == "stopped" and job.stop_reason == "student"
    assert job.acked == job.control["seq"] == 2  # both messages acknowledged by the worker
    assert len(job.result.batch_history) <= jobs.CURVE_POINTS and len(job.curve.points) <= jobs.CURVE_POINTS
    assert job.result.samples_seen < 200 * 1000  # far from the 200 epochs asked for
    assert job.lr_changes and job.lr_changes[0][1] == 0.0005
    assert [p["learning_rate"] for p in job.result.batch_history][-1] == 0.0005
    assert job.result.test_accuracy is not None  # a stopped model is still evaluated
    assert not manager.set_learning_rate("s", 0.1)  # nothing running any more


def test_a_diverging_run_has_no_predictions():
    manager = jobs.JobManager(max_running=1)
    # Adam moves every weight by about the learning rate at once: 1e30 overflows float32 in the next
    # forward pass on any machine (SGD at 10 only sometimes does: saturated units keep the loss finite)
    manager.submit("nan", tiny(optimizer="adam", learning_rate=1e30, batch_size=128), label="nan")
    assert manager.wait_idle(120)
    job = manager.take("nan")
    assert job.state == "diverged" and job.result.reason_key == "training.nan_loss"
    assert job.predictions is None and job.model_bytes is None and job.result.model is None


def test_a_killed_worker_gives_a_clear_message_and_frees_the_slot():
    manager = jobs.JobManager(max_running=1)
    manager.submit("k", tiny(epochs=200, progress_every=1), label="k")
    assert wait_for(lambda: step(manager, "k") >= 2, 180)
    os.kill(manager.poll("k").pid, signal.SIGKILL)
    assert wait_for(lambda: not manager.poll("k").active, 60)
    assert manager.status()["running"] == 0
    job = manager.take("k")
    assert (job.state, job.error_key) == ("failed", "worker_lost")
    said = studio.outcome(studio.record_from_job(job, 1))
    assert (said.level, said.boxed[0][0]) == ("error", "training_studio.worker_lost")
    assert "stopped in the middle of the run" in i18n.t("training_studio.worker_lost", "en")
    assert "途中で止まりました" in i18n.t("training_studio.worker_lost", "ja")
    manager.submit("next", tiny(), label="next")  # the slot is free, and the cluster trains again
    assert manager.wait_idle(300)
    assert manager.take("next").state == "completed"


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
