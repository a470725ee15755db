"""core.charts.lab: the lab's answer, bars and tables, checked by hand."""
import numpy as np
import pytest

from core.charts import lab as charts_lab


def test_answer_picks_top_and_runner_up_and_flags_a_guess():
    proba = np.array([0.05, 0.5, 0.3, 0.15, 0, 0, 0, 0, 0, 0])
    read = charts_lab.answer(proba)
    assert (read.digit, read.runner_up) == (1, 2)
    assert read.confidence == pytest.approx(0.5) and read.runner_up_confidence == pytest.approx(0.3)
    assert not read.sure                          # 50 % < 60 %
    assert charts_lab.answer(np.eye(10)[7]).sure


def test_enlarge_makes_crisp_square_pixels():
    image = np.zeros((28, 28), dtype=np.float32)
    image[0, 1] = 1.0
    big = charts_lab.enlarge(image, 3)
    assert big.shape == (84, 84) and big.dtype == np.uint8
    assert big[0:3, 3:6].min() == 255 and big[0:3, 0:3].max() == 0


def test_probability_bars_show_every_digit_and_highlight_the_top():
    html = charts_lab.probability_bars(np.eye(10)[3] * 0.9 + 0.01, "outputs")
    assert html.count("%;height:16px") == 10
    assert "width:91.0%" in html                  # 0.9 + 0.01
    assert html.count(charts_lab.ACCENT) == 1 and "outputs" in html


def test_pixel_values_are_0_to_255_integers_in_a_28_by_28_table():
    image = np.zeros((28, 28), dtype=np.float32)
    image[5, 6] = 0.5                             # 127.5 rounds to 128
    table = charts_lab.pixel_table(image)
    assert table.shape == (28, 28) and table.iloc[5, 6] == 128
    html = charts_lab.pixel_table_html(image)
    assert html.count("<tr>") == 28 and "rgb(128,128,128);color:#000\">128</td>" in html


def test_side_by_side_rows_format_known_and_unknown_values():
    labels = {k: k for k in ("name", "doc", "answer", "confidence", "parameters", "accuracy", "ms")}
    rows = charts_lab.side_by_side_rows([
        {"name": "A", "doc": "004", "proba": np.eye(10)[0], "parameters": 34826, "accuracy": 0.9916, "ms": 1.234},
        {"name": "B (unavailable)", "doc": "000", "proba": None},
    ], labels)
    assert rows.iloc[0].tolist() == ["A", "004", "0", "100.0 %", "34,826", "99.16 %", "1.23"]
    assert rows.iloc[1].tolist() == ["B (unavailable)", "000", "—", "—", "—", "—", "—"]
