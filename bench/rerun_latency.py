"""Stroke-to-answer time on the CNN lab page, in a real browser (headless Chromium).

Starts the dashboard on a free port, opens the lab, draws digits stroke by stroke with the
mouse, and for each stroke measures in the page itself: mouse up on the canvas → the answer
for that stroke is on screen (a MutationObserver on the stroke counter of the answer).
This includes the canvas' own wait before it sends a drawing (30 ms, see vendor/dojo_canvas).

    .venv/bin/python bench/rerun_latency.py [--strokes 24]

It also prints the server's CPU time per stroke (when it started the server itself), which bounds
how many strokes per second a class can draw on one server. The last line is the p95 in ms (goal
≤ 300 ms on this machine).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.dashboard import cpu_seconds, running_dashboard  # noqa: E402
from bench.harness.browser import launch_chromium  # noqa: E402
from bench.harness.lab import PROBE, canvas_box, clear, digit_strokes, open_lab, stroke, wait_for_stroke  # noqa: E402


def measure(page, url: str, strokes: int, pause: int, pid: int | None) -> tuple[list[float], list[float], float | None]:
    """Draw digits stroke by stroke; per stroke, ms from mouse-up and from sending to the answer.
    Also the server's CPU seconds over the timed strokes (and their clears), when its pid is known."""
    open_lab(page, url)
    page.evaluate(PROBE)
    # Warm-up: the first stroke loads all five models (seconds, once per server).
    stroke(page, [(140, 60), (140, 220)])
    wait_for_stroke(page, 1, timeout=120_000)
    clear(page)
    cpu_before = cpu_seconds(pid) if pid else None
    latencies, after_send = [], []
    digit = 0
    while len(latencies) < strokes:
        for n, points in enumerate(digit_strokes(digit % 10), start=1):
            page.evaluate("() => { window.__lab.shown = {}; }")
            stroke(page, points, canvas_box(page), steps=2)
            wait_for_stroke(page, n)
            page.wait_for_timeout(50)
            up, sent, shown = page.evaluate(f"() => [window.__lab.up, window.__lab.sent, window.__lab.shown[{n}]]")
            latencies.append(shown - up)
            after_send.append(shown - sent)
            print(f"digit {digit % 10} stroke {n}: {shown - up:6.0f} ms "
                  f"(sent after {sent - up:4.0f} ms, answer {shown - sent:4.0f} ms later)", flush=True)
            if pause:
                page.wait_for_timeout(pause)
        clear(page)
        digit += 1
    return latencies, after_send, cpu_seconds(pid) - cpu_before if pid else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=24, help="timed strokes (at least 20)")
    parser.add_argument("--pause", type=int, default=0,
                        help="extra ms between an answer and the next stroke (each stroke already "
                             "hovers 350 ms before the pen goes down, like a hand)")
    parser.add_argument("--url", help="use a dashboard already running there instead of starting one")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with running_dashboard(args.url) as (url, pid), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        latencies, after_send, server_cpu = measure(page, url, args.strokes, args.pause, pid)
        browser.close()
    ms, ours = np.array(latencies), np.array(after_send)
    load = os.getloadavg()[0]
    print(f"\n{len(ms)} strokes, load average {load:.1f} on {os.cpu_count()} cores")
    print(f"drawing sent → answer shown:  p50 {np.percentile(ours, 50):4.0f} ms, p95 {np.percentile(ours, 95):4.0f} ms")
    print(f"mouse up → answer shown:      p50 {np.percentile(ms, 50):4.0f} ms, p95 {np.percentile(ms, 95):4.0f} ms, "
          f"max {ms.max():.0f} ms (the canvas waits 30 ms after a stroke before it sends)")
    if server_cpu is not None:  # what a class of students drawing at once costs the server
        per_stroke = server_cpu / len(ms)
        print(f"server CPU per stroke (clears included): {per_stroke * 1000:.0f} ms → at most about "
              f"{(os.cpu_count() or 1) / per_stroke:.0f} strokes per second for a whole class on {os.cpu_count()} cores")
    print("stroke-to-answer p95, ms:")
    print(f"{np.percentile(ms, 95):.0f}")


if __name__ == "__main__":
    main()
