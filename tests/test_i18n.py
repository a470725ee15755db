"""Every text exists in both languages with the same placeholders."""
import re

from core import i18n

FIELD = re.compile(r"\{(\w+)\}")


def test_japanese_and_english_have_the_same_keys():
    ja, en = i18n.catalog("ja"), i18n.catalog("en")
    assert sorted(set(ja) - set(en)) == []
    assert sorted(set(en) - set(ja)) == []


def test_placeholders_match():
    ja, en = i18n.catalog("ja"), i18n.catalog("en")
    for key, text in ja.items():
        if isinstance(text, str):
            assert set(FIELD.findall(text)) == set(FIELD.findall(str(en[key]))), key


def test_lookup_fills_values_and_falls_back_to_the_key():
    assert i18n.t("home.no_weights", "en", key="lenet5").startswith("The pretrained weights of `lenet5`")
    assert i18n.t("no.such.key", "en") == "no.such.key"
