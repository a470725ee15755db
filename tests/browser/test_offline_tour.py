"""No network in class, proven: every page, in both languages, in headless Chromium, makes no request
that leaves the server (the ``page`` fixture blocks and records any such request).

Japanese: each page opened by its own URL (a full load, as a student typing the address).
English: the switch once on the home page, then every page through the navigation at the top.

The only errors allowed are Streamlit's two probes on a page URL, ``/<page>/_stcore/health`` and
``/<page>/_stcore/host-config``, which answer 404: the frontend first guesses that the page path is
the app's base path, then tries ``/`` (streamlit/streamlit#7074). They stay on the server.
"""
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from core import i18n
from core.ui import PAGES
from tests.browser.conftest import choose_language, screenshot, wait_for_app

PROBE = re.compile(r"^/(?P<page>[\w-]+)/_stcore/(health|host-config)$")
RESOURCE_404 = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def url_path(page) -> str:
    """Where st.navigation serves a page: its file name, the home page at /."""
    return "" if page.section == "start" else Path(page.path).stem


def record_failures(tab) -> list[str]:
    failures: list[str] = []
    tab.on("response", lambda response: response.status >= 400 and failures.append(response.url))
    return failures


def settle(tab) -> None:
    """Let the page finish, then scroll to its foot so every lazily loaded part (charts, canvas) loads."""
    wait_for_app(tab, timeout=180_000)
    tab.evaluate("() => { const main = document.querySelector(\"[data-testid='stMain']\");"
                 " if (main) main.scrollTo(0, main.scrollHeight); }")
    tab.wait_for_timeout(1500)
    assert tab.locator("[data-testid='stException']").count() == 0, tab.url


def assert_offline(tab, failures: list[str], deep_links: bool) -> None:
    assert tab.outside_requests == [], f"requests left the server: {tab.outside_requests}"
    probes = [url for url in failures if deep_links and PROBE.match(urlparse(url).path)]
    assert [url for url in failures if url not in probes] == [], "requests that failed on the server"
    assert set(tab.console_errors) <= {RESOURCE_404}, tab.console_errors
    assert len(tab.console_errors) <= len(probes)


def test_every_page_by_its_address_in_japanese(page):
    failures = record_failures(page)
    for spec in PAGES:
        page.goto(f"{page.app_url}/{url_path(spec)}", timeout=120_000)
        settle(page)
        assert urlparse(page.url).path == "/" + url_path(spec)
        page.locator(".st-key-lang").wait_for()
        if spec.key == "glossary":
            screenshot(page, "tour_glossary_ja")
    assert_offline(page, failures, deep_links=True)


def test_every_page_through_the_navigation_in_english(page):
    failures = record_failures(page)
    page.goto(page.app_url, timeout=120_000)
    wait_for_app(page)
    choose_language(page, "English")
    for spec in PAGES:
        page.locator("[data-testid='stTopNavSection']", has_text=i18n.t(f"nav.section_{spec.section}", "en")).click()
        page.locator("[data-testid='stTopNavDropdownLink']", has_text=i18n.t(f"nav.{spec.key}", "en")).click()
        settle(page)
        assert urlparse(page.url).path == "/" + url_path(spec)
        assert page.get_by_text("日本語", exact=True).count() == 1  # still one session: the switch is there
        if spec.key == "glossary":
            screenshot(page, "tour_glossary_en")
    assert_offline(page, failures, deep_links=False)


@pytest.mark.parametrize("path", ["/lesson_4_convolution", "/glossary"])
def test_the_404s_on_a_page_address_are_streamlits_base_path_probes(page, path):
    """Documents the known frontend behaviour: both probes stay local and the retry at / succeeds."""
    failures = record_failures(page)
    page.goto(page.app_url + path, timeout=120_000)
    wait_for_app(page, timeout=180_000)
    assert sorted(urlparse(url).path for url in failures) == [f"{path}/_stcore/health", f"{path}/_stcore/host-config"]
    assert page.outside_requests == []
