"""The teacher's class gallery in a real browser: from the navigation, a wrong PIN refused, the
right one opens the pool (accuracy chart, one strip of drawings per digit), a drawing hidden with
one click, the pool downloaded as .npz, and the page in English.

Runs its own dashboard with DOJO_DATA_DIR in a temporary folder (serve_app passes os.environ on).
"""
import numpy as np
import pytest

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
