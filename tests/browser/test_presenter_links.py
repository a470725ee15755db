"""Presenter mode and links that open a setup, in a real browser: a copied link opens the same lesson
settings in a fresh browser (a second context: no shared session or storage), a bad value in a link
gets a toast and no traceback, and in presenter mode the → / ← keys step through the lessons."""
from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import choose_language, new_tab, drawn_late, wait_for_app

# A page opened by its own address makes Streamlit's frontend probe /<page>/_stcore/health first
# (404, see tests/browser/test_offline_tour.py): the only console error allowed here.
PROBE_404 = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def open_tab(browser, url: str, wait: bool = True):
    """A fresh browser context (another computer, as far as the server knows) on ``url``."""
    context, tab = new_tab(browser)
    tab.goto(url, timeout=120_000)
    if wait:
        wait_for_app(tab, timeout=180_000)
    return context, tab


def assert_clean(tab) -> None:
    """No traceback on the page and no browser error but the deep-link probes."""
    assert tab.locator("[data-testid='stException']").count() == 0
    assert set(tab.console_errors) <= {PROBE_404} and len(tab.console_errors) <= 2, tab.console_errors


def focused_by_tab(tab, presses: int) -> set[str]:
    """The widget keys that Tab moves the focus through, from the top of the page."""
    keys = set()
    for _ in range(presses):
        tab.keyboard.press("Tab")
        keys.add(tab.evaluate("""() => { const owner = document.activeElement.closest("[class*='st-key-']");
            return owner ? [...owner.classList].find(name => name.startsWith('st-key-')).slice(7) : ''; }"""))
    return keys


def slider_value(tab, key: str) -> str:
    """A slider's value as the browser holds it (Streamlit's slider is a native range input)."""
    return tab.locator(f".st-key-{key}").get_by_role("slider").input_value()


def test_a_copied_link_opens_the_same_setup_in_another_browser(browser, app_url):
    first_context, tab = open_tab(browser, f"{app_url}/lesson_4_convolution")
    choose_language(tab, "English")
    # let the page settle (its figures drawn) so that no click lands on a control that is still moving
    tab.locator(".st-key-l4_output_fig .js-plotly-plot").wait_for(timeout=60_000)
    tab.locator(".st-key-l4_k").get_by_role("radio", name="5×5").check(force=True)
    wait_for_app(tab)
    stride = tab.locator(".st-key-l4_stride").get_by_role("slider")
    stride.focus()
    stride.press("ArrowRight")  # the keyboard works the slider: 1 → 2
    wait_for_app(tab)
    tab.locator(".st-key-l4_relu").get_by_role("checkbox").check(force=True)
    wait_for_app(tab)
    assert slider_value(tab, "l4_stride") == "2"

    tab.locator(".st-key-dojo_bar").get_by_role("button", name="🔗").click()
    tab.get_by_role("button", name="Make a link to this setup").click()
    wait_for_app(tab)
    link = tab.locator("[data-testid='stCode'] code").inner_text().strip()
    query = parse_qs(urlparse(link).query)
    assert urlparse(link).path == "/lesson_4_convolution"
    assert query["lang"] == ["en"] and query["l4_k"] == ["5"] and query["l4_stride"] == ["2"] and query["l4_relu"] == ["1"]
    assert query["l4_preset"] == ["edge_horizontal"], link
    assert_clean(tab)
    first_context.close()

    second_context, copy = open_tab(browser, link)
    assert copy.get_by_role("heading", name="4. Convolution").count() == 1  # English, lesson 4
    assert copy.locator(".st-key-l4_k").get_by_role("radio", name="5×5").is_checked()
    assert slider_value(copy, "l4_stride") == "2"
    assert copy.locator(".st-key-l4_relu").get_by_role("checkbox").is_checked()
    assert slider_value(copy, "l4_padding") == "0"
    assert {"l4_source__en", "l4_index", "l4_k", "l4_preset__en", "l4_stride", "l4_padding", "l4_relu", "l4_row",
            "l4_col"} <= focused_by_tab(copy, 45)  # every main control can be reached with the keyboard
    assert_clean(copy)
    second_context.close()


