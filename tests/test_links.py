"""Links that open a setup (core/links.py): a lesson's settings come back from the URL's query, a
changed setting goes into it, and bad or stale values are ignored with one toast, never a traceback."""
import pytest
from streamlit.testing.v1 import AppTest

from core import links
from tests.conftest import ROOT

LESSON_4 = "pages/lesson_4_convolution.py"


def open_link(path: str, **query) -> AppTest:
    """A new session opened by a link: the query is there before the first run (app.py, then the page)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if path != "pages/home.py":
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def url(at: AppTest) -> dict:
    return {name: values if isinstance(values, str) else values[-1] for name, values in at.query_params.items()}


@pytest.mark.parametrize("check,raw,value", [
    (links.number(1, 3), "2", 2), (links.number(1, 3), "2.0", 2), (links.number(-1.0, 3.0, 0.05), "0.3", 0.3),
    (links.number(-1.0, 3.0, 0.05), "0.33", 0.35),  # put on the slider's 0.05 grid
    (links.number(-4.0, 8.0, 0.1), "-3.7", -3.7), (links.choices([3, 5]), "5", 5),
    (links.choices([0.1, 1.0, 10.0]), "10.0", 10.0), (links.choices([0.1, 1.0, 10.0]), "10", 10.0),
    (links.choices([0.1, 1.0, 10.0]), "0.10", 0.1), (links.choices(["max", "average"]), "average", "average"),
    (links.choices([None, 0, 1]), "None", None), (links.flag(), "1", True), (links.flag(), "false", False),
])
def test_a_good_value_is_read(check, raw, value):
    assert check.parse(raw) == value and type(check.parse(raw)) is type(value)


@pytest.mark.parametrize("check,raw", [
    (links.number(1, 3), "4"), (links.number(1, 3), "0"), (links.number(1, 3), "abc"), (links.number(1, 3), ""),
    (links.number(1, 3), "nan"), (links.number(1, 3), "inf"), (links.number(1, 3), "1.5"), (links.number(1, 3), "1e400"),
    (links.choices([3, 5]), "4"), (links.choices([3, 5]), "3.0"), (links.choices([0.1, 1.0]), "2"),
    (links.choices([0.1, 1.0]), "nan"), (links.choices(["max"]), "MAX"), (links.flag(), "maybe"),
])
def test_a_bad_value_is_refused(check, raw):
    with pytest.raises(ValueError):
        check.parse(raw)


def test_the_url_name_drops_the_language_suffix_of_a_translated_widget():
    assert links.param_name("l4_preset__en") == "l4_preset"
    assert links.param_name("l4_stride") == "l4_stride" and links.param_name("a__b") == "a__b"


def test_a_link_opens_lesson_4_with_its_settings():
    at = open_link(LESSON_4, lang="en", l4_k="5", l4_preset="edge_vertical", l4_stride="2", l4_padding="1",
                   l4_relu="1", l4_row="3", l4_col="4", l4_index="42", l4_map="9")
    assert at.radio(key="l4_k").value == 5
    assert at.selectbox(key="l4_preset__en").value == "edge_vertical"
    assert (at.slider(key="l4_stride").value, at.slider(key="l4_padding").value) == (2, 1)
    assert at.checkbox(key="l4_relu").value is True
    assert (at.slider(key="l4_row").value, at.slider(key="l4_col").value) == (3, 4)
    assert at.number_input(key="l4_index").value == 42 and at.slider(key="l4_map").value == 9
    # (28 + 2·1 − 5) / 2 + 1 = 13 (floored): the page computed with the linked settings
    assert any("= 13" in element.value for element in at.latex)
    assert not at.toast


def test_a_changed_setting_goes_into_the_url_and_a_default_leaves_it():
    at = open_link(LESSON_4, l4_stride="2")
    at.slider(key="l4_stride").set_value(3).run()
    assert url(at)["l4_stride"] == "3"
    at.radio(key="l4_k").set_value(5).run()
    assert url(at)["l4_k"] == "5"
    at.slider(key="l4_stride").set_value(1).run()  # back to the default: out of the URL
    assert "l4_stride" not in url(at) and url(at)["l4_k"] == "5"


def test_a_linked_value_in_a_section_fragment_goes_into_the_url():
    """l4_col lives in the window section (a fragment): its own rerun writes it."""
    at = open_link(LESSON_4)
    at.slider(key="l4_col").set_value(2).run()
    assert url(at)["l4_col"] == "2"


def test_lesson_7_opens_with_its_learning_rate_and_start():
    at = open_link("pages/lesson_7_gradient_descent.py", l7_curve="two_valleys", l7_x0_two_valleys="-1.5",
                   l7_rate1="0.5", l7_a0="2.5", l7_b0="-3")
    assert at.radio(key="l7_curve__ja").value == "two_valleys"
    assert at.slider(key="l7_x0_two_valleys").value == pytest.approx(-1.5)
    assert at.select_slider(key="l7_rate1").value == 0.5
    assert (at.slider(key="l7_a0").value, at.slider(key="l7_b0").value) == (pytest.approx(2.5), pytest.approx(-3.0))


def test_bad_values_are_dropped_and_the_good_ones_kept_without_a_traceback():
    at = open_link(LESSON_4, l4_k="9", l4_stride="abc", l4_padding="7", l4_relu="maybe", l4_preset="nope",
                   l4_row="nan", l4_index="-5", l4_map="16")
    assert at.radio(key="l4_k").value == 3 and at.slider(key="l4_stride").value == 1
    assert at.slider(key="l4_padding").value == 0 and at.checkbox(key="l4_relu").value is False
    assert at.selectbox(key="l4_preset__ja").value == "edge_horizontal"
    assert at.number_input(key="l4_index").value == 0
    assert at.slider(key="l4_map").value == 16  # the one good value
    for name in ("l4_k", "l4_stride", "l4_padding", "l4_relu", "l4_row", "l4_index"):
        assert name not in url(at), name
    assert url(at)["l4_preset"] == "edge_horizontal"  # the bad one replaced by what the page shows


def test_one_toast_names_the_ignored_values():
    """app.py tells them after the page (under AppTest, the home page: lesson pages run on their own)."""
    at = open_link("pages/home.py", lang="fr", present="maybe")
    assert [toast.value for toast in at.toast] == ["リンクの値 lang=fr, present=maybe は使えないので、無視しました。"]
    assert at.session_state["lang"] == "ja" and at.session_state["present"] is False
    assert "lang" not in url(at) or url(at)["lang"] == "ja"


def test_presenter_mode_and_language_come_from_the_link():
    at = open_link("pages/home.py", lang="en", present="1")
    assert at.session_state["lang"] == "en" and at.toggle(key="present").value is True
    assert [button.label for button in at.button if button.key in ("present_left", "present_right")] == ["Back", "Next"]
    assert at.button(key="present_left").disabled and not at.button(key="present_right").disabled  # home: before lesson 0


def test_a_link_opens_the_lab_with_its_model_and_ignores_an_unknown_one():
    at = open_link("pages/test_explorer.py", explorer_model="lenet5")
    assert at.selectbox(key="explorer_model__ja").value == "lenet5"
    at = open_link("pages/test_explorer.py", explorer_model="trained:someone else's run")
    assert at.selectbox(key="explorer_model__ja").value == "colab_cnn"  # the default, and out of the URL
    assert url(at)["explorer_model"] == "colab_cnn"


def test_a_link_opens_the_studio_with_its_model_and_settings():
    """The model's document settings come first (as choosing it does), then the link's own settings on top."""
    at = open_link("pages/training_studio.py", _studio_key="lenet5", _studio_epochs="3", _studio_learning_rate="0.01",
                   _studio_train_size="5000", _studio_budget="60", _studio_optimizer="sgd")
    assert at.selectbox(key="_studio_key__ja").value == "lenet5"
    assert at.select_slider(key="_studio_epochs__ja").value == 3
    assert at.select_slider(key="_studio_learning_rate__ja").value == 0.01
    assert at.slider(key="_studio_train_size__ja").value == 5000
    assert at.radio(key="_studio_budget__ja").value == 60 and at.radio(key="_studio_optimizer__ja").value == "sgd"
    settings = at.session_state["studio_settings"]  # what Start would train
    assert (settings["key"], settings["epochs"], settings["learning_rate"], settings["train_size"]) == ("lenet5", 3, 0.01, 5000)
    assert (settings["budget"], settings["optimizer"]) == (60, "sgd")
    assert settings["batch_size"] == 128  # not in the link: lenet5's document batch size
    at.select_slider(key="_studio_epochs__ja").set_value(5).run()
    assert url(at)["_studio_epochs"] == "5" and url(at)["_studio_key"] == "lenet5"


def test_a_bad_studio_link_keeps_the_defaults():
    at = open_link("pages/training_studio.py", _studio_key="resnet50", _studio_epochs="7")
    assert at.selectbox(key="_studio_key__ja").value == "colab_cnn"
    assert at.session_state["studio_settings"]["epochs"] == 15  # 004's document setting


def widget_kwargs_app():
    """links.widget for a slider and a radio, printed instead of drawn."""
    import streamlit as st

    from core import links

    st.text(repr(links.widget("t_rate", links.number(0.0, 1.0, 0.1, 0.3))))
    st.text(repr(links.widget("t_k", links.choices([3, 5, 7], 3), index=True)))


def test_widget_gives_the_value_the_server_holds_with_the_key():
    """A widget drawn late in the browser shows the value it is given: a link's value, else the default."""
    at = AppTest.from_function(widget_kwargs_app)
    at.run()
    assert [t.value for t in at.text] == ["{'key': 't_rate', 'value': 0.3}", "{'key': 't_k', 'index': 0}"]
    at = AppTest.from_function(widget_kwargs_app)
    at.query_params["t_rate"] = "0.7"
    at.query_params["t_k"] = "7"
    at.run()
    assert [t.value for t in at.text] == ["{'key': 't_rate', 'value': 0.7}", "{'key': 't_k', 'index': 2}"]
