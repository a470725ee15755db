"""The lessons' "check your understanding" questions: the data in locales/*/quiz.toml agrees between
languages, every number in a right answer is recomputed with the project's own math, and the quiz
under AppTest shows ✅ / ❌ with the why in both languages."""
import math
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import data, i18n
from core.training import studio
from core.training.engine import TrainConfig
from lessons import convolution as conv
from lessons import gradient_descent as gd
from lessons import maru_batsu as mb
from lessons import mnist_view
from lessons import perceptron as pc
from lessons import pooling
from lessons import regression
from lessons import softmax as sm
from models.zoo import pretrained_meta
from tests.conftest import ROOT

LESSONS = [f"lesson_{n}" for n in range(8)]
NUMBER = re.compile(r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)")


def numbers(text: str) -> list[float]:
    """Every number written in ``text`` (60,000 → 60000, −2.4 → -2.4)."""
    return [float(found.replace(",", "").replace("−", "-")) for found in NUMBER.findall(text)]


def decimals(text: str) -> list[int]:
    """How many decimals each number of ``text`` is written with."""
    return [len(found.split(".")[1]) if "." in found else 0 for found in NUMBER.findall(text)]


def questions(lang: str, lesson: str) -> list[dict]:
    return i18n.t_list(f"quiz.{lesson}", lang)


def _mnist():
    return data.load_mnist()


def _xor_needs_a_hidden_layer() -> bool:
    """On a grid of weights and thresholds a single step perceptron does AND and OR, never XOR."""
    grid = np.linspace(-2, 2, 17)
    best = {gate: min(pc.gate_mistakes(gate, w1, w2, t) for w1 in grid for w2 in grid for t in grid)
            for gate in ("AND", "OR", "XOR")}
    return best["AND"] == 0 and best["OR"] == 0 and best["XOR"] > 0


def _shift_changes_nothing() -> bool:
    z = np.random.default_rng(0).normal(size=10)
    return np.allclose(sm.softmax(z + 5), sm.softmax(z))


