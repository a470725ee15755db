"""A class on one dashboard: N students (default 30) over Streamlit's websocket, no browser each.

Each student is a bench.streamlit_client.Session doing on the wire what a browser tab does. The
students arrive within ``--arrive`` seconds (home page first), then, with a think time between
actions, take turns at: lesson 4 (stride, padding, window row/column, kernel size and preset,
ReLU, which of the 16 maps), lesson 1 (a, b, number of points, noise, the two toggles, the
aside's x and y), and the CNN lab, drawing digits stroke by stroke from real browser strokes
(bench/canvas_strokes.json, recorded with ``--record-strokes``; a student draws at hand pace
without waiting for each answer, reads it, sends it to the class gallery with the digit meant
(``--send-share`` of the drawings; each drawing turned and stretched a little in its own way, so no
two students send the same picture), and presses clear). ``--trainings K`` of the
students first start a training in the studio (class preset, 60 s time box) and watch it (the
live view polls once a second) before joining the others. After ``--duration`` seconds nobody
starts a new action; the bench then waits for the answers still due and stops.

Measured from the client, send → answer on the wire:
- page_rerun: a widget change that reruns the whole page; fragment_rerun: one inside a fragment;
- canvas_answer: stroke sent → the lab's answer for it drawn (its stroke count in ``lab_strokes``);
- poll: an auto-rerun of a live fragment (training studio);
- send: "send to the class" pressed → the lab's fragment drawn again with its answer (not in p95_ms;
  the digit chosen before is a fragment_rerun). The pool (a fresh DOJO_DATA_DIR for a server the bench
  starts; ``--data-dir`` with ``--url``) must grow by exactly the number of sends the page confirmed;
- also shown, not in the last line: open (a page opened), start_training (Start pressed).
Plus errors (timeouts, tracebacks on a page, closed sockets, widgets not found), the server's CPU
seconds and its peak resident memory (server and its child processes, e.g. Dask workers).

    .venv/bin/python bench/classroom_load.py [--students 30] [--trainings 2] [--duration 90]
                                             [--send-share 1.0]
                                             [--url http://127.0.0.1:8501 --pid PID [--data-dir DIR]]

Before the class arrives, one session opens the pages once (imports, the lab's five models, the
first TensorFlow run), as a teacher would before class; ``--no-warmup`` skips that.
The last line is ``p95_ms=<worst p95 of page_rerun, fragment_rerun, canvas_answer, poll>``.
Goals (30 students, 2 trainings): lesson interaction p95 ≤ 1 s, canvas answer p95 ≤ 500 ms, 0 errors.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import math
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.dashboard import running_dashboard  # noqa: E402
from bench.streamlit_client import (  # noqa: E402
    ClientError, Session, load_strokes, rss_mb, strokes_answered, tree_cpu_seconds,
    tree_rss_mb, STROKES_FILE,
)
from core import gallery, i18n  # noqa: E402
from core.lab import preprocess  # noqa: E402

MAIN_KINDS = ("page_rerun", "fragment_rerun", "canvas_answer", "poll")
LESSON_4 = "lesson_4_convolution"
LESSON_1 = "lesson_1_regression"
LAB = "cnn_lab"
STUDIO = "training_studio"
# (user key, label key in locales/) of the widgets a student moves, per lesson
LESSON_WIDGETS = {
    LESSON_4: [("l4_stride", "lesson_4.stride"), ("l4_padding", "lesson_4.padding"), ("l4_row", "lesson_4.row"),
               ("l4_col", "lesson_4.col"), ("l4_k", "lesson_4.kernel_size"), ("l4_preset", "lesson_4.preset"),
               ("l4_relu", "lesson_4.relu"), ("l4_map", "lesson_4.which_map")],
    LESSON_1: [("l1_a", "lesson_1.a"), ("l1_b", "lesson_1.b"), ("l1_n", "lesson_1.count"),
               ("l1_noise", "lesson_1.noise"), ("l1_squares", "lesson_1.show_squares"),
               ("l1_reveal", "lesson_1.reveal"), ("l1_sx", "lesson_1.aside_x"), ("l1_sy", "lesson_1.aside_y")],
}


def labels(key: str) -> tuple[str, ...]:
    """A text of locales/ in both languages (Japanese first)."""
    return tuple(dict.fromkeys(i18n.t(key, lang) for lang in i18n.LANGUAGES))


class Class:
    """What the whole class measured: latencies per kind, errors, and when the class ends."""

    def __init__(self, args, url: str):
        self.args, self.url = args, url
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.examples: dict[str, str] = {}
        self.strokes = load_strokes()
        self.end = 0.0
        self.trainings_started = self.trainings_seen_ending = 0
        self.drawings_begun = 0  # each drawing's own jitter (see ``jittered``)
        self.pictures: set[str] = set()  # content hashes of the 28×28 the class has drawn
        self.pool_growth: int | None = None  # drawings the gallery gained during the class (None: not known)
        self.sends: Counter = Counter()  # "clicked", "sent" (confirmed on the page), "refused: <text>", "no answer"

    def new_drawing(self, drawing: dict) -> int:
        """The jitter number of a new drawing of ``drawing``: the next one whose 28×28, prepared as
        the lab prepares it, no one in the class has drawn yet (a thin "1" turned by 0° or by 2°
        can give the same 28×28)."""
        while True:
            number = self.drawings_begun
            self.drawings_begun += 1
            picture = base64.b64decode(json.loads(jittered(drawing["values"][-1], number))["drawing"]["data"].split(",", 1)[1])
            digest = gallery.content_hash(gallery.to_uint8_image(preprocess.read_canvas(picture)[0]))
            if digest not in self.pictures:
                self.pictures.add(digest)
                return number

    def measure(self, kind: str, seconds: float) -> None:
        self.times[kind].append(seconds)

    def error(self, what: str, detail: str) -> None:
        self.errors[what] += 1
        self.examples.setdefault(what, detail)

    def missing(self, page: str, what: str) -> None:
        self.error("widget not found", f"{page}: {what}")

    def over(self) -> bool:
        return time.perf_counter() >= self.end


# ---- what a student does ---------------------------------------------------------------------
async def think(rng: random.Random, low: float, high: float) -> None:
    await asyncio.sleep(rng.uniform(low, high))


def pick_value(widget, now, rng: random.Random):
    """A value a student would pick next for ``widget`` (another one than ``now`` when possible)."""
    if widget.kind == "checkbox":
        return not bool(now)
    if widget.options:
        others = [o for o in widget.options if o != now] or widget.options
        return rng.choice(others)
    if widget.kind == "slider":
        proto = widget.proto
        steps = int(round((proto.max - proto.min) / (proto.step or 1)))
        if steps <= 0:
            return None
        values = [proto.min + i * (proto.step or 1) for i in range(steps + 1)]
        others = [v for v in values if now is None or abs(v - float(now)) > 1e-9] or values
        value = rng.choice(others)
        return int(round(value)) if proto.data_type == proto.INT else round(value, 10)
    return None


async def lesson(room: Class, s: Session, rng: random.Random, page: str, actions: int) -> None:
    """Open a lesson and move its widgets ``actions`` times, thinking in between."""
    await s.open(page)
    for _ in range(actions):
        if room.over():
            return
        await think(rng, *room.args.think)
        choices = list(LESSON_WIDGETS[page])
        rng.shuffle(choices)
        for key, label in choices:
            widget = s.find(key=key, label=labels(label))
            if widget is None:
                room.missing(page, key)
                continue
            if getattr(widget.proto, "disabled", False):
                continue
            value = pick_value(widget, s.value_of(widget), rng)
            if value is None:
                continue
            await s.set(widget, value)
            break


def jittered(value: str, n: int) -> str:
    """A recorded canvas value with its picture turned by -12…+12° and stretched across by 0.86…1.24,
    a combination of its own for every ``n`` < 250 (Class.new_drawing skips one whose 28×28 is
    not new: the gallery refuses a 28×28 it already has). The fabric.js objects stay as recorded:
    the server reads the PNG."""
    from PIL import Image

    data = json.loads(value)
    header, encoded = data["drawing"]["data"].split(",", 1)
    with Image.open(io.BytesIO(base64.b64decode(encoded))) as picture:
        picture.load()
        angle = math.radians(n % 25 - 12)
        sx = 0.86 + 0.04 * (n // 25 % 10)
        cos, sin = math.cos(angle), math.sin(angle)
        cx, cy = picture.width / 2, picture.height / 2
        # output pixel → input pixel: undo the stretch and the turn about the centre
        coefficients = (cos / sx, sin / sx, cx - (cos * cx + sin * cy) / sx, -sin, cos, cy - (-sin * cx + cos * cy))
        turned = picture.transform(picture.size, Image.Transform.AFFINE, coefficients,
                                   resample=Image.Resampling.BILINEAR, fillcolor=picture.getpixel((0, 0)))
    buffer = io.BytesIO()
    turned.save(buffer, format="PNG")
    data["drawing"]["data"] = header + "," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return json.dumps(data, separators=(",", ":"))


SENT = labels("class_gallery.send.sent")  # "… {total} …": compared up to the first placeholder


async def send_to_class(room: Class, s: Session, digit: int) -> None:
    """Choose the digit meant in the lab's send box, press send, and note what the page said."""
    choice = s.find(key="class_send_digit")
    if choice is None:
        room.missing(LAB, "class_send_digit")
        return
    await s.set(choice, str(digit))
    button = s.find(key="class_send_button")
    if button is None or getattr(button.proto, "disabled", False):
        room.missing(LAB, "class_send_button (enabled)")
        return
    room.sends["clicked"] += 1
    await s.click(button, kind="send")
    alerts = [e.proto.body for e in s.elements.values() if e.kind == "alert"]
    if any(text.startswith(sent.split("{")[0]) for text in alerts for sent in SENT):
        room.sends["sent"] += 1
    else:
        room.sends["refused: " + (alerts[-1][:60] if alerts else "no message")] += 1


