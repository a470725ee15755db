"""The chart palette stays apart for colour-blind students: every pair of the categorical colours, and the
signed scale's ends and steps, differ clearly after a deuteranopia simulation (the most common form).

Simulation: Machado, Oliveira & Fernandes (2009), severity 1, applied to linear RGB; difference: CIE76
ΔE in CIELAB (D65). ΔE ≈ 2 is just noticeable; 15 is clearly different at a glance.
"""
import itertools

import numpy as np
import pytest

from core.charts import style

DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968],
                         [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
RGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE = np.array([0.95047, 1.0, 1.08883])
CLEAR = 15.0  # ΔE between any two colours that must not be confused


def linear_rgb(colour: str) -> np.ndarray:
    srgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    xyz = RGB_TO_XYZ @ rgb / WHITE
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen_apart(first: str, second: str, simulate: bool = True) -> float:
    """ΔE between two "#rrggbb" colours as a deuteranope sees them (or as anyone does)."""
    a, b = linear_rgb(first), linear_rgb(second)
    if simulate:
        a, b = np.clip(DEUTERANOPIA @ a, 0, 1), np.clip(DEUTERANOPIA @ b, 0, 1)
    return float(np.linalg.norm(lab(a) - lab(b)))


def test_the_measure_matches_hand_values():
    assert seen_apart("#000000", "#ffffff", simulate=False) == pytest.approx(100.0, abs=0.01)  # L* 0 → 100
    assert seen_apart("#777777", "#777777") == 0.0
    # the simulation keeps greys grey (its rows sum to 1): black to white is still 100 apart
    assert seen_apart("#000000", "#ffffff") == pytest.approx(100.0, abs=0.05)


def test_the_check_catches_plotlys_old_red_and_green():
    """The palette this project used before (plotly's default red #d62728 and green #2ca02c): far apart
    for most eyes, nearly the same for a deuteranope. The check below would have failed on it."""
    assert seen_apart("#d62728", "#2ca02c", simulate=False) > 100
    assert seen_apart("#d62728", "#2ca02c") < 8


@pytest.mark.parametrize("first,second", itertools.combinations(
    [style.BLUE, style.RED, style.GREEN, style.ORANGE, style.GREY, style.PURPLE], 2))
def test_every_pair_of_chart_colours_stays_apart_for_a_deuteranope(first, second):
    assert seen_apart(first, second) >= CLEAR, (first, second)


def test_the_signed_scale_keeps_negative_zero_and_positive_apart():
    stops = [colour for _, colour in style.SIGNED]
    assert [position for position, _ in style.SIGNED] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert stops[2] == "#f7f7f7"  # 0 is (almost) white
    assert seen_apart(stops[0], stops[-1]) >= 5 * CLEAR  # the two ends: opposite at a glance
    for low, high in zip(stops, stops[1:]):
        assert seen_apart(low, high) >= CLEAR, (low, high)
    # the same distance from 0 looks about as strong on both sides (lightness within 10 L*)
    lightness = [lab(linear_rgb(colour))[0] for colour in stops]
    assert abs(lightness[0] - lightness[4]) < 10 and abs(lightness[1] - lightness[3]) < 10
