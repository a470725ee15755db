"""The teacher's class gallery in a real browser: from the navigation, a wrong PIN refused, the
right one opens the pool (accuracy chart, one strip of drawings per digit), a drawing hidden with
one click, the pool downloaded as .npz, and the page in English. Then a class: three students in
browsers of their own draw on the lab canvas and send, the teacher sees them, a second server on
the same data folder still has them, downloads them and clears the pool.

Runs its own dashboard with DOJO_DATA_DIR in a temporary folder (serve_app passes os.environ on).
"""
import numpy as np
import pytest

from bench.harness.lab import CANVAS, draw_digit, open_lab
from core import gallery
from tests.browser.conftest import choose_language, screenshot, serve_app, wait_for_app
from tests.gallery_helpers import fill

PIN = "135790"


@pytest.fixture(scope="module")
def gallery_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class_data")
    patch = pytest.MonkeyPatch()
    patch.setenv("DOJO_DATA_DIR", str(folder))
    patch.setenv("DOJO_TEACHER_PIN", PIN)
    fill(gallery.Gallery(folder), 2)
    try:
        with serve_app() as (url, _):
            yield url, gallery.Gallery(folder)
    finally:
        patch.undo()


@pytest.fixture
def tab(browser, gallery_url):
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


def metric(page, index: int) -> str:
    return page.locator("[data-testid='stMetricValue']").nth(index).inner_text()


def test_teacher_opens_the_gallery_with_the_pin_and_hides_a_drawing(tab, gallery_url):
    url, store = gallery_url
    tab.goto(url)
    wait_for_app(tab)
    tab.get_by_text("CNNラボ", exact=True).first.click()  # the top navigation's section menu
    tab.locator("a[href$='class_gallery']").first.click()
    tab.get_by_role("heading", name="🖼️ クラスギャラリー").wait_for(timeout=60_000)
    tab.get_by_text("ダッシュボードを起動したターミナルを見てください").wait_for(timeout=10_000)

    pin = tab.get_by_label("クラスPIN")
    pin.fill("111111")
    tab.get_by_role("button", name="ギャラリーを開く").click()
    tab.get_by_text("PINが違います").wait_for(timeout=30_000)
    assert tab.locator("[data-testid='stMetricValue']").count() == 0

    pin.fill(PIN)
    tab.get_by_role("button", name="ギャラリーを開く").click()
    tab.locator(".js-plotly-plot").first.wait_for(timeout=180_000)  # five models read the pool
    wait_for_app(tab, 180_000)
    assert metric(tab, 0) == "20" and metric(tab, 1) == "0"
    screenshot(tab, "class_gallery_models_ja")

    tab.get_by_role("tab", name="🖼️ 集まった絵（数字ごと）").click()
    strips = tab.locator("[data-testid='stImage'] img")
    strips.first.wait_for(state="visible", timeout=30_000)
    assert strips.count() == 10
    width = strips.first.evaluate("img => img.naturalWidth")
    assert width == 30 * 30 + 2  # 30 drawings of 28 px with 2 px lines between and around
    screenshot(tab, "class_gallery_pool_ja")

    tab.get_by_role("tab", name="🙈 ふざけた絵・ラベルまちがいを隠す").click()
    grid = tab.locator("[data-testid='stDataFrameResizable']").last
    grid.wait_for(state="visible", timeout=30_000)
    tab.wait_for_timeout(500)
    box = grid.bounding_box()
    # the last column ("hidden") is the rightmost tenth of the table; its first row sits under the header
    tab.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + 36 + 32)
    tab.wait_for_function("() => document.querySelectorAll(\"[data-testid='stMetricValue']\")[1]?.innerText === '1'",
                          timeout=30_000)
    wait_for_app(tab)
    assert metric(tab, 0) == "19"
    assert store.pool(include_hidden=True).hidden.tolist() == [True] + [False] * 19  # the first "0"
    screenshot(tab, "class_gallery_hide_ja")

    tab.get_by_role("tab", name="⬇️ ダウンロード・全消去").click()
    with tab.expect_download(timeout=30_000) as download:
        tab.get_by_role("button", name="⬇️ 絵をダウンロード（.npz）").click()
    with np.load(download.value.path(), allow_pickle=False) as npz:
        assert npz["x_test"].shape == (19, 28, 28) and npz["y_test"].tolist() == [0] + [d for d in range(1, 10) for _ in "ab"]
        assert npz["x_train"].shape == (0, 28, 28)

    choose_language(tab, "English")
    tab.get_by_role("heading", name="🖼️ Class gallery").wait_for(timeout=60_000)
    tab.get_by_role("tab", name="🎯 How well do the networks read us?").click()
    tab.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    wait_for_app(tab)
    screenshot(tab, "class_gallery_models_en")
    assert tab.console_errors == []


