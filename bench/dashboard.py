"""The dashboard for the browser benches (bench/rerun_latency.py, bench/canvas_accuracy.py, …)."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from bench.harness.server import serve_app
from core.data import use_shared_mnist_if_unset


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def running_dashboard(url: str | None = None):
    """Yield (URL, server pid): ``url`` if given (pid None), else a fresh server started by
    bench.harness.server.serve_app (MNIST from ../shared unless MNIST_PATH is set; log in the
    temporary folder)."""
    if url is not None:
        yield url, None
        return
    use_shared_mnist_if_unset()
    with serve_app() as served:
        yield served