async def draw(room: Class, s: Session, rng: random.Random, digits: int) -> None:
    """Open the lab and draw ``digits`` digits: strokes at hand pace, read the answer, clear."""
    await s.open(LAB)
    for _ in range(digits):
        if room.over():
            return
        drawing = rng.choice(room.strokes)
        number = room.new_drawing(drawing)
        canvas = s.find_canvas()
        if canvas is None:
            room.missing(LAB, "canvas")
            return
        await think(rng, 1.0, 3.0)  # picks up the pen
        last = None
        for count, value in enumerate(drawing["values"], start=1):
            if last is not None:
                await asyncio.sleep(rng.uniform(*room.args.stroke_gap))
            last = await s.set(canvas, jittered(value, number), kind="canvas_answer", watch=strokes_answered(count),
                               wait=False)
        await s.wait(last, "canvas_answer")
        await think(rng, *room.args.think)  # reads the answer
        if rng.random() < room.args.send_share:
            await send_to_class(room, s, drawing["digit"])
            await think(rng, 1.0, 2.0)  # reads the thank-you
        clear = s.find(key="lab_clear", label=tuple("🧽 " + t for t in labels("cnn_lab.clear")))
        if clear is None:
            room.missing(LAB, "lab_clear")
            return
        await s.click(clear)


