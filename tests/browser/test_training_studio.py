"""The training studio in headless Chromium: a short run to the end with its curve, then a run stopped.

Reached as a student does: the home page first, then the studio's link. colab_cnn with its
document settings, cut down to one epoch of 3,000 images (22 updates) so that CI stays quick.
"""
import time

from tests.browser.conftest import assert_clean, choose_language, screenshot, drawn_late, wait_for_app

PROGRESS = "[data-testid='stProgress'] [role='progressbar']"


def open_studio(page) -> None:
    page.goto(page.app_url)
    wait_for_app(page)
    page.get_by_role("radio", name="English").wait_for(timeout=60_000)
    page.locator("a[href$='training_studio']").first.click()
    page.get_by_role("heading", name="トレーニングスタジオ").wait_for(timeout=60_000)
    wait_for_app(page)


def set_slider(page, name: str, key: str, presses: int = 0) -> None:
    """Move a slider with the keyboard: Home/End, then ``presses`` steps to the right."""
    slider = page.get_by_role("slider", name=name)
    slider.focus()
    page.keyboard.press(key)
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    wait_for_app(page)


def sliders(page) -> dict[str, str]:
    """Each slider's label → the value it shows."""
    return {s.get_attribute("aria-label"): s.get_attribute("aria-valuetext") for s in page.get_by_role("slider").all()}


def start(page) -> None:
    page.get_by_role("button", name="Start training").click()
    page.get_by_role("heading", name="Live").wait_for(timeout=60_000)


def test_short_run_reaches_the_end_then_a_run_is_stopped(page):
    open_studio(page)
    choose_language(page, "English")
    set_slider(page, "Epochs", "Home")
    set_slider(page, "Training images used", "Home", presses=2)  # 3,000 images
    # 3,000 images − 10 % for validation = 2,700; ⌈2,700 / 128⌉ = 22 updates
    page.get_by_text("22 updates", exact=True).first.wait_for(timeout=10_000)
    start(page)

    # the fragment polls the job: follow the progress bar until it is full
    highest, deadline = 0.0, time.monotonic() + 180
    while time.monotonic() < deadline and not page.get_by_role("heading", name="Result of #1 colab_cnn").count():
        # read in one step: the fragment redraws the bar, so a located element can vanish meanwhile
        value = page.evaluate("sel => document.querySelector(sel)?.getAttribute('aria-valuenow') ?? null", PROGRESS)
        if value is not None:
            highest = max(highest, float(value or 0))
            if highest >= 100 and page.locator("[data-testid='stPlotlyChart'] path.js-line").count():
                screenshot(page, "training_studio_live_end")
        page.wait_for_timeout(300)
    assert highest == 100, f"the progress bar stopped at {highest}"
    page.get_by_role("heading", name="Result of #1 colab_cnn").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_text("of the 10,000 test images right").is_visible()
    overlay = page.locator("[data-testid='stPlotlyChart']").last
    overlay.scroll_into_view_if_needed()
    assert overlay.locator("path.js-line").count() >= 2  # loss and accuracy curves of run #1
    screenshot(page, "training_studio_result")

    # a second run, far too long, stopped by the student
    page.get_by_role("button", name="Start training").scroll_into_view_if_needed()
    set_slider(page, "Epochs", "End")  # 500 epochs
    start(page)
    page.locator(PROGRESS).first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Stop").click()
    page.get_by_role("heading", name="Result of #2 colab_cnn").wait_for(timeout=120_000)
    wait_for_app(page)
    assert page.get_by_text("Stopped after").is_visible()
    page.get_by_role("button", name="Discard").click()
    page.get_by_text("This run was discarded.").wait_for(timeout=30_000)
    screenshot(page, "training_studio_stopped")
    assert_clean(page)


def test_a_switch_flipped_at_once_keeps_the_settings(page):
    """Flipping the augmentation switch before the page's sliders are drawn (their script is loaded on
    demand; a busy classroom server sends it late) once left them at their minimum (1 epoch, batch 16,
    rate 0.0001), and Start then trained with those. The settings stay the document's, and so does
    the live rate of the run."""
    page.goto(page.app_url)
    wait_for_app(page)
    with drawn_late(page, "Slider") as held:
        page.locator("a[href$='training_studio']").first.click()
        page.get_by_role("heading", name="トレーニングスタジオ").wait_for(timeout=60_000)
        wait_for_app(page)
        assert held and page.get_by_role("slider").count() == 0  # the sliders are not drawn yet
        page.get_by_text("データ拡張（キャンバスの字に似せる）").click()
        wait_for_app(page)
    page.get_by_role("slider").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    shown = sliders(page)
    assert shown["エポック数（学習用画像を何周するか）"] == "15", shown  # 004's settings
    assert shown["バッチサイズ（1回の更新で使う画像の枚数）"] == "128", shown
    assert shown["学習率（対数目盛り）"] == "0.001", shown
    page.get_by_role("button", name="学習を始める").click()
    page.get_by_role("button", name="止める").wait_for(timeout=60_000)
    page.wait_for_timeout(2500)  # a few reruns of the live section
    assert sliders(page)["学習率をいま変える"] == "0.001"
    page.get_by_role("button", name="止める").click()
    page.get_by_text("で止めました", exact=False).first.wait_for(timeout=120_000)
    assert_clean(page)
