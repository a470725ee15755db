"""Driving the CNN lab in a real browser: open it, draw with real mouse strokes, read the answer.

Used by the browser tests of the lab pages and by bench/rerun_latency.py, bench/canvas_accuracy.py.
The page shows the stroke count in `.st-key-lab_strokes` ("3 strokes · …" / "3 画 · …"), so
a test can tell which stroke an answer belongs to.
"""
from __future__ import annotations

from bench.harness.browser import wait_for_app
from bench.harness.drawings import TEMPLATES

CANVAS = "canvas.upper-canvas"

# In-page stopwatch: the time of the last mouseup on the canvas, and when the answer for
# stroke n first appeared (a MutationObserver, so nothing depends on Playwright's polling).
PROBE = """
() => {
  if (window.__lab) return;
  window.__lab = {up: null, shown: {}};
  document.addEventListener('mouseup', () => { window.__lab.up = performance.now(); }, true);
  const send = WebSocket.prototype.send;  // when the canvas' drawing leaves for the server
  WebSocket.prototype.send = function (data) { window.__lab.sent = performance.now(); return send.call(this, data); };
  new MutationObserver(() => {
    const el = document.querySelector('.st-key-lab_strokes');
    if (!el) return;
    const n = parseInt(el.innerText.trim(), 10);
    if (!Number.isNaN(n) && !(n in window.__lab.shown)) window.__lab.shown[n] = performance.now();
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""


def open_lab(page, base_url: str, wait=wait_for_app) -> None:
    """Home page first (the app's first run), then the lab through its link; wait for the canvas.

    Checks that the lab runs inside the app's router (its language switch is at the top right).
    """
    page.goto(base_url)
    wait(page)
    page.get_by_role("radio", name="English").wait_for(timeout=60_000)
    page.locator("a[href$='cnn_lab']").first.click()
    page.wait_for_selector(CANVAS, timeout=90_000)
    wait(page)
    page.get_by_role("radio", name="English").wait_for(timeout=10_000)


def canvas_box(page) -> dict:
    """The canvas' box on screen, after scrolling it to the middle (clear the sticky header)."""
    canvas = page.locator(CANVAS).first
    canvas.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(100)
    box = canvas.bounding_box()
    assert box and box["width"] >= 270, f"canvas not shown fully: {box}"
    return box


def stroke(page, points, box=None, steps: int = 3) -> None:
    """One pen stroke through canvas-pixel ``points``: hover, press, move, release.

    The pen rests 350 ms before it goes down, like a hand (test_cnn_lab also draws without the rest).
    """
    box = box or canvas_box(page)
    x0, y0 = points[0]
    page.mouse.move(box["x"] + x0, box["y"] + y0)
    page.wait_for_timeout(350)
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=steps)
    page.mouse.up()


def digit_strokes(digit: int, left: float = 70, top: float = 40, width: float = 130,
                  height: float = 200, variant: int = 0) -> list[list[tuple[float, float]]]:
    """The pen strokes of a template digit placed in a box of the 280×280 canvas."""
    return [[(left + x * width, top + y * height) for x, y in s] for s in TEMPLATES[digit][variant]]


def strokes_shown(page) -> int | None:
    """The stroke count of the answer on screen, or None while there is no answer."""
    box = page.locator(".st-key-lab_strokes")
    if box.count() == 0:
        return None
    text = box.first.inner_text().strip()
    digits = text.split(" ")[0]
    return int(digits) if digits.isdigit() else None


def wait_for_stroke(page, n: int, timeout: float = 30_000) -> None:
    """Wait until the answer for the n-th stroke is on screen."""
    page.wait_for_function(
        """(n) => { const el = document.querySelector('.st-key-lab_strokes');
                    return !!el && parseInt(el.innerText.trim(), 10) === n; }""",
        arg=n, timeout=timeout, polling=20,
    )


def answer_digit(page) -> str:
    """The digit in the answer box (st.metric value)."""
    return page.locator(".st-key-lab_answer [data-testid='stMetricValue']").first.inner_text().strip()


def draw_digit(page, digit: int, **placement) -> str:
    """Draw a template digit stroke by stroke (waiting for each answer); return the final answer."""
    box = canvas_box(page)
    before = strokes_shown(page) or 0
    for index, points in enumerate(digit_strokes(digit, **placement), start=1):
        stroke(page, points, box)
        wait_for_stroke(page, before + index)
    return answer_digit(page)


def clear(page) -> None:
    """Press the lab's clear button and wait for the fresh, empty canvas (a new widget key)."""
    old = page.locator(CANVAS).first.element_handle()
    page.locator(".st-key-lab_clear button").first.click(timeout=10_000)
    page.wait_for_function("() => !document.querySelector('.st-key-lab_strokes')", timeout=30_000)
    page.wait_for_function("(el) => !el.isConnected", arg=old, timeout=30_000)
    page.wait_for_selector(CANVAS, timeout=30_000)
    page.wait_for_timeout(200)
