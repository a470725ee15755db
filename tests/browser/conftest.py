"""Real-browser fixtures: the dashboard served on localhost, driven by Playwright in Debian's Chromium.

``page`` records browser console errors and every request that tries to leave localhost
(those are blocked); ``assert_clean(page)`` fails a test that saw either.
"""
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bench.harness import server
from bench.harness.browser import choose_language, launch_chromium, wait_for_app  # noqa: F401 (tests import them here)

HERE = Path(__file__).resolve().parent
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
SCREENSHOTS = HERE / "screenshots"


def serve_app():
    """The dashboard on a free port of 127.0.0.1 for a ``with`` block → (URL, pid); its log in tests/browser/."""
    return server.serve_app(log_dir=HERE)


@pytest.fixture(scope="session")
def app_url():
    """One dashboard server shared by the browser tests."""
    with serve_app() as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium. Without Playwright or Chromium the browser tests fail (not skip):
    a suite that silently skips would pass having tested nothing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        pytest.fail(f"Playwright is not installed ({error}): pip install -r requirements-test.txt")
    with sync_playwright() as playwright:
        try:
            chromium = launch_chromium(playwright)
        except FileNotFoundError as error:
            pytest.fail(str(error))
        yield chromium
        chromium.close()


def new_tab(browser):
    """A fresh 1280×720 tab (a projector) in a context of its own (another computer, as far as the server
    knows) that records console errors and blocks and records non-local requests → (context, tab)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    tab.console_errors = []
    tab.outside_requests = []
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            tab.outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context, tab


@pytest.fixture
def page(browser, app_url):
    """``new_tab``'s tab, closed after the test."""
    context, tab = new_tab(browser)
    tab.app_url = app_url
    yield tab
    context.close()


@contextmanager
def drawn_late(tab, *widgets: str):
    """Hold the scripts of these widgets (``"Slider"`` → Slider.<hash>.js, which the browser loads when a
    page first shows one) until the block ends, as a busy classroom server sends them late: not drawn yet."""
    held = []
    for widget in widgets:
        tab.route(f"**/static/js/{widget}.*.js", lambda route: held.append(route))
    yield held
    for route in held:
        route.fallback()


def screenshot(tab, name: str) -> Path:
    """Save a full-page screenshot under tests/browser/screenshots/ (not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def assert_clean(tab) -> None:
    """No browser console errors and no request that left localhost."""
    assert tab.outside_requests == [], f"requests left localhost: {tab.outside_requests}"
    assert tab.console_errors == [], f"browser console errors: {tab.console_errors}"
