"""The little Streamlit glue every page shares: language, page list, MNIST, lesson links.

This is the only module under core/ that imports Streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core import data, i18n
from core.lab import catalog as lab_models
from models.zoo import REGISTRY

LANG_KEY = "lang"


def _route_through_app() -> None:
    """Make a first visit to a page URL go through app.py.

    On a fresh server Streamlit sees the pages/ folder and runs a deep-linked page on its own
    (its old multipage mode: no language switch, no navigation). Switching that mode off and
    rerunning makes app.py route to the same page. Runs once, when a page first imports this.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_route_through_app()


def lang() -> str:
    """The language chosen at the top right of every page (Japanese until someone switches)."""
    return st.session_state.get(LANG_KEY, i18n.DEFAULT_LANGUAGE)


def tr(key: str, /, **values) -> str:
    """Text of ``key`` in the current language."""
    return i18n.t(key, lang(), **values)


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
    PageSpec("pages/training_studio.py", "training_studio", "🏋️", "training"),
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
    """``builder`` (a pure figure builder of core/charts) cached server-wide by its arguments.

    Thirty students on the same settings then share one figure instead of building thirty: a
    slider move costs a cache look-up and the figure's serialisation. The cached figure is never
    modified afterwards (``st.plotly_chart`` copies it). Arguments must be hashable by Streamlit
    (numbers, strings, tuples, numpy arrays, dicts of those).
    """
    return st.cache_resource(show_spinner=False, max_entries=256)(builder)


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
    that cannot be used gets a clear message and the page stops there.
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
    option = st.selectbox(tr(f"{area}.model"), choices, format_func=labels.get,
                          key=lang_key(key, choices[lab_models.default_index(choices)]))
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