# Per question id: "answer" = the numbers the right choice must show (each as rounded as it is
# written), "stem" / "why" = numbers the question / explanation must contain, "holds" = a fact
# the answer relies on, checked with the lessons' math.
CHECKS = {
    ("lesson_0", "inputs"): lambda: {"answer": [np.prod(_mnist().x_train.shape[1:])],
                                     "stem": list(_mnist().x_train.shape[1:])},
    ("lesson_0", "normalise"): lambda: {"answer": [204 / 255]},
    ("lesson_0", "most_common"): lambda: {
        "answer": [int(np.argmax(mnist_view.class_counts(_mnist().y_train)))],
        "stem": [len(_mnist().y_train)],
        "why": [int(mnist_view.class_counts(_mnist().y_train).max()),
                int(mnist_view.class_counts(_mnist().y_train).min())],
        "holds": int(np.argmin(mnist_view.class_counts(_mnist().y_train))) == 5},
    ("lesson_1", "residual"): lambda: {
        "answer": [float(regression.residuals(np.array([2.0]), np.array([5.0]), 0.8, 1.0)[0])],
        "why": [float(regression.predict(np.array([2.0]), 0.8, 1.0)[0])]},
    ("lesson_1", "sum_squares"): lambda: {
        "answer": [regression.sum_of_squares(np.array([1.0, 2.0]), np.array([2.0, 3.0]), 1.0, 0.0)]},
    ("lesson_1", "system"): lambda: {
        "answer": list(regression.solve_system()),
        "stem": list(regression.system_residuals(2, 2) + regression.SYSTEM_C),
        "holds": np.allclose(regression.system_residuals(*regression.solve_system()), 0)},
    ("lesson_2", "doc_neuron"): lambda: {"answer": [pc.neuron(np.array([1, 2, 3]), np.ones(3), 5, "step")],
                                         "why": [pc.linear_sum(np.array([1, 2, 3]), np.ones(3), 5)]},
    ("lesson_2", "relu"): lambda: {"answer": [float(pc.relu(-3))]},
    ("lesson_2", "sigmoid_zero"): lambda: {"answer": [float(pc.sigmoid(0))],
                                           "why": [float(pc.sigmoid_slope(0))]},
    ("lesson_2", "xor"): lambda: {"holds": _xor_needs_a_hidden_layer()},
    ("lesson_3", "parameters"): lambda: {"answer": [sum(p.size for p in mb.document_params().as_list())]},
    ("lesson_3", "doc_batsu"): lambda: {
        "stem": list(mb.forward(mb.BATSU, mb.document_params()).out[0]),
        "holds": int(np.argmax(mb.forward(mb.BATSU, mb.document_params()).out[0])) == 0},  # ○ wins
    ("lesson_4", "out_stride2"): lambda: {"answer": [conv.output_size(28, 3, stride=2)] * 2},
    ("lesson_4", "out_same"): lambda: {"answer": [conv.output_size(28, 5, stride=1, padding=2)] * 2},
    ("lesson_4", "one_cell"): lambda: {
        "answer": [conv.conv2d(conv.integer_grid(), conv.preset("edge_vertical", 3))[0, 0]],
        "stem": list(conv.window(conv.integer_grid(), 3, 0, 0).ravel())
        + list(conv.preset("edge_vertical", 3).ravel())},
    ("lesson_4", "conv_parameters"): lambda: {
        "answer": [next(layer["parameters"] for layer in pretrained_meta("colab_cnn")["layers"]
                        if layer["kind"] == "Conv2D")]},
    ("lesson_5", "max_pool"): lambda: {"answer": list(pooling.pool2d(pooling.DOC_EXAMPLE, 2).ravel()),
                                       "stem": list(pooling.DOC_EXAMPLE.ravel())},
    ("lesson_5", "average_pool"): lambda: {
        "answer": [pooling.pool2d(pooling.DOC_EXAMPLE, 2, mode="average")[0, 1]],
        "stem": list(pooling.pool_window(pooling.DOC_EXAMPLE, 2, 2, 0, 1).ravel())},
    ("lesson_5", "flatten"): lambda: {
        "answer": [pooling.flatten(np.zeros((pooling.output_size(11, 2, 2),) * 2 + (64,))).size],
        "holds": pretrained_meta("colab_cnn")["layers"][4]["output_shape"] == "1600"},
    ("lesson_5", "dropout"): lambda: {
        "answer": [float(pooling.dropout(np.array([2.0]), 0.5, np.array([True]), training=True)[0])],
        "why": [float(pooling.dropout(np.array([2.0]), 0.5, np.array([True]), training=False)[0])]},
    ("lesson_6", "all_zero"): lambda: {"answer": [float(sm.softmax(np.zeros(10))[0])]},
    ("lesson_6", "shift"): lambda: {"holds": _shift_changes_nothing()},
    ("lesson_6", "one_hot"): lambda: {"answer": list(sm.to_categorical(2, 10))},
    ("lesson_6", "cross_entropy"): lambda: {"answer": [sm.cross_entropy(np.array([0.5, 0.5]), np.array([1, 0]))]},
    ("lesson_7", "one_step"): lambda: {"answer": [float(gd.descend_curve("bowl", 3.0, 0.1, 1).end[0])]},
    ("lesson_7", "too_large"): lambda: {"holds": gd.descend_curve("bowl", 3.0, 1.5, 50).diverged_at is not None
                                        and gd.descend_curve("bowl", 3.0, 0.1, 50).diverged_at is None},
    ("lesson_7", "direction"): lambda: {"holds": gd.descend_curve("bowl", 3.0, 0.1, 1).end[0] < 3.0},
    ("lesson_7", "updates"): lambda: {
        "answer": [studio.numbers(TrainConfig.document("colab_cnn"))["updates_per_epoch"]],
        "stem": [studio.numbers(TrainConfig.document("colab_cnn"))["n_fit"],
                 TrainConfig.document("colab_cnn").batch_size],
        "why": [studio.numbers(TrainConfig.document("colab_cnn"))["last_batch"]]},
}


def close(written: float, places: int, expected: float) -> bool:
    """A whole number means exactly that; 0.69 means anything that rounds to 0.69."""
    return abs(written - expected) <= (0.5 * 10 ** -places if places else 0) + 1e-9


def shows(text: str, expected: list[float]) -> bool:
    """``text`` writes exactly these numbers, in this order, each correct to the digits it shows."""
    written, places = numbers(text), decimals(text)
    return len(written) == len(expected) and all(map(close, written, places, expected))


