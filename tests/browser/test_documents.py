"""The documents in headless Chromium: the studio's overfitting section after a short run, and a
.keras model (as the studio downloads it) uploaded into the lab's model picker, in both languages."""
import time

import pytest

from bench.harness.lab import open_lab
from tests.browser.conftest import assert_clean, choose_language, screenshot, wait_for_app
from tests.browser.test_training_studio import open_studio, set_slider, start

OVERFIT = {"English": "Is it overfitting?", "日本語": "過学習していない？"}


def test_overfitting_section_after_a_short_run(page):
    open_studio(page)
    choose_language(page, "English")
    set_slider(page, "Epochs", "Home", presses=2)  # 3 epochs: curves with three points
    set_slider(page, "Training images used", "Home", presses=2)  # 3,000 images, 300 kept for validation
    start(page)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not page.get_by_role("heading", name="Result of #1 colab_cnn").count():
        page.wait_for_timeout(500)
    wait_for_app(page)
    for language in ("English", "日本語"):
        choose_language(page, language)
        heading = page.get_by_role("heading", name=OVERFIT[language])
        heading.wait_for(timeout=30_000)
        heading.scroll_into_view_if_needed()
        section = page.locator("[data-testid='stVerticalBlock']", has=heading).last
        assert page.get_by_text("0.0435").first.is_visible()  # 002's own numbers beside the run
        figure = page.locator("[data-testid='stPlotlyChart']").last
        figure.wait_for(timeout=30_000)
        assert figure.locator("path.js-line").count() >= 2  # training and validation curves
        screenshot(page, f"studio_overfitting_{'en' if language == 'English' else 'ja'}")
        figure.scroll_into_view_if_needed()
        screenshot(page, f"studio_overfitting_figure_{'en' if language == 'English' else 'ja'}")
    assert_clean(page)


def test_a_keras_file_uploads_into_the_lab(page, tmp_path):
    keras = pytest.importorskip("keras")
    from models import zoo

    path = tmp_path / "studio_run1_colab_cnn.keras"
    zoo.build("colab_cnn").save(path)
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"not a model")
    open_lab(page, page.app_url, wait_for_app)
    for language, title, ready in (("English", "Load your own model (.keras)", "Loaded"),
                                   ("日本語", "自分のモデル（.keras）を読み込む", "読み込みました")):
        choose_language(page, language)
        page.get_by_text(title).first.click()
        chooser = page.locator(".st-key-lab_model_upload input[type='file']")
        chooser.set_input_files(str(broken))
        page.locator("[data-testid='stAlertContentError']").first.wait_for(timeout=60_000)
        chooser.set_input_files(str(path))
        page.get_by_text(ready).first.wait_for(timeout=90_000)
        wait_for_app(page)
        screenshot(page, f"lab_upload_{'en' if language == 'English' else 'ja'}")
        pickers = page.locator("[data-testid='stSelectbox']")
        shown = [pickers.nth(i).evaluate("e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value)")
                 for i in range(pickers.count())]
        assert any("studio_run1_colab_cnn.keras" in text for text in shown), shown  # chosen in the model picker
        page.get_by_text(title).first.click()  # fold it again for the next language
        wait_for_app(page)
    assert_clean(page)
