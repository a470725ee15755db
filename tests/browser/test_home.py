"""The home page in a real browser: Japanese first, English on a click, nothing leaves localhost."""
from tests.browser.conftest import assert_clean, choose_language, screenshot, serve_app, wait_for_app


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


def test_a_deep_link_on_a_fresh_server_goes_through_the_router(browser):
    """The very first visit is a lesson URL: it still gets the navigation and the language switch."""
    with serve_app() as (url, _):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        tab = context.new_page()
        tab.goto(url + "/lesson_2_perceptron", timeout=90_000)
        wait_for_app(tab)
        tab.locator(".st-key-lang").wait_for(timeout=60_000)
        assert tab.get_by_role("heading", name="2. パーセプトロンと活性化関数").is_visible()
        context.close()
