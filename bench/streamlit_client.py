"""A browser-less Streamlit 1.67 client over the app's websocket, for the class benches.

It does on the wire what the frontend does (recorded from headless Chromium): connect to
``/_stcore/stream`` with the ``streamlit`` subprotocol, send ``rerun_script`` BackMsgs (page
script hash, widget states, the id of the fragment that holds a changed widget, auto-reruns of
``st.fragment(run_every=…)``, the hashes of the messages it keeps in its ForwardMsg cache), and
read ForwardMsgs (deltas, ``ref_hash`` messages resolved from that cache) until the run ends.
Widgets are found by their user key (an element id ends with it) or by their label, never by
position, so pages may move widgets around or into fragments.

Widget states sent are those this client has set (the browser also sends the untouched widgets'
defaults; the server keeps those values by itself, so the runs are the same).
"""
from __future__ import annotations

import asyncio
import gzip
import json
import os
import re
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus
EARLY = FINISHED.Value("FINISHED_EARLY_FOR_RERUN")
WIDGET_KINDS = {
    "slider", "radio", "selectbox", "checkbox", "number_input", "button", "button_group",
    "bidi_component", "component_instance", "file_uploader", "download_button", "multiselect",
    "text_input", "text_area", "color_picker", "date_input", "time_input", "dataframe",
}
CANVAS_COMPONENT = "dojo-canvas.canvas"
STROKES_FILE = Path(__file__).resolve().parent / "canvas_strokes.json"


