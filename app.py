"""CNN Dojo: page config, the language switch, and navigation over the lesson / lab / training pages."""
import streamlit as st

from core import i18n, streamlit_patches
from core.ui import LANG_KEY, PAGES, language_from_link, tr

st.set_page_config(page_title="CNN Dojo", page_icon="🥋", layout="wide")
# Streamlit work-arounds (no Keras reset after each run, gc.freeze, deep links, sessions); a clear
# error naming the Streamlit version if they do not fit the installed one.
streamlit_patches.apply()

# The language switch sits at the top right of every page: no sidebar, so the projector
# gets the full width.
st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 3.5rem; }</style>")
language_from_link()  # a glossary link carries the reader's language into its new tab
_, switch = st.columns([5, 1])
switch.radio(
    "🌐 Language / 言語",
    options=list(i18n.LANGUAGES),
    format_func=i18n.LANGUAGES.get,
    key=LANG_KEY,
    horizontal=True,
    label_visibility="collapsed",
)

sections: dict[str, list] = {}
for page in PAGES:
    sections.setdefault(tr(f"nav.section_{page.section}"), []).append(
        st.Page(page.path, title=tr(f"nav.{page.key}"), icon=page.icon, default=page.section == "start")
    )
st.navigation(sections, position="top").run()
