"""Where the studio's trainings run: a Dask cluster, so that Keras' per-batch loop never holds the
Streamlit server's GIL.

By default the app starts an embedded ``distributed.LocalCluster`` the first time it is needed:
K worker processes with one thread each (K = DOJO_MAX_TRAININGS, else the CPU count), every
thread of them at OS priority nice 10 so that the students' pages come first, and a scheduler
that gives up on a task whose worker died (no silent retry). With
``DOJO_DASK_SCHEDULER=tcp://host:8786`` the same jobs go to an existing cluster
(``dask scheduler`` + ``dask worker tcp://…`` on other machines; see ``core.training.worker``).

Messages travel as Dask structured events through the scheduler: workers publish progress on
``PROGRESS_TOPIC``, the server publishes stop / learning-rate requests on ``CONTROL_TOPIC``. Each
message names its job; one handler per process hands it to whoever listens for that job.
The scheduler's own "remove-worker" event becomes a ``{"kind": "lost"}`` message for each job
that worker was running (a worker that died, on any cluster).
No TensorFlow here; ``distributed`` is imported only when a cluster is first needed.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import Callable

LOG = logging.getLogger(__name__)
SCHEDULER_SETTING = "DOJO_DASK_SCHEDULER"
PROGRESS_TOPIC = "dojo-training-progress"
CONTROL_TOPIC = "dojo-training-control"
WORKER_NICE = 10
CONNECT_TIMEOUT = "20s"
TASK_PREFIX = "dojo-train-"  # Dask key of a training task: TASK_PREFIX + job id
# Dask's housekeeping that one training per worker does not need: it ran under the server's GIL
# (scheduler, nannies) and in every worker, ~5 % of a core each while idle (bench/training_overhead.py).
QUIET = {
    "distributed.worker.profile.enabled": False,  # the workers' stack sampling every 10 ms
    "distributed.admin.tick.interval": "1s",  # event-loop health check, 20 ms by default
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.disk": False,
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.scheduler.work-stealing": False,  # one task per worker: nothing to steal
    "distributed.scheduler.active-memory-manager.start": False,  # no data kept on workers
    "distributed.worker.memory.monitor-interval": "1s",  # the nannies' memory checks, 100 ms by default
    "distributed.deploy.cluster-repr-interval": "10s",
}


def max_trainings_setting() -> int:
    """K: the DOJO_MAX_TRAININGS setting, else the number of CPU cores (at least 1)."""
    value = os.environ.get("DOJO_MAX_TRAININGS", "")
    try:
        return max(1, int(value))
    except ValueError:
        return max(1, os.cpu_count() or 1)


class Cluster:
    """A lazily started Dask client (and, without an address, the LocalCluster behind it).

    ``processes=False`` keeps the workers as threads of this process (tests of the queue only).
    """

    def __init__(self, address: str | None = None, workers: int | None = None, nice: int | None = WORKER_NICE,
                 processes: bool = True, threads_per_worker: int = 1):
        self.address = address
        self.workers = workers or max_trainings_setting()
        self.nice = nice
        self.processes = processes
        self.threads_per_worker = threads_per_worker
        self._lock = threading.Lock()
        self._client = None
        self._local = None
        self._listeners: dict[str, Callable[[dict], None]] = {}
        self._closed = False  # close() was called: a warm-up failing then is the exit, not a problem

    @property
    def started(self) -> bool:
        return self._client is not None

    def client(self):
        """The connected ``distributed.Client``; the first call connects (or starts the local cluster)."""
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _connect(self):
        import dask
        from distributed import Client, LocalCluster

        from core.training import worker

        if self.address:
            client = Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        else:
            with dask.config.set(QUIET):  # the nannies hand this config on to their workers
                self._local = LocalCluster(
                    n_workers=self.workers, threads_per_worker=self.threads_per_worker, processes=self.processes,
                    dashboard_address=None, silence_logs=logging.WARNING,
                    # a run whose worker died fails, it is not re-run; the scheduler's HTTP routes on a free port
                    scheduler_kwargs={"allowed_failures": 0, "dashboard_address": "127.0.0.1:0"},
                    **({"host": "127.0.0.1"} if self.processes else {}),  # loopback only (threads talk in-process)
                )
            client = Client(self._local, set_as_default=False)
            if self.nice and self.processes:
                client.register_plugin(worker.Nice(self.nice))
        client.subscribe_topic(PROGRESS_TOPIC, self._dispatch)
        client.subscribe_topic("all", self._on_cluster_event)
        atexit.register(self._close_quietly)  # after Dask's own exit hooks, so it runs before them
        return client

    def warm_up(self) -> None:
        """In the background: connect, then load TensorFlow and MNIST on every worker (first run starts sooner)."""
        def work():
            client = None
            try:
                from core.training import worker

                client = self.client()
                for address in client.scheduler_info(n_workers=-1)["workers"]:
                    client.submit(worker.warm_up, workers=[address], pure=False, key=f"dojo-warm-up-{address}")
            except Exception:  # the first job will report what is wrong, in the student's language
                if not self._closed:  # not a cluster closed meanwhile (at exit)
                    LOG.warning("Dask cluster warm-up failed", exc_info=True)

        threading.Thread(target=work, name="dask-warm-up", daemon=True).start()

    # --- messages ----------------------------------------------------------------------------
    def listen(self, job_id: str, handler: Callable[[dict], None]) -> None:
        """Call ``handler(message)`` (in the client's event-loop thread) for each message of ``job_id``."""
        self._listeners[job_id] = handler

    def forget(self, job_id: str) -> None:
        self._listeners.pop(job_id, None)

    def _dispatch(self, event) -> None:
        self._deliver(event[1])

    def _on_cluster_event(self, event) -> None:
        _, message = event
        if message.get("action") == "remove-worker":
            for key in message.get("processing-tasks", ()):
                if isinstance(key, str) and key.startswith(TASK_PREFIX):
                    self._deliver({"job": key[len(TASK_PREFIX):], "kind": "lost", "worker": message.get("worker")})

    def _deliver(self, message: dict) -> None:
        handler = self._listeners.get(message.get("job"))
        if handler is not None:
            try:
                handler(message)
            except Exception:  # one bad message must not stop the others
                LOG.exception("progress message of job %s", message.get("job"))

    def send(self, job_id: str, **values) -> None:
        """Publish a control message for ``job_id``; returns at once (from any thread). No-op before connecting."""
        client = self._client
        if client is None:
            return
        message = {"job": job_id, **values}

        async def publish():
            await client.scheduler.log_event(topic=CONTROL_TOPIC, msg=message)

        client.loop.add_callback(publish)

    def _close_quietly(self) -> None:
        """At exit: close without Dask's farewell logs (stderr may be gone by then)."""
        for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "distributed"]:
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        self.close()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            if self._client is not None:
                if self._client.status == "running":
                    for topic in (PROGRESS_TOPIC, "all"):  # not told of its own leaving
                        self._client.unsubscribe_topic(topic)
                self._client.close()
            if self._local is not None:
                self._local.close()
            self._client = self._local = None


_SHARED: Cluster | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> Cluster:
    """This process' cluster: DOJO_DASK_SCHEDULER if set, else a LocalCluster of K workers (not started yet)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Cluster(os.environ.get(SCHEDULER_SETTING) or None)
        return _SHARED