# ---- CPU and memory of the server (Linux) ----------------------------------------------------
def process_cpu_seconds(pid: int) -> float:
    """CPU seconds a process (all its threads, also finished ones) has used, to the nanosecond.

    Reads the process' CPU-time clock (clock_getcpuclockid); /proc/<pid>/stat counts in 10 ms
    ticks, too coarse for one rerun. Falls back to it where the clock cannot be read.
    """
    try:
        return time.clock_gettime(((~pid) << 3) | 2)  # MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)
    except OSError:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Pids of every living process under ``pid`` (children, their children…)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and of its living descendants (e.g. Dask workers)."""
    total = 0.0
    for each in [pid, *descendants(pid)]:
        try:
            total += process_cpu_seconds(each)
        except (OSError, ValueError):
            pass
    return total


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    """A memory figure of /proc/<pid>/status in MB (VmRSS now, VmHWM the peak so far)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its living descendants, MB."""
    return sum(rss_mb(each) for each in [pid, *descendants(pid)])


# ---- the page as the client sees it ----------------------------------------------------------
@dataclass
class Widget:
    """A widget on the current page: its element id, element kind, label, proto and fragment."""

    id: str
    kind: str
    proto: Any
    fragment_id: str
    run_id: str

    @property
    def key(self) -> str:
        """The user key (element ids are ``$$ID-<hash>-<key>``; ``None`` without a key)."""
        parts = self.id.split("-", 2)
        return parts[2] if len(parts) == 3 and self.id.startswith("$$ID") else self.id

    @property
    def label(self) -> str:
        return getattr(self.proto, "label", "") or getattr(self.proto, "component_name", "")

    @property
    def options(self) -> list[str]:
        """The option labels of a radio, select box, select slider or segmented control / pills."""
        if self.kind == "button_group":
            return [option.content for option in self.proto.options]
        return list(getattr(self.proto, "options", []))

    @property
    def is_select_slider(self) -> bool:
        return self.kind == "slider" and len(self.proto.options) > 0

    def __repr__(self) -> str:
        return f"<{self.kind} {self.key!r} {self.label[:30]!r}{' in fragment' if self.fragment_id else ''}>"


@dataclass
class Element:
    delta_path: tuple
    kind: str
    proto: Any
    fragment_id: str
    run_id: str


def element_text(kind: str, proto) -> str:
    """The visible text of an element (markdown, LaTeX, headings, metrics, alerts, captions…)."""
    if kind == "metric":
        return f"{proto.label} {proto.body}"
    if kind in ("markdown", "heading", "alert", "text", "code"):
        return getattr(proto, "body", "") or getattr(proto, "code_text", "")
    if kind == "exception":
        return f"{proto.type}: {proto.message}"
    if kind == "html":
        return proto.body
    return getattr(proto, "label", "") or ""


@dataclass
class Waiter:
    """A request waiting for its answer: the end of a run begun after it was sent (a full run,
    or a fragment run of its fragment), or an element in such a run that ``watch`` accepts."""

    kind: str
    fragment_id: str
    sent: float
    future: asyncio.Future
    watch: Callable[["Session", Element], bool] | None = None


@dataclass
class Run:
    id: str
    fragment_ids: tuple
    started: float  # when its new_session arrived


class ClientError(RuntimeError):
    """The session saw something a browser would show as broken (timeout, exception, closed)."""


@dataclass
class Session:
    """One student's tab: a websocket session that runs pages and changes widgets."""

    base_url: str
    name: str = "student"
    timeout: float = 90.0
    on_measure: Callable[[str, float], None] | None = None  # (kind, seconds) of every answered request
    on_error: Callable[[str, str], None] | None = None  # (what, detail)
    locale: str = "ja-JP"

    widgets: dict = field(default_factory=dict)  # id → Widget, on the page now
    elements: dict = field(default_factory=dict)  # delta path → Element, on the page now
    blocks: dict = field(default_factory=dict)  # delta path → block id (keyed containers)
    pages: dict = field(default_factory=dict)  # url pathname → page script hash
    page: str = ""  # current url pathname ("" = the default page)

    def __post_init__(self):
        self._ws = None
        self._reader = None
        self._states: dict[str, Any] = {}  # id → WidgetState proto this client has set
        self._values: dict[str, Any] = {}  # id → the value the widget shows (as the tab knows it)
        self._cache: dict[str, list] = {}  # hash → [raw bytes, run count, fragment id]
        self._run_count = 0
        self._max_age = 2
        self._waiters: list[Waiter] = []
        self._run: Run | None = None
        self._drawn_fragments: set[str] = set()  # fragment ids of the elements the current run drew
        self._auto: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id → (interval, task)
        self._page_hash = ""
        self.query_string = ""  # the tab's URL query, as the server last set it (sent with each rerun)
        self.closed = False

    # -- connection -------------------------------------------------------------------------
    async def connect(self, fetch_static: bool = False) -> None:
        """Open the websocket as the frontend does (after /_stcore/health and host-config)."""
        await asyncio.to_thread(self._http_preamble, fetch_static)
        ws_url = self.base_url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
        self._ws = await connect(ws_url, subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"],
                                 origin=self.base_url.rstrip("/"), max_size=None, open_timeout=60,
                                 ping_interval=None)
        self._reader = asyncio.create_task(self._read(), name=f"{self.name}-reader")

    def _http_preamble(self, fetch_static: bool) -> None:
        base = self.base_url.rstrip("/")
        paths = ["/_stcore/health", "/_stcore/host-config"]
        if fetch_static:  # the page and the scripts / styles it names, as a first visit loads them
            html = _get(base + "/")
            paths += sorted(set(re.findall(r'(?:src|href)="\.?(/?static/[^"]+)"', html)))
        for path in paths:
            _get(base + ("" if path.startswith("/") else "/") + path)

    async def close(self) -> None:
        self.closed = True
        for _, task in self._auto.values():
            task.cancel()
        self._auto.clear()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 5)
            except (asyncio.TimeoutError, Exception):
                self._reader.cancel()
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.cancel()

    # -- requests ---------------------------------------------------------------------------
    async def open(self, page: str | None = None) -> float:
        """Open a page by its url pathname (None: the app's first page, as a fresh tab) and wait
        for it to be drawn; seconds taken. Widgets of the page left are forgotten."""
        if page is not None and page not in self.pages:
            raise ClientError(f"no page {page!r} (pages: {sorted(self.pages)})")
        self._stop_auto_reruns()
        self._page_hash = self.pages.get(page, "") if page else ""
        self.page = page or ""
        self.query_string = ""  # a page change clears the URL's query, as in a browser
        return await self.rerun(kind="open")

    async def rerun(self, fragment_id: str = "", kind: str = "page_rerun", auto: bool = False,
                    watch=None, wait: bool = True):
        """Send a rerun with the current widget states; by default wait for its answer (seconds)."""
        future = self._send(fragment_id, kind, auto, watch)
        return await self.wait(future, kind) if wait else future

    async def set(self, widget: Widget, value, kind: str | None = None, watch=None, wait: bool = True):
        """Give ``widget`` a value as the browser does (a fragment rerun when it sits in one)."""
        self._states[widget.id] = widget_state(widget, value)
        if widget.kind not in ("button", "download_button"):
            self._values[widget.id] = value
        kind = kind or ("fragment_rerun" if widget.fragment_id else "page_rerun")
        return await self.rerun(widget.fragment_id, kind, watch=watch, wait=wait)

    async def click(self, widget: Widget, kind: str | None = None, wait: bool = True):
        """Press a button (a trigger sent once)."""
        return await self.set(widget, True, kind=kind, wait=wait)

    def _send(self, fragment_id: str, kind: str, auto: bool, watch) -> asyncio.Future:
        if self.closed or self._ws is None:
            raise ClientError("session closed")
        message = BackMsg()
        rerun = message.rerun_script
        rerun.page_script_hash = self._page_hash
        rerun.query_string = self.query_string
        if fragment_id:
            rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = auto
        for state in self._states.values():
            rerun.widget_states.widgets.append(state)
        rerun.cached_message_hashes.extend(self._cache)
        info = rerun.context_info
        info.timezone, info.timezone_offset, info.locale = "Asia/Tokyo", -540, self.locale
        info.url = self.base_url.rstrip("/") + "/" + self.page
        info.is_embedded, info.color_scheme = False, "light"
        for state in rerun.widget_states.widgets:  # a button's trigger goes out once
            if state.WhichOneof("value") == "trigger_value":
                self._states.pop(state.id, None)
        future = asyncio.get_running_loop().create_future()
        self._waiters.append(Waiter(kind, fragment_id, time.perf_counter(), future, watch))
        sending = asyncio.ensure_future(self._ws.send(message.SerializeToString()))
        sending.add_done_callback(self._sent)
        return future

    def _sent(self, sending: asyncio.Future) -> None:
        if not sending.cancelled() and sending.exception() is not None and not self.closed:
            self._error("send failed", repr(sending.exception()))

    async def wait(self, future: asyncio.Future, kind: str) -> float:
        """Seconds until the answer of a request sent with ``wait=False``."""
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except asyncio.TimeoutError:
            self._drop(future)
            self._error("timeout", f"{kind} on {self.page or 'home'} after {self.timeout:.0f} s")
            raise ClientError(f"{self.name}: no answer to a {kind} within {self.timeout:.0f} s") from None

    def _drop(self, future) -> None:
        self._waiters = [w for w in self._waiters if w.future is not future]
        if not future.done():
            future.cancel()

    def _error(self, what: str, detail: str) -> None:
        if self.on_error is not None:
            self.on_error(what, detail)

    # -- finding widgets and text -----------------------------------------------------------
    def find(self, key: str | None = None, label: str | tuple | None = None, kind: str | None = None,
             prefix: bool = False) -> Widget | None:
        """The widget whose user key is ``key`` (or ``key__<lang>``; any key starting with it if
        ``prefix``), else whose label is or contains one of ``label``; None when not on the page."""
        candidates = [w for w in self.widgets.values() if kind is None or w.kind == kind]
        if key:
            for widget in candidates:
                own = widget.key
                if own == key or re.fullmatch(re.escape(key) + r"__[a-z]{2}", own) or (prefix and own.startswith(key)):
                    return widget
        labels = (label,) if isinstance(label, str) else tuple(label or ())
        for text in labels:
            for widget in candidates:
                if widget.label.strip() == text.strip():
                    return widget
            for widget in candidates:
                if text and text in widget.label:
                    return widget
        return None

    def value_of(self, widget: Widget):
        """The value ``widget`` shows: the last one set here or sent by the server, else its default.

        (An element re-sent without ``set_value`` keeps what the tab shows, as in the browser.)
        """
        return self._values.get(widget.id, current_value(widget))

    def find_canvas(self) -> Widget | None:
        """The CNN lab's drawing canvas (a custom component)."""
        for widget in self.widgets.values():
            if widget.kind == "bidi_component" and widget.proto.component_name == CANVAS_COMPONENT:
                return widget
        return self.find(key="lab_canvas", prefix=True)

    def texts(self) -> list[str]:
        """The texts on the page, top to bottom."""
        return [element_text(e.kind, e.proto) for _, e in sorted(self.elements.items())]

    def block_key_of(self, path: tuple) -> str:
        """The keys (``st.container(key=…)``) of the blocks holding ``path``, joined by '/'."""
        keys = []
        for depth in range(1, len(path)):
            block_id = self.blocks.get(path[:depth])
            if block_id:
                keys.append(block_id.split("-", 2)[-1] if block_id.startswith("$$ID") else block_id)
        return "/".join(keys)

    # -- reading ----------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self._handle(raw)
        except Exception as error:  # noqa: BLE001 - a broken socket ends the session
            if not self.closed:
                self._error("disconnected", f"{type(error).__name__}: {error}")
        finally:
            if not self.closed:
                self._error("disconnected", "the server closed the websocket")
            self.closed = True
            for waiter in self._waiters:
                if not waiter.future.done():
                    waiter.future.set_exception(ClientError("websocket closed"))

    def _handle(self, raw: bytes) -> None:
        now = time.perf_counter()
        msg = ForwardMsg.FromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                self._error("cache miss", msg.ref_hash)
                return
            cached[1] = self._run_count
            full = ForwardMsg.FromString(cached[0])
            full.metadata.CopyFrom(msg.metadata)
            msg, kind = full, full.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            entry = self._cache.get(msg.hash)
            if entry is None:
                fragment = msg.delta.fragment_id if kind == "delta" else ""
                self._cache[msg.hash] = [raw, self._run_count, fragment]
            else:
                entry[1] = self._run_count
        if kind == "new_session":
            run = msg.metadata.run
            self._run = Run(run.script_run_id, tuple(run.fragment_ids), now)
            self._drawn_fragments = set()
            if not run.fragment_ids:  # a full run: the fragments it draws ask for auto-reruns again
                self._stop_auto_reruns()
            self._max_age = msg.new_session.config.max_cached_message_age or self._max_age
            if msg.new_session.page_script_hash:
                self._page_hash = msg.new_session.page_script_hash
        elif kind == "delta":
            self._delta(msg, now)
        elif kind == "page_info_changed":  # the browser puts it in its address bar
            self.query_string = msg.page_info_changed.query_string
        elif kind == "navigation":
            for page in msg.navigation.app_pages:
                if page.url_pathname:
                    self.pages[page.url_pathname] = page.page_script_hash
            if msg.navigation.page_script_hash:
                self._page_hash = msg.navigation.page_script_hash
        elif kind == "script_finished":
            self._finished(msg, now)
        elif kind == "auto_rerun":
            self._start_auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._stop_auto_reruns(fragment_id)
        elif kind == "page_not_found":
            self._error("page not found", msg.page_not_found.page_name)

    def _delta(self, msg: ForwardMsg, now: float) -> None:
        delta = msg.delta
        path = tuple(msg.metadata.delta_path)
        run_id = self._run.id if self._run else ""
        what = delta.WhichOneof("type")
        if what == "add_block":
            self.blocks[path] = delta.add_block.id
            return
        if what != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind) if kind else None
        item = Element(path, kind, proto, delta.fragment_id, run_id)
        replaced = self.elements.get(path)
        if replaced is not None and replaced.kind in WIDGET_KINDS and getattr(replaced.proto, "id", "") != getattr(
                proto, "id", None):  # a widget drawn over: gone from the tab (a new id when its range changed)
            self.widgets.pop(replaced.proto.id, None)
        self.elements[path] = item
        self._drawn_fragments.add(delta.fragment_id)
        if kind in WIDGET_KINDS and getattr(proto, "id", ""):
            widget = Widget(proto.id, kind, proto, delta.fragment_id, run_id)
            if widget.key not in (widget.id, "None"):  # a user key is unique on a page: a widget with it from before is gone
                # (a fragment nested in a rerun fragment gets a new id, its widgets new ids and places)
                for old_id in [i for i, w in self.widgets.items() if w.key == widget.key and i != widget.id]:
                    del self.widgets[old_id]
            self.widgets[proto.id] = widget
            if getattr(proto, "set_value", False) or proto.id not in self._values:
                self._values[proto.id] = current_value(widget)  # else the tab keeps what it shows
        if kind == "exception":
            self._error("exception", f"{self.page or 'home'}: {element_text(kind, proto)[:200]}")
        if self._run is not None:
            for waiter in list(self._waiters):
                if (waiter.watch is not None and self._answers(waiter, self._run)
                        and waiter.watch(self, item)):
                    self._resolve(waiter, now, watched=True)

    def _answers(self, waiter: Waiter, run: Run) -> bool:
        """Does ``run`` answer ``waiter``? It began after the request was sent, and is a full run,
        or (for a fragment request) a run of that fragment."""
        if run.started < waiter.sent:
            return False
        if not run.fragment_ids:
            return True
        return bool(waiter.fragment_id) and waiter.fragment_id in run.fragment_ids

    def _finished(self, msg: ForwardMsg, now: float) -> None:
        run = self._run
        if run is None or msg.script_finished == EARLY:
            return
        # forget what this run did not draw again (the whole page, or the fragments it ran, with the
        # fragments nested in them: their elements came in this run under their own fragment ids)
        ran = set(run.fragment_ids) | self._drawn_fragments

        def stale(item) -> bool:
            if item.run_id == run.id:
                return False
            return not run.fragment_ids or item.fragment_id in ran
        for path in [p for p, e in self.elements.items() if stale(e)]:
            del self.elements[path]
        for widget_id in [i for i, w in self.widgets.items() if stale(w)]:
            del self.widgets[widget_id]
            self._states.pop(widget_id, None)
            self._values.pop(widget_id, None)
        if not run.fragment_ids:
            for path in [p for p in self.blocks if not any(e[:len(p)] == p for e in self.elements)]:
                del self.blocks[path]
        # the frontend's message cache ages by script runs
        self._run_count += 1
        for digest, (_, count, fragment) in list(self._cache.items()):
            if run.fragment_ids and (not fragment or fragment not in run.fragment_ids):
                continue
            if self._run_count - count > self._max_age:
                del self._cache[digest]
        for waiter in list(self._waiters):
            if self._answers(waiter, run):
                self._resolve(waiter, now)

    def _resolve(self, waiter: Waiter, now: float, watched: bool = False) -> None:
        """Answer a waiter. One with a ``watch`` that its run ended without satisfying is
        measured under ``<kind>_run_end`` (the page did not show what the watch looks for)."""
        self._waiters.remove(waiter)
        seconds = now - waiter.sent
        if not waiter.future.done():
            waiter.future.set_result(seconds)
        if self.on_measure is not None:
            missed = waiter.watch is not None and not watched
            self.on_measure(waiter.kind + ("_run_end" if missed else ""), seconds)

    # -- st.fragment(run_every=…) -----------------------------------------------------------
    def _start_auto_rerun(self, fragment_id: str, interval: float) -> None:
        if not fragment_id:
            return
        if fragment_id in self._auto and self._auto[fragment_id][0] == interval:
            return
        self._stop_auto_reruns(fragment_id)
        self._auto[fragment_id] = (interval, asyncio.ensure_future(self._auto_loop(fragment_id, interval)))

    async def _auto_loop(self, fragment_id: str, interval: float) -> None:
        """Like the frontend's setInterval: a fragment rerun every ``interval`` s, answered or not."""
        while not self.closed:
            await asyncio.sleep(interval)
            if self.closed:
                return
            future = self._send(fragment_id, "poll", True, None)
            future.add_done_callback(lambda f: f.exception() if not f.cancelled() else None)
            # an unanswered poll is dropped after the timeout, as a counted error
            asyncio.get_running_loop().call_later(self.timeout, self._expire, future)

    def _expire(self, future) -> None:
        if not future.done():
            self._drop(future)
            self._error("timeout", f"poll on {self.page} after {self.timeout:.0f} s")

    def _stop_auto_reruns(self, fragment_id: str | None = None) -> None:
        for key in [fragment_id] if fragment_id else list(self._auto):
            entry = self._auto.pop(key, None)
            if entry is not None:
                entry[1].cancel()

    @property
    def polling(self) -> bool:
        return bool(self._auto)


