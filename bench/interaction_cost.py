"""Server CPU per widget change, on every page, with one client on an otherwise idle server.

One bench.streamlit_client.Session (the browser's websocket protocol, fragments included) opens
each page and changes each of its widgets ``--repeats`` times through values a student would
pick (sliders: values spread over the range; options: the other options in turn; toggles:
flips; buttons: presses; the lab's canvas: recorded strokes, bench/canvas_strokes.json). The
last change of a widget puts back the value it had, so the next widget starts from the page's
default. Per change, the server's CPU time (all its threads, to the nanosecond) from the
moment the change is sent until the run is answered and the server is quiet again.

Widgets are found on the page as it is (by user key, or by label for buttons without one), so
widgets moved into fragments or renamed are measured as they come. Skipped: the language switch,
file uploaders, data editors, and the studio's Start / measure buttons (they start TensorFlow
work, not a settings change). Lesson 3's "train" button (it trains a network on purpose) and the
presenter switch (the teacher's, once per lesson: it redraws the whole page in another layout, as
the language switch does) are measured and shown but left out of the page figures. Widgets whose keys differ only by a number
(lesson 6's ten logits, lesson 3's nine pixels) share one row: ``--repeats`` of them are each
changed and put back. Model pickers are first run once through their models without measuring:
loading a model or predicting the test set with it happens once per server.

    .venv/bin/python bench/interaction_cost.py [--repeats 5] [--pages lesson_4_convolution cnn_lab]
                                               [--url http://127.0.0.1:8501 --pid PID]

Prints a table (page, widget, kind, p50 / p95 ms of server CPU, n) and the CPU of opening each
page; the last line is ``worst_ms=<worst page p95>`` (a page's p95 over all its widget changes).
Goal: ≤ 40 ms.
"""
from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.dashboard import running_dashboard  # noqa: E402
from bench.streamlit_client import (  # noqa: E402
    ClientError, Session, load_strokes, process_cpu_seconds, strokes_answered,
)
from core import i18n  # noqa: E402

PAGES = ("home", "cnn_lab", "lesson_0_mnist", "lesson_1_regression", "lesson_2_perceptron",
         "lesson_3_maru_batsu", "lesson_4_convolution", "lesson_5_pooling", "lesson_6_softmax",
         "lesson_7_gradient_descent", "inside_network", "test_explorer", "training_studio")
SKIP_KINDS = {"file_uploader", "dataframe", "download_button", "bidi_component", "component_instance"}
MODEL_PICKERS = ("lab_model", "inside_model", "explorer_model")
NOT_SETTINGS = ("training_studio.start", "training_studio.measure")  # buttons that start TensorFlow work
# measured and shown, not in worst_ms: not a student's ×30 settings change
NOT_IN_WORST = {
    "l3_train": "trains the ○× network, 25 drawn frames",
    "present": "the teacher's presenter switch (a whole-page rerun, once per lesson; like the language switch)",
}


def stems(key: str) -> tuple[str, ...]:
    """The text of ``key`` in both languages, cut before its first {field}."""
    return tuple(i18n.t(key, lang).split("{")[0].strip() for lang in i18n.LANGUAGES)


class Meter:
    """Server CPU of one request: from just before it is sent until the server is quiet again."""

    def __init__(self, pid: int):
        self.pid = pid
        self._quiet = (0.0, -1.0)  # (when, CPU seconds) of the last quiet reading

    def now(self) -> float:
        return process_cpu_seconds(self.pid)

    async def quiet(self) -> float:
        """CPU seconds so far, once the server has stopped using CPU (≤ 0.5 ms per 20 ms)."""
        last = self.now()
        for _ in range(25):
            await asyncio.sleep(0.02)
            now = self.now()
            if now - last < 0.0005:
                break
            last = now
        self._quiet = (time.perf_counter(), now)
        return now

    async def start(self) -> float:
        """CPU seconds before a request: the reading that ended the previous one if it is fresh."""
        when, cpu = self._quiet
        return cpu if time.perf_counter() - when < 0.05 else await self.quiet()


def identify(widget) -> tuple[str, str]:
    """How to find a widget again after reruns: ("key", user key) or ("label", label)."""
    return ("key", widget.key) if widget.key and widget.key != "None" else ("label", widget.label)


def find_again(session: Session, how: tuple[str, str]):
    kind, value = how
    return session.find(key=value) if kind == "key" else session.find(label=value)


