"""core.charts.answers, digits and layers: the lab pages' answers, digits and layer figures, checked by hand."""
import json

import numpy as np
import plotly.io as pio
import pytest

from core.charts import answers, digits, layers
from core.charts.style import INK, SIGNED


def test_answer_picks_top_and_runner_up_and_flags_a_guess():
    proba = np.array([0.05, 0.5, 0.3, 0.15, 0, 0, 0, 0, 0, 0])
    read = answers.answer(proba)
    assert (read.digit, read.runner_up) == (1, 2)
    assert read.confidence == pytest.approx(0.5) and read.runner_up_confidence == pytest.approx(0.3)
    assert not read.sure                          # 50 % < 60 %
    assert answers.answer(np.eye(10)[7]).sure


def test_probability_bars_show_every_digit_highlight_the_top_and_mark_the_truth():
    html = answers.probability_bars(np.eye(10)[3] * 0.9 + 0.01, "outputs")
    assert html.count("%;height:16px") == 10
    assert "width:91.0%" in html                  # 0.9 + 0.01
    assert html.count(answers.ACCENT) == 1 and "outputs" in html
    assert "✔" not in html
    marked = answers.probability_bars(np.eye(10)[3] * 0.9 + 0.01, "outputs", true=5)
    assert marked.count("✔") == 1 and marked.index("✔") < marked.index(">5</span>") < marked.index(">6</span>")


def test_side_by_side_table_formats_known_and_unknown_values():
    labels = {k: k.upper() for k in ("name", "doc", "answer", "confidence", "parameters", "accuracy", "ms")}
    table = answers.side_by_side([
        {"name": "A", "doc": "004", "proba": np.eye(10)[0], "parameters": 34826, "accuracy": 0.9916, "ms": 1.234},
        {"name": "B|C (unavailable)", "doc": "000", "proba": None},
    ], labels)
    header, rule, first, second = table.split("\n")
    assert header == "| NAME | DOC | ANSWER | CONFIDENCE | PARAMETERS | ACCURACY | MS |"
    assert rule.count("---") == 7
    assert first == "| A | 004 | 0 | 100.0 % | 34,826 | 99.16 % | 1.23 |"
    assert second == "| B\\|C (unavailable) | 000 | — | — | — | — | — |"  # a | in a name stays in its cell


def test_digit_html_carries_the_28_by_28_pixels_themselves():
    import base64
    import io
    import re

    from PIL import Image

    image = np.zeros((28, 28), dtype=np.float32)
    image[0, 1], image[27, 27] = 1.0, 0.5
    html = digits.digit_html(image, 168, alt='a "7"')
    assert 'width="168"' in html and "image-rendering:pixelated" in html and 'alt="a &quot;7&quot;"' in html
    data = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1))
    pixels = np.asarray(Image.open(io.BytesIO(data)))
    assert pixels.shape == (28, 28) and pixels[0, 1] == 255 and pixels[27, 27] == 128 and pixels.sum() == 255 + 128


def test_pixel_values_are_0_to_255_integers_in_a_28_by_28_table():
    image = np.zeros((28, 28), dtype=np.float32)
    image[5, 6] = 0.5                             # 127.5 rounds to 128
    html = digits.pixel_table_html(image)
    assert html.count("<tr>") == 28 and html.count("<td") == 28 * 28
    assert html.count(">128</td>") == 1 and "rgb(128,128,128);color:#000\">128</td>" in html


def test_digit_figure_draws_the_pixels_with_full_ink_at_255_or_1():
    seven = np.zeros((28, 28), np.uint8)
    seven[4, 5:20] = 255
    fig = digits.digit_figure(seven, "a seven", box=(3, 4, 3, 3))
    heat = fig.data[0]
    assert np.array_equal(heat.z, seven) and (heat.zmin, heat.zmax) == (0, 255.0)
    assert [list(step) for step in heat.colorscale] == INK and not heat.showscale
    assert fig.layout.title.text == "a seven" and fig.layout.yaxis.autorange == "reversed"
    (box,) = fig.layout.shapes                    # rows 3–5, columns 4–6, pixel edges at ±0.5
    assert (box.x0, box.x1, box.y0, box.y1) == (3.5, 6.5, 2.5, 5.5)
    assert digits.digit_figure(seven / 255.0).data[0].zmax == 1.0
    feature = digits.digit_figure(np.full((5, 5), 3.0), colorscale="Viridis", zmax=3.0, colorbar_title="act")
    assert feature.data[0].zmax == 3.0 and feature.data[0].showscale and not feature.layout.shapes


def test_mosaic_places_tiles_with_gaps_and_title_bands():
    maps = np.arange(12, dtype=float).reshape(3, 2, 2)
    z = digits.mosaic(maps, columns=2, gap=1, band=1)
    assert z.shape == (6, 5)  # 2 rows of (band 1 + 2), 2 columns of 2 with a gap of 1
    np.testing.assert_array_equal(z[1:3, 0:2], maps[0])
    np.testing.assert_array_equal(z[1:3, 3:5], maps[1])
    np.testing.assert_array_equal(z[4:6, 0:2], maps[2])
    assert np.isnan(z[0]).all() and np.isnan(z[:, 2]).all() and np.isnan(z[4:6, 3:5]).all()