def test_a_bad_value_in_a_link_is_ignored_with_a_toast(browser, app_url):
    context, tab = open_tab(browser, f"{app_url}/lesson_4_convolution?lang=en&l4_stride=9&l4_k=5", wait=False)
    toast = tab.get_by_test_id("stToast")
    toast.wait_for(timeout=120_000)  # shown for 10 s
    assert "l4_stride=9" in toast.inner_text()
    wait_for_app(tab)
    assert tab.locator("[data-testid='stException']").count() == 0
    assert slider_value(tab, "l4_stride") == "1"  # the default, not 9
    assert tab.locator(".st-key-l4_k").get_by_role("radio", name="5×5").is_checked()  # the good value kept
    assert "l4_stride" not in parse_qs(urlparse(tab.url).query)
    context.close()


def test_the_arrow_keys_step_through_the_lessons_in_presenter_mode(browser, app_url):
    context, tab = open_tab(browser, f"{app_url}/lesson_0_mnist?present=1&lang=en")
    tab.locator(".st-key-present_right").get_by_role("button").wait_for()
    for expected, key in (("/lesson_1_regression", "ArrowRight"), ("/lesson_2_perceptron", "ArrowRight"),
                          ("/lesson_1_regression", "ArrowLeft")):
        tab.keyboard.press(key)  # nothing focused: the page's shortcut
        for _ in range(120):  # the page changes by history.pushState: no load event to wait for
            if urlparse(tab.url).path == expected:
                break
            tab.wait_for_timeout(500)
        assert urlparse(tab.url).path == expected, (key, tab.url)
        wait_for_app(tab)
        assert parse_qs(urlparse(tab.url).query).get("present") == ["1"]
    assert tab.get_by_role("heading", name="1. Linear regression").count() == 1  # still English
    assert tab.locator(".st-key-present input").is_checked()
    slider = tab.locator(".st-key-l1_a").get_by_role("slider")  # a focused slider keeps the arrow keys
    slider.focus()
    slider.press("ArrowRight")
    tab.wait_for_timeout(2000)
    wait_for_app(tab)
    assert slider_value(tab, "l1_a") == "0.35" and urlparse(tab.url).path == "/lesson_1_regression"
    assert_clean(tab)
    context.close()


def test_a_link_keeps_its_values_when_the_sliders_are_drawn_late(browser, app_url):
    """A link opened on a busy server: the student switches the language before the sliders' script
    arrived. The sliders still show the link's values (they once fell back to the page's defaults)."""
    context, tab = new_tab(browser)
    tab.goto(app_url)
    wait_for_app(tab)
    with drawn_late(tab, "Slider") as held:
        tab.goto(f"{app_url}/lesson_1_regression?l1_a=2&l1_n=30&l1_noise=0.5")
        wait_for_app(tab, timeout=180_000)
        assert held and tab.get_by_role("slider").count() == 0
        choose_language(tab, "English")
    tab.locator(".st-key-l1_a").get_by_role("slider").wait_for(timeout=30_000)
    tab.wait_for_timeout(1000)
    assert (slider_value(tab, "l1_a"), slider_value(tab, "l1_n"), slider_value(tab, "l1_noise")) == ("2", "30", "0.5")
    assert parse_qs(urlparse(tab.url).query)["l1_a"] == ["2"]
    assert_clean(tab)
    context.close()


def test_a_links_radio_and_select_box_keep_their_choice_when_drawn_late(browser, app_url):
    """Lesson 4 from a link with a 5×5 kernel and the vertical-edge preset: a slider moved before the radios'
    and select boxes' scripts arrived once showed 3×3 and the first preset (the link still said 5 and
    edge_vertical)."""
    context, tab = new_tab(browser)
    tab.goto(app_url)  # the home page first, as a student opens it
    wait_for_app(tab)
    with drawn_late(tab, "Radio", "Selectbox") as held:
        tab.goto(f"{app_url}/lesson_4_convolution?l4_k=5&l4_preset=edge_vertical&l4_stride=2")
        wait_for_app(tab, timeout=180_000)
        assert held and tab.get_by_role("radio").count() == 0
        padding = tab.locator(".st-key-l4_padding").get_by_role("slider")
        padding.focus()
        padding.press("ArrowRight")
        wait_for_app(tab)
    kernel = tab.locator(".st-key-l4_k").get_by_role("radio", name="5×5")
    kernel.wait_for(timeout=30_000)
    tab.wait_for_timeout(1000)
    assert kernel.is_checked()
    preset = tab.locator("[class*='st-key-l4_preset'] input")  # the select box shows its choice as the input's value
    preset.wait_for(timeout=30_000)
    assert preset.input_value() == "縦の縁（右 − 左）"  # drawn late, it showed 恒等（そのまま）, the first preset
    assert parse_qs(urlparse(tab.url).query)["l4_padding"] == ["1"]
    assert_clean(tab)
    context.close()
