"""The quiz in a real browser: ✅ / ❌ appear on a click, in both languages, and answering reruns only
the quiz's fragment (the page above it is not run again: its run counter stays where it was)."""

import pytest

from core import i18n
from bench.harness import server
from bench.harness.apptest import ROOT
from tests.browser.conftest import assert_clean, screenshot, wait_for_app


@pytest.fixture(scope="module")
def quiz_url():
    with server.serve_app(log_dir=ROOT / "tests" / "browser", script="tests/quiz_page_for_test.py") as (url, _):
        yield url


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_answers_get_a_tick_or_a_cross_without_rerunning_the_page(page, quiz_url, lang):
    page.goto(f"{quiz_url}/?lang={lang}&lesson=lesson_5")
    wait_for_app(page)
    questions = i18n.t_list("quiz.lesson_5", lang)
    page.get_by_text(i18n.t("quiz.title", lang)).wait_for()
    page.get_by_text("full runs: 1").wait_for()
    radios = page.locator("[data-testid='stRadio']")
    radios.nth(len(questions) - 1).wait_for()
    assert radios.count() == len(questions)
    assert page.locator("input[type='radio']:checked").count() == 0  # nothing chosen at first

    first, second = questions[0], questions[1]
    radios.nth(0).get_by_role("radio").nth(first["answer"]).click(force=True)
    page.get_by_text(i18n.t("quiz.right", lang)).wait_for()
    wrong = (second["answer"] + 1) % len(second["choices"])
    radios.nth(1).get_by_role("radio").nth(wrong).click(force=True)
    page.get_by_text(i18n.t("quiz.wrong", lang)).wait_for()
    wait_for_app(page)
    assert page.locator("[data-testid='stAlertContentSuccess']").count() == 1
    assert page.locator("[data-testid='stAlertContentError']").count() == 1
    page.get_by_text(i18n.t("quiz.score", lang, right=1, total=len(questions))).wait_for()
    assert page.get_by_text("full runs: 1").count() == 1, "answering reran the whole page"
    screenshot(page, f"quiz_lesson_5_{lang}")
    assert_clean(page)
