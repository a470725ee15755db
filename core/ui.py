"""The little Streamlit glue every page shares: language, page list, MNIST, lesson links.

One of the four core modules that import Streamlit, all of them page glue: this one, core/links.py
(settings in the URL), core/presenter.py (the bar on every page, presenter mode) and
core/streamlit_patches.py (work-arounds inside Streamlit's runtime); the rest of core/ does not
import it itself.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core import data, gallery, i18n, links, memo, streamlit_patches
from core.lab import catalog as lab_models
from core.training.augment import recipe_values
from models.zoo import REGISTRY, augmented_models

LANG_KEY = "lang"

# A page deep-linked on a fresh server runs before app.py ever did: send it through app.py.
streamlit_patches.route_through_app()
gallery.teacher_pin()  # without DOJO_TEACHER_PIN: made now, on the dashboard's first visit, and printed once


def lang() -> str:
    """The language chosen at the top right of every page (Japanese until someone switches)."""
    return st.session_state.get(LANG_KEY, i18n.DEFAULT_LANGUAGE)


def tr(key: str, /, **values) -> str:
    """Text of ``key`` in the current language."""
    return i18n.t(key, lang(), **values)


def augmentation_text(recipe: dict) -> str:
    """An augmentation recipe (``Augmentation.describe()``, as in a model's JSON) in words, in the current language."""
    return tr("home.augmentation", **recipe_values(recipe))


def augmented_models_text(label) -> str:
    """The shipped models trained with augmentation, for a caption: each one's ``label(key)``, or
    "all 5 models" (common.all_models) when it is every one of them."""
    keys = augmented_models()
    if len(keys) == len(REGISTRY):
        return tr("common.all_models", n=len(keys))
    return ", ".join(label(key) for key in keys)


def file_uploader_texts() -> None:
    """Streamlit's file uploaders in the current language: its button says "Upload" and its hint
    "5MB per file • PNG…" in English whatever the page's language (1.67 has no parameter for
    either); the labels already name the types and the limit, so the hint only says "or drag a file here"."""
    button = "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p"
    hint = "[data-testid='stFileUploaderDropzoneInstructions'] span"
    words = {name: json.dumps(tr(f"common.upload_{name}"), ensure_ascii=False) for name in ("button", "hint")}
    st.html(f"<style>{button}, {hint} {{ font-size: 0; }}"
            f"{button}::after {{ content: {words['button']}; font-size: 0.875rem; }}"
            f"{hint}::after {{ content: {words['hint']}; font-size: 0.875rem; }}</style>")


def tr_list(key: str) -> list:
    """List-valued text of ``key`` in the current language."""
    return i18n.t_list(key, lang())


@dataclass(frozen=True)
class PageSpec:
    """One page of the dashboard: its script, its title key in locales/*/nav.toml, its icon."""

    path: str
    key: str
    icon: str
    section: str


PAGES = (
    PageSpec("pages/home.py", "home", "🏠", "start"),
    PageSpec("pages/lesson_0_mnist.py", "lesson_0", "🔢", "lessons"),
    PageSpec("pages/lesson_1_regression.py", "lesson_1", "📈", "lessons"),
    PageSpec("pages/lesson_2_perceptron.py", "lesson_2", "⚡", "lessons"),
    PageSpec("pages/lesson_3_maru_batsu.py", "lesson_3", "⭕", "lessons"),
    PageSpec("pages/lesson_4_convolution.py", "lesson_4", "🔍", "lessons"),
    PageSpec("pages/lesson_5_pooling.py", "lesson_5", "🧱", "lessons"),
    PageSpec("pages/lesson_6_softmax.py", "lesson_6", "📊", "lessons"),
    PageSpec("pages/lesson_7_gradient_descent.py", "lesson_7", "⛰️", "lessons"),
    PageSpec("pages/cnn_lab.py", "cnn_lab", "✏️", "lab"),
    PageSpec("pages/inside_network.py", "inside_network", "🧠", "lab"),
    PageSpec("pages/test_explorer.py", "test_explorer", "🗂️", "lab"),
    PageSpec("pages/class_gallery.py", "class_gallery", "🖼️", "lab"),
    PageSpec("pages/training_studio.py", "training_studio", "🏋️", "training"),
    PageSpec("pages/glossary.py", "glossary", "📖", "reference"),
)
LESSONS = tuple(page for page in PAGES if page.section == "lessons")


def lesson_links(path: str) -> None:
    """Previous / next lesson links at the foot of a lesson page."""
    index = [page.path for page in LESSONS].index(path)
    left, right = st.columns(2)
    if index > 0:
        before = LESSONS[index - 1]
        left.page_link(before.path, label="← " + tr(f"nav.{before.key}"), icon=before.icon)
    if index + 1 < len(LESSONS):
        after = LESSONS[index + 1]
        right.page_link(after.path, label=tr(f"nav.{after.key}") + " →", icon=after.icon)


def try_this(key: str) -> None:
    """The lesson's closing "try this" prompts for the class (a list in the lesson's TOML)."""
    st.subheader(tr("common.try_this"))
    st.markdown("\n".join(f"- {prompt}" for prompt in tr_list(key)))


def quiz(lesson_key: str) -> None:
    """The lesson's "check your understanding" questions (locales/*/quiz.toml ``[[lesson_key]]``).

    Each question is a radio with nothing chosen; a choice at once shows ✅ or ❌ and the why.
    The questions run as a fragment, so answering reruns only the quiz, never the lesson above it.
    """
    st.subheader(tr("quiz.title"))
    st.caption(tr("quiz.intro"))
    _quiz_questions(lesson_key)


@st.fragment
def _quiz_questions(lesson_key: str) -> None:
    """One radio per question, its feedback under it, and the score once something is answered."""
    questions = tr_list(f"quiz.{lesson_key}")
    right = answered = 0
    for number, item in enumerate(questions, start=1):
        choices = item["choices"]
        picked = st.radio(f"**{number}.** {item['question']}", range(len(choices)), index=None,
                          format_func=choices.__getitem__,
                          key=lang_key(f"quiz_{lesson_key}_{number}", None))
        if picked is None:
            continue
        answered += 1
        if picked == item["answer"]:
            right += 1
            st.success(f"**{tr('quiz.right')}** {item['why']}", icon="✅")
        else:
            st.error(f"**{tr('quiz.wrong')}** {item['why']}", icon="❌")
    if answered:
        st.caption(tr("quiz.score", right=right, total=len(questions)))


def glossary_link(term_key: str) -> str:
    """Markdown link to one term of the glossary page, e.g. ``[畳み込み](glossary?term=convolution&lang=ja)``.

    Streamlit opens markdown links in a new tab (a new session); ``lang`` lets app.py open it in the
    reader's language (see ``language_from_link``) and ``term`` puts that term first, highlighted.
    Texts in locales/ write ``[[g:convolution]]`` instead: core.i18n makes the same link.
    """
    return i18n.term_link(term_key, lang())


def language_from_link() -> None:
    """A new session opened by a link naming a language (``?lang=en``, as glossary_link writes)
    starts in that language. Call it in app.py before the language switch is drawn."""
    wanted = st.query_params.get("lang")
    if wanted in i18n.LANGUAGES and LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = wanted


@st.cache_resource(show_spinner=False)
def _cached_mnist() -> data.Mnist:
    return data.load_mnist()


def mnist_or_stop() -> data.Mnist:
    """MNIST, loaded once per server; without it, a clear message and the page stops there."""
    try:
        return _cached_mnist()
    except data.MnistError as error:
        st.error(tr(f"data.{error.key}", **error.values))
        st.info(tr("data.how_to_fix"))
        st.stop()


def shared_chart(builder):
    """``builder`` (a pure figure builder of core/charts) cached server-wide by its arguments (core.memo).

    Thirty students on the same settings then share one figure instead of building thirty: a
    slider move costs a look-up (~0.06 ms, against ~2 ms through st.cache_resource's hasher) and
    the figure's serialisation. The cached figure is never modified afterwards. Arguments:
    numbers, strings, tuples, lists, dicts and numpy arrays.
    """
    return memo.shared(builder)


def lang_key(key: str, default) -> str:
    """Key for a radio / selectbox whose option labels are translated: one key per language.

    Such a widget remembers its choice by the label shown, so after a language switch the old
    label matches no option and the widget shows nothing chosen. With one key per language the
    widget starts fresh, seeded with the choice made in the other language (or ``default``).
    Create the widget with ``key=lang_key(...)`` and without ``index``.
    """
    own = f"{key}__{lang()}"
    if own not in st.session_state:
        others = [st.session_state.get(f"{key}__{code}") for code in i18n.LANGUAGES if code != lang()]
        st.session_state[own] = next((value for value in others if value is not None), default)
    return own


@st.cache_resource(show_spinner=False, max_entries=20)
def shipped_model(key: str, stamp: float | None):
    """(model, None) or (None, why unavailable), once per server and weights-file version."""
    from core.lab import inference

    try:
        return inference.load_pretrained(key), None
    except inference.ModelUnavailable as error:
        return None, error.detail


def model_name(option: str) -> str:
    """A model option's name: the shipped model's translated name, or 🏋️ and the label of one trained this session."""
    if lab_models.is_trained(option):
        return "🏋️ " + option[len(lab_models.TRAINED):]
    return tr(f"models.{option}.name")


def model_picker(area: str, key: str):
    """A select box over the shipped and this session's trained models → (option, model, cache token).

    ``area`` is the locale file with the texts model / not_ready / unavailable / damaged. A model
    that cannot be used gets a clear message and the page stops there. The choice is kept in the URL
    (``?lab_model=colab_cnn``): a link opens the same model, where it exists.
    """
    trained = st.session_state.get("trained_models", {}) or {}
    choices = lab_models.options(trained)
    labels = {}  # built during the run: AppTest formats the options later, outside it
    for option in choices:
        labels[option] = model_name(option)
        if not lab_models.is_trained(option):
            labels[option] += f" ({REGISTRY[option].doc})"
            if not lab_models.weights_stamp(option):
                labels[option] += " — " + tr(f"{area}.not_ready")
    option = st.selectbox(tr(f"{area}.model"), choices, format_func=labels.get,  # kept in the URL (core.links)
                          key=links.linked(lang_key(key, choices[lab_models.default_index(choices)]), links.choices(choices)))
    if lab_models.is_trained(option):
        model = trained[option[len(lab_models.TRAINED):]]["model"]
        return option, model, f"{option}:{id(model)}"
    stamp = lab_models.weights_stamp(option)
    if stamp is None:
        st.warning(tr(f"{area}.unavailable", name=model_name(option)))
        st.stop()
    with st.spinner(tr("common.loading_tensorflow")):
        model, why = shipped_model(option, stamp)
    if model is None:
        st.error(tr(f"{area}.damaged", name=model_name(option), detail=why))
        st.stop()
    return option, model, f"{option}:{stamp}"


# ---------------------------------------------------------------- the class gallery

MAX_CLASS_MODELS = 30  # the newest models trained in this server's studio that the gallery reads


@st.cache_resource(show_spinner=False)
def class_models() -> dict:
    """Models trained in this server's studio (label → Keras model), shared by every session:
    the teacher's gallery page reads them all. Oldest first; at most MAX_CLASS_MODELS."""
    return {}


def register_class_model(label: str, model) -> str:
    """Offer a model trained in the studio to the class gallery; the label it is listed under
    (made unique with " (2)", " (3)" … when another student's run has the same label)."""
    models = class_models()
    unique, n = label, 1
    while unique in models and models[unique] is not model:
        n += 1
        unique = f"{label} ({n})"
    models[unique] = model
    while len(models) > MAX_CLASS_MODELS:
        models.pop(next(iter(models)))
    return unique


def send_to_class_box(prepared28: np.ndarray | None, raw_canvas_rgba, key: str = "class_send") -> None:
    """Opt-in "send this drawing to the class gallery": the student says which digit they meant
    (none chosen at first, and none again after a send), one click sends it, and a message says it
    arrived or why not.

    ``prepared28`` is the lab's 28×28 (core.lab.preprocess.canvas_to_mnist; None when nothing is
    drawn), ``raw_canvas_rgba`` the canvas as drawn (an RGBA array or None), or a function that makes
    it, called only when the drawing is sent. Only the two pictures and the digit are kept.
    """
    with st.expander("📮 " + tr("class_gallery.send.title")):
        st.caption(tr("class_gallery.send.privacy"))
        digit = st.pills(tr("class_gallery.send.which"), list(range(10)), key=f"{key}_digit")
        empty = prepared28 is None or not np.asarray(prepared28).any()
        if empty:
            st.info(tr("class_gallery.send.draw_first"))
        st.button("📮 " + tr("class_gallery.send.button"), key=f"{key}_button", type="primary",
                  disabled=empty or digit is None, on_click=_send_drawing, args=(key, prepared28, raw_canvas_rgba))
        outcome = st.session_state.pop(f"{key}_outcome", None)
        if outcome is not None:
            (st.success if outcome[0] == "sent" else st.error)(tr(outcome[1], **outcome[2]))
        elif digit is None and not empty:
            st.caption(tr("class_gallery.send.choose_first"))


def _send_drawing(key: str, prepared28: np.ndarray, raw_canvas_rgba) -> None:
    """The send button's callback: store the drawing, note the outcome, and clear the digit picked
    (the next drawing may be another digit)."""
    digit = int(st.session_state[f"{key}_digit"])
    store = gallery.Gallery()
    try:
        store.add(prepared28, digit, raw_canvas_rgba() if callable(raw_canvas_rgba) else raw_canvas_rgba)
    except gallery.GalleryError as error:
        st.session_state[f"{key}_outcome"] = ("refused", f"class_gallery.refused.{error.key}", error.values)
        return
    counts = store.counts(include_hidden=True)
    st.session_state[f"{key}_outcome"] = ("sent", "class_gallery.send.sent",
                                          {"digit": digit, "same": int(counts[digit]), "total": int(counts.sum())})
    st.session_state[f"{key}_digit"] = None


# ---------------------------------------------------------------- guess first, then reveal

def guess_then_reveal(key: str) -> bool:
    """A misclassified gallery's "read them yourself first" line and its reveal toggle → whether the
    labels are shown. Call inside the gallery's fragment: the toggle reruns only that gallery."""
    st.caption("🤔 " + tr("documents.guess.prompt"))
    return st.toggle("👀 " + tr("documents.guess.reveal"), value=False, key=key)


def hidden_captions(count: int) -> list[str]:
    """Captions that number the images without giving away any label ("?  (3)")."""
    return [tr("documents.guess.hidden", n=n) for n in range(1, count + 1)]


def edited_numbers(frame: pd.DataFrame, texts: str, limit: float = 1000.0, fallback: float = 0.0) -> np.ndarray:
    """A table edited by the student → float array: emptied cells count as ``fallback``, numbers beyond
    ±``limit`` are limited, each with a warning (``<texts>empty_cells``, ``<texts>too_large``).
    The editor returns numeric columns as they are: converted whole, without a pass per cell."""
    numeric = all(pd.api.types.is_numeric_dtype(kind) for kind in frame.dtypes)
    values = frame.to_numpy(dtype=float) if numeric else frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        st.warning(tr(texts + "empty_cells"))
        values = np.nan_to_num(values, nan=fallback)
    if np.abs(values).max(initial=0.0) > limit:
        st.warning(tr(texts + "too_large", limit=int(limit)))
        values = np.clip(values, -limit, limit)
    return values
