"""The dashboard on a free localhost port for the browser benches (bench/rerun_latency.py, …)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_dashboard(url: str | None = None):
    """Yield (URL, server pid) of a dashboard: ``url`` if given (pid None), else a fresh
    `streamlit run app.py` (log in /tmp)."""
    if url is not None:
        yield url, None
        return
    port = free_port()
    log_path = Path("/tmp") / f"dojo_bench_{port}.log"
    env = os.environ.copy()
    shared = ROOT.parent / "shared" / "data" / "mnist.npz"
    if "MNIST_PATH" not in env and shared.is_file():
        env["MNIST_PATH"] = str(shared)
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env,
        )
        try:
            deadline = time.time() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    if time.time() > deadline:
                        raise SystemExit(f"the dashboard did not start; see {log_path}")
                    time.sleep(0.3)
            yield f"http://127.0.0.1:{port}", server.pid
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
