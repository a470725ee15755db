"""The class gallery's store: sends, duplicates, the limit, hiding, clearing, the .npz export,
evaluation against hand counts, restarts, thirty students at once, and a crash mid-write."""
import io
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from core import gallery
from tests.conftest import ROOT


def drawing(seed: int) -> np.ndarray:
    """A distinct 28×28 float 'prepared drawing' in [0, 1] (seeded noise on a 10×10 block)."""
    image = np.zeros((28, 28), dtype=np.float32)
    image[9:19, 9:19] = np.random.default_rng(seed).random((10, 10))
    return image


@pytest.fixture
def store(tmp_path):
    return gallery.Gallery(tmp_path, limit=50)


def test_add_keeps_the_prepared_image_digit_and_a_64px_canvas(store):
    canvas = np.zeros((280, 280, 4), dtype=np.uint8)
    canvas[100:180, 130:150] = 255  # a white bar, fully opaque
    entry = store.add(drawing(1), 7, canvas, now=1000.0)
    pool = store.pool(with_raw=True)
    assert pool.ids.tolist() == [entry] and pool.digits.tolist() == [7] and pool.created.tolist() == [1000.0]
    assert pool.images.dtype == np.uint8 and pool.images.shape == (1, 28, 28)
    assert np.array_equal(pool.images[0], np.round(drawing(1) * 255).astype(np.uint8))
    raw = pool.raws[0]
    assert raw.shape == (64, 64) and raw.dtype == np.uint8
    # 280 → 64 px: the bar's rows 100–180 / columns 130–150 become ≈ 22.9–41.1 / 29.7–34.3
    assert raw[23:41, 30:34].min() == 255 and raw[:22].max() == 0 and raw[:, :29].max() == 0
    assert store.counts().tolist() == [0] * 7 + [1] + [0, 0]


def test_the_same_drawing_twice_is_refused_as_a_duplicate(store):
    store.add(drawing(1), 3)
    with pytest.raises(gallery.GalleryError) as refused:
        store.add(drawing(1).copy(), 5)  # same pixels, even with another digit
    assert refused.value.key == "duplicate"
    assert len(store.pool()) == 1


@pytest.mark.parametrize("image, digit, reason", [
    (np.zeros((28, 28)), 3, "empty"),
    (np.ones((27, 28)), 3, "bad_image"),
    (np.full((28, 28), np.nan), 3, "bad_image"),
    (None, 3, "bad_image"),
    (drawing(1), 10, "bad_digit"),
    (drawing(1), -1, "bad_digit"),
    (drawing(1), "3", "bad_digit"),
    (drawing(1), True, "bad_digit"),
])
def test_bad_sends_are_refused_with_their_reason(store, image, digit, reason):
    with pytest.raises(gallery.GalleryError) as refused:
        store.add(image, digit)
    assert refused.value.key == reason
    assert len(store.pool(include_hidden=True)) == 0


def test_a_full_pool_refuses_with_its_limit(tmp_path):
    small = gallery.Gallery(tmp_path, limit=3)
    for seed in range(3):
        small.add(drawing(seed), seed)
    with pytest.raises(gallery.GalleryError) as refused:
        small.add(drawing(99), 9)
    assert refused.value.key == "full" and refused.value.values == {"limit": 3}
    small.set_hidden(small.pool().ids[0], True)  # hidden drawings still take room
    with pytest.raises(gallery.GalleryError):
        small.add(drawing(99), 9)


def test_limit_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DOJO_GALLERY_MAX", "7")
    assert gallery.Gallery(tmp_path).limit == 7
    for bad in ("lots", "0", "-3"):
        monkeypatch.setenv("DOJO_GALLERY_MAX", bad)
        assert gallery.max_entries() == 2000
    monkeypatch.setenv("DOJO_DATA_DIR", str(tmp_path / "elsewhere"))
    assert gallery.Gallery().path == tmp_path / "elsewhere" / "gallery.sqlite3"


def test_hide_and_show_again(store):
    ids = [store.add(drawing(seed), seed % 10) for seed in range(4)]
    version = store.version()
    assert store.set_hidden(ids[1], True) is True
    assert store.version() == version + 1
    assert store.pool().ids.tolist() == [ids[0], ids[2], ids[3]]
    assert store.pool(include_hidden=True).hidden.tolist() == [False, True, False, False]
    assert store.counts().tolist() == [1, 0, 1, 1, 0, 0, 0, 0, 0, 0]
    assert store.counts(include_hidden=True)[1] == 1
    assert store.set_hidden(ids[1], False) is True
    assert store.pool().ids.tolist() == ids
    assert store.set_hidden(12345, True) is False


