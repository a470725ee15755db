"""Glossary (用語集): the course's words, one line each with the other language's name, grouped under
a link to the page where they come up. ``?term=<key>`` (core.ui.glossary_link) shows that term first.

One page link and one markdown per page group (not per term): a search rerun sends ~25 elements,
not ~120, which keeps it well under the class's 40 ms budget.
"""
import streamlit as st

from core import i18n
from core.ui import PAGES, lang, tr

FIELDS = ("term", "reading", "other", "definition", "lesson")
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


def line(entry: dict, linked: str | None) -> str:
    """One term as a markdown bullet: **term** · other-language name (if it differs), then its definition."""
    name = f"**{entry['term']}**"
    if entry["key"] == linked:
        name = f":orange-background[{name}]"
    if entry["other"] != entry["term"]:
        name += f" · {entry['other']}"
    return f"- {name}  \n  {entry['definition']}"


def page_link(page_key: str, where) -> None:
    page = next(page for page in PAGES if page.key == page_key)
    where.page_link(page.path, label=tr(f"nav.{page.key}"), icon=page.icon)


st.title("📖 " + tr("nav.glossary"))
st.markdown(tr("glossary.intro"))

linked = st.query_params.get("term")
if f"glossary.terms.{linked}.term" in i18n.catalog(lang()):
    st.html("<style>.st-key-linked_term { background: #fff4e6; }</style>")  # tinted, so the eye finds it
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
    st.caption(tr("glossary.count", shown=len(shown), total=len(terms)))
    if not shown:
        st.info(tr("glossary.no_match", query=query.strip()))
        return
    first = next((entry for entry in shown if entry["key"] == linked), None)
    if first:  # the term a lesson linked to, on top where the eye lands
        with st.container(border=True, key="linked_term"):
            st.caption("🔗 " + tr("glossary.linked"))
            st.markdown(line(first, linked))
            page_link(first["lesson"], st)
    groups = {page.key: [entry for entry in shown if entry["lesson"] == page.key] for page in PAGES}
    groups = {key: group for key, group in groups.items() if group}
    columns, placed = st.columns(2), 0
    for page_key, group in groups.items():  # course order, left column first, then the right one
        column = columns[placed >= len(shown) / 2]
        placed += len(group)
        page_link(page_key, column)
        column.markdown("\n".join(line(entry, linked) for entry in group))


term_list()
