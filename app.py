"""CNN Dojo: page config, the top bar (language, presenter mode, link), and navigation over the lesson / lab / training pages."""
import streamlit as st

from core import links, presenter, streamlit_patches
from core.ui import PAGES, language_from_link, tr

st.set_page_config(page_title="CNN Dojo", page_icon="🥋", layout="wide")
# Streamlit work-arounds (no Keras reset after each run, gc.freeze, deep links, sessions); a clear
# error naming the Streamlit version if they do not fit the installed one.
streamlit_patches.apply()

# No sidebar, so the projector gets the full width: the language switch and presenter mode sit in a
# bar at the top right of every page (core/presenter.py); a URL's ?lang= / ?present= set them.
language_from_link()  # before the page titles are translated: ?lang=en opens in English
pages = {page.path: st.Page(page.path, title=tr(f"nav.{page.key}"), icon=page.icon, default=page.section == "start")
         for page in PAGES}
sections: dict[str, list] = {}
for page in PAGES:
    sections.setdefault(tr(f"nav.section_{page.section}"), []).append(pages[page.path])
current = st.navigation(sections, position="top")
presenter.top_bar(pages, current)
current.run()
links.tell_rejected()  # bad values in a link: one toast (a page that stopped early tells it next run)