# ------------------------------------------------------------------ a class sends, the pool outlives the server

SENT_DIGITS = (3, 7, 0)  # one per student, in the order they send


def send_from_the_lab(tab, url: str, digit: int, english: bool) -> None:
    """One student: the lab, a template digit drawn stroke by stroke, the send box, the digit meant, send."""
    open_lab(tab, url)
    if english:
        choose_language(tab, "English")
        tab.wait_for_selector(CANVAS, timeout=60_000)
    draw_digit(tab, digit)
    title = "Send this drawing to the class gallery" if english else "この絵をクラスギャラリーに送る"
    tab.get_by_text(title).first.click()  # the send box is folded at first
    tab.locator(".st-key-class_send_digit").get_by_text(str(digit), exact=True).click()
    wait_for_app(tab)
    tab.locator(".st-key-class_send_button button").click()
    tab.get_by_text("Sent, thank you!" if english else "送りました。ありがとう！").wait_for(timeout=60_000)


def unlock(tab, url: str, pin: str) -> None:
    tab.goto(url.rstrip("/") + "/class_gallery")
    wait_for_app(tab, 120_000)
    choose_language(tab, "English")
    tab.get_by_label("Class PIN").fill(pin)
    tab.get_by_role("button", name="Open the gallery").click()


def test_three_students_send_and_the_pool_outlives_a_restart(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("DOJO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DOJO_TEACHER_PIN", PIN)
    store = gallery.Gallery(tmp_path)
    contexts = [browser.new_context(viewport={"width": 1280, "height": 1100}) for _ in range(4)]
    try:
        with serve_app() as (url, _):
            for k, digit in enumerate(SENT_DIGITS):  # three students, each in a browser of their own
                tab = contexts[k].new_page()
                send_from_the_lab(tab, url, digit, english=k == 0)
                if k == 0:
                    screenshot(tab, "class_send_lab_en")
            assert store.pool().digits.tolist() == list(SENT_DIGITS)
            raws = store.pool(with_raw=True).raws  # the canvas as drawn, decoded when the send was pressed
            assert raws.shape == (3, 64, 64) and all(raw.max() > 200 for raw in raws)

            student = contexts[1].pages[0]  # the second student (Japanese) takes a class drawing as the input
            student.goto(url.rstrip("/") + "/inside_network")
            wait_for_app(student, 120_000)
            student.get_by_text("🖼️ クラスの絵", exact=True).click()
            wait_for_app(student, 120_000)
            picker = student.locator(".st-key-inside_gallery_digit")
            picker.wait_for(timeout=30_000)
            assert "0（1 枚）" in picker.inner_html()  # the first digit there, with its count (the input's value)
            title = student.locator(".js-plotly-plot svg text", has_text="クラスの絵（描いた人の数字 0）")
            title.first.wait_for(timeout=30_000)  # the input's title
            assert student.get_by_role("button", name="🎲 別の絵").is_disabled()  # one 0 only
            assert student.locator("[data-testid='stMetricValue']").first.inner_text() == "0"
            screenshot(student, "class_send_inside_ja")

            teacher = contexts[3].new_page()
            unlock(teacher, url, "999999")
            teacher.get_by_text("Wrong PIN").wait_for(timeout=30_000)
            assert teacher.locator("[data-testid='stMetricValue']").count() == 0
            teacher.get_by_label("Class PIN").fill(PIN)
            teacher.get_by_role("button", name="Open the gallery").click()
            teacher.locator(".js-plotly-plot").first.wait_for(timeout=180_000)
            wait_for_app(teacher, 180_000)
            assert metric(teacher, 0) == "3" and metric(teacher, 1) == "0"
            per_digit = [metric(teacher, 3 + d) for d in range(10)]  # after: total, hidden, room
            assert per_digit == ["1" if d in SENT_DIGITS else "0" for d in range(10)]
            teacher.get_by_role("tab", name="🖼️ The pool, digit by digit").click()
            strips = teacher.locator("[data-testid='stImage'] img")
            strips.first.wait_for(state="visible", timeout=30_000)
            assert strips.count() == 3  # one strip per digit sent, one drawing each
            size = strips.first.evaluate("img => [img.naturalWidth, img.naturalHeight]")
            assert size == [30 * 30 + 2, 28 + 2 * 2]  # a row of room for 30 drawings, one drawing in it
            screenshot(teacher, "class_send_teacher_en")

        with serve_app() as (url, _):  # a second server on the same DOJO_DATA_DIR
            teacher = contexts[3].new_page()
            unlock(teacher, url, PIN)
            teacher.locator(".js-plotly-plot").first.wait_for(timeout=180_000)
            wait_for_app(teacher, 180_000)
            assert metric(teacher, 0) == "3"
            teacher.get_by_role("tab", name="⬇️ Download or clear").click()
            with teacher.expect_download(timeout=30_000) as download:
                teacher.get_by_role("button", name="⬇️ Download the pool (.npz)").click()
            with np.load(download.value.path(), allow_pickle=False) as npz:
                assert npz["x_test"].dtype == np.uint8 and npz["x_test"].shape == (3, 28, 28)
                assert npz["y_test"].dtype == np.uint8 and npz["y_test"].tolist() == list(SENT_DIGITS)
                assert np.array_equal(npz["x_test"], store.pool().images)
            teacher.get_by_role("button", name="🗑️ Clear the pool…").click()
            teacher.get_by_role("button", name="Yes, delete them all").click()
            teacher.get_by_text("The pool is empty again (3 drawings deleted).").wait_for(timeout=30_000)
            assert metric(teacher, 0) == "0"
            screenshot(teacher, "class_send_cleared_en")
        assert len(store.pool(include_hidden=True)) == 0
    finally:
        for context in contexts:
            context.close()


def test_a_kept_studio_run_is_evaluated_on_the_class_gallery(browser, tmp_path, monkeypatch):
    """A short run in the studio (English), then "Evaluate on the class gallery": accuracy on the
    20 drawings, a confusion matrix counting all 20, the misread drawings; then one send more."""
    monkeypatch.setenv("DOJO_DATA_DIR", str(tmp_path))
    store = gallery.Gallery(tmp_path)
    fill(store, 2)
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    try:
        with serve_app() as (url, _):
            tab = context.new_page()
            tab.goto(url.rstrip("/") + "/training_studio")
            wait_for_app(tab, 120_000)
            choose_language(tab, "English")
            for name, presses in (("Epochs", 0), ("Training images used", 2)):  # 1 epoch of 3,000 images
                slider = tab.get_by_role("slider", name=name)
                slider.focus()
                tab.keyboard.press("Home")
                for _ in range(presses):
                    tab.keyboard.press("ArrowRight")
                wait_for_app(tab)
            tab.get_by_role("button", name="Start training").click()
            tab.get_by_role("heading", name="Result of #1 colab_cnn").wait_for(timeout=300_000)
            wait_for_app(tab)
            tab.get_by_role("button", name="🖼️ Evaluate on the class gallery").click()
            tab.get_by_text("Right on the class gallery (20 drawings)").wait_for(timeout=120_000)
            wait_for_app(tab)
            counts = tab.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
                .filter(plot => plot.data?.[0]?.texttemplate === '%{text}'
                                && plot.layout?.yaxis?.title?.text === 'digit meant')
                .map(plot => plot.data[0].text.flat().map(Number))""")
            assert len(counts) == 1 and sum(counts[0]) == 20  # every drawing counted once, rows = meant
            matrix = np.array(counts[0]).reshape(10, 10)
            assert matrix.sum(axis=1).tolist() == [2] * 10  # two drawings of each digit
            metric_box = tab.locator("[data-testid='stMetric']").filter(has_text="Right on the class gallery")
            accuracy = float(metric_box.locator("[data-testid='stMetricValue']").inner_text().rstrip(" %"))
            assert accuracy == round(100 * np.trace(matrix) / 20, 1)
            if np.trace(matrix) < 20:
                tab.get_by_text(f"Misread drawings ({20 - int(np.trace(matrix))} in all").wait_for(timeout=30_000)
            tab.get_by_text("Right on the class gallery (20 drawings)").scroll_into_view_if_needed()
            screenshot(tab, "class_studio_evaluation_en")
    finally:
        context.close()
