"""The studio's jobs on a Dask cluster started by hand, as a school would run one: ``dask scheduler``
and ``dask worker tcp://…`` as separate processes on 127.0.0.1 (free ports), reached through the
scheduler's address (DOJO_DASK_SCHEDULER). A real lenet5 run reports progress, takes a new learning
rate and stops; a worker killed mid-run gives the student the clear message and frees the slot.
"""
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.training import cluster, jobs
from core.training.engine import TrainConfig
from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]



def step(manager, session):
    view = manager.poll(session)
    return view.progress.step if view is not None and view.progress is not None else 0


def tiny(**changes):
    values = dict(key="lenet5", epochs=200, batch_size=100, optimizer="adam", learning_rate=0.002,
                  train_size=1000, progress_every=1)
    values.update(changes)
    return TrainConfig(**values)


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    """``dask scheduler`` and one ``dask worker`` (one thread, with its nanny) started from the
    project folder, as the README tells a teacher; yields the connected ``cluster.Cluster``."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    logs = tmp_path_factory.mktemp("dask")
    started = []
    for name, args in (
        ("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]),
        ("worker", ["worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                    "--no-dashboard", "--name", "school-pc"]),
    ):
        log = open(logs / f"{name}.log", "w")
        started.append((subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=ROOT, env=env,
                                         stdout=log, stderr=subprocess.STDOUT), log))
    remote = cluster.Cluster(address)
    try:
        client = remote.client()
        assert wait_for(lambda: len(client.scheduler_info(n_workers=-1)["workers"]) == 1, 120), \
            (logs / "worker.log").read_text()[-2000:]
        yield remote
    finally:
        remote.close()
        for process, log in reversed(started):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
            log.close()


def test_the_scheduler_setting_chooses_the_cluster(monkeypatch):
    monkeypatch.setattr(cluster, "_SHARED", None)
    monkeypatch.setenv(cluster.SCHEDULER_SETTING, "tcp://teacher-pc:8786")
    assert cluster.shared().address == "tcp://teacher-pc:8786" and not cluster.shared().started
    monkeypatch.setattr(cluster, "_SHARED", None)
    monkeypatch.delenv(cluster.SCHEDULER_SETTING)
    assert cluster.shared().address is None  # the embedded LocalCluster


def test_the_server_side_modules_load_neither_tensorflow_nor_dask():
    code = ("import sys, core.training.jobs, core.training.cluster, core.training.studio; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras', 'distributed', 'dask'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_a_run_on_a_hand_started_cluster_reports_takes_a_new_rate_and_stops(school):
    manager = jobs.JobManager(max_running=1, cluster=school)
    manager.submit("remote", tiny(), label="remote")
    assert wait_for(lambda: step(manager, "remote") >= 3, 300)  # the worker imports TensorFlow first
    view = manager.poll("remote")
    workers = school.client().scheduler_info(n_workers=-1)["workers"]
    assert view.worker in workers and workers[view.worker]["name"] == "school-pc"
    assert view.pid != os.getpid() and view.curve and view.phase == "training"

    assert manager.set_learning_rate("remote", 0.0005)
    assert wait_for(lambda: manager.poll("remote").progress.learning_rate == 0.0005, 60)
    manager.stop("remote")
    assert manager.wait_idle(120)
    job = manager.take("remote")
    assert (job.state, job.stop_reason, job.acked) == ("stopped", "student", 2)
    assert job.result.samples_seen < 200 * 1000 and job.result.test_accuracy is not None
    assert job.result.batch_history[-1]["learning_rate"] == 0.0005
    assert job.predictions.shape == (10000,) and job.result.model.name == "lenet5"  # the model came back


def test_a_killed_remote_worker_fails_the_run_clearly_and_frees_the_slot(school):
    """The nanny restarts the worker and the scheduler would re-run the task from the start; the
    scheduler's remove-worker event ends the student's run instead, and the next in line starts."""
    manager = jobs.JobManager(max_running=1, cluster=school)
    manager.submit("victim", tiny(), label="victim")
    manager.submit("next", tiny(), label="next")
    assert wait_for(lambda: step(manager, "victim") >= 2, 300)
    assert manager.poll("next").position == 1
    os.kill(manager.poll("victim").pid, signal.SIGKILL)
    assert wait_for(lambda: not manager.poll("victim").active, 60)
    victim = manager.poll("victim")
    assert (victim.state, victim.error_key) == ("failed", "worker_lost")
    assert manager.poll("next").state == "running" and manager.status()["waiting"] == 0
    manager.stop("next")
    assert manager.wait_idle(300)