def _get(url: str) -> str:
    """GET as a browser does (gzip accepted); the body as text."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        body = answer.read()
        if answer.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
    return body.decode("utf-8", "replace")


# ---- widget values ---------------------------------------------------------------------------
def widget_state(widget: Widget, value):
    """The WidgetState the frontend sends for ``value`` (an option label for option widgets)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget.id)
    kind = widget.kind
    if kind == "slider":
        if widget.is_select_slider:
            values = value if isinstance(value, (list, tuple)) else [value]
            state.string_array_value.data.extend(str(v) for v in values)
        else:
            values = value if isinstance(value, (list, tuple)) else [value]
            state.double_array_value.data.extend(float(v) for v in values)
    elif kind in ("radio", "selectbox", "text_input", "text_area", "color_picker"):
        state.string_value = str(value)
    elif kind == "checkbox":
        state.bool_value = bool(value)
    elif kind == "number_input":
        if widget.proto.data_type == widget.proto.INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    elif kind in ("button", "download_button"):
        state.trigger_value = bool(value)
    elif kind in ("button_group", "multiselect"):
        values = value if isinstance(value, (list, tuple)) else [value]
        state.string_array_value.data.extend(str(v) for v in values)
    elif kind in ("bidi_component", "component_instance"):
        state.json_value = value if isinstance(value, str) else json.dumps(value)
    else:
        raise ClientError(f"cannot set a {kind} widget ({widget.key})")
    return state


