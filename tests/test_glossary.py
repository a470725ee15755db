"""The glossary: its data in locales/*/glossary.toml, the page in both languages (search, the term a
link points to first), and core.ui.glossary_link."""
import re

import pytest
from streamlit.testing.v1 import AppTest

from core import i18n
from core.ui import PAGES
from tests.conftest import ROOT, assert_no_tensorflow, open_page

# The course's words the glossary must have (the list).
REQUIRED = (
    "convolution", "kernel", "feature_map", "stride", "padding", "pooling", "flatten", "dropout",
    "activation", "sigmoid", "relu", "softmax", "cross_entropy", "loss", "gradient_descent",
    "learning_rate", "epoch", "batch", "overfitting", "accuracy", "parameter", "one_hot", "dense",
    "mnist", "least_squares", "perceptron", "sgd", "adam", "validation_data",
)
FIELDS = {"term", "reading", "other", "definition", "lesson"}
HIRAGANA_READING = re.compile(r"^[\u3041-\u3096ー]+$")


def terms(lang: str) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for key, value in i18n.catalog(lang).items():
        if key.startswith("glossary.terms."):
            _, _, term, field = key.split(".")
            table.setdefault(term, {})[field] = value
    return table


def test_the_terms_are_there_in_both_languages_with_the_same_page():
    ja, en = terms("ja"), terms("en")
    assert len(ja) >= 25 and set(REQUIRED) <= set(ja)
    assert list(ja) == list(en)
    page_keys = {page.key for page in PAGES}
    for key in ja:
        assert set(ja[key]) == set(en[key]) == FIELDS, key
        assert ja[key]["lesson"] == en[key]["lesson"] and ja[key]["lesson"] in page_keys, key
        for lang_terms in (ja, en):
            assert all(str(value).strip() and "\n" not in str(value) for value in lang_terms[key].values()), key
        assert HIRAGANA_READING.match(ja[key]["reading"]), (key, ja[key]["reading"])


