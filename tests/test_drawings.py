"""bench.harness.drawings: the synthetic canvas drawings the benches and tests measure with."""
import numpy as np

from bench.harness.drawings import holes, redrawn_mnist


def mask(rows: list[str]) -> np.ndarray:
    return np.array([[c == "#" for c in row] for row in rows])


def test_holes_counts_loops_by_hand():
    ring = ["......", ".####.", ".#..#.", ".#..#.", ".####.", "......"]
    eight = [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."]
    c_shape = [".###", "#...", "#...", ".###"]
    pinhole = ["###", "#.#", "###"]  # a single pixel is a speck in the pen, not a loop
    round_ring = [".##.", "#..#", "#..#", ".##."]  # background is 4-connected: a diagonal gap is no way out
    assert holes(mask(ring)) == 1
    assert holes(mask(eight)) == 2
    assert holes(mask(c_shape)) == 0
    assert holes(mask(pinhole)) == 0
    assert holes(mask(round_ring)) == 1
    assert holes(np.zeros((5, 5), bool)) == 0 and holes(np.ones((5, 5), bool)) == 0


def test_a_pen_too_thick_for_the_loops_is_made_thinner():
    """An 8 redrawn 120 px tall with a 60 px pen would be a blob; the drawing keeps both loops."""
    from core.data import load_mnist

    data = load_mnist()
    eights = [image for image in data.x_test[data.y_test == 8][:50] if holes(image > 127) == 2]
    assert len(eights) >= 5
    for image in eights[:5]:
        drawing = redrawn_mnist(image, np.random.default_rng(0), heights=(120, 120), pens=(60, 60),
                                pen_share=0.5)
        assert holes(drawing[..., 0] > 127) >= 2
        assert (drawing[..., 0] > 127).sum() > 1500  # still a thick pen: a 60 px pen would not leave loops
