"""Inside the network and the test-set explorer in a real browser: they open from the home page,
show their charts in both languages, and a drawing made on the lab page flows into "inside"."""
from tests.browser.conftest import assert_clean, choose_language, screenshot, wait_for_app
from bench.harness.lab import digit_strokes, open_lab, stroke, strokes_shown


def _open_from_home(page, stem: str) -> None:
    page.goto(page.app_url)
    wait_for_app(page)
    page.locator(f"a[href$='{stem}']").first.click()
    wait_for_app(page)


def test_inside_the_network_shows_the_last_drawing_in_both_languages(page):
    open_lab(page, page.app_url, wait_for_app)
    for points in digit_strokes(7):
        stroke(page, points)
    page.wait_for_function("() => document.querySelector('.st-key-lab_strokes')", timeout=60_000)
    assert strokes_shown(page) is not None

    page.get_by_text("CNNラボ", exact=True).first.click()  # the top navigation's section menu
    page.locator("a[href$='inside_network']").first.click()
    page.get_by_role("heading", name="🧠 ネットワークの中を見る").wait_for(timeout=90_000)
    wait_for_app(page)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    assert page.locator(".js-plotly-plot").count() >= 2  # the input and the feature maps
    screenshot(page, "inside_network_ja")

    choose_language(page, "English")
    page.get_by_role("heading", name="🧠 Inside the network").wait_for(timeout=60_000)
    page.get_by_text("Your drawing (28×28)").first.wait_for(timeout=30_000)  # the lab's drawing, not a test image
    page.get_by_role("tab", name="🤔 Why this answer?").click()
    wait_for_app(page)
    screenshot(page, "inside_network_why_en")
    assert_clean(page)


def test_test_explorer_in_both_languages(page):
    _open_from_home(page, "test_explorer")
    page.get_by_role("heading", name="🧮 混同行列").wait_for(timeout=90_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    screenshot(page, "test_explorer_ja")
    choose_language(page, "English")
    page.get_by_role("heading", name="🧮 Confusion matrix").wait_for(timeout=60_000)
    screenshot(page, "test_explorer_en")
    assert_clean(page)