def glossary(lang: str, term: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    if term is not None:
        at.query_params["term"] = term
    at.switch_page("pages/glossary.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


TERM_LINE = re.compile(r"^- (?::orange-background\[)?\*\*(.+?)\*\*", re.M)


def groups(at: AppTest) -> list[tuple[str, list[str]]]:
    """(page link label, its terms in order) for each group of the list, left column then right."""
    columns = at.columns[-2:]
    found = []
    for column in columns:
        links = [node for node in column if node.type == "page_link"]
        texts = [node for node in column if node.type == "markdown"]
        found += [(link.proto.label, TERM_LINE.findall(text.value)) for link, text in zip(links, texts)]
    return found


def shown_terms(at: AppTest) -> list[str]:
    """The terms listed under the page links, in order."""
    return [term for _, terms in groups(at) for term in terms]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_page_lists_every_term_under_a_link_to_its_page(lang):
    at = open_page("pages/glossary.py", lang)
    assert not at.exception
    table = terms(lang)
    assert at.title[0].value == "📖 " + i18n.t("nav.glossary", lang)
    assert sorted(shown_terms(at)) == sorted(entry["term"] for entry in table.values())
    assert i18n.t("glossary.count", lang, shown=len(table), total=len(table)) in [c.value for c in at.caption]
    # Groups in the course's order, each under the link to its page, terms in reading order.
    pages_in_order = [i18n.t(f"nav.{page.key}", lang) for page in PAGES]
    labels = [label for label, _ in groups(at)]
    assert labels == sorted(labels, key=pages_in_order.index)
    for label, listed in groups(at):
        own = sorted((e for e in table.values() if i18n.t(f"nav.{e['lesson']}", lang) == label),
                     key=lambda e: e["reading"].casefold())
        assert listed == [e["term"] for e in own], label
    convolution = table["convolution"]
    text = next(m.value for m in at.markdown if f"**{convolution['term']}**" in m.value)
    assert f"- **{convolution['term']}** · {convolution['other']}  \n  {convolution['definition']}" in text


def test_lesson_4_lists_its_words_in_japanese_reading_order():
    at = open_page("pages/glossary.py", "ja")
    lesson_4 = dict(groups(at))[i18n.t("nav.lesson_4", "ja")]
    assert lesson_4 == ["カーネル（フィルタ）", "ストライド", "畳み込み", "畳み込みニューラルネットワーク（CNN）",
                        "特徴マップ", "パディング"]


@pytest.mark.parametrize("lang, query, expected", [
    ("ja", "たたみ", {"畳み込み", "畳み込みニューラルネットワーク（CNN）"}),
    ("ja", "ぷーりんぐ", {"プーリング", "ストライド", "畳み込みニューラルネットワーク（CNN）"}),  # and definitions
    ("ja", "プーリング", {"プーリング", "ストライド", "畳み込みニューラルネットワーク（CNN）"}),
    ("ja", "Learning Rate", {"学習率"}),
    ("en", "dropout", {"Dropout"}),
    ("en", "学習率", {"Learning rate"}),
])
def test_search_finds_by_reading_katakana_or_the_other_language(lang, query, expected):
    at = open_page("pages/glossary.py", lang)
    at.text_input(key="glossary_query").input(query).run()
    assert set(shown_terms(at)) == expected
    total = len(terms(lang))
    assert i18n.t("glossary.count", lang, shown=len(expected), total=total) in [c.value for c in at.caption]


def test_a_search_that_finds_nothing_says_so():
    at = open_page("pages/glossary.py", "en")
    at.text_input(key="glossary_query").input("zebra").run()
    assert shown_terms(at) == []
    assert at.info[0].value == i18n.t("glossary.no_match", "en", query="zebra")


def test_the_linked_term_comes_first_and_is_highlighted():
    at = glossary("en", term="pooling")
    first_texts = [m.value for m in at.markdown if "Pooling" in m.value]
    assert first_texts[0].startswith("- :orange-background[**Pooling**] · プーリング")  # the box on top
    assert "🔗 " + i18n.t("glossary.linked", "en") in [c.value for c in at.caption]
    assert any(".st-key-linked_term" in html.proto.body for html in at.get("html"))
    assert "Pooling" in dict(groups(at))[i18n.t("nav.lesson_5", "en")]  # and still in its group


def test_an_unknown_linked_term_is_ignored():
    at = glossary("ja", term="no_such_term")
    assert "🔗 " + i18n.t("glossary.linked", "ja") not in [c.value for c in at.caption]
    assert not any("st-key-linked_term" in html.proto.body for html in at.get("html"))
    assert not any("orange-background" in m.value for m in at.markdown)


def _link_script():
    import streamlit as st

    from core.ui import glossary_link

    st.markdown(glossary_link("learning_rate"))
    try:
        glossary_link("no_such_term")
    except KeyError as error:
        st.text(str(error))


@pytest.mark.parametrize("lang, label", [("ja", "学習率"), ("en", "Learning rate")])
def test_glossary_link_is_a_markdown_link_to_the_term_in_the_readers_language(lang, label):
    at = AppTest.from_function(_link_script)
    at.session_state["lang"] = lang
    at.run()
    assert at.markdown[0].value == f"[{label}](glossary?term=learning_rate&lang={lang})"
    assert "no_such_term" in at.text[0].value


def test_a_link_naming_a_language_opens_a_new_session_in_it():
    """core.ui.language_from_link (app.py calls it before the switch): ?lang=en starts in English."""
    at = AppTest.from_file(str(ROOT / "tests" / "quiz_page_for_test.py"), default_timeout=30)
    at.query_params["lang"] = "en"
    at.run()
    assert at.subheader[0].value == i18n.t("quiz.title", "en")
    at.session_state["lang"] = "ja"  # the switch, once used, wins over the link
    at.run()
    assert at.subheader[0].value == i18n.t("quiz.title", "ja")


def test_the_glossary_opens_without_tensorflow():
    assert_no_tensorflow(["pages/glossary.py"], "en")