def plan(widget, now, repeats: int, rng: np.random.Generator) -> list:
    """The values to give ``widget`` (showing ``now``), ending on ``now`` when known."""
    if widget.kind == "button":
        return [True] * repeats
    if widget.kind == "checkbox":
        start = bool(now)
        return [(not start) if i % 2 == 0 else start for i in range(repeats)]
    if widget.kind == "button_group":
        options = widget.options
        chosen = now if isinstance(now, list) else []
        if widget.proto.click_mode == widget.proto.MULTI_SELECT:
            picks = [[o for o in options if o != options[i % len(options)]] for i in range(repeats - 1)]
            return picks + [chosen]
        others = [o for o in options if [o] != chosen] or options
        return [[others[i % len(others)]] for i in range(repeats - 1)] + ([chosen] if chosen else [[others[0]]])
    if widget.options:  # radio, select box, select slider
        others = [o for o in widget.options if o != now] or list(widget.options)
        values = [others[i % len(others)] for i in range(repeats - 1)]
        return values + [now if now is not None else others[0]]
    if widget.kind in ("slider", "number_input"):
        proto = widget.proto
        if widget.kind == "number_input" and not (proto.has_min and proto.has_max):
            base = float(now or 0)
            return [base + i + 1 for i in range(repeats - 1)] + [base]
        step = proto.step or 1.0
        steps = int(round((proto.max - proto.min) / step))
        if steps <= 0:
            return []
        grid = rng.permutation(steps + 1)
        current = None if now is None or isinstance(now, list) else int(round((float(now) - proto.min) / step))
        others = [int(i) for i in grid if i != current] or [int(i) for i in grid]
        picks = [others[i % len(others)] for i in range(repeats - 1)]  # a short slider comes round again
        values = [proto.min + i * step for i in picks] + ([float(now)] if current is not None else [])
        integer = proto.data_type == proto.INT
        return [int(round(v)) if integer else round(v, 10) for v in values]
    return []


async def measure_changes(session: Session, meter: Meter, steps: list, rows: list, page: str, name: str,
                          record: bool = True) -> None:
    """Give each (widget found by ``how``, value) of ``steps`` in turn; one CPU figure per change."""
    cpu = []
    kind = fragment = None
    for how, value in steps:
        widget = find_again(session, how)
        if widget is None:
            rows.append((page, name, "gone", [], f"{how[1]} gone after a change"))
            return
        kind, fragment = widget.kind, bool(widget.fragment_id)
        before = await meter.start()
        await session.set(widget, value)
        cpu.append(await meter.quiet() - before)
    if record:
        note = f"not in worst_ms: {NOT_IN_WORST[name]}" if name in NOT_IN_WORST else ""
        rows.append((page, name, f"{kind}{' (fragment)' if fragment else ''}", cpu, note))


def families(order: list) -> list[tuple[str, list]]:
    """(row name, members) in page order; widgets whose keys differ only by a trailing number
    (three or more: the ten logits of lesson 6, the nine pixels of lesson 3) make one row."""
    def stem(how) -> str | None:
        match = re.fullmatch(r"(.*\D)\d+", how[1]) if how[0] == "key" else None
        return match.group(1) if match else None

    groups: dict = {}
    for how in order:
        groups.setdefault(stem(how) or how, []).append(how)
    rows = []
    for how in order:
        group = groups[stem(how) or how]
        if len(group) < 3:
            rows.append((how[1], [how]))
        elif group[0] == how:
            rows.append((f"{stem(how)}* ({len(group)})", group))
    return rows


async def strokes(session: Session, meter: Meter, repeats: int, rows: list) -> None:
    """Draw recorded digits stroke by stroke (``repeats`` strokes), clearing between digits."""
    drawings, cpu, clears = load_strokes(), [], []
    index = 0
    while len(cpu) < repeats:
        drawing = drawings[index % len(drawings)]
        index += 1
        for count, value in enumerate(drawing["values"], start=1):
            canvas = session.find_canvas()
            if canvas is None:
                rows.append(("cnn_lab", "canvas", "missing", [], "canvas not found"))
                return
            before = await meter.start()
            await session.set(canvas, value, kind="canvas_answer", watch=strokes_answered(count))
            cpu.append(await meter.quiet() - before)
        if len(cpu) < repeats:
            clear = session.find(key="lab_clear")
            if clear is None:
                rows.append(("cnn_lab", "lab_clear", "missing", [], "clear button not found"))
                break
            before = await meter.start()
            await session.click(clear)
            clears.append(await meter.quiet() - before)
    canvas = session.find_canvas()
    inside = " (fragment)" if canvas is not None and canvas.fragment_id else ""
    rows.append(("cnn_lab", "canvas stroke", "bidi_component" + inside, cpu, ""))
    if clears:
        rows.append(("cnn_lab", "lab_clear", "button" + inside, clears, ""))


def skipped(widget, page: str) -> str:
    """Why a widget is not measured ('' when it is)."""
    if widget.key == "lang":
        return "language switch"
    if widget.kind in SKIP_KINDS:
        return widget.kind
    if getattr(widget.proto, "disabled", False):
        return "disabled"
    if page == "training_studio" and widget.kind == "button":
        if any(stem and stem in widget.label for key in NOT_SETTINGS for stem in stems(key)):
            return "starts TensorFlow work"
    return ""


