"""The documents on the pages: each model's corrected listing and reported result in the studio, the
overfitting section beside this session's runs (AppTest, both languages)."""
import pytest

from core.training import studio as records
from models import documents
from tests.conftest import open_page

PAGE = "pages/training_studio.py"


def texts(at):
    return " ".join(str(e.value) for kind in ("markdown", "caption", "info", "success", "warning", "error")
                    for e in getattr(at, kind))


def fake_run(index=1):
    epochs = [{"epoch": 1, "loss": 0.30, "accuracy": 0.90, "val_loss": 0.10, "val_accuracy": 0.970},
              {"epoch": 2, "loss": 0.10, "accuracy": 0.97, "val_loss": 0.08, "val_accuracy": 0.980},
              {"epoch": 3, "loss": 0.05, "accuracy": 0.99, "val_loss": 0.09, "val_accuracy": 0.979}]
    config = {"optimizer": "adam", "learning_rate": 0.001, "batch_size": 128, "epochs": 3, "train_size": 6000,
              "validation_split": 0.1, "dropout": [0.5], "seed": 0}
    return records.RunRecord(index=index, job_id="j", label=f"#{index} colab_cnn", key="colab_cnn", config=config,
                             state="completed", epochs=epochs, test_accuracy=0.975, test_loss=0.08,
                             wall_seconds=9.0, epochs_done=3.0)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_studio_shows_each_documents_code_and_its_reported_result(lang):
    at = open_page(PAGE, lang, timeout=60)
    assert not at.exception
    assert at.code[0].value.strip() == documents.listing("colab_cnn").strip()  # the default model, document 004
    assert ("資料004は" if lang == "ja" else "Document 004 gives the code") in texts(at)
    at.selectbox(key=f"_studio_key__{lang}").set_value("three_conv").run()
    assert at.code[0].value.strip() == documents.listing("three_conv").strip()
    assert "99.41 %" in texts(at) and "0.0201" in texts(at)  # 003's printed 0.9940999…, 0.020143…
    assert "validation_data=(x_test, y_test)" in texts(at)  # why the test set is not for validation
    at.selectbox(key=f"_studio_key__{lang}").set_value("qiita_cnn").run()
    assert "98.42 %" in texts(at)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_overfitting_sets_002s_numbers_beside_the_class_runs(lang):
    at = open_page(PAGE, lang, timeout=60)
    said = texts(at)
    assert "0.0435" in said and "98.7" in said and "0.0448" in said and "98.42" in said and "0.28" in said
    assert ("学習が終わると" if lang == "ja" else "When a training of this session has finished") in said
    at.session_state["studio_runs"] = [fake_run()]
    at.run()
    assert not at.exception
    (table,) = [t.value for t in at.table]  # a small st.table (the run table stays the page's last dataframe)
    assert table.index.tolist()[0] == ("資料002" if lang == "ja" else "Document 002")
    table = table.reset_index()
    gaps = table.iloc[:, 6].tolist()
    assert gaps == ["+0.28", "+1.50"]  # 002: 98.70 − 98.42; the run: 99.0 − 97.5
    assert table.iloc[0, 3] == "—" and table.iloc[1, 3] == "97.90"  # 002 kept no validation; the run's last epoch
    verdict = table.iloc[1, 7]
    assert verdict == ("過学習の兆し（検証の損失が上昇）" if lang == "ja" else "sign of overfitting (validation loss rising)")
    figure = at.get("plotly_chart")[-1].proto.spec
    assert '"validation' in figure.lower() or "検証データ" in figure


