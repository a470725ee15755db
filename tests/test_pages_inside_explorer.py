""""Inside the network" and the test-set explorer under AppTest, in Japanese and English."""
import json

import numpy as np
import pytest

from core import data, i18n
from core.lab import explain
from core.lab import inference
from core.lab import catalog as lab_models
from models import zoo
from tests.conftest import open_page

INSIDE = "pages/inside_network.py"
EXPLORER = "pages/test_explorer.py"
TIMEOUT = 60


def texts(at) -> list[str]:
    return [m.value for m in at.markdown]


def has(at, fragment: str) -> bool:
    return any(fragment in value for value in texts(at))


def answer(at) -> str:
    """The digit the inside page shows as the network's answer (its first metric)."""
    return at.metric[0].value


def open_tab(at, name: str) -> None:
    """Open one of the inside page's tabs ("maps", "dense", "pixel", "why"), as a click on it does."""
    lang = at.session_state["lang"]
    at.session_state[f"inside_tab_{lang}"] = i18n.t(f"inside_network.tab_{name}", lang)
    at.run(timeout=TIMEOUT)
    assert not at.exception


def charts(at) -> list[dict]:
    """The plotly figures on the page, as the browser gets them."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def bars(at) -> str:
    """The ten-probabilities HTML on the page."""
    (html,) = [element.proto.body for element in at.get("html") if "lab-bars" in element.proto.body]
    return html


@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist()


@pytest.fixture(scope="module")
def colab_predictions(mnist):
    return explain.predict_all(inference.load_pretrained("colab_cnn"), mnist.x_test).argmax(axis=1)


@pytest.fixture
def only_colab_shipped(tmp_path, monkeypatch):
    """Pretend only colab_cnn's weights exist (the others appear while the background training runs)."""
    (tmp_path / "colab_cnn.keras").symlink_to(zoo.PRETRAINED_DIR / "colab_cnn.keras")
    monkeypatch.setattr(lab_models, "PRETRAINED_DIR", tmp_path)


# ------------------------------------------------------------------ inside the network

@pytest.mark.parametrize("lang, reads, correct, maps_word", [
    ("ja", "ネットワークの答え", "正解です", "特徴マップ"),
    ("en", "The network reads", "Correct", "feature map"),
])
def test_inside_shows_every_layer_for_test_image_0(lang, reads, correct, maps_word):
    at = open_page(INSIDE, lang, timeout=TIMEOUT)
    assert not at.exception
    assert at.selectbox(key=f"inside_model__{lang}").value == "colab_cnn"
    assert at.metric[0].label == reads and answer(at) == "7"
    assert has(at, correct) and has(at, maps_word)
    for layer, shape in (("conv1", "26×26×32"), ("pool1", "13×13×32"), ("conv2", "11×11×64"), ("pool2", "5×5×64")):
        assert has(at, f"**{layer}** · ") and has(at, shape)
    # only the open tab runs: the input image and one grid per feature layer (16 maps each)
    figures = charts(at)
    assert len(figures) == 1 + 4
    assert [len(fig["data"][1]["text"]) for fig in figures[1:]] == [16] * 4  # the tiles' titles
    assert bars(at).count("✔</span>") == 1 and "width:100.0%" in bars(at)  # test image 0 is a 7, read as a sure 7
    open_tab(at, "dense")
    assert len(charts(at)) == 1 + 1  # colab_cnn: the filters, no hidden dense layer
    assert len(charts(at)[1]["data"][1]["text"]) == 32
    open_tab(at, "pixel")
    assert any("✅" in value for value in texts(at))  # the pixel sum equals Keras' value
    assert len(charts(at)) == 1 + 3  # the input with its square, the map with its pixel, the sum
    open_tab(at, "why")
    assert len(charts(at)) == 1 + 1