def test_clear_empties_the_pool_and_a_cleared_drawing_can_come_back(store):
    for seed in range(5):
        store.add(drawing(seed), seed)
    assert store.clear() == 5
    assert len(store.pool(include_hidden=True)) == 0 and store.counts().sum() == 0
    new_id = store.add(drawing(0), 0)
    assert new_id == 6  # ids are never reused, so a model's remembered answers never mix two drawings


def test_export_round_trip_with_np_load_hidden_left_out(store):
    ids = [store.add(drawing(seed), digit) for seed, digit in enumerate([4, 1, 4, 9])]
    store.set_hidden(ids[2], True)
    with np.load(io.BytesIO(store.export_npz()), allow_pickle=False) as npz:
        assert sorted(npz.files) == ["x_test", "x_train", "y_test", "y_train"]
        assert npz["x_test"].dtype == np.uint8 and npz["y_test"].dtype == np.uint8
        assert npz["x_test"].shape == (3, 28, 28) and npz["y_test"].tolist() == [4, 1, 9]
        assert npz["x_train"].shape == (0, 28, 28) and npz["y_train"].shape == (0,)
        expected = np.round(np.stack([drawing(0), drawing(1), drawing(3)]) * 255).astype(np.uint8)
        assert np.array_equal(npz["x_test"], expected)


def test_evaluate_against_a_hand_count(store):
    meant = [0, 0, 1, 1, 1, 2, 7, 7]
    ids = [store.add(drawing(seed), digit) for seed, digit in enumerate(meant)]
    pool = store.pool()
    # the fake model reads: 0 0 1 7 1 2 1 7 → two mistakes, 1 read as 7 (entry 4) and 7 read as 1 (entry 7)
    answers = np.array([0, 0, 1, 7, 1, 2, 1, 7])
    seen = []

    def fake(images):
        seen.append(images.shape)
        assert images.dtype == np.uint8
        return answers[: len(images)]

    result = gallery.evaluate(fake, pool)
    assert seen == [(8, 28, 28)]
    assert result.total == 8 and result.accuracy == pytest.approx(6 / 8)
    assert result.wrong == [(ids[3], 1, 7), (ids[6], 7, 1)]
    expected = np.zeros((10, 10), dtype=int)
    for m, a in zip(meant, answers):
        expected[m, a] += 1
    assert np.array_equal(result.confusion, expected)
    assert result.confusion[1, 1] == 2 and result.confusion[1, 7] == 1 and result.confusion[7, 1] == 1
    assert result.confusion.sum() == 8


def test_evaluate_an_empty_pool_and_a_wrong_answer_count(store):
    empty = gallery.evaluate(lambda images: np.zeros(len(images)), store.pool())
    assert empty.accuracy is None and empty.total == 0 and empty.confusion.sum() == 0
    store.add(drawing(1), 1)
    with pytest.raises(ValueError):
        gallery.evaluate(lambda images: np.zeros(3), store.pool())


def test_reading_memo_reads_each_drawing_once(store):
    for seed in range(3):
        store.add(drawing(seed), seed)
    calls = []

    def model(images):
        calls.append(len(images))
        return np.full(len(images), 2)

    memo = gallery.ReadingMemo()
    first = store.pool()
    assert gallery.evaluate(memo.predict_fn(first.ids, model), first).accuracy == pytest.approx(1 / 3)
    store.add(drawing(3), 2)
    second = store.pool()
    result = gallery.evaluate(memo.predict_fn(second.ids, model), second)
    assert calls == [3, 1] and result.accuracy == pytest.approx(2 / 4)
    gallery.evaluate(memo.predict_fn(second.ids, model), second)
    assert calls == [3, 1]


def test_survives_a_restart(tmp_path):
    first = gallery.Gallery(tmp_path, limit=10)
    ids = [first.add(drawing(seed), seed) for seed in range(3)]
    first.set_hidden(ids[0], True)
    version = first.version()
    code = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(ROOT)!r})
        from core import gallery
        store = gallery.Gallery({str(tmp_path)!r}, limit=10)
        pool = store.pool(include_hidden=True)
        print(pool.ids.tolist(), pool.digits.tolist(), pool.hidden.tolist(), store.version())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[0] == f"{ids} [0, 1, 2] [True, False, False] {version}"


