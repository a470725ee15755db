"""What the pages say about the five documents matches the documents' settings in models/zoo.py."""
import re

import pytest

from core import i18n
from models.zoo import REGISTRY

OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam", "adadelta": "Adadelta"}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_lesson_3_names_each_documents_optimizer(lang):
    """Only 003 and 004 use Adam; 000 and 002 SGD; 001 Adadelta (the note once said "Adam" for all)."""
    note = next(text for text in i18n.t_list("lesson_3.corrections", lang) if "Adadelta" in text)
    for entry in REGISTRY.values():
        name = OPTIMIZER_NAMES[entry.defaults.optimizer]
        # the document number is followed (within the same clause) by its optimizer's name
        assert re.search(rf"{entry.doc}[^。;.]*?{name}", note), (entry.doc, name, note)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_home_names_the_model_whose_epoch_is_54000_images(lang):
    split = [entry.doc for entry in REGISTRY.values() if entry.defaults.validation == "split"]
    caption = i18n.t("home.models_caption", lang)
    assert split and all(f"({doc})" in caption or f"（{doc}）" in caption for doc in split)
    assert "54,000" in caption and "60,000" in caption


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_home_does_not_send_teachers_to_a_left_menu_or_wide_mode(lang):
    howto = " ".join(i18n.t_list("home.howto", lang))
    assert "左" not in howto and "left" not in howto.lower()
    assert "Settings" not in howto and "ワイド" not in howto


def test_reported_results_are_the_documents_printed_numbers():
    """002 prints [0.04481068253517151, 0.9842000007629395] and "loss: 0.0435 - accuracy: 0.9870" for epoch 10;
    003 prints 損失: 0.020143641158938408, 評価: 0.9940999746322632; 000, 001, 004 print no result."""
    from models.documents import REPORTED

    assert REPORTED["qiita_cnn"].test_accuracy == round(0.9842000007629395, 4)
    assert REPORTED["qiita_cnn"].test_loss == round(0.04481068253517151, 4)
    assert (REPORTED["qiita_cnn"].train_loss, REPORTED["qiita_cnn"].train_accuracy) == (0.0435, 0.9870)
    assert REPORTED["three_conv"].test_accuracy == round(0.9940999746322632, 4)
    assert REPORTED["three_conv"].test_loss == round(0.020143641158938408, 4)
    silent = {key for key, r in REPORTED.items() if r.test_accuracy is None}
    assert silent == {"lenet5", "keras_mnist_cnn", "colab_cnn"} and set(REPORTED) == set(REGISTRY)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_what_deep_learning_and_a_cnn_are_as_the_documents_say(lang):
    text = i18n.t("documents.what.text", lang)
    assert ("2層以上" if lang == "ja" else "two or more") in text  # 004: 中間層が2層以上
    assert "28×28 = **784" in text and "**10" in text
    assert ("単純型細胞" if lang == "ja" else "simple cells") in i18n.t("documents.cells.simple", lang)
    assert ("複雑型細胞" if lang == "ja" else "complex cells") in i18n.t("documents.cells.complex", lang)


def test_the_home_example_follows_004s_layer_shapes():
    """28×28×1 → 26×26×32 → 13×13×32 → 11×11×64 → 5×5×64 → 1,600 → … → 10, as models/zoo.py builds 004."""
    pytest.importorskip("keras")
    from models import zoo

    shapes = [row["output_shape"] for row in zoo.layer_table(zoo.build("colab_cnn"))]
    for lang in ("ja", "en"):
        said = re.findall(r"\d+×\d+×\d+|1,600|(?<=\D)10(?=\D|$)", i18n.t("documents.what.example", lang))
        assert said[0] == "28×28×1" and said[1:5] == shapes[:4] and shapes[4] == "1600" and said[5] == "1,600"
        assert shapes[-1] == "10" and said[-1] == "10"


def test_the_trial_method_is_not_called_substitution():
    """004's 「値を代入して求める」 is trying values; school maths' 代入法 is the first way. The pages say
    「値を当てはめて試す」 and quote the document's words only as a quotation."""
    ja = [v for v in i18n.catalog("ja").values() if isinstance(v, str)]
    assert any("値を当てはめて試す" in text for text in ja)
    for text in ja:
        for found in re.finditer("値を代入", text):
            assert text[found.end():].startswith("して求める」"), text