def test_inside_widgets_change_what_is_shown():
    at = open_page(INSIDE, "en", timeout=TIMEOUT)
    at.number_input(key="inside_index").set_value(1).run(timeout=TIMEOUT)
    assert not at.exception
    assert answer(at) == "2" and has(at, "the label is **2**")

    at.select_slider(key="inside_maps_shown").set_value(32).run(timeout=TIMEOUT)
    assert has(at, "(first 32 of 32 maps)") and has(at, "(first 32 of 64 maps)")

    open_tab(at, "pixel")
    at.selectbox(key="inside_pixel_layer").set_value("conv2").run(timeout=TIMEOUT)
    assert not at.exception
    assert has(at, "input has 32 channels") and has(at, "the same ✅")

    at.selectbox(key="inside_pixel_layer").set_value("conv1").run(timeout=TIMEOUT)
    assert has(at, "over the 3×3 square") and not has(at, "input has 32 channels")

    open_tab(at, "why")
    assert at.selectbox(key="inside_why_target__en").value == "answer"  # explains the network's own answer first
    assert at.radio(key="inside_why_method__en").value == "gradient"  # the instant one first
    assert has(at, "**Gradient × input**") and not has(at, "**Occlusion**")
    at.radio(key="inside_why_method__en").set_value("occlusion").run(timeout=TIMEOUT)
    assert has(at, "**Occlusion**") and not has(at, "**Gradient × input**")
    at.selectbox(key="inside_why_target__en").set_value(3).run(timeout=TIMEOUT)
    assert has(at, "pushed towards **3**")


def test_inside_position_changes_the_explained_pixel():
    at = open_page(INSIDE, "en", timeout=TIMEOUT)
    open_tab(at, "pixel")
    first = next(v for v in texts(at) if v.startswith("Σ"))
    row = at.slider(key="inside_row_conv1_0")
    row.set_value(0 if row.value else 5).run(timeout=TIMEOUT)
    second = next(v for v in texts(at) if v.startswith("Σ"))
    assert first != second and has(at, "the same ✅")


def test_inside_reads_the_last_drawing(mnist):
    at = open_page(INSIDE, "ja", timeout=TIMEOUT)
    at.session_state["last_digit"] = mnist.x_test[1].astype(np.float32) / 255.0  # a 2
    at.run(timeout=TIMEOUT)
    assert not at.exception
    assert at.radio(key="inside_source__ja").value == "drawing"
    assert answer(at) == "2" and not has(at, "正解ラベル")
    at.radio(key="inside_source__ja").set_value("test").run(timeout=TIMEOUT)
    assert answer(at) == "7" and has(at, "正解ラベルは **7**")


def test_inside_missing_weights_give_a_message_not_a_traceback(only_colab_shipped):
    at = open_page(INSIDE, "en", timeout=TIMEOUT)
    at.selectbox(key="inside_model__en").set_value("lenet5").run(timeout=TIMEOUT)
    assert not at.exception
    assert any("LeNet-5" in w.value and "not there yet" in w.value for w in at.warning)
    assert not at.metric


def test_inside_offers_models_trained_in_this_session():
    at = open_page(INSIDE, "en", timeout=TIMEOUT)
    untrained = zoo.build("lenet5")
    at.session_state["trained_models"] = {"my lenet": {"model": untrained, "key": "lenet5",
                                                       "test_accuracy": 0.1, "config": {}}}
    at.run(timeout=TIMEOUT)
    at.selectbox(key="inside_model__en").set_value("trained:my lenet").run(timeout=TIMEOUT)
    assert not at.exception
    assert has(at, "**conv1** · Conv2D · 24×24×6") and has(at, "**pool2** · AveragePooling2D · 4×4×16")
    open_tab(at, "dense")
    assert [s.value for s in at.subheader if s.value.startswith("dense")] == ["dense1: 120 units", "dense2: 84 units"]
    assert [len(fig["data"][0]["x"]) for fig in charts(at)[2:]] == [120, 84]  # one bar per unit


# ------------------------------------------------------------------ test-set explorer

