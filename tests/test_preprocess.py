"""core.lab.preprocess: the MNIST-way preparation of drawings and uploads, with hand-checked cases."""
import io

import numpy as np
import pytest
from PIL import Image

from core import i18n
from core.lab import preprocess as P
from bench.harness.drawings import template_drawing


def canvas(height=280, width=280):
    """A black RGBA canvas like streamlit-drawable-canvas returns."""
    image = np.zeros((height, width, 4), dtype=np.uint8)
    image[..., 3] = 255
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


# ---------------------------------------------------------------- small pieces

def test_to_ink_reads_grey_rgb_rgba_and_weights_by_alpha():
    rgba = canvas(2, 2)
    rgba[0, 0, :3] = 255                      # white, opaque
    rgba[0, 1, :3] = 255
    rgba[0, 1, 3] = 0                         # white but transparent → background
    ink = P.to_ink(rgba)
    assert ink[0, 0] == pytest.approx(1.0, abs=1e-3)
    assert ink[0, 1] == 0.0
    assert P.to_ink(rgba[..., :3])[0, 1] == pytest.approx(1.0, abs=1e-3)
    assert P.to_ink(np.array([[0, 51]], dtype=np.uint8))[0].tolist() == pytest.approx([0.0, 0.2])
    with pytest.raises(ValueError):
        P.to_ink(np.zeros((2, 2, 2), dtype=np.uint8))


def test_ink_box_is_half_open_and_none_without_ink():
    ink = np.zeros((10, 10))
    ink[2:5, 3:8] = 1.0
    assert P.ink_box(ink) == (2, 5, 3, 8)
    assert P.ink_box(np.zeros((4, 4))) is None


def test_main_span_leaves_out_a_light_far_run_but_keeps_heavy_ones():
    profile = np.zeros(100)
    profile[2:4] = 1.0                        # a stray click: 2 units of ink, far away
    profile[30:60] = 5.0                      # the digit: 150
    profile[66:70] = 9.0                      # a separate heavy stroke (36 ≥ 15 % of 150): kept
    assert P.main_span(profile, gap=3) == (30, 70)
    assert P.main_span(profile, gap=40) == (2, 70)   # everything within one gap is one run
    assert P.main_span(np.zeros(5), gap=2) is None


def test_a_stray_click_in_a_corner_does_not_shrink_the_digit():
    image = template_drawing(5, np.random.default_rng(3))
    clean = P.canvas_to_mnist(image)
    dotted = image.copy()
    dotted[270:278, 2:10, :3] = 255               # an 8 px dot in the bottom-left corner
    np.testing.assert_allclose(P.canvas_to_mnist(dotted), clean)


def test_stroke_width_of_a_band_is_its_width():
    band = np.zeros((100, 100), dtype=bool)
    band[10:90, 40:48] = True                 # 80 long, 8 wide: 2·640 / (2·80 + 2·8) = 7.27
    assert P.stroke_width(band) == pytest.approx(2 * 640 / 176)
    assert P.stroke_width(np.zeros((3, 3), dtype=bool)) == 0.0


def test_match_stroke_thins_and_thickens_towards_the_target():
    band = np.zeros((80, 80), dtype=bool)
    band[5:75, 30:50] = True                  # 20 px wide
    assert 6 <= P.match_stroke(band, 8.0)[40].sum() <= 12
    hair = np.zeros((80, 80), dtype=bool)
    hair[5:75, 40:42] = True                  # 2 px wide
    assert 6 <= P.match_stroke(hair, 8.0)[40].sum() <= 10


def test_thinning_never_erases_most_of_a_drawing():
    blob = np.zeros((80, 80), dtype=bool)
    blob[10:70, 10:70] = True                 # a filled square: "width" 30, target 2
    thinned = P.match_stroke(blob, 2.0)
    assert thinned.sum() >= 0.5 * 0.5 * blob.sum()


def test_centre_of_mass_by_hand():
    image = np.zeros((3, 4), dtype=np.float32)
    image[0, 0] = 1.0
    image[2, 3] = 3.0                         # rows (0·1 + 2·3)/4 = 1.5, columns (0·1 + 3·3)/4 = 2.25
    assert P.centre_of_mass(image) == pytest.approx((1.5, 2.25))


# ---------------------------------------------------------------- canvas_to_mnist

