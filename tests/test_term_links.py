"""Lesson texts link their key terms to the glossary: ``[[g:key|words]]`` in locales/ becomes a markdown
link (core.i18n), every lesson 0–7 has some in both languages, and every one names a real term."""
import re

import pytest

from core import i18n
from tests.conftest import open_page

LESSONS = [f"lesson_{n}" for n in range(8)]


def marks(text: str) -> list[str]:
    return [mark[0] for mark in i18n.TERM_MARK.findall(text)]


def raw_texts(lang: str) -> dict[str, str]:
    """Every text of a language as written in the TOML files (marks not yet turned into links)."""
    return {key: value for key, value in i18n.catalog(lang).items() if isinstance(value, str)}


def test_a_mark_becomes_a_link_to_the_term_in_the_texts_language():
    text = "x [[g:kernel|カーネル（フィルタ）]] y [[g:stride]] z"
    assert i18n.TERM_MARK.sub(lambda m: i18n.term_link(m[1], "ja", m[2]), text) == (
        "x [カーネル（フィルタ）](glossary?term=kernel&lang=ja) y [ストライド](glossary?term=stride&lang=ja) z")
    assert i18n.term_link("stride", "en") == "[Stride](glossary?term=stride&lang=en)"
    with pytest.raises(KeyError):
        i18n.term_link("no_such_term", "ja")


def test_lookup_turns_the_marks_of_a_lesson_text_into_links():
    intro = i18n.t("lesson_4.intro", "en")
    assert "[[g:" not in intro
    assert "[convolution layer](glossary?term=convolution&lang=en)" in intro
    assert "**[kernel (filter)](glossary?term=kernel&lang=en)**" in intro
    assert "[特徴マップ](glossary?term=feature_map&lang=ja)" in i18n.t("lesson_4.intro", "ja")


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_every_mark_names_a_glossary_term(lang):
    terms = {key.split(".")[2] for key in i18n.catalog(lang) if key.startswith("glossary.terms.")}
    used = {term for text in raw_texts(lang).values() for term in marks(text)}
    assert used and used <= terms, used - terms


def test_both_languages_link_the_same_terms_in_each_text():
    ja, en = raw_texts("ja"), raw_texts("en")
    for key in ja.keys() & en.keys():
        assert sorted(marks(ja[key])) == sorted(marks(en[key])), key


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_links_its_main_terms_in_both_languages(lesson):
    for lang in i18n.LANGUAGES:
        linked = {term for key, text in raw_texts(lang).items() if key.startswith(lesson + ".") for term in marks(text)}
        assert linked, (lesson, lang)


def test_the_links_reach_the_page():
    """Lesson 4 in English shows the intro's links as markdown links (not the raw marks)."""
    at = open_page("pages/lesson_4_convolution.py", "en")
    shown = "\n".join(element.value for element in at.markdown)
    assert "[[g:" not in shown
    assert re.search(r"\[convolution layer\]\(glossary\?term=convolution&lang=en\)", shown)