async def train(room: Class, s: Session, rng: random.Random) -> None:
    """Start a training in the studio (class preset, 60 s time box) and watch it to its end."""
    await s.open(STUDIO)
    await think(rng, 1.0, 3.0)
    preset = s.find(label=labels("training_studio.preset_button"), kind="button")
    if preset is None:
        room.missing(STUDIO, "class preset button")
    else:
        await s.click(preset)
    budget = s.find(key="_studio_budget", prefix=True, label=labels("training_studio.budget"))
    wanted = f"{room.args.time_box:g} s"
    if budget is None or wanted not in budget.options:
        room.missing(STUDIO, f"time box radio with {wanted}")
    else:
        await s.set(budget, wanted)
    start = s.find(label=labels("training_studio.start"), kind="button")
    if start is None:
        room.missing(STUDIO, "start button")
        return
    await s.click(start, kind="start_training")
    room.trainings_started += 1
    deadline = time.perf_counter() + room.args.time_box * 3 + 60
    while not s.closed and not room.over():
        await asyncio.sleep(1.0)
        if not s.polling:  # the live view is gone: the run is over and its results shown
            room.trainings_seen_ending += 1
            return
        if time.perf_counter() > deadline:
            room.error("training did not end", f"{s.name}: still polling after {room.args.time_box * 3 + 60:.0f} s")
            return


