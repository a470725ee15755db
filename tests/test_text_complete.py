"""Every text exists in both languages, and no page shows text that bypasses locales/.

1. The two catalogs have the same shape: same keys, same list lengths, same fields in lists of
   tables (the quiz), no empty text on one side only.
2. Every page of the dashboard, rendered under AppTest through app.py in each language, is scanned:
   titles, markdown, captions, alerts, widget labels / options / help, metrics, tabs, expanders,
   page links, table headers and cells, chart titles / legends / annotations.
   - English mode: any kana or kanji is a failure, unless the English texts themselves carry it on
     purpose (a quoted document phrase, a glossary term's Japanese name). The language switch is
     bilingual on purpose and not scanned.
   - Japanese mode: an English sentence (five or more words in a row) that is not part of a Japanese
     text, or an English word that no Japanese text uses, is a literal written in a page.
   Code (`…` spans, code blocks), formulas and identifiers (colab_cnn, Conv2D, x_train) are exempt,
   and so are table cells from the English word rule (they are data: layer names, model keys).
   A text that is exactly a missing key ("lesson_4.no_such") is a failure in both modes.
"""
import json
import re

import pytest
from google.protobuf.descriptor import FieldDescriptor

from core import i18n
from core.ui import PAGES
from tests.conftest import open_page

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f々〆]+")
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){4,}")
WORD = re.compile(r"(?<![\w.\-/])[A-Za-z]{3,}(?![\w.\-/])")  # a plain word, not part of an identifier or path
CODE = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$", re.S)
# Markup, not read: HTML tags, plotly's %{…} fields, and a markdown link's address ("](glossary?term=…)").
HTML_TAG = re.compile(r"<style.*?</style>|<[^>]+>|%\{[^}]*\}|(?<=\])\([^)\s]*\)", re.S)
KEY = re.compile(r"^[a-z_0-9]+(?:\.[A-Za-z_0-9]+)+$")

# Proto fields that are not text a student reads (ids, formats, icons, internal values).
NOT_TEXT = {"id", "type", "tag", "format", "icon", "page", "page_script_hash", "config", "theme",
            "raw_value", "columns", "spec", "form_id", "url", "arrow_data", "default", "value",
            "component_name", "json_args", "special_args", "data", "body_html"}
LATEX_OR_CODE = {"latex", "code"}
# Not text from a page: a custom component's arguments (the canvas's colours), and the language
# switch, which names each language in itself on purpose ("🌐 Language / 言語", 日本語, English).
SKIPPED = {"bidi_component", "component_instance"}
SWITCH_KEY = "lang"