def current_value(widget: Widget):
    """The value a widget's element sets (``set_value``), else its default (None when unknown).
    Session.value_of knows better: what the tab shows."""
    proto, kind = widget.proto, widget.kind
    if kind == "slider":
        if widget.is_select_slider and proto.set_value and proto.raw_value:
            return proto.raw_value[0] if len(proto.raw_value) == 1 else list(proto.raw_value)
        raw = list(proto.value) if proto.set_value else list(proto.default)
        if widget.is_select_slider:
            picked = [proto.options[int(i)] for i in raw if 0 <= int(i) < len(proto.options)]
            return picked[0] if len(picked) == 1 else picked
        return raw[0] if len(raw) == 1 else raw
    if kind in ("radio", "selectbox"):
        if proto.set_value and proto.HasField("raw_value"):
            return proto.raw_value
        if proto.HasField("default") and 0 <= proto.default < len(proto.options):
            return proto.options[proto.default]
        return None
    if kind == "checkbox":
        return proto.value if proto.set_value else proto.default
    if kind == "number_input":
        value = proto.value if proto.set_value else proto.default
        return int(value) if proto.data_type == proto.INT else value
    if kind == "button_group":
        indices = list(proto.default)
        return [widget.options[i] for i in indices if 0 <= i < len(widget.options)]
    return None