async def student(room: Class, index: int, arrive_at: float, trainer: bool) -> None:
    rng = random.Random(room.args.seed * 1000 + index)
    await asyncio.sleep(max(0.0, arrive_at - time.perf_counter()))
    s = Session(room.url, name=f"student{index}", timeout=room.args.timeout,
                on_measure=room.measure, on_error=room.error)
    try:
        await s.connect(fetch_static=True)
        await s.open()
        if trainer:
            await train(room, s, rng)
        activities = ["lesson_4", "lab", "lesson_1"]
        turn = index % len(activities)
        while not room.over():
            activity = activities[turn % len(activities)]
            turn += 1
            if activity == "lab":
                await draw(room, s, rng, digits=rng.randint(2, 4))
            else:
                page = LESSON_4 if activity == "lesson_4" else LESSON_1
                await lesson(room, s, rng, page, actions=rng.randint(4, 8))
    except ClientError as error:
        room.error("client", str(error)[:200])
    except Exception as error:  # noqa: BLE001 - one student's surprise must not end the class
        room.error("bench", f"{s.name}: {error!r}"[:200])
    finally:
        await s.close()


async def warm_up(url: str, room: Class) -> float:
    """Open every page the class uses once and draw one stroke (a teacher's check before class)."""
    begun = time.perf_counter()
    s = Session(url, name="teacher", timeout=300, on_error=room.error)
    await s.connect()
    await s.open()
    for page in (LESSON_4, LESSON_1, STUDIO, LAB):
        await s.open(page)
    canvas = s.find_canvas()
    if canvas is not None:
        await s.set(canvas, room.strokes[0]["values"][0], watch=strokes_answered(1))
    await s.close()
    return time.perf_counter() - begun


async def run_class(room: Class) -> float:
    args = room.args
    now = time.perf_counter()
    rng = random.Random(args.seed)
    arrivals = sorted(now + rng.uniform(0, args.arrive) for _ in range(args.students))
    trainers = set(rng.sample(range(args.students), min(args.trainings, args.students)))
    room.end = now + args.arrive + args.duration
    tasks = [student(room, i, arrivals[i], i in trainers) for i in range(args.students)]
    await asyncio.gather(*tasks)
    return time.perf_counter() - now


