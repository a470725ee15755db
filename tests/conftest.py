"""Shared test setup: the project root on sys.path and MNIST from the shared offline copy."""
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness.apptest import open_page  # noqa: E402,F401 — the page tests' opener
from core.data import use_shared_mnist_if_unset  # noqa: E402

use_shared_mnist_if_unset()


def wait_for(condition, timeout: float = 60.0, every: float = 0.02) -> bool:
    """Ask ``condition()`` every ``every`` s until it is true (True) or ``timeout`` s have passed (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def assert_no_tensorflow(paths: list[str], lang: str, timeout: float = 240) -> None:
    """Open each page through the router in one fresh Python; fail naming the first page after
    which TensorFlow or Keras shows up in sys.modules (lessons must open without it)."""
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.conftest import open_page
        for path in {paths!r}:
            at = open_page(path, {lang!r})
            assert not at.exception, (path, [e.value for e in at.exception])
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
            assert not loaded, (path, loaded[:5])
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=timeout, env=os.environ.copy())
    assert result.returncode == 0, result.stderr[-3000:]