def contains(text: str, expected: list[float]) -> bool:
    """``text`` writes each of these numbers somewhere (to the digits it shows)."""
    written = list(zip(numbers(text), decimals(text)))
    return all(any(close(w, p, e) for w, p in written) for e in expected)


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_lesson_has_two_to_four_questions_alike_in_both_languages(lesson):
    ja, en = questions("ja", lesson), questions("en", lesson)
    assert 2 <= len(ja) <= 4
    assert [q["id"] for q in ja] == [q["id"] for q in en]
    assert len({q["id"] for q in ja}) == len(ja)
    for q_ja, q_en in zip(ja, en):
        assert set(q_ja) == set(q_en) == {"id", "question", "choices", "answer", "why"}, q_ja["id"]
        assert q_ja["answer"] == q_en["answer"] and 0 <= q_ja["answer"] < len(q_ja["choices"]), q_ja["id"]
        assert len(set(q_ja["choices"])) == len(q_ja["choices"]) == len(q_en["choices"]) >= 3, q_ja["id"]
        # The choices write the same numbers in both languages.
        assert [numbers(c) for c in q_ja["choices"]] == [numbers(c) for c in q_en["choices"]], q_ja["id"]
        for field in ("question", "why"):
            # English spells small counts ("one image", "ten scores"); Japanese writes them as digits.
            only_ja = set(numbers(q_ja[field])) - set(numbers(q_en[field]))
            assert set(numbers(q_en[field])) <= set(numbers(q_ja[field])), (q_ja["id"], field)
            assert all(n == int(n) and 0 <= n <= 10 for n in only_ja), (q_ja["id"], field, only_ja)


def test_every_numeric_answer_has_a_recomputation():
    for lesson in LESSONS:
        for q in questions("ja", lesson):
            if numbers(q["choices"][q["answer"]]):
                assert (lesson, q["id"]) in CHECKS, f"{lesson}/{q['id']}: a number with nothing checking it"
    known = {(lesson, q["id"]) for lesson in LESSONS for q in questions("ja", lesson)}
    assert set(CHECKS) <= known


@pytest.mark.parametrize("lesson, qid", sorted(CHECKS))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_numbers_are_right(lang, lesson, qid):
    q = next(q for q in questions(lang, lesson) if q["id"] == qid)
    check = CHECKS[(lesson, qid)]()
    assert check.get("holds", True), f"{lesson}/{qid}: the fact the answer relies on is false"
    if "answer" in check:
        right = q["choices"][q["answer"]]
        assert shows(right, check["answer"]), (right, check["answer"])
        for index, wrong in enumerate(q["choices"]):
            if index != q["answer"]:
                assert not shows(wrong, check["answer"]), f"{lesson}/{qid}: {wrong!r} is right too"
    for field in ("stem", "why"):
        if field in check:
            text = q["question" if field == "stem" else "why"]
            assert contains(text, check[field]), (text, check[field])


def test_the_number_reader_itself():
    assert numbers("60,000 と −2.4、`[0, 0, 1]`、13×13") == [60000, -2.4, 0, 0, 1, 13, 13]
    assert shows("0.69", [math.log(2)]) and not shows("0.7", [0.6]) and not shows("10", [1])
    assert not shows("0", [0.1]) and shows("x = 3, y = 2", [3, 2]) and not shows("x = 2, y = 3", [3, 2])


# ---------------------------------------------------------------- the quiz on a page (AppTest)
def quiz_page(lang: str, lesson: str = "lesson_4") -> AppTest:
    at = AppTest.from_file(str(ROOT / "tests" / "quiz_page_for_test.py"), default_timeout=30)
    at.session_state["lang"] = lang
    at.query_params["lesson"] = lesson
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_quiz_starts_with_nothing_chosen(lang):
    at = quiz_page(lang)
    asked = questions(lang, "lesson_4")
    assert at.subheader[0].value == i18n.t("quiz.title", lang)
    assert [radio.value for radio in at.radio] == [None] * len(asked)
    assert [radio.options for radio in at.radio] == [q["choices"] for q in asked]
    assert asked[0]["question"] in at.radio[0].label
    assert not at.success and not at.error


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_right_answer_shows_a_tick_and_the_why_a_wrong_one_a_cross(lang):
    at = quiz_page(lang)
    first, second = questions(lang, "lesson_4")[:2]
    at.radio[0].set_value(first["answer"]).run()
    assert [box.icon for box in at.success] == ["✅"]
    assert i18n.t("quiz.right", lang) in at.success[0].value and first["why"] in at.success[0].value
    assert not at.error

    wrong = (second["answer"] + 1) % len(second["choices"])
    at.radio[1].set_value(wrong).run()
    assert [box.icon for box in at.error] == ["❌"]
    assert i18n.t("quiz.wrong", lang) in at.error[0].value and second["why"] in at.error[0].value
    assert i18n.t("quiz.score", lang, right=1, total=4) in [c.value for c in at.caption]


def test_an_answer_survives_the_language_switch():
    at = quiz_page("ja")
    right = questions("ja", "lesson_4")[0]["answer"]
    at.radio[0].set_value(right).run()
    at.session_state["lang"] = "en"
    at.run()
    assert at.radio[0].value == right
    assert questions("en", "lesson_4")[0]["why"] in at.success[0].value


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_quiz_renders(lesson):
    at = quiz_page("en", lesson)
    assert len(at.radio) == len(questions("en", lesson))
