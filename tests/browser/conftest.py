"""Real-browser fixtures: the dashboard served on localhost, driven by Playwright in Debian's Chromium.

``page`` records browser console errors and every request that tries to leave localhost
(those are blocked); ``assert_clean(page)`` fails a test that saw either.
"""
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_app():
    """`streamlit run app.py` on a free port of localhost for the duration of the block; yields its
    URL and the server's pid (the benches in bench/ start their dashboard here too)."""
    port = _free_port()
    log = open(ROOT / "tests" / "browser" / f"streamlit-{port}.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy(),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"the dashboard did not start within 90 s; see {log.name}")
        yield url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a script run or a training still finishing
            server.kill()
            server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def app_url():
    """One dashboard server shared by the browser tests."""
    with serve_app() as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' or set CHROMIUM_PATH")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh 1280×720 tab (a projector) that blocks and records non-local requests."""
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
    tab.app_url = app_url
    yield tab
    context.close()


def wait_for_app(tab, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    tab.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    tab.wait_for_timeout(150)  # let a rerun that a click just asked for begin
    tab.wait_for_function(
        """() => {
            const app = document.querySelector("[data-testid='stApp']");
            const state = app && app.getAttribute('data-test-script-state');
            return state && !['initial', 'running', 'rerunRequested'].includes(state)
                && !document.querySelector("[data-testid='stStatusWidget']");
        }""",
        timeout=timeout,
    )


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


def choose_language(tab, label: str) -> None:
    """Pick 日本語 or English with the switch at the top right of every page.

    A click that lands while the first run is still drawing can be lost, so click until the
    radio reports itself checked (a plain click on the label does not reach the radio at all).
    """
    radio = tab.locator(".st-key-lang").get_by_role("radio", name=label)
    for _ in range(5):
        radio.click(force=True)
        tab.wait_for_timeout(500)
        if radio.is_checked():
            break
    assert radio.is_checked(), f"could not choose {label}"
    wait_for_app(tab)
