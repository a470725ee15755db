"""Headless Chromium (Debian's, through Playwright) and waiting for the dashboard in it."""
from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def launch_chromium(playwright):
    """Debian's Chromium, headless, from a started ``sync_playwright()``; a clear error if it is missing."""
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' or set CHROMIUM_PATH")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


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
    if not radio.is_checked():
        raise AssertionError(f"could not choose {label}")
    wait_for_app(tab)
