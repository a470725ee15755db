"""The home page in a real browser: Japanese first, English on a click, nothing leaves localhost."""
from tests.browser.conftest import assert_clean, choose_language, screenshot, wait_for_app


def test_home_japanese_then_english(page):
    page.goto(page.app_url)
    wait_for_app(page)
    page.get_by_role("heading", name="CNN Dojo").wait_for()
    assert page.get_by_text("レッスンの地図").is_visible()
    screenshot(page, "home_ja")

    choose_language(page, "English")
    page.get_by_text("Lesson map").wait_for()
    assert page.get_by_text("レッスンの地図").count() == 0
    screenshot(page, "home_en")
    assert_clean(page)
