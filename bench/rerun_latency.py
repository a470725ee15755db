"""Stroke-to-answer time on the CNN lab page, in a real browser (headless Chromium).

Starts the dashboard on a free port, opens the lab, draws digits stroke by stroke with the
mouse, and for each stroke measures in the page itself: mouse up on the canvas → the answer
for that stroke is on screen (a MutationObserver on the stroke counter of the answer).
This includes the canvas' own wait before it sends a drawing (30 ms, see vendor/dojo_canvas).

    .venv/bin/python bench/rerun_latency.py [--strokes 24]

The last line is the p95 in ms (goal ≤ 300 ms on this machine).
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, wait_for_app  # noqa: E402
from tests.browser.lab import PROBE, canvas_box, clear, digit_strokes, open_lab, stroke, wait_for_stroke  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int, log_path: Path) -> subprocess.Popen:
    env = os.environ.copy()
    shared = ROOT.parent / "shared" / "data" / "mnist.npz"
    if "MNIST_PATH" not in env and shared.is_file():
        env["MNIST_PATH"] = str(shared)
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log_path.open("w"), stderr=subprocess.STDOUT, env=env,
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"the dashboard did not start; see {log_path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=24, help="timed strokes (at least 20)")
    parser.add_argument("--pause", type=int, default=0,
                        help="extra ms between an answer and the next stroke (each stroke already "
                             "hovers 350 ms before the pen goes down, like a hand)")
    parser.add_argument("--url", help="use a dashboard already running there instead of starting one")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    server = None
    url = args.url
    if url is None:
        port = free_port()
        server = start_app(port, Path("/tmp") / f"rerun_latency_{port}.log")
        url = f"http://127.0.0.1:{port}"
    latencies, after_send = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            open_lab(page, url, wait_for_app)
            page.evaluate(PROBE)
            # Warm-up: the first stroke loads all five models (seconds, once per server).
            stroke(page, [(140, 60), (140, 220)])
            wait_for_stroke(page, 1, timeout=120_000)
            clear(page)
            digit = 0
            while len(latencies) < args.strokes:
                for n, points in enumerate(digit_strokes(digit % 10), start=1):
                    page.evaluate("() => { window.__lab.shown = {}; }")
                    stroke(page, points, canvas_box(page), steps=2)
                    wait_for_stroke(page, n)
                    page.wait_for_timeout(50)
                    up, sent, shown = page.evaluate(
                        f"() => [window.__lab.up, window.__lab.sent, window.__lab.shown[{n}]]")
                    latencies.append(shown - up)
                    after_send.append(shown - sent)
                    print(f"digit {digit % 10} stroke {n}: {shown - up:6.0f} ms "
                          f"(sent after {sent - up:4.0f} ms, answer {shown - sent:4.0f} ms later)", flush=True)
                    if args.pause:
                        page.wait_for_timeout(args.pause)
                clear(page)
                digit += 1
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
    ms, ours = np.array(latencies), np.array(after_send)
    load = os.getloadavg()[0]
    print(f"\n{len(ms)} strokes, load average {load:.1f} on {os.cpu_count()} cores")
    print(f"drawing sent → answer shown:  p50 {np.percentile(ours, 50):4.0f} ms, p95 {np.percentile(ours, 95):4.0f} ms")
    print(f"mouse up → answer shown:      p50 {np.percentile(ms, 50):4.0f} ms, p95 {np.percentile(ms, 95):4.0f} ms, "
          f"max {ms.max():.0f} ms (the canvas waits 30 ms after a stroke before it sends)")
    print("stroke-to-answer p95, ms:")
    print(f"{np.percentile(ms, 95):.0f}")


if __name__ == "__main__":
    main()
