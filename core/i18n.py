"""Japanese and English text, one folder per language: locales/<lang>/<area>.toml.

A teacher fixes wording in those files without touching code. ``t("home.title", "ja")`` reads
key ``title`` of locales/ja/home.toml; a key missing in a language falls back to Japanese.
In a text, ``[[g:kernel]]`` or ``[[g:kernel|カーネル（フィルタ）]]`` becomes a markdown link to that
term of the glossary page, in the text's language (``term_link``).
"""
from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = {"ja": "日本語", "en": "English"}
DEFAULT_LANGUAGE = "ja"
TERM_MARK = re.compile(r"\[\[g:([a-z_0-9]+)(?:\|([^\]]+))?\]\]")  # [[g:key]] or [[g:key|shown words]]


def _flatten(table: dict, prefix: str) -> dict[str, object]:
    """Nested TOML tables → dotted keys."""
    flat = {}
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key))
        else:
            flat[key] = value
    return flat


@functools.lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, object]:
    """Every text of one language, keyed ``<file stem>.<key>``."""
    texts: dict[str, object] = {}
    for path in sorted((LOCALES / lang).glob("*.toml")):
        with path.open("rb") as handle:
            texts.update(_flatten(tomllib.load(handle), path.stem))
    return texts


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` fields filled from ``values``."""
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    text = str(text).format(**values) if values else str(text)
    return TERM_MARK.sub(lambda mark: term_link(mark[1], lang, mark[2]), text) if "[[g:" in text else text


def term_link(term_key: str, lang: str, shown: str | None = None) -> str:
    """Markdown link to one term of the glossary page, e.g. ``[畳み込み](glossary?term=convolution&lang=ja)``;
    KeyError for a term the glossary does not have."""
    name = catalog(lang).get(f"glossary.terms.{term_key}.term")
    if name is None:
        raise KeyError(f"no glossary term {term_key!r} in locales/{lang}/glossary.toml")
    return f"[{shown or name}](glossary?term={term_key}&lang={lang})"


def t_list(key: str, lang: str = DEFAULT_LANGUAGE) -> list:
    """A list-valued text (bullet points, table headers) in ``lang``."""
    value = catalog(lang).get(key)
    if value is None:
        value = catalog(DEFAULT_LANGUAGE).get(key, [])
    return list(value)
