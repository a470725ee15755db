"""`streamlit run app.py` on a free port of 127.0.0.1, for the browser tests and the benches."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_app(log_dir: Path | None = None, start_timeout: float = 90, script: str = "app.py"):
    """The dashboard (or another ``script`` of the project) on a free port for the duration of the block; yields (URL, server pid).

    Its output goes to ``log_dir``/streamlit-<port>.log (the temporary folder by default). MNIST
    comes from the environment the caller set up (``core.data.use_shared_mnist_if_unset``).
    """
    port = free_port()
    log_path = Path(log_dir or tempfile.gettempdir()) / f"streamlit-{port}.log"
    log = open(log_path, "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy(),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"the dashboard did not start within {start_timeout:.0f} s; see {log_path}")
        yield url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a script run or a training still finishing
            server.kill()
            server.wait(timeout=20)
        log.close()