def _strings(value):
    """Every string inside a locale value (text, list of texts, list of tables)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _texts(lang: str) -> list[str]:
    return [text for value in i18n.catalog(lang).values() for text in _strings(value)]


ALLOWED_JAPANESE_IN_ENGLISH = {run for text in _texts("en") for run in JAPANESE.findall(text)}
JAPANESE_TEXT = " ".join(" ".join(text.split()) for text in _texts("ja"))
JAPANESE_VOCABULARY = {word.casefold() for word in WORD.findall(JAPANESE_TEXT)} | {
    word.casefold() for page in PAGES for word in re.findall(r"[A-Za-z]+", page.path)}
KNOWN_KEYS = set(i18n.catalog("ja")) | set(i18n.catalog("en"))
STEMS = {key.split(".")[0] for key in KNOWN_KEYS}  # the locale files: home, lesson_4, quiz…


# ---------------------------------------------------------------- 1. same shape in both languages
def _shape_differences(ja, en, where: str) -> list[str]:
    if type(ja) is not type(en):
        return [f"{where}: {type(ja).__name__} in ja, {type(en).__name__} in en"]
    if isinstance(ja, str):
        return [f"{where}: empty in one language"] if bool(ja.strip()) != bool(en.strip()) else []
    if isinstance(ja, list):
        if len(ja) != len(en):
            return [f"{where}: {len(ja)} items in ja, {len(en)} in en"]
        return [d for index, (a, b) in enumerate(zip(ja, en)) for d in _shape_differences(a, b, f"{where}[{index}]")]
    if isinstance(ja, dict):
        if set(ja) != set(en):
            return [f"{where}: fields {sorted(set(ja) ^ set(en))} in one language only"]
        return [d for field in ja for d in _shape_differences(ja[field], en[field], f"{where}.{field}")]
    return []


def test_every_text_exists_in_both_languages_with_the_same_shape():
    ja, en = i18n.catalog("ja"), i18n.catalog("en")
    problems = [f"{key}: only in ja" for key in sorted(set(ja) - set(en))]
    problems += [f"{key}: only in en" for key in sorted(set(en) - set(ja))]
    problems += [d for key in sorted(set(ja) & set(en)) for d in _shape_differences(ja[key], en[key], key)]
    assert problems == []


def test_the_shape_check_catches_a_shorter_list_and_a_missing_field():
    assert _shape_differences(["a", "b"], ["a"], "k") == ["k: 2 items in ja, 1 in en"]
    assert _shape_differences([{"q": "x", "why": "y"}], [{"q": "x"}], "k") == ["k[0]: fields ['why'] in one language only"]
    assert _shape_differences("text", " ", "k") == ["k: empty in one language"]


# ---------------------------------------------------------------- 2. what the pages show
def _proto_strings(message, out: list[str]) -> None:
    for field, value in message.ListFields():
        if field.name in NOT_TEXT:
            continue
        values = value if field.is_repeated else [value]
        if field.type == FieldDescriptor.TYPE_STRING:
            out.extend(values)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            for item in values:
                _proto_strings(item, out)


_CHART_TEXT_KEYS = {"text", "name", "title", "ticktext", "hovertemplate", "texttemplate"}


def _chart_strings(value, key: str = "", out: list[str] | None = None) -> list[str]:
    """The texts a plotly figure shows: titles, trace names, annotations, tick labels, hover texts."""
    out = [] if out is None else out
    if isinstance(value, dict):
        for name, item in value.items():
            if name not in ("bdata", "dtype", "shape"):
                _chart_strings(item, name, out)
    elif isinstance(value, list):
        for item in value:
            _chart_strings(item, key, out)
    elif isinstance(value, str) and key in _CHART_TEXT_KEYS:
        out.append(value)
    return out


def _nodes(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def shown_texts(at) -> list[tuple[str, str]]:
    """(element type, text) for every text the rendered page shows."""
    found = []
    for node in _nodes(at._tree):
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields") or kind in SKIPPED:
            continue
        if getattr(node, "key", None) == SWITCH_KEY:
            continue
        if kind == "plotly_chart":
            found += [(kind, text) for text in _chart_strings(json.loads(proto.spec))]
            continue
        if kind == "dataframe":
            frame = node.value
            found += [(kind, str(column)) for column in frame.columns]
            found += [("dataframe cell", cell) for column in frame.columns for cell in frame[column]
                      if isinstance(cell, str)]
        if kind == "html":
            found.append((kind, HTML_TAG.sub(" ", proto.body)))
            continue
        texts: list[str] = []
        _proto_strings(proto, texts)
        found += [(kind, text) for text in texts if text.strip()]
    return found


def findings(at, lang: str) -> list[str]:
    """What on the page looks like text that did not come from locales/<lang>."""
    problems = []
    for kind, text in shown_texts(at):
        if KEY.match(text.strip()) and text.strip() not in KNOWN_KEYS and text.split(".")[0] in STEMS:
            problems.append(f"{kind}: missing text key {text.strip()!r}")
            continue
        if lang == "en":
            stray = [run for run in JAPANESE.findall(text) if run not in ALLOWED_JAPANESE_IN_ENGLISH]
            if stray:
                problems.append(f"{kind}: Japanese in English mode {stray} in {text[:80]!r}")
        elif kind not in LATEX_OR_CODE:
            prose = " ".join(HTML_TAG.sub(" ", CODE.sub(" ", text)).split())
            for run in ENGLISH_RUN.findall(prose):
                if run not in JAPANESE_TEXT:
                    problems.append(f"{kind}: English sentence in Japanese mode {run!r}")
            for word in WORD.findall(prose) if kind != "dataframe cell" else ():  # cells: data (layer names…)
                if word.casefold() not in JAPANESE_VOCABULARY:
                    problems.append(f"{kind}: English word {word!r} in Japanese mode in {prose[:80]!r}")
    return sorted(set(problems))


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("path", [page.path for page in PAGES])
def test_the_page_shows_only_text_from_the_locale_files(path, lang):
    at = open_page(path, lang, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    assert len(shown_texts(at)) > 3, "the page shows almost nothing: did it stop early?"
    assert findings(at, lang) == []


def test_the_scan_catches_literals():
    """A page that writes Japanese in English mode, or English in Japanese mode, is caught."""
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        st.button("実行")
        st.caption("Press the button to run the model again")
        st.markdown("`model.fit(x_train, y_train, batch_size=128, epochs=15)`")  # code is fine
        st.text("lesson_4.no_such_key")

    english = AppTest.from_function(page)
    english.run()
    assert findings(english, "en") == [
        "button: Japanese in English mode ['実行'] in '実行'",
        "text: missing text key 'lesson_4.no_such_key'",
    ]
    japanese = findings(english, "ja")
    assert "caption: English sentence in Japanese mode 'Press the button to run the model again'" in japanese
    assert not any("model.fit" in problem for problem in japanese)
