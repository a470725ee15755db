"""Home page and router under AppTest: both languages, the model table, missing weights."""
import shutil

from streamlit.testing.v1 import AppTest

from models import zoo
from tests.conftest import ROOT, open_page


def test_router_starts_in_japanese_and_switches_to_english():
    at = AppTest.from_file(str(ROOT / "app.py")).run(timeout=30)
    assert not at.exception
    assert at.radio(key="lang").value == "ja"
    assert any("レッスンの地図" in h.value for h in at.header)
    at.radio(key="lang").set_value("en").run(timeout=30)
    assert not at.exception
    assert any("Lesson map" in h.value for h in at.header)


def test_home_model_table_lists_the_five_cnns():
    at = open_page("pages/home.py", "en")
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Key"].tolist() == list(zoo.REGISTRY)
    assert table["Document"].tolist() == ["000", "001", "002", "003", "004"]


def test_home_says_how_each_shipped_model_was_trained_beside_the_documents_settings():
    at = open_page("pages/home.py", "en")
    table = at.dataframe[0].value.set_index("Key")
    meta = zoo.pretrained_meta("colab_cnn")
    shipped = table.loc["colab_cnn"]
    assert shipped["Epochs (shipped weights)"] == f"{meta['best_epoch']} (of {meta['epochs_trained']} run)"
    assert shipped["Training data (shipped weights)"] == "54,000 + augmentation (6,000 validation)"
    assert shipped["Document's settings (the studio's \"document settings\")"] == "15 epochs, 54,000, no augmentation"
    assert table.loc["lenet5", "Document's settings (the studio's \"document settings\")"] == "500 epochs, 60,000, no augmentation"
    caption = " ".join(c.value for c in at.caption)
    assert "The shipped weights of all 5 models were trained" in caption and "004 Colab CNN" not in caption
    assert "rotation ±5°" in caption and "last 6,000 training images" in caption
    assert "width ±15 % (30 % of the digits much narrower, down to 45 % of their width" in caption
    ja = " ".join(c.value for c in open_page("pages/home.py", "ja").caption)
    assert "同梱の学習済みの重み（5つのモデルすべて）" in ja and "データ拡張" in ja


def test_home_warns_about_missing_weights_and_still_renders(tmp_path, monkeypatch):
    for path in zoo.PRETRAINED_DIR.glob("*.json"):
        if path.stem != "qiita_cnn":
            shutil.copy(path, tmp_path)
    monkeypatch.setattr(zoo, "PRETRAINED_DIR", tmp_path)
    at = open_page("pages/home.py", "en")
    assert not at.exception
    assert [w.value for w in at.warning if "qiita_cnn" in w.value]
    assert len(at.dataframe[0].value) == 5
    caption = " ".join(c.value for c in at.caption)  # four of five augmented: named one by one
    assert "The shipped weights of 000 LeNet-5, 001 Keras mnist_cnn" in caption and "002" not in caption
