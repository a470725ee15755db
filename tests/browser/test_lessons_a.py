"""Lessons 0–3 in headless Chromium at 1280×720: reached through the app's links, in Japanese and
English, with a slider moved by keyboard and the ○× network clicked and trained."""
from tests.browser.conftest import assert_clean, choose_language, screenshot, drawn_late, wait_for_app

TITLES = {
    "lesson_0_mnist": ("0. MNISTを見る", "0. Meet the data (MNIST)"),
    "lesson_1_regression": ("1. 線形単回帰", "1. Linear regression"),
    "lesson_2_perceptron": ("2. パーセプトロンと活性化関数", "2. Perceptron and activations"),
    "lesson_3_maru_batsu": ("3. ○×ネットワーク", "3. A network for ○ and ×"),
}


def open_lesson(page, stem: str) -> None:
    """Home first (the router's first run), then the lesson through its link on the home page."""
    page.goto(page.app_url)
    wait_for_app(page)
    page.get_by_role("radio", name="English").wait_for(timeout=60_000)
    page.locator(f"a[href$='{stem}']").first.click()
    page.get_by_role("heading", name=TITLES[stem][0]).wait_for(timeout=60_000)
    wait_for_app(page)


def metric_values(page) -> list[str]:
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=30_000)
    return page.locator("[data-testid='stMetricValue']").all_inner_texts()


def check_lesson(page, stem: str, lang: int) -> None:
    """The lesson's title, charts, formulas and closing prompts are on screen; take a screenshot."""
    page.get_by_role("heading", name=TITLES[stem][lang]).wait_for(timeout=60_000)
    # the page is drawn top to bottom: once the closing prompts are there, the rest is too
    page.get_by_text(("やってみよう", "Try this")[lang], exact=True).wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_function("() => document.querySelectorAll(\"[data-testid='stPlotlyChart']\").length >= 2",
                           timeout=30_000)
    page.locator(".katex").first.wait_for(timeout=30_000)
    screenshot(page, f"{stem}_{('ja', 'en')[lang]}")


def test_lessons_0_to_3_forward_in_japanese_and_back_in_english(page):
    """Walk 0 → 3 by the “next” links in Japanese, switch language, walk back by “previous”."""
    stems = list(TITLES)
    open_lesson(page, stems[0])
    for index, stem in enumerate(stems):
        check_lesson(page, stem, 0)
        if index + 1 < len(stems):
            page.locator(f"a[href$='{stems[index + 1]}']").last.click()
    choose_language(page, "English")
    for index, stem in reversed(list(enumerate(stems))):
        check_lesson(page, stem, 1)
        if index > 0:
            page.locator(f"a[href$='{stems[index - 1]}']").last.click()

    # lesson 1 once more: a slider moved with the keyboard changes Q_t at once
    page.locator("a[href$='lesson_1_regression']").last.click()
    check_lesson(page, "lesson_1_regression", 1)
    before = metric_values(page)[0]
    page.locator(".st-key-l1_a input[type='range']").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('[data-testid=\"stMetricValue\"]').innerText !== {before!r}",
                           timeout=30_000)
    assert_clean(page)


def test_lesson_3_click_the_grid_and_train(page):
    open_lesson(page, "lesson_3_maru_batsu")
    maru, batsu = metric_values(page)[:2]
    assert float(maru) > float(batsu)  # the document's weights call the × a ○ (by a hair)
    page.locator(".st-key-l3_set_maru button").click()
    page.wait_for_function(f"() => document.querySelector('[data-testid=\"stMetricValue\"]').innerText !== {maru!r}",
                           timeout=30_000)
    page.locator(".st-key-l3_px4 button").click()  # ink the centre: a filled square
    page.wait_for_function("() => document.querySelector('.st-key-l3_px4 button').innerText.trim() === '1'",
                           timeout=30_000)

    loss_before = float(metric_values(page)[2])
    page.locator(".st-key-l3_train button").click()
    page.get_by_text("500 エポック学習した後").wait_for(timeout=60_000)
    wait_for_app(page)
    assert float(metric_values(page)[2]) < 0.2 * loss_before
    assert metric_values(page)[3] == "100 %"
    shown = metric_values(page)[0]
    page.locator(".st-key-l3_set_batsu button").click()
    page.wait_for_function(f"() => document.querySelector('[data-testid=\"stMetricValue\"]').innerText !== {shown!r}",
                           timeout=30_000)
    maru, batsu = map(float, metric_values(page)[:2])
    assert batsu > 0.8 > 0.2 > maru  # after training the × is clearly a ×
    screenshot(page, "lesson_3_trained_ja")
    assert_clean(page)


def test_lesson_2_keeps_the_documents_example_when_its_sliders_are_drawn_late(page):
    """A language switch before the sliders' script arrived once left the perceptron's inputs at their
    minimum (−3, −3, −3) instead of the document's example x = (1, 2, 3), θ = 5."""
    page.goto(page.app_url)
    wait_for_app(page)
    with drawn_late(page, "Slider") as held:
        page.locator("a[href$='lesson_2_perceptron']").first.click()
        page.get_by_role("heading", name=TITLES["lesson_2_perceptron"][0]).wait_for(timeout=60_000)
        wait_for_app(page)
        assert held and page.get_by_role("slider").count() == 0
        choose_language(page, "English")
    page.get_by_role("slider").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    shown = [s.get_attribute("aria-valuetext") for s in page.get_by_role("slider").all()]
    assert shown[:7] == ["1.00", "1.00", "2.00", "1.00", "3.00", "1.00", "5.00"], shown  # x1 w1 x2 w2 x3 w3 θ
    assert_clean(page)