def test_empty_canvas_raises_empty_drawing_error():
    with pytest.raises(P.EmptyDrawingError):
        P.canvas_to_mnist(canvas())
    assert issubclass(P.EmptyDrawingError, ValueError)


def test_a_vertical_bar_becomes_a_20_px_tall_centred_one():
    image = canvas()
    image[20:220, 30:50, :3] = 255            # a "1" in the top-left corner, 200 tall, 20 wide
    out = P.canvas_to_mnist(image)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0
    rows = np.flatnonzero(out.max(axis=1) > 0.1)
    assert rows[-1] - rows[0] + 1 == 20       # the longer side is 20 px
    cy, cx = P.centre_of_mass(out)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    cols = np.flatnonzero(out.max(axis=0) > 0.1)
    assert cols[-1] - cols[0] + 1 <= 4        # still a thin bar, aspect ratio kept


@pytest.mark.parametrize("fmt", ["rgba", "rgb", "grey"])
def test_formats_give_the_same_input(fmt):
    image = template_drawing(3, np.random.default_rng(5))
    reference = P.canvas_to_mnist(image)
    other = {"rgba": image, "rgb": image[..., :3], "grey": image[..., 0]}[fmt]
    np.testing.assert_allclose(P.canvas_to_mnist(other), reference, atol=1e-2)


def test_size_position_and_pen_width_hardly_matter():
    """The same "7" small with a fat pen near a corner and large with a thin pen: both become
    20 px tall, centred, with about the same amount of ink (without stroke matching, not)."""
    from bench.harness.drawings import _render

    seven = [[(0.0, 0.0), (1.0, 0.0), (0.4, 1.0)]]
    small = _render([[(10 + 50 * x, 200 + 70 * y) for x, y in s] for s in seven], pen=16)
    large = _render([[(60 + 160 * x, 30 + 220 * y) for x, y in s] for s in seven], pen=8)
    for image in (small, large):
        out = P.canvas_to_mnist(image)
        rows = np.flatnonzero(out.max(axis=1) > 0.1)
        assert rows[-1] - rows[0] + 1 == 20
        assert np.allclose(P.centre_of_mass(out), (14, 14), atol=0.5)
    matched = [P.canvas_to_mnist(image).sum() for image in (small, large)]
    unmatched = [P.prepare_ink(P.to_ink(image), normalise_stroke=False).sum() for image in (small, large)]
    assert max(matched) / min(matched) < 1.25
    assert max(unmatched) / min(unmatched) > 2.0


def test_ink_amount_looks_like_mnist():
    """Stroke width is matched: MNIST digits light ~19 % of the 28×28 pixels (mean 0.12)."""
    rng = np.random.default_rng(0)
    means = [P.canvas_to_mnist(template_drawing(d, rng)).mean() for d in range(10) for _ in range(3)]
    assert 0.06 < np.mean(means) < 0.18


def test_naive_resize_is_the_whole_canvas_shrunk():
    image = canvas()
    image[0:140, 0:140, :3] = 255             # the top-left quarter white
    out = P.naive_resize(image)
    assert out.shape == (28, 28)
    assert out[:13, :13].min() > 0.95 and out[15:, 15:].max() < 0.05


def test_read_canvas_gives_both_ways_from_the_canvas_png():
    drawing = template_drawing(4, np.random.default_rng(5))  # RGBA, as the canvas sends it
    buffer = io.BytesIO()
    Image.fromarray(drawing).save(buffer, "PNG")
    mnist_way, naive_way = P.read_canvas(buffer.getvalue())
    np.testing.assert_allclose(mnist_way, P.canvas_to_mnist(drawing))
    np.testing.assert_allclose(naive_way, P.naive_resize(drawing), atol=1 / 255)
    blank = io.BytesIO()
    Image.fromarray(canvas()).save(blank, "PNG")
    with pytest.raises(P.EmptyDrawingError):
        P.read_canvas(blank.getvalue())


# ---------------------------------------------------------------- image_to_mnist

@pytest.fixture(scope="module")
def seven():
    """A "7" as white ink on black, and its canvas preparation."""
    ink = template_drawing(7, np.random.default_rng(11))[..., 0]
    return ink, P.canvas_to_mnist(ink)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "GIF", "WEBP"])
def test_dark_ink_on_paper_is_inverted_in_every_format(seven, fmt):
    ink, reference = seven
    paper = Image.fromarray(255 - ink).convert("RGB")
    out = P.image_to_mnist(encode(paper, fmt))
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert np.abs(out - reference).mean() < 0.02