# ---- the server's CPU and memory -------------------------------------------------------------
class Sampler(threading.Thread):
    """Peak resident memory of the server and its children, sampled every half second."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self.stop.wait(0.5)


def report(room: Class, wall: float, cpu: float | None, sampler: Sampler | None, pid: int | None,
           client_cpu: float, warm: float | None) -> None:
    print(f"\n{room.args.students} students ({room.args.trainings} training), {wall:.0f} s of class, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (machine shared: wall times are noisy)")
    if warm is not None:
        print(f"warm-up before class (pages opened once, first stroke): {warm:.1f} s")
    print(f"{'kind':24} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    others = sorted(k for k in room.times if k not in MAIN_KINDS)
    for kind in (*MAIN_KINDS, *others):
        ms = np.array(room.times.get(kind, [])) * 1000
        if others and kind == others[0]:
            print("not in p95_ms:")
        if ms.size == 0:
            print(f"{kind:24} {0:5d} {'-':>8} {'-':>8} {'-':>8}")
            continue
        p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
        print(f"{kind:24} {ms.size:5d} {p50:8.0f} {p95:8.0f} {ms.max():8.0f}")
        if kind in MAIN_KINDS:
            worst = max(worst, p95)
    total = sum(room.errors.values())
    print(f"errors: {total}" + (" (" + ", ".join(f"{k}: {v}" for k, v in room.errors.most_common()) + ")" if total else ""))
    for what, detail in room.examples.items():
        print(f"  e.g. {what}: {detail}")
    if room.sends or room.args.send_share:
        pool = "" if room.pool_growth is None else f", the pool grew by {room.pool_growth}"
        check = ("" if room.pool_growth is None else
                 " ✓ (= sends confirmed)" if room.pool_growth == room.sends["sent"] else " ✗ (≠ sends confirmed)")
        extra = ", ".join(f"{k}: {v}" for k, v in room.sends.items() if k not in ("clicked", "sent"))
        print(f"sends to the class gallery: {room.sends['clicked']} pressed, {room.sends['sent']} confirmed"
              + (f" ({extra})" if extra else "") + pool + check)
    if room.args.trainings:
        print(f"trainings: {room.trainings_started} started, {room.trainings_seen_ending} seen to their end "
              f"by their students during the class")
    if cpu is not None:
        print(f"server CPU: {cpu:.1f} s in {wall:.0f} s ({cpu / wall:.2f} cores on average; server + children)")
    if sampler is not None:
        print(f"peak RSS: {sampler.peak:.0f} MB (server + children, sampled); server alone peak "
              f"{rss_mb(pid, 'VmHWM'):.0f} MB")
    print(f"bench client CPU: {client_cpu:.1f} s (this process, on the same machine)")
    print(f"p95_ms={worst:.0f}")


# ---- recording the strokes -------------------------------------------------------------------
def record_strokes(path: Path) -> None:
    """Draw the template digits (bench/harness/drawings.py) in headless Chromium, stroke by stroke, and keep
    the canvas value the browser sent after each stroke (one JSON file for the bench to replay)."""
    from playwright.sync_api import sync_playwright
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from bench.harness.browser import CHROMIUM, CHROMIUM_ARGS, wait_for_app
    from bench.harness.drawings import TEMPLATES
    from bench.harness.lab import canvas_box, clear, digit_strokes, open_lab, stroke, wait_for_stroke

    sent: list[str] = []

    def on_frame(payload) -> None:
        message = BackMsg.FromString(payload if isinstance(payload, bytes) else payload.encode())
        for state in message.rerun_script.widget_states.widgets:
            if "lab_canvas" in state.id and state.json_value:
                sent.append(state.json_value)

    digits = []
    with running_dashboard() as (url, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("websocket", lambda ws: ws.on("framesent", on_frame))
        open_lab(page, url, wait_for_app)
        for digit, variants in TEMPLATES.items():
            for variant in range(len(variants)):
                values = []
                box = canvas_box(page)
                for count, points in enumerate(digit_strokes(digit, variant=variant), start=1):
                    stroke(page, points, box)
                    wait_for_stroke(page, count, timeout=120_000)
                    values.append(sent[-1])
                digits.append({"digit": digit, "variant": variant, "values": values})
                print(f"digit {digit} variant {variant}: {len(values)} strokes")
                clear(page)
        browser.close()
    path.write_text(json.dumps({"recorded": "headless Chromium, bench/harness/drawings.py templates, pen 20",
                                "digits": digits}, separators=(",", ":")))
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} kB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--trainings", type=int, default=2, help="students who first start a training")
    parser.add_argument("--duration", type=float, default=90, help="seconds of class after the arrivals")
    parser.add_argument("--arrive", type=float, default=10, help="students arrive within this many seconds")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), help="think time between actions, s")
    parser.add_argument("--stroke-gap", type=float, nargs=2, default=(0.6, 1.4), help="seconds between strokes")
    parser.add_argument("--time-box", type=float, default=60, help="time box of the trainings, s")
    parser.add_argument("--timeout", type=float, default=60, help="an answer later than this is an error, s")
    parser.add_argument("--send-share", type=float, default=1.0,
                        help="share of the drawings each student sends to the class gallery (0 = none)")
    parser.add_argument("--data-dir", help="with --url: the server's DOJO_DATA_DIR, to check the pool's growth")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-warmup", action="store_true")
    parser.add_argument("--url", help="use a dashboard already running there instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's pid, for its CPU and memory")
    parser.add_argument("--record-strokes", action="store_true",
                        help=f"record the canvas strokes in headless Chromium into {STROKES_FILE.name} and stop")
    args = parser.parse_args()
    if args.record_strokes:
        record_strokes(STROKES_FILE)
        return

    started = time.perf_counter()
    scratch = None
    if args.url is None:  # the server the bench starts keeps its class gallery in a folder of its own
        scratch = tempfile.TemporaryDirectory(prefix="dojo_class_data_")
        os.environ["DOJO_DATA_DIR"] = args.data_dir = scratch.name
    store = gallery.Gallery(args.data_dir) if args.data_dir else None
    with running_dashboard(args.url) as (url, pid):
        pid = pid or args.pid
        room = Class(args, url)
        warm = None if args.no_warmup else asyncio.run(warm_up(url, room))
        before = len(store.pool(include_hidden=True)) if store else None
        sampler = Sampler(pid) if pid else None
        if sampler:
            sampler.start()
        cpu_before = tree_cpu_seconds(pid) if pid else None
        client_before = time.process_time()
        wall = asyncio.run(run_class(room))
        room.pool_growth = len(store.pool(include_hidden=True)) - before if store else None
        cpu = tree_cpu_seconds(pid) - cpu_before if pid else None
        if sampler:
            sampler.stop.set()
            sampler.join()
        report(room, wall, cpu, sampler, pid, time.process_time() - client_before, warm)
    if scratch is not None:
        scratch.cleanup()
    print(f"(bench took {time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