def test_thirty_students_sending_at_once(tmp_path):
    store = gallery.Gallery(tmp_path, limit=2000)
    start = threading.Barrier(30)
    refused, errors = [], []

    def student(k):
        start.wait()
        for j in range(10):
            try:
                # each student sends 10 distinct drawings and one of them twice
                store.add(drawing(1000 * k + j), (k + j) % 10)
                if j == 5:
                    store.add(drawing(1000 * k + j), (k + j) % 10)
            except gallery.GalleryError as error:
                refused.append(error.key)
            except Exception as error:  # noqa: BLE001 — any other failure fails the test below
                errors.append(repr(error))

    threads = [threading.Thread(target=student, args=(k,)) for k in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert refused == ["duplicate"] * 30
    pool = store.pool()
    assert len(pool) == 300 and len(set(pool.ids.tolist())) == 300
    assert store.counts().tolist() == [30] * 10
    with sqlite3.connect(store.path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_thirty_students_racing_for_the_last_places(tmp_path):
    store = gallery.Gallery(tmp_path, limit=10)
    start = threading.Barrier(30)
    outcomes = []

    def student(k):
        start.wait()
        try:
            store.add(drawing(k), k % 10)
            outcomes.append("sent")
        except gallery.GalleryError as error:
            outcomes.append(error.key)

    threads = [threading.Thread(target=student, args=(k,)) for k in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full"] * 20 + ["sent"] * 10
    assert len(store.pool()) == 10


def test_a_crash_between_insert_and_commit_leaves_no_partial_entry(tmp_path):
    """A server process killed (os._exit) right after its INSERT ran, before COMMIT."""
    store = gallery.Gallery(tmp_path, limit=10)
    store.add(drawing(1), 1)
    version = store.version()
    code = textwrap.dedent(f"""
        import os, sys; sys.path.insert(0, {str(ROOT)!r})
        import numpy as np
        from core import gallery

        class Dying:
            def __init__(self, connection): self.connection = connection
            def execute(self, sql, *args):
                result = self.connection.execute(sql, *args)
                if sql.startswith("INSERT INTO drawings"):
                    print("inserted", flush=True)
                    os._exit(9)
                return result
            def close(self): self.connection.close()

        class DyingGallery(gallery.Gallery):
            def _connect(self): return Dying(super()._connect())

        image = np.zeros((28, 28), np.float32); image[5:20, 5:20] = 1.0
        DyingGallery({str(tmp_path)!r}, limit=10).add(image, 4)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 9 and result.stdout.strip() == "inserted", result.stderr[-2000:]
    again = gallery.Gallery(tmp_path, limit=10)
    assert again.pool(include_hidden=True).digits.tolist() == [1]
    assert again.version() == version
    with sqlite3.connect(again.path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    image = np.zeros((28, 28), np.float32)
    image[5:20, 5:20] = 1.0
    again.add(image, 4)  # the same drawing goes in fine afterwards: nothing was half-kept
    assert again.pool().digits.tolist() == [1, 4]


def test_an_error_inside_the_transaction_rolls_back(store, monkeypatch):
    store.add(drawing(1), 1)

    def broken(connection):
        connection.execute("INSERT INTO drawings (digit, image, raw, created, hash) VALUES (2, ?, NULL, 0, 'x')",
                           (bytes(784),))
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        store._write(broken)
    assert store.pool().digits.tolist() == [1]


def test_teacher_pin_from_the_environment_or_made_once(monkeypatch):
    monkeypatch.setenv("DOJO_TEACHER_PIN", " 4242 ")
    assert gallery.teacher_pin() == "4242"
    monkeypatch.delenv("DOJO_TEACHER_PIN")
    monkeypatch.setattr(gallery, "_PIN", [])
    said = []
    pin = gallery.teacher_pin(announce=said.append)
    assert len(pin) == 6 and pin.isdigit() and said == [pin]
    assert gallery.teacher_pin(announce=said.append) == pin and said == [pin]  # announced once
    assert gallery.pin_matches(f" {pin} ", pin) and not gallery.pin_matches("000000" if pin != "000000" else "1", pin)


def test_no_streamlit_and_no_tensorflow_on_import():
    code = ("import sys; sys.path.insert(0, %r); import core.gallery, core.charts.gallery; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'tensorflow', 'keras')))"
            % str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ}).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------ the page's pictures (core/charts/gallery.py)

def test_tile_rows_places_each_drawing_between_grey_lines():
    from core.charts import gallery as charts

    images = np.stack([np.full((2, 2), 10 * (k + 1), dtype=np.uint8) for k in range(3)])
    mosaic = charts.tile_rows(images, columns=2)
    # 2 rows × 2 columns of 2×2 tiles with 2 px lines between and around: 2 + 2·(2 + 2) = 10
    assert mosaic.shape == (10, 10)
    assert (mosaic[2:4, 2:4] == 10).all() and (mosaic[2:4, 6:8] == 20).all() and (mosaic[6:8, 2:4] == 30).all()
    assert (mosaic[6:8, 6:8] == charts.GAP_GREY).all()  # the empty place of the last row
    assert (mosaic[:2] == charts.GAP_GREY).all() and (mosaic[:, 4:6] == charts.GAP_GREY).all()
    assert mosaic.sum() == 4 * (10 + 20 + 30) + (100 - 12) * charts.GAP_GREY


def test_digit_strip_and_data_url_are_pngs_of_the_pixels():
    import base64

    from PIL import Image

    from core.charts import gallery as charts

    images = np.stack([np.round(drawing(k) * 255).astype(np.uint8) for k in range(31)])
    strip = Image.open(io.BytesIO(charts.digit_strip(images, columns=30)))
    assert strip.format == "PNG" and strip.size == (30 * 30 + 2, 2 * 30 + 2)
    assert np.array_equal(np.asarray(strip)[32:60, 2:30], images[30])  # the 31st starts the second row
    url = charts.data_url(images[0])
    assert url.startswith("data:image/png;base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert np.array_equal(np.asarray(decoded), images[0])


def test_hide_table_lists_one_digit_hidden_ones_too(store):
    from core.charts import gallery as charts

    canvas = np.zeros((280, 280), dtype=np.uint8)
    canvas[50:200, 100:120] = 255
    ids = [store.add(drawing(k), digit, canvas if k == 0 else None, now=3600.0 * k)
           for k, digit in enumerate([5, 3, 5, 5])]
    store.set_hidden(ids[2], True)
    urls = {}
    table, shown = charts.hide_table(store.pool(include_hidden=True, with_raw=True), 5, urls)
    assert shown == [ids[0], ids[2], ids[3]] and sorted(urls) == shown
    assert table["hidden"].tolist() == [False, True, False] and table["meant"].tolist() == [5, 5, 5]
    assert table["drawn"][0] == charts.data_url(gallery.shrink_canvas(canvas))
    assert table["drawn"][1] == charts.data_url(np.zeros((64, 64), np.uint8))  # sent without its canvas
    urls[ids[0]] = ("kept", "kept")
    table, _ = charts.hide_table(store.pool(include_hidden=True, with_raw=True), 5, urls)
    assert table["drawn"][0] == "kept"  # encoded once, then reused


def test_accuracy_figure_bars_in_percent():
    from core.charts import gallery as charts

    fig = charts.accuracy_figure(["A", "B"], [0.5, 0.875], [0.99, None],
                                 {"pool": "ours", "mnist": "MNIST", "axis": "accuracy"})
    ours, mnist = fig.data
    assert list(ours.y) == [50.0, 87.5] and list(ours.text) == ["50.0%", "87.5%"] and ours.name == "ours"
    assert list(mnist.y) == [99.0, None] and list(mnist.text) == ["99.0%", ""]


def test_evaluate_a_real_keras_model_against_a_hand_count(store):
    """keras_predict_fn through core.lab.explain.predict_all (batches of 4 here) on a real tiny model."""
    from tests.gallery_helpers import ink_drawing, ink_reader

    meant = [0, 0, 1, 1, 1, 2, 7, 7, 9]
    read = [0, 0, 1, 7, 1, 2, 1, 7, 4]  # by construction of the drawings: three mistakes
    ids = [store.add(ink_drawing(r, k), m) for k, (m, r) in enumerate(zip(meant, read))]
    result = gallery.evaluate(gallery.keras_predict_fn(ink_reader(), batch_size=4), store.pool())
    assert result.total == 9 and result.accuracy == pytest.approx(6 / 9)
    assert result.wrong == [(ids[3], 1, 7), (ids[6], 7, 1), (ids[8], 9, 4)]
    by_hand = np.zeros((10, 10), dtype=int)
    by_hand[0, 0] = 2
    by_hand[1, 1], by_hand[1, 7] = 2, 1
    by_hand[2, 2] = 1
    by_hand[7, 1], by_hand[7, 7] = 1, 1
    by_hand[9, 4] = 1
    assert result.confusion.tolist() == by_hand.tolist()
    images, pairs = gallery.misread(result, store.pool(), limit=2)
    assert pairs == [(1, 7), (7, 1)]  # by digit meant, then age
    assert np.array_equal(images, np.stack([ink_drawing(7, 3), ink_drawing(1, 6)]))
    store.set_hidden(ids[8], True)  # the teacher hides the 9: it is read no more
    assert gallery.evaluate(gallery.keras_predict_fn(ink_reader()), store.pool()).accuracy == pytest.approx(6 / 8)