def formulas(at):
    return [e.value.strip("$").strip() for e in at.latex]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_lesson_1_works_004s_substitution_line_by_line_then_tries_values(lang):
    from core import i18n

    at = open_page("pages/lesson_1_regression.py", lang)
    assert not at.exception
    working = [f for f in formulas(at) if not f.startswith(r"\begin")]  # the others are aligned blocks
    assert working == [r"3x = 13 - 2y \;\Rightarrow\; x = (13 - 2y) \div 3"]  # one line at first
    next_line = next(b for b in at.button if b.key == "l1_subst_next")
    for _ in range(5):
        next_line.click().run()
        next_line = next((b for b in at.button if b.key == "l1_subst_next"), None) or next_line
    shown = formulas(at)
    for line in (r"5 \times (13 - 2y) \div 3 + 3y = 21", r"5 \times (13 - 2y) + 9y = 63", "65 - 10y + 9y = 63",
                 r"65 - y = 63 \;\Rightarrow\; y = 2", r"3x + 2 \times 2 = 13 \;\Rightarrow\; 3x = 9 \;\Rightarrow\; x = 3"):
        assert line in shown
    assert at.success[0].value == i18n.t("lesson_1.subst_done", lang)
    subheaders = [e.value for e in at.subheader]
    assert i18n.t("lesson_1.trial_header", lang) in subheaders
    if lang == "ja":
        assert "② 値を当てはめて試す" in subheaders and "代入法" in i18n.t("lesson_1.subst_header", "ja")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_misclassified_gallery_hides_its_labels_until_revealed(lang):
    """002 asks the reader to guess first ("皆さんはいくつ正解しましたか？"): no label before the toggle."""
    import json

    from core import i18n

    at = open_page("pages/test_explorer.py", lang, timeout=60)
    assert not at.exception

    def gallery_titles():
        spec = json.loads(at.get("plotly_chart")[1].proto.spec)
        return next(trace["text"] for trace in spec["data"] if trace.get("mode") == "text")  # one text trace

    count = at.slider(key="explorer_count").value
    hidden = [i18n.t("documents.guess.hidden", lang, n=n) for n in range(1, count + 1)]
    assert gallery_titles() == hidden
    assert i18n.t("documents.guess.prompt", lang) in texts(at)
    at.toggle(key="explorer_reveal").set_value(True).run(timeout=60)
    shown = gallery_titles()
    assert len(shown) == count and shown != hidden
    word = "予測" if lang == "ja" else "pred"
    assert all(title.startswith(word) for title in shown)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_downloaded_keras_model_uploads_into_the_lab_picker(lang, tmp_path):
    """001 saves the model and loads it back (.h5 then, .keras now): the studio's download goes into the lab."""
    keras = pytest.importorskip("keras")
    from streamlit.testing.v1 import AppTest

    from core import i18n
    from models import zoo

    model = zoo.build("colab_cnn")
    model.save(tmp_path / "studio_run1_colab_cnn.keras")
    at = AppTest.from_file("../pages/cnn_lab.py")
    at.session_state["lang"] = lang
    at.run(timeout=60)
    uploader = at.file_uploader(key="lab_model_upload")
    uploader.set_value(("notes.keras", b"not a model at all", "application/octet-stream")).run(timeout=60)
    assert not at.exception and [e.value for e in at.error] == [i18n.t("model_upload.error.not_keras", lang)]
    wide = keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    wide.save(tmp_path / "wide.keras")
    at.file_uploader(key="lab_model_upload").set_value(
        ("wide.keras", (tmp_path / "wide.keras").read_bytes(), "application/octet-stream")).run(timeout=60)
    assert not at.exception and "32×32×1" in at.error[0].value
    data = (tmp_path / "studio_run1_colab_cnn.keras").read_bytes()
    at.file_uploader(key="lab_model_upload").set_value(
        ("studio_run1_colab_cnn.keras", data, "application/octet-stream")).run(timeout=60)
    assert not at.exception and not at.error
    said = at.success[0].value
    assert "studio_run1_colab_cnn.keras" in said and i18n.t("models.colab_cnn.name", lang) in said
    picker = at.selectbox(key=f"lab_model__{lang}")
    assert picker.value == "trained:studio_run1_colab_cnn.keras"
    assert at.session_state["trained_models"]["studio_run1_colab_cnn.keras"]["key"] == "colab_cnn"
