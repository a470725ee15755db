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