def test_gallery_is_one_heatmap_with_a_caption_over_each_digit():
    images = np.zeros((3, 28, 28), np.uint8)
    images[1, 10, 10] = 255
    fig = digits.gallery_figure(images, ["7→1", "2→3", "5→6"], columns=2, caption_colors=["red", "green", "red"])
    heat, captions = fig.data                      # the digits, and one text trace for every caption
    z = np.asarray(heat.z)
    assert z.dtype == np.uint8 and z[0].max() == 0  # bytes stay bytes, paper (0) between the digits
    gap, band = 3, 9                                # round(28·0.12), ceil(28·0.3)
    assert z.shape == (2 * (28 + band), 2 * 28 + gap)
    assert z[band + 10, 28 + gap + 10] == 255 and np.nansum(z) == 255
    assert (fig.data[0].zmin, fig.data[0].zmax) == (0.0, 255.0)
    assert list(captions.text) == ["7→1", "2→3", "5→6"] and list(captions.textfont.color) == ["red", "green", "red"]
    assert captions.x[1] == 28 + gap + 13.5 and captions.y[2] == 28 + band + band - 0.5  # centred above its tile
    assert captions.textposition == "top center" and captions.hoverinfo == "skip"
    assert len(digits.gallery_figure(images[:0], []).data) == 0


def test_confusion_figure_colours_mistakes_and_correct_answers_apart():
    matrix = np.array([[5, 1], [2, 7]])
    fig = digits.confusion_figure(matrix, "pred", "true", mark=(1, 0))
    off, on = fig.data
    assert np.isnan(off.z[0][0]) and off.z[1][0] == 2 and off.z[0][1] == 1 and off.zmax == 2
    assert on.z[1][1] == 7 and on.z[0][0] == 5 and np.isnan(on.z[0][1])
    assert [list(row) for row in off.text] == [["5", "1"], ["2", "7"]]
    (mark,) = fig.layout.shapes                  # true 1 (row), predicted 0 (column)
    assert (mark.x0, mark.x1, mark.y0, mark.y1) == (-0.5, 0.5, 0.5, 1.5)
    assert fig.layout.xaxis.title.text == "pred" and fig.layout.yaxis.title.text == "true"


def test_map_grid_scales_weights_symmetrically_and_activations_from_zero():
    weights = np.random.default_rng(0).normal(size=(5, 4, 4))
    fig = layers.map_grid(weights, [f"#{k}" for k in range(5)], columns=3, colorscale=SIGNED, zmid=0.0)
    assert list(fig.data[1].text) == ["#0", "#1", "#2", "#3", "#4"]
    heatmap = fig.data[0]
    assert heatmap.zmin == -heatmap.zmax == pytest.approx(-np.abs(weights).max())  # white means 0
    assert np.nanmax(heatmap.z) == pytest.approx(weights.max(), rel=1e-6)
    activations = layers.map_grid(np.full((2, 3, 3), 0.5), ["a", "b"], colorbar_title="act")
    assert (activations.data[0].zmin, activations.data[0].zmax) == (0.0, 0.5)
    assert activations.data[0].colorbar.title.text == "act"


def test_layer_figures_carry_the_numbers():
    bars = layers.activation_bars(np.array([0.0, 2.5, 1.0]), "act")
    assert list(bars.data[0].y) == [0.0, 2.5, 1.0] and bars.data[0].marker.color[1] != bars.data[0].marker.color[0]
    fig = layers.pixel_sum_figure(np.ones((3, 3)), np.full((3, 3), 0.5), ("k", "p", "k×p"))
    assert [list(map(float, row)) for row in fig.data[2].z] == [[0.5] * 3] * 3
    assert [list(row) for row in fig.data[2].text] == [["0.50"] * 3] * 3 and [a.text for a in fig.layout.annotations] == ["k", "p", "k×p"]
    channels = layers.channel_figure(np.array([0.3, -0.2]), "t", "x", chosen=1)
    assert list(channels.data[0].y) == [0.3, -0.2] and channels.data[0].marker.color[0] != channels.data[0].marker.color[1]
    why = layers.attribution_figure(np.eye(28), np.eye(28) * -2.0, "why")
    assert (why.data[0].zmin, why.data[0].zmax) == (-2.0, 2.0)


def test_figures_serialise_to_json_as_the_browser_gets_them():
    """Built without plotly's validation, so check that every builder's output still serialises."""
    figures = [
        digits.digit_figure(np.zeros((28, 28), np.uint8), "t", box=(1, 1, 3, 3)),
        digits.gallery_figure(np.zeros((4, 28, 28), np.uint8), list("abcd")),
        digits.confusion_figure(np.eye(10, dtype=int), "p", "t", mark=(0, 1)),
        layers.map_grid(np.ones((3, 5, 5)), ["a", "b", "c"]),
        layers.activation_bars(np.ones(4), "a"),
        layers.pixel_sum_figure(np.ones((3, 3)), np.ones((3, 3)), ("a", "b", "c")),
        layers.channel_figure(np.ones(3), "t", "x"),
        layers.attribution_figure(np.eye(28), np.eye(28), "t", "c"),
    ]
    for fig in figures:
        assert pio.from_json(pio.to_json(fig, validate=False), skip_invalid=False).data
        for trace in json.loads(pio.to_json(fig, validate=False))["data"]:
            # plotly.js knows "Viridis" but not plotly.py's "RdBu_r": every scale goes as a list
            assert "colorscale" not in trace or isinstance(trace["colorscale"], list)
    signed = layers.pixel_sum_figure(np.ones((3, 3)), np.ones((3, 3)), ("a", "b", "c")).data[0].colorscale
    assert [list(step) for step in signed if step[0] == 0.5] == [[0.5, "#f7f7f7"]]  # 0 is (nearly) white