def test_transparent_png_is_drawn_on_white(seven):
    ink, reference = seven
    black_ink = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    black_ink.putalpha(Image.fromarray(ink))  # black strokes, transparent elsewhere
    assert np.abs(P.image_to_mnist(encode(black_ink, "PNG")) - reference).mean() < 0.02


def test_exif_rotation_is_undone(seven):
    ink, reference = seven
    paper = Image.fromarray(255 - ink).convert("RGB").rotate(90, expand=True)  # stored turned left
    exif = Image.Exif()
    exif[0x0112] = 6                          # "turn right to display"
    upright = P.image_to_mnist(encode(paper, "JPEG", exif=exif, quality=95))
    sideways = P.image_to_mnist(encode(paper, "JPEG", quality=95))
    assert np.abs(upright - reference).mean() < 0.02
    assert np.abs(sideways - reference).mean() > 0.05


def test_a_shaded_noisy_photo_still_reads_like_the_drawing(seven):
    ink, reference = seven
    rng = np.random.default_rng(1)
    photo = np.linspace(170, 240, 600)[None, :] * np.ones((800, 1))   # uneven light on the paper
    photo[150:650, 50:550] -= np.asarray(Image.fromarray(ink).resize((500, 500))) / 255 * 140
    photo = np.clip(photo + rng.normal(0, 10, photo.shape), 0, 255).astype(np.uint8)
    out = P.image_to_mnist(encode(Image.fromarray(photo).convert("RGB"), "JPEG", quality=80))
    assert np.abs(out - reference).mean() < 0.08


def test_a_mnist_style_image_is_not_inverted():
    image = np.zeros((28, 28), dtype=np.uint8)
    image[4:24, 12:16] = 255                  # white bar on black, already MNIST-like
    out = P.image_to_mnist(encode(Image.fromarray(image), "PNG"))
    assert out[14, 13:15].min() > 0.5 and out[0, 0] == 0.0


@pytest.mark.parametrize("data, key", [
    (b"", "empty_file"),
    (b"this is a text file, not a picture" * 3, "not_image"),
    (b"\0" * (P.MAX_FILE_BYTES + 1), "too_large"),
])
def test_unusable_bytes_raise_image_error_with_a_key(data, key):
    with pytest.raises(P.ImageError) as caught:
        P.image_to_mnist(data)
    assert caught.value.key == key and isinstance(caught.value, ValueError)
    for lang in ("ja", "en"):  # the message of every language fills in with the values the error carries
        assert i18n.t(f"cnn_lab.upload_error.{key}", lang, **caught.value.values)
    assert str(caught.value) == i18n.t(f"cnn_lab.upload_error.{key}", "en", **caught.value.values)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_files_are_refused(seven, fmt):
    data = encode(Image.fromarray(255 - seven[0]).convert("RGB"), fmt)
    with pytest.raises(P.ImageError) as caught:
        P.image_to_mnist(data[: len(data) // 3])
    assert caught.value.key == "truncated"


def test_decompression_bomb_is_refused_before_decoding():
    bomb = encode(Image.new("1", (9000, 9000)), "PNG")   # 81 megapixels in ~10 kB
    assert len(bomb) < 100_000
    with pytest.raises(P.ImageError) as caught:
        P.image_to_mnist(bomb)
    assert caught.value.key == "too_many_pixels"


def test_just_over_the_pixel_limit_is_refused_too():
    side = int(np.sqrt(P.MAX_PIXELS)) + 10    # above the limit, below Pillow's hard error
    with pytest.raises(P.ImageError) as caught:
        P.image_to_mnist(encode(Image.new("1", (side, side)), "PNG"))
    assert caught.value.key == "too_many_pixels"


def test_a_flat_picture_has_no_digit():
    with pytest.raises(P.ImageError) as caught:
        P.image_to_mnist(encode(Image.new("RGB", (60, 60), (200, 180, 160)), "PNG"))
    assert caught.value.key == "no_ink"


def test_every_error_key_has_a_message_in_both_languages_and_nowhere_else():
    for lang in ("ja", "en"):
        written = {key.rsplit(".", 1)[1] for key in i18n.catalog(lang) if key.startswith("cnn_lab.upload_error.")}
        assert written == set(P.ImageError.KEYS)
    with pytest.raises(KeyError):
        P.ImageError("a reason with no message")
