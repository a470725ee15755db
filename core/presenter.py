"""The bar at the top of every page (language, presenter mode, ← / → through the lessons, copy link),
presenter mode itself (larger text, a compact header, settings folded away, for a 1280×720 projector),
and text alternatives for figures (read by screen readers, not shown).

UI glue, so it imports Streamlit (widgets and an inline style block; nothing is fetched).
"""
from __future__ import annotations

import html

import streamlit as st

from core import i18n, links
from core.ui import LANG_KEY, PAGES, lang, tr

PRESENT_KEY = "present"
TOUR = tuple(page for page in PAGES if page.section in ("lessons", "lab"))  # ← / → go through these, in order

# Presenter mode: the bar moves up into Streamlit's header, right of the navigation, so the lesson
# starts right under the header; side margins shrink and text grows. Figures keep their heights.
PRESENTER_CSS = """<style>
[data-testid='stMainBlockContainer'] { padding: 3.7rem 1.5rem 2rem; max-width: none; }
.st-key-dojo_bar { position: fixed; top: 0.45rem; right: 3.6rem; z-index: 999991; width: auto; }
[data-testid='stMainBlockContainer'] [data-testid='stVerticalBlock'] { gap: 0.55rem; }
[data-testid='stMainBlockContainer'] [data-testid='stExpander'] summary { padding-top: 0.3rem; padding-bottom: 0.3rem; }
[data-testid='stMainBlockContainer'] h1 { font-size: 2rem; padding: 0 0 0.2rem; }
[data-testid='stMainBlockContainer'] h2 { font-size: 1.6rem; padding: 0.4rem 0 0.2rem; }
[data-testid='stMainBlockContainer'] [data-testid='stMarkdownContainer'] :is(p, li) { font-size: 1.22rem; }
[data-testid='stMainBlockContainer'] [data-testid='stWidgetLabel'] p { font-size: 1.08rem; }
[data-testid='stMainBlockContainer'] [data-testid='stCaptionContainer'] p { font-size: 1.02rem; }
.st-key-dojo_bar [data-testid='stMarkdownContainer'] p { font-size: 0.95rem; }
@media (max-width: 1199px) {  /* 1024×768 projectors: the header has no room beside the menu, so the bar sits below it */
  [data-testid='stMainBlockContainer'] { padding-top: 3.5rem; }
  .st-key-dojo_bar { position: static; width: 100%; }
}
</style>"""
NORMAL_CSS = "<style>[data-testid='stMainBlockContainer'] { padding-top: 3.5rem; }</style>"
# A figure's text alternative: out of the layout and invisible, but in the page for screen readers.
ALT_CSS = ("<style>[data-testid='stElementContainer']:has(> div .dojo-alt) { position: absolute; width: 1px;"
           " height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }</style>")


def on() -> bool:
    """Presenter mode is on (the switch in the bar, ``?present=1`` in the URL)."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def fold(label: str):
    """Where a page puts settings and long text: in presenter mode a collapsed expander (one click
    away, so the figure fits on the projector), otherwise a plain container."""
    return st.expander(label) if on() else st.container()


def top_bar(pages: dict, current) -> None:
    """Language switch, presenter switch, 🔗 copy link, and in presenter mode ← / → (also the arrow keys).

    ``pages``: PageSpec.path → st.Page; ``current``: the page st.navigation chose.
    """
    bar = st.container(key="dojo_bar", horizontal=True, horizontal_alignment="right",
                       vertical_alignment="center", gap="small")
    with bar:
        st.radio("🌐 Language / 言語", options=list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get,
                 key=links.linked(LANG_KEY, links.choices(i18n.LANGUAGES)), horizontal=True,
                 label_visibility="collapsed", width="content")
        st.toggle(tr("present.switch"), key=links.linked(PRESENT_KEY, links.flag()),
                  help=tr("present.switch_help"), width="content")
    st.html((PRESENTER_CSS if on() else NORMAL_CSS) + ALT_CSS)
    if on():
        _arrows(bar, pages, current)
    with bar, st.popover("🔗", help=tr("present.link_help")):
        _link_box(pages, current)


def _arrows(bar, pages: dict, current) -> None:
    """← / → buttons (and the arrow keys) to the previous / next page of TOUR, staying in presenter mode."""
    spec = next((page for page in PAGES if pages[page.path] is current), None)
    where = TOUR.index(spec) if spec in TOUR else -1
    with bar:
        before = TOUR[where - 1] if where > 0 else None
        after = TOUR[where + 1] if where + 1 < len(TOUR) else None
        for target, label, key in ((before, tr("present.back"), "Left"), (after, tr("present.next"), "Right")):
            if st.button(label, key=f"present_{key.lower()}", shortcut=key, disabled=target is None,
                         help=tr("present.go", page=tr(f"nav.{target.key}")) if target else None):
                st.switch_page(pages[target.path], query_params={LANG_KEY: lang(), PRESENT_KEY: "1"})


def figure_alt(text: str) -> None:
    """The text alternative of the figure just drawn (plotly charts have no alt attribute): what it shows,
    with its numbers, for a student using a screen reader. Takes no room on the page."""
    st.markdown(f'<p class="dojo-alt">{html.escape(text)}</p>', unsafe_allow_html=True)


@st.fragment
def _link_box(pages: dict, current) -> None:
    """The address of this page with its current settings, with Streamlit's copy button; made when
    asked, so settings changed inside a section (a fragment) since the last full run are in it.
    (Only then are the pages' URL paths read: a Dask worker process that re-imports app.py as its
    ``__main__`` runs it bare, where st.Page objects have none.)"""
    if st.button(tr("present.make_link"), key="present_make_link"):
        url = links.current_url(current.url_path, {page.url_path for page in pages.values()})
        st.code(url, language=None, wrap_lines=True)
        st.caption(tr("present.link_note"))