@pytest.mark.parametrize("lang, verdict, matches", [
    ("ja", "正解: ", "一致しています"),
    ("en", "True label: ", "matches the one recorded"),
])
def test_explorer_shows_accuracy_random_image_gallery_and_matrix(lang, verdict, matches, colab_predictions):
    at = open_page(EXPLORER, lang, timeout=TIMEOUT)
    assert not at.exception
    wrong = int((colab_predictions != data.load_mnist().y_test).sum())
    assert at.metric[0].value == f"{1 - wrong / 10000:.2%}"
    assert at.metric[2].value == f"{wrong} / 10000"
    assert any(matches in s.value for s in at.success)
    assert has(at, verdict)
    assert len(charts(at)) == 4  # image, gallery, matrix, one cell's images (the probabilities are HTML bars)
    shown = at.session_state["explorer_random_index"]
    assert bars(at).count("✔</span>") == 1 and f"✔</span>{data.load_mnist().y_test[shown]}<" in bars(at)


def test_explorer_buttons_and_cell_choice(mnist, colab_predictions):
    at = open_page(EXPLORER, "en", timeout=TIMEOUT)
    wrong = int(np.flatnonzero(colab_predictions != mnist.y_test)[0])
    at.session_state["explorer_random_index"] = wrong
    at.run(timeout=TIMEOUT)
    assert has(at, f"True label: {mnist.y_test[wrong]} · Predicted: {colab_predictions[wrong]} ❌")
    at.button(key="explorer_another").click().run(timeout=TIMEOUT)
    shown = at.session_state["explorer_random_index"]
    truth, pred = int(mnist.y_test[shown]), int(colab_predictions[shown])
    assert has(at, f"True label: {truth} · Predicted: {pred}")

    def gallery():
        return next(c.value for c in at.caption if c.value.startswith("Test image numbers"))

    first = gallery()
    assert first.count("#") == 10
    at.slider(key="explorer_count").set_value(25).run(timeout=TIMEOUT)
    assert gallery().count("#") == 25
    numbers = [int(part) for part in gallery().replace(",", " ").replace("#", " ").split() if part.isdigit()]
    assert all(mnist.y_test[i] != colab_predictions[i] for i in numbers)
    before = gallery()
    at.button(key="explorer_shuffle").click().run(timeout=TIMEOUT)
    assert gallery() != before and gallery().count("#") == 25  # 25 of ~84 again: the same set is ~1e-21

    at.selectbox(key="explorer_true_colab_cnn").set_value(4)
    at.selectbox(key="explorer_pred_colab_cnn").set_value(9).run(timeout=TIMEOUT)
    expected = int(((mnist.y_test == 4) & (colab_predictions == 9)).sum())
    assert has(at, f"**{expected}** test images with label 4 were read as 9")
    at.selectbox(key="explorer_pred_colab_cnn").set_value(4).run(timeout=TIMEOUT)
    correct_fours = int(((mnist.y_test == 4) & (colab_predictions == 4)).sum())
    assert has(at, f"**{correct_fours}** test images with label 4 were read as 4 (showing 20)")


def test_explorer_missing_weights_and_session_models(only_colab_shipped):
    at = open_page(EXPLORER, "en", timeout=TIMEOUT)
    at.selectbox(key="explorer_model__en").set_value("three_conv").run(timeout=TIMEOUT)
    assert not at.exception
    assert any("Three-conv CNN" in w.value for w in at.warning)
    assert not at.metric

    at.session_state["trained_models"] = {"quick": {"model": zoo.build("colab_cnn"), "key": "colab_cnn",
                                                    "test_accuracy": 0.95, "config": {}}}
    at.run(timeout=TIMEOUT)
    at.selectbox(key="explorer_model__en").set_value("trained:quick").run(timeout=TIMEOUT)
    assert not at.exception
    assert at.metric[1].value == "95.00%"
    assert any("differs from the recorded one" in w.value for w in at.warning)  # untrained: far below 95 %
