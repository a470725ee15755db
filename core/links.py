"""Links that open a setup: the language, presenter mode and each lesson's main settings live in the
URL's query (``/lesson_4_convolution?l4_k=5&l4_stride=2``), so a copied address opens the same view.

UI glue, so it imports Streamlit (it reads and writes ``st.query_params`` and widget state).
Streamlit 1.67's ``bind="query-params"`` is not used: it writes a radio's or select box's *shown
label* into the URL (a translated name such as 横エッジ, so a link depends on the language, and
"English" where glossary links write ``lang=en``), names the parameter after the widget key (ours
carry a language suffix, see core.ui.lang_key), and drops a bad value without a word. Here the URL
holds the option itself, and a bad or stale value is ignored with a quiet toast.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core import i18n

_VISIT = "_links_visit"  # session state: the page of the last run and the parameters read on it since
_REJECTED = "_links_rejected"  # session state: "name=value" of bad link values not yet told


@dataclass(frozen=True)
class Check:
    """How one URL parameter becomes a widget value and back; ``parse`` raises ValueError on a bad value.
    A value equal to ``default`` is left out of the URL (not None: always written)."""

    parse: Callable[[str], Any]
    show: Callable[[Any], str] = str
    default: Any = None
    options: tuple = ()  # ``choices``' options, in order (a radio's or select box's index comes from them)


def choices(options, default=None) -> Check:
    """One of ``options`` (a radio / select box), written as ``str(option)``. A float option is also
    found by a number typed by hand (``10`` for 10.0, ``0.10`` for 0.1); an int option only as written."""
    by_text = {str(option): option for option in options}
    floats = [option for option in options if isinstance(option, float)]

    def parse(raw: str):
        if raw in by_text:
            return by_text[raw]
        typed = float(raw)  # ValueError when it is no number
        for option in floats:
            if option == typed:
                return option
        raise ValueError(raw)
    return Check(parse, str, default, tuple(options))


def number(low: float, high: float, step: float | None = None, default=None) -> Check:
    """A number in [low, high] (a slider / number input), put on the slider's grid of ``step``;
    int when ``low`` and ``step`` are ints."""
    whole = isinstance(low, int) and (step is None or isinstance(step, int))

    def parse(raw: str):
        value = float(raw)
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(raw)
        if step:
            value = low + round((value - low) / step) * step
        if whole:
            if value != int(value):
                raise ValueError(raw)
            return int(value)
        return round(min(max(value, low), high), 10)
    return Check(parse, lambda value: f"{value:g}", default)


def flag(default: bool | None = False) -> Check:
    """A checkbox / toggle, written 1 or 0 (left out when off, by default)."""
    def parse(raw: str) -> bool:
        if raw.lower() in ("1", "true", "on"):
            return True
        if raw.lower() in ("0", "false", "off"):
            return False
        raise ValueError(raw)
    return Check(parse, lambda value: "1" if value else "0", default)


def param_name(key: str) -> str:
    """The URL name of a widget key: the key without core.ui.lang_key's language suffix."""
    stem, _, code = key.rpartition("__")
    return stem if stem and code in i18n.LANGUAGES else key


def linked(key: str, check: Check) -> str:
    """``key=linked("l4_stride", number(1, 3))``: the widget's value lives in the URL.

    On the first run of a page visit, a value in the URL is put into the widget (a bad one is
    dropped from the URL and noted for ``tell_rejected``); afterwards the widget's value is written to the URL, only when it
    changed (no message otherwise). Call it just before the widget.
    """
    name = param_name(key)
    seen = _seen_this_visit()
    if name not in seen:
        seen.add(name)
        raw = st.query_params.get(name)
        if raw is not None:
            try:
                st.session_state[key] = check.parse(raw)
            except (ValueError, TypeError, OverflowError):
                del st.query_params[name]
                st.session_state.setdefault(_REJECTED, []).append(f"{name}={raw[:30]}")
    if key in st.session_state:
        _write(name, st.session_state[key], check)
    return key


def widget(key: str, check: Check, index: bool = False) -> dict[str, Any]:
    """``key=`` and ``value=`` of a slider, select slider, number input or checkbox kept in the URL (with
    ``index``: ``key=`` and ``index=`` of a radio or select box, from ``choices``' options): ``linked`` and
    the value the server holds for it (a link's, the student's), else ``check.default``. A widget first
    drawn after a rerun (its script loads on demand, late on a busy server) shows the value it was given,
    and the next click sends that back: given only its key, a link's values would fall back to the defaults."""
    key = linked(key, check)
    value = st.session_state.get(key, check.default)
    if not index:
        return {"key": key, "value": value}
    return {"key": key, "index": check.options.index(value) if value in check.options else 0}


def tell_rejected() -> None:
    """One quiet toast naming the link values that were ignored (app.py calls it after the page)."""
    rejected = st.session_state.pop(_REJECTED, None)
    if rejected:
        st.toast(i18n.t("present.bad_link", st.session_state.get("lang", i18n.DEFAULT_LANGUAGE),
                        values=", ".join(rejected)), icon="🔗", duration="long")


def _write(name: str, value, check: Check) -> None:
    """Put ``value`` into the URL as ``name`` (left out when it is the check's default); no-op if already so."""
    if check.default is not None and value == check.default:
        if name in st.query_params:
            del st.query_params[name]
        return
    text = check.show(value)
    if st.query_params.get(name) != text:
        st.query_params[name] = text


def _seen_this_visit() -> set:
    """Parameter names already read from the URL since this page was opened (reset on a page change)."""
    ctx = get_script_run_ctx()
    page = ctx.page_script_hash if ctx is not None else ""
    visit = st.session_state.get(_VISIT)
    if visit is None or visit[0] != page:
        visit = (page, set())
        st.session_state[_VISIT] = visit
    return visit[1]


def current_url(url_path: str, page_paths) -> str:
    """The address of this page (``url_path``) with its setup: what a "copy link" hands out.

    st.context.url may still end with the page the tab first opened (one of ``page_paths``): cut it off.
    """
    base = (st.context.url or "").rstrip("/")
    last = base.rpartition("/")[2]
    if last and last in page_paths:
        base = base[: -len(last) - 1]
    query = urlencode(st.query_params.to_dict())
    return f"{base}/{url_path}" + (f"?{query}" if query else "")
