"""Canvas-like augmentation: the warp moves pixels where the maths says, strokes change by a pixel."""
import numpy as np

from core.training import augment
from core.training.augment import Augmentation

NONE = Augmentation(rotation_deg=0, shear=0, aspect=0, scale=0, shift_px=0, thicker=0, thinner=0, renormalise=False,
                    contrast=(0.0, 1.0), flag_ones=0.0, narrow=0.0)


def bar() -> np.ndarray:
    """A 28×28 image with one vertical stroke, column 10, rows 5…22."""
    image = np.zeros((28, 28), dtype=np.float32)
    image[5:23, 10] = 1.0
    return image


def test_identity_and_whole_pixel_shifts_move_pixels_exactly():
    image = np.random.default_rng(0).random((3, 28, 28)).astype(np.float32)
    eye = np.tile(np.eye(2), (3, 1, 1))
    assert np.array_equal(augment.warp(image, eye, np.zeros((3, 2))), image)
    down_right = augment.warp(image, eye, np.tile([-2.0, -1.0], (3, 1)))  # 2 rows down, 1 column right
    assert np.array_equal(down_right[:, 2:, 1:], image[:, :-2, :-1])
    assert not down_right[:, :2].any() and not down_right[:, :, :1].any()  # background comes in
    assert not augment.warp(image, eye, np.tile([40.0, 0.0], (3, 1))).any()  # moved off the field


def test_half_pixel_shift_is_bilinear():
    out = augment.warp(bar()[None], np.eye(2)[None], np.array([[0.0, -0.5]]))[0]
    assert np.allclose(out[5:23, 10], 0.5) and np.allclose(out[5:23, 11], 0.5)
    assert out.sum() == bar().sum()


def test_quarter_turn_about_the_centre():
    """A 90° turn about the field's centre (13.5, 13.5): the vertical bar at column 10, rows 5…22,
    becomes a horizontal one at row 27 − 10 = 17, columns 5…22."""
    forward = np.array([[[0.0, -1.0], [1.0, 0.0]]])
    inverse, origin = augment.placements(bar()[None], forward, NONE, np.random.default_rng(0))
    out = augment.warp(bar()[None], inverse, origin)[0]
    expected = np.zeros((28, 28), dtype=np.float32)
    expected[27 - 10, 5:23] = 1.0
    assert np.allclose(out, expected, atol=1e-5)


def test_renormalised_digits_are_placed_as_the_lab_places_drawings():
    """Whatever the turn and slant: the ink's longer side is 20 px and its centre of mass at (14, 14)
    (bilinear sampling blurs the edge by under a pixel)."""
    from core.lab.preprocess import centre_of_mass

    small = np.zeros((28, 28), dtype=np.float32)
    small[8:14, 6:10] = 1.0  # a 6 × 4 block off-centre
    aug = Augmentation(**{**NONE.describe(), "rotation_deg": 15, "shear": 0.3, "renormalise": True})
    out = augment.augment_batch(np.stack([small, bar()]), np.random.default_rng(3), aug)
    for image in out:
        assert np.allclose(centre_of_mass(image), (14, 14), atol=0.35)
        rows, cols = np.flatnonzero(image.max(axis=1) > 0.2), np.flatnonzero(image.max(axis=0) > 0.2)
        assert 19 <= max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 <= 21


def test_a_share_of_digits_gets_narrower_only_in_width():
    """narrow 0.3, narrowest 0.45: about 30 % of the maps are diag(1, f), f log-uniform in [0.45, 1)
    (mean (1 − 0.45) / ln(1 / 0.45) = 0.689); the rest are the identity."""
    maps = augment.linear_maps(20000, Augmentation(**{**NONE.describe(), "narrow": 0.3, "narrowest": 0.45}),
                               np.random.default_rng(0))
    assert np.allclose(maps[:, 0], [1.0, 0.0]) and np.allclose(maps[:, 1, 0], 0.0)  # heights and uprightness kept
    width = maps[:, 1, 1]
    narrowed = width[width < 1.0]
    assert abs(len(narrowed) / len(width) - 0.3) < 0.015
    assert narrowed.min() >= 0.45 and abs(narrowed.mean() - 0.55 / np.log(1 / 0.45)) < 0.005
    block = np.zeros((28, 28), dtype=np.float32)
    block[6:22, 9:19] = 1.0  # 16 rows × 10 columns about the centre
    out = augment.augment_batch(block[None], np.random.default_rng(0), Augmentation(**{**NONE.describe(), "narrow": 1.0}))[0]
    columns = out.sum(axis=0)
    assert np.allclose(out.sum(axis=1)[6:22], columns.sum() / 16) and out[:6].sum() == out[22:].sum() == 0
    assert 4.4 < columns.sum() / 16 < 10.0  # the same 16 rows, each 4.5–10 pixels of ink


