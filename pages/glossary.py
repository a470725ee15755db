"""Glossary (用語集): the course's words, one line each, with the other language's name and the page
where each comes up. ``?term=<key>`` (core.ui.glossary_link) puts that term first, highlighted."""
import streamlit as st

from core import i18n
from core.ui import PAGES, lang, tr

FIELDS = ("term", "reading", "other", "definition", "lesson")
PAGE_OF = {page.key: page for page in PAGES}
# Katakana → hiragana, so ソフト and そふと find the same terms.
KANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def fold(text: str) -> str:
    """Text as the search compares it: case-free, katakana read as hiragana."""
    return text.casefold().translate(KANA)


def entries() -> list[dict]:
    """Every term of locales/<lang>/glossary.toml in reading order."""
    keys = dict.fromkeys(key.split(".")[2] for key in i18n.catalog(lang()) if key.startswith("glossary.terms."))
    terms = [{"key": key, **{field: tr(f"glossary.terms.{key}.{field}") for field in FIELDS}} for key in keys]
    return sorted(terms, key=lambda entry: fold(entry["reading"]))


def show(entry: dict, container, linked: bool) -> None:
    """One term: name and its other-language name, the one-line definition, the link to its page."""
    with container.container(border=True, key=f"term_{entry['key']}"):
        if linked:
            st.caption("🔗 " + tr("glossary.linked"))
        st.markdown(f"**{entry['term']}** · {entry['other']}\n\n{entry['definition']}")
        page = PAGE_OF[entry["lesson"]]
        st.page_link(page.path, label=tr(f"nav.{page.key}"), icon=page.icon)


st.title("📖 " + tr("nav.glossary"))
st.markdown(tr("glossary.intro"))

linked = st.query_params.get("term")
if f"glossary.terms.{linked}.term" in i18n.catalog(lang()):
    # The term a lesson linked to: first, and tinted so the eye finds it.
    st.html(f"<style>.st-key-term_{linked} {{ background: #fff4e6; }}</style>")
else:
    linked = None


@st.fragment
def term_list() -> None:
    """The search box and the terms it lets through (typing reruns only this part)."""
    query = st.text_input(tr("glossary.search"), placeholder=tr("glossary.search_placeholder"), key="glossary_query")
    terms = entries()
    wanted = fold(query.strip())
    shown = [entry for entry in terms
             if not wanted or any(wanted in fold(entry[field]) for field in ("term", "reading", "other", "definition"))]
    shown.sort(key=lambda entry: entry["key"] != linked)  # stable: the linked term first, the rest in order
    st.caption(tr("glossary.count", shown=len(shown), total=len(terms)))
    if not shown:
        st.info(tr("glossary.no_match", query=query.strip()))
    columns = st.columns(2)
    half = (len(shown) + 1) // 2  # read down the left column, then the right one
    for index, entry in enumerate(shown):
        show(entry, columns[index >= half], entry["key"] == linked)


term_list()
