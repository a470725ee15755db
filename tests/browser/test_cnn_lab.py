"""The CNN lab in headless Chromium: real mouse strokes on the canvas, the right answers on screen."""
import io

import numpy as np
from PIL import Image

from tests.browser.conftest import assert_clean, choose_language, screenshot, wait_for_app
from bench.harness.lab import (
    answer_digit, canvas_box, clear, draw_digit, open_lab, stroke, strokes_shown, wait_for_stroke,
)
from bench.harness.drawings import template_drawing


def test_drawn_one_seven_and_zero_are_read(page):
    open_lab(page, page.app_url, wait_for_app)
    assert page.get_by_text("キャンバスに数字を描いてください").first.is_visible()
    assert strokes_shown(page) is None            # nothing drawn: no answer at all
    screenshot(page, "cnn_lab_empty_ja")

    # a "1": one vertical stroke, drawn off-centre on the left
    box = canvas_box(page)
    stroke(page, [(80, 40), (82, 150), (84, 240)], box)
    wait_for_stroke(page, 1)
    assert answer_digit(page) == "1"
    screenshot(page, "cnn_lab_one_ja")
    clear(page)

    # a "7": top bar and diagonal in one stroke, smallish, lower right
    assert draw_digit(page, 7, left=140, top=110, width=100, height=150) == "7"
    screenshot(page, "cnn_lab_seven_ja")
    clear(page)

    # a "0": one loop, large
    assert draw_digit(page, 0, left=40, top=20, width=190, height=240) == "0"
    page.locator(".st-key-lab_prepared img").first.wait_for()
    screenshot(page, "cnn_lab_zero_ja")
    assert_clean(page)


def test_english_page_with_a_two_stroke_four(page):
    open_lab(page, page.app_url, wait_for_app)
    choose_language(page, "English")
    page.get_by_text("Draw a digit on the canvas").first.wait_for()
    assert draw_digit(page, 4) == "4"                # two strokes, answered after each
    assert strokes_shown(page) == 2
    page.get_by_text("The same drawing through all five models").wait_for()
    rows = page.locator(".st-key-lab_compare table tbody tr")
    assert rows.count() == 5 and rows.nth(4).locator("td").nth(2).inner_text() == "4"  # Colab CNN reads 4 too
    screenshot(page, "cnn_lab_four_en")
    # The canvas' toolbar: undo, redo and reset only (no pencil that stops the drawing).
    box = canvas_box(page)
    page.mouse.move(box["x"] + 140, box["y"] + 140)
    page.wait_for_timeout(400)
    shown = page.evaluate("""() => [...document.querySelectorAll('*')].filter(el => el.shadowRoot)
        .flatMap(el => [...el.shadowRoot.querySelectorAll('.dc-toolbar button')])
        .filter(button => button.offsetParent !== null).map(button => button.getAttribute('aria-label'))""")
    assert shown == ["Undo", "Redo", "Reset canvas & history"]
    page.get_by_role("button", name="Undo").click()
    wait_for_stroke(page, 1)                          # the answer follows the undo
    stroke(page, [(60, 140), (220, 140)], box)
    wait_for_stroke(page, 2)                          # and the pen still draws
    assert_clean(page)


def test_upload_and_a_refused_file(page, tmp_path):
    open_lab(page, page.app_url, wait_for_app)
    choose_language(page, "English")
    ink = template_drawing(2, np.random.default_rng(4))[..., 0]
    photo = tmp_path / "two.jpg"
    Image.fromarray(255 - ink).convert("RGB").save(photo, "JPEG")   # dark ink on white paper
    page.locator(".st-key-lab_upload [data-testid='stFileUploaderDropzoneInput']").set_input_files(str(photo))
    answer = page.locator(".st-key-lab_upload_answer").get_by_text("The answer is 2")
    answer.wait_for(timeout=30_000)
    answer.scroll_into_view_if_needed()
    screenshot(page, "cnn_lab_upload_en")

    broken = tmp_path / "broken.png"
    buffer = io.BytesIO()
    Image.fromarray(255 - ink).save(buffer, "PNG")
    broken.write_bytes(buffer.getvalue()[:400])
    page.locator(".st-key-lab_upload [data-testid='stFileUploaderDropzoneInput']").set_input_files(str(broken))
    error = page.get_by_text("damaged or cut off")
    error.wait_for(timeout=30_000)
    assert page.locator(".st-key-lab_upload_answer").count() == 0
    error.scroll_into_view_if_needed()
    screenshot(page, "cnn_lab_upload_error_en")
    assert_clean(page)


def test_a_stroke_begun_at_the_top_edge_at_once(page):
    """The pen goes down on the canvas' top right as soon as it arrives (the canvas' hidden
    toolbar used to lie there and swallow it)."""
    open_lab(page, page.app_url, wait_for_app)
    box = canvas_box(page)
    page.mouse.move(box["x"] + 500, box["y"] - 150)
    page.mouse.move(box["x"] + 250, box["y"] + 6)
    page.mouse.down()
    page.mouse.move(box["x"] + 230, box["y"] + 240, steps=8)
    page.mouse.up()
    wait_for_stroke(page, 1)
    assert answer_digit(page) == "1"
    assert_clean(page)


def finger_stroke(context, page, box, points) -> None:
    """One stroke of a finger through canvas-pixel ``points`` (touch events, no mouse, no hover)."""
    touch = context.new_cdp_session(page)

    def finger(kind, x=None, y=None):
        spots = [] if x is None else [{"x": box["x"] + x, "y": box["y"] + y}]
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": spots})

    finger("touchStart", *points[0])
    for x, y in points[1:]:
        finger("touchMove", x, y)
        page.wait_for_timeout(15)
    finger("touchEnd")


def test_a_finger_stroke_on_a_touch_screen(browser, app_url):
    """A "1" drawn with touch events (a tablet in class), not the mouse; then a second finger
    stroke from the very top right (where a touch screen, with no hover, used to hit the hidden toolbar)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    page = context.new_page()
    try:
        open_lab(page, app_url, wait_for_app)
        box = canvas_box(page)
        finger_stroke(context, page, box, [(150, 40)] + [(150 - (y - 40) * 0.08, y) for y in range(50, 250, 10)])
        wait_for_stroke(page, 1)
        assert answer_digit(page) == "1"
        screenshot(page, "cnn_lab_touch_ja")
        clear(page)
        box = canvas_box(page)
        finger_stroke(context, page, box, [(255, 5)] + [(255 - (y - 5) * 0.1, y) for y in range(15, 250, 10)])
        wait_for_stroke(page, 1)
        assert answer_digit(page) == "1"
    finally:
        context.close()