def slider_values(widget: Widget, count: int, rng) -> list:
    """``count`` values a student would pick on a numeric slider: spread over its range, on its step."""
    proto = widget.proto
    low, high, step = proto.min, proto.max, proto.step or 1.0
    steps = int(round((high - low) / step))
    if steps <= 0:
        return []
    picks = sorted({int(round(steps * f)) for f in rng.uniform(0, 1, size=count * 3)})
    rng.shuffle(picks)
    values = [low + p * step for p in picks[:count]]
    return [int(round(v)) if proto.data_type == proto.INT else round(v, 10) for v in values]


# ---- recorded canvas strokes -----------------------------------------------------------------
def load_strokes(path: Path = STROKES_FILE) -> list[dict]:
    """Recorded canvas values, per digit: {"digit": d, "values": [value after stroke 1, 2, …]}."""
    return json.loads(path.read_text())["digits"]


def strokes_answered(count: int):
    """A ``watch`` for a canvas stroke: the lab's answer for at least ``count`` strokes is drawn.

    The lab writes the stroke count of its answer in ``st.container(key="lab_strokes")``
    ("3 画 · …"), early in its run: the class waits for that, not for the slower rest of the
    lab. (The browser bench bench/rerun_latency.py watches the same container.)
    """
    def watch(session: Session, element: Element) -> bool:
        if "lab_strokes" not in session.block_key_of(element.delta_path):
            return False
        match = re.match(r"\s*(\d+)", element_text(element.kind, element.proto))
        return match is not None and int(match.group(1)) >= count
    return watch