async def measure_page(session: Session, meter: Meter, page: str, repeats: int, rng, rows: list,
                       opens: dict, notes: list) -> None:
    before = await meter.quiet()
    await session.open(None if page == "home" else page)
    first = await meter.quiet() - before
    before = await meter.quiet()
    await session.open(None if page == "home" else page)
    opens[page] = (first, await meter.quiet() - before)
    if page == "cnn_lab":
        await strokes(session, meter, repeats, rows)  # the other widgets then act on a drawing
    order = [identify(w) for w in session.widgets.values()]
    canvas = session.find_canvas()
    done = {("key", "lab_clear")} | ({identify(canvas)} if canvas else set())  # measured with the strokes
    order = [how for how in order if page != "cnn_lab" or how not in done]
    for name, members in families(list(dict.fromkeys(order))):
        steps = []
        for index in range(repeats if len(members) > 1 else 1):
            how = members[index % len(members)]
            widget = find_again(session, how)
            if widget is None:
                notes.append(f"{page}: {how[1]} gone before its turn (an earlier widget's last value hid it)")
                continue
            why = skipped(widget, page)
            if why:
                if why != "language switch":
                    notes.append(f"{page}: {how[1]} skipped ({why})")
                continue
            # a family: each member changed and put back; a single widget: ``repeats`` changes
            values = plan(widget, session.value_of(widget), 2 if len(members) > 1 else repeats, rng)
            steps += [(how, value) for value in values]
        if not steps:
            continue
        try:
            if members[0][0] == "key" and members[0][1].split("__")[0] in MODEL_PICKERS:
                await measure_changes(session, meter, steps, rows, page, name, record=False)
            await measure_changes(session, meter, steps, rows, page, name)
        except ClientError as error:
            rows.append((page, name, "error", [], str(error)))


async def run(url: str, pid: int, pages, repeats: int, seed: int) -> tuple[list, dict, list, float, float]:
    meter = Meter(pid)
    errors: list[str] = []
    session = Session(url, name="cost", timeout=300, on_error=lambda what, detail: errors.append(f"{what}: {detail}"))
    await session.connect()
    await session.open()
    begun, idle_cpu = time.perf_counter(), meter.now()
    await asyncio.sleep(2.0)
    idle = (meter.now() - idle_cpu) / (time.perf_counter() - begun)
    rows, opens, notes = [], {}, []
    rng = np.random.default_rng(seed)
    for page in pages:
        if page != "home" and page not in session.pages:
            notes.append(f"{page}: no such page")
            continue
        await measure_page(session, meter, page, repeats, rng, rows, opens, notes)
    await session.close()
    return rows, opens, notes + errors, idle, time.perf_counter() - begun


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="changes per widget")
    parser.add_argument("--pages", nargs="+", default=list(PAGES), help="url pathnames (home = the first page)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--url", help="use a dashboard already running there (idle!) instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's pid (required to read its CPU)")
    args = parser.parse_args()
    if args.url and not args.pid:
        parser.error("--url needs --pid: the bench reads the server's CPU time")
    # the lab first: later pages (lessons 4 and 5, inside the network) then offer the drawing too
    with running_dashboard(args.url) as (url, pid):
        rows, opens, notes, idle, wall = asyncio.run(run(url, pid or args.pid, args.pages, args.repeats, args.seed))

    print(f"\nserver CPU per widget change, ms (idle server uses {idle * 1000:.1f} ms/s; {wall:.0f} s)")
    print(f"{'page':26} {'widget':34} {'kind':28} {'p50':>6} {'p95':>6} {'n':>3}")
    per_page: dict[str, list[float]] = {}
    worst_row = None
    for page, widget, kind, cpu, note in rows:
        if not cpu:
            print(f"{page:26} {widget[:34]:34} {kind[:28]:28} {'-':>6} {'-':>6} {0:3d}  {note}")
            continue
        ms = np.array(cpu) * 1000
        p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
        print(f"{page:26} {widget[:34]:34} {kind[:28]:28} {p50:6.0f} {p95:6.0f} {ms.size:3d}  {note}")
        if widget in NOT_IN_WORST:
            continue
        per_page.setdefault(page, []).extend(ms)
        if worst_row is None or p95 > worst_row[1]:
            worst_row = (f"{page} / {widget}", p95)
    print("\npage                       open ms (first, again)   p95 of its widget changes")
    worst = 0.0
    for page in args.pages:
        first, again = opens.get(page, (float("nan"), float("nan")))
        changes = np.array(per_page.get(page, []))
        p95 = np.percentile(changes, 95) if changes.size else float("nan")
        worst = max(worst, p95) if changes.size else worst
        print(f"{page:26} {first * 1000:8.0f} {again * 1000:8.0f}        {p95:8.0f}  ({changes.size} changes)")
    for note in notes:
        print("note:", note)
    if worst_row:
        print(f"worst widget: {worst_row[0]} (p95 {worst_row[1]:.0f} ms)")
    print(f"worst_ms={worst:.0f}")


if __name__ == "__main__":
    main()
