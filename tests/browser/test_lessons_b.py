"""Lessons 4–7 in a real browser at 1280×720: each opens from the home page's lesson map in Japanese,
switches to English, shows no error, and a main control changes what is drawn."""
import pytest

from core import i18n
from tests.browser.conftest import assert_clean, choose_language, screenshot, wait_for_app

LESSONS = {
    "lesson_4": "lesson_4_convolution",
    "lesson_5": "lesson_5_pooling",
    "lesson_6": "lesson_6_softmax",
    "lesson_7": "lesson_7_gradient_descent",
}


def open_from_home(page, key: str) -> None:
    """Go to the home page, then follow its link to the lesson (no deep link on a cold page)."""
    page.goto(page.app_url)
    wait_for_app(page)
    page.get_by_role("link", name=i18n.t(f"nav.{key}", "ja")).first.click()
    page.get_by_role("heading", name=i18n.t(f"nav.{key}", "ja")).wait_for(timeout=60_000)
    wait_for_app(page)


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize("key", list(LESSONS))
def test_lesson_opens_in_japanese_and_english(page, key):
    open_from_home(page, key)
    no_exception(page)
    page.get_by_text(i18n.t("common.try_this", "ja"), exact=True).wait_for(timeout=30_000)
    charts = page.locator("[data-testid='stPlotlyChart']")
    charts.nth(1).wait_for(timeout=30_000)  # the plotly component loads lazily
    screenshot(page, f"{LESSONS[key]}_ja")

    choose_language(page, "English")
    page.get_by_role("heading", name=i18n.t(f"nav.{key}", "en")).wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # let the charts finish drawing
    no_exception(page)
    screenshot(page, f"{LESSONS[key]}_en")
    assert_clean(page)


def test_lesson_4_integer_grid_in_the_browser(page):
    open_from_home(page, "lesson_4")
    page.get_by_text(i18n.t("lesson_4.source_grid", "ja"), exact=True).click()
    page.get_by_text(i18n.t("lesson_4.output_title", "ja", size=6)).wait_for(timeout=30_000)
    wait_for_app(page)
    no_exception(page)
    screenshot(page, "lesson_4_convolution_grid_ja")
    assert_clean(page)


def test_lesson_7_too_large_a_rate_diverges_without_crashing(page):
    open_from_home(page, "lesson_7")
    rate = page.get_by_role("slider").nth(1)  # ① start x, ① learning rate, …
    rate.focus()
    rate.press("End")  # the largest rate, 2.0
    page.get_by_text("💥").first.wait_for(timeout=30_000)
    wait_for_app(page)
    no_exception(page)
    assert page.get_by_text("NaN").count() == 0
    screenshot(page, "lesson_7_gradient_descent_diverged_ja")
    assert_clean(page)


def test_lesson_4_window_slider_redraws_its_section(page):
    """The window's row slider sits in a fragment: pressing it moves the window in the formula."""
    open_from_home(page, "lesson_4")
    formula = page.locator("[data-testid='stMarkdownContainer'] .katex").filter(has_text="out")
    before = formula.first.inner_text()
    row = page.locator(".st-key-l4_row").get_by_role("slider")
    row.focus()
    row.press("ArrowRight")
    page.wait_for_timeout(300)
    wait_for_app(page)
    after = formula.first.inner_text()
    assert before != after
    no_exception(page)
    assert_clean(page)