def test_thicker_strokes_gain_one_pixel_and_thinner_lose_half():
    rng = np.random.default_rng(1)
    thick = augment.augment_batch(bar()[None], rng, Augmentation(**{**NONE.describe(), "thicker": 1.0}))[0]
    # the 18-pixel bar grows one column to the left and one row upwards: 2 columns of 19 rows
    assert thick[4:23, 9:11].min() == 1.0 and thick.sum() == 2 * 19
    wide = np.zeros((28, 28), dtype=np.float32)
    wide[5:23, 10:13] = 1.0
    thin = augment.augment_batch(wide[None], rng, Augmentation(**{**NONE.describe(), "thinner": 1.0}))[0]
    assert np.allclose(thin[5:22, 10:12], 1.0) and np.allclose(thin[5:23, 12], 0.5)


def test_contrast_stretch_maps_low_to_black_and_high_to_white():
    grey = np.full((1, 28, 28), 0.45, dtype=np.float32)
    grey[0, 0, 0], grey[0, 0, 1] = 0.05, 0.9
    out = augment.augment_batch(grey, np.random.default_rng(0), Augmentation(**{**NONE.describe(), "contrast": (0.1, 0.8)}))
    assert out[0, 0, 0] == 0.0 and out[0, 0, 1] == 1.0 and np.isclose(out[0, 5, 5], 0.5)  # (0.45 − 0.1) / 0.7


def test_seeded_shapes_range_and_reproducible():
    images = np.random.default_rng(2).random((16, 28, 28, 1)).astype(np.float32)
    a = augment.augment_batch(images, np.random.default_rng(7))
    b = augment.augment_batch(images, np.random.default_rng(7))
    assert a.shape == images.shape and a.dtype == np.float32
    assert np.array_equal(a, b) and not np.array_equal(a, images)
    assert a.min() >= 0.0 and a.max() <= 1.0


def test_batches_keep_their_labels_and_cover_every_image_once_per_epoch():
    images = np.arange(10, dtype=np.float32)[:, None, None, None] * np.ones((10, 28, 28, 1), np.float32) / 10
    labels = np.arange(10)
    stream = augment.augmented_batches(images, labels, batch_size=4, seed=0,
                                       aug=Augmentation(**{**NONE.describe()}))
    assert len(stream) == 3
    seen = []
    for index in range(len(stream)):
        x, y = stream[index]
        assert np.allclose(x[:, 14, 14, 0], y / 10)  # each image still carries its own label
        seen.extend(y.tolist())
    assert sorted(seen) == list(range(10))


def test_an_upright_one_gets_a_flag_up_and_to_the_left_and_nothing_else_changes():
    """The bar (column 10, rows 5…22) keeps its ink; new ink starts at its top (row 5) and goes down to
    the left: 20–45 % of 18 rows long at 15–50° below the horizontal, so it ends 2–8 columns to the left."""
    for seed in range(5):
        out = augment.add_flags(bar()[None], np.random.default_rng(seed))[0]
        assert np.all(out >= bar())
        new = np.argwhere(out - bar() > 0.5)
        assert len(new) >= 2
        assert new[:, 1].min() <= 8 and new[:, 1].max() <= 11  # to the left of the stroke, none to the right
        assert new[:, 0].min() >= 4 and new[:, 0].max() <= 5 + 8  # from the top down, within the upper half


def test_slanted_or_flagged_ones_and_other_digits_keep_their_shape():
    slanted = np.zeros((28, 28), dtype=np.float32)
    for row in range(5, 23):
        slanted[row, 20 - (row - 5) // 2] = 1.0  # leans right: a flag would draw a 7
    flagged = bar()
    flagged[5:8, 4:10] = 1.0  # a flag already
    rng = np.random.default_rng(0)
    assert np.array_equal(augment.add_flags(np.stack([slanted, flagged]), rng), np.stack([slanted, flagged]))
    always = Augmentation(**{**NONE.describe(), "flag_ones": 1.0})
    out = augment.augment_batch(np.stack([bar(), bar()]), rng, always, digits=np.array([1, 7]))
    assert (out[0] > bar()).any() and np.array_equal(out[1], bar())  # only the 1 gets a flag
