"""Accuracy on digits drawn with the mouse on the lab's real canvas (headless Chromium).

Draws each template digit of bench/harness/drawings.py (13 shapes) with the lab's default pen (20 px) in
six placements a class produces (large and centred, small in a corner, narrow at the edge, wide,
slanted) and two extreme ones (squeezed to a fifth of its height wide, or twice as wide as
high). After the last stroke it reads the lab's side-by-side table (the five shipped models) and
the answer of the documents' naive way (the whole canvas shrunk to 28×28) for the picked model.

    .venv/bin/python bench/canvas_accuracy.py [--url http://localhost:8501]

Prints the misreads, accuracy per model and of the naive way (usual and extreme placements apart),
and last the colab_cnn accuracy in % on the usual placements.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import running_dashboard  # noqa: E402
from bench.harness.browser import choose_language, launch_chromium, wait_for_app  # noqa: E402
from bench.harness.drawings import TEMPLATES  # noqa: E402
from bench.harness.lab import canvas_box, clear, open_lab, stroke, wait_for_stroke  # noqa: E402

# name → (left, top, width, height, slant) in canvas pixels; slant shifts the top right by that share of the width
PLACEMENTS = {
    "large, centred": (70, 30, 140, 220, 0.0),
    "small, top left": (18, 18, 45, 70, 0.0),
    "small, bottom right": (205, 185, 50, 75, 0.0),
    "narrow, left edge": (15, 20, 80, 240, 0.0),
    "wide": (40, 65, 200, 150, 0.0),
    "slanted": (60, 35, 130, 210, 0.35),
}
EXTREME = {
    "extreme: thin (55×260)": (15, 10, 55, 260, 0.0),
    "extreme: flat (220×100)": (30, 95, 220, 100, 0.0),
}


def placed(strokes, left, top, width, height, slant):
    """A template's unit-box strokes → canvas-pixel mouse paths."""
    return [[(left + (x + slant * (0.5 - y)) * width, top + y * height) for x, y in points] for points in strokes]


def read_answers(page) -> tuple[dict[str, str], str]:
    """{model name: answer} from the side-by-side table, and the naive way's answer."""
    rows = page.evaluate("""() => [...document.querySelectorAll(".st-key-lab_compare table tbody tr")]
        .map(row => [...row.querySelectorAll('th, td')].map(cell => cell.innerText.trim()))""")
    answers = {cells[0]: cells[2] for cells in rows if len(cells) >= 3}
    if not answers:
        raise RuntimeError("the lab's side-by-side table (.st-key-lab_compare) has no rows: has the page changed?")
    naive = re.search(r"answer is (\d)", page.locator(".st-key-lab_naive").first.inner_text())
    return answers, naive.group(1) if naive else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="use a dashboard already running there instead of starting one")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    right, total, misreads = defaultdict(lambda: defaultdict(int)), defaultdict(int), []
    with running_dashboard(args.url) as (url, _), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        open_lab(page, url)
        choose_language(page, "English")
        for digit, variants in TEMPLATES.items():
            for variant, strokes in enumerate(variants):
                for where, placement in {**PLACEMENTS, **EXTREME}.items():
                    kind = "extreme" if where in EXTREME else "usual"
                    for n, points in enumerate(placed(strokes, *placement), start=1):
                        stroke(page, points, canvas_box(page))
                        wait_for_stroke(page, n, timeout=120_000)
                    wait_for_app(page)
                    answers, naive = read_answers(page)
                    total[kind] += 1
                    for name, answer in {**answers, "naive way (picked model)": naive}.items():
                        right[kind][name] += answer == str(digit)
                        if answer != str(digit):
                            misreads.append(f"{digit} (shape {variant}, {where}) read as {answer} by {name}")
                    clear(page)
        browser.close()

    print("\n".join(misreads))
    for kind in ("usual", "extreme"):
        print(f"\n{total[kind]} drawings with the mouse in {kind} placements, pen 20 px")
        for name, count in right[kind].items():
            print(f"{name:28s} {count:3d}/{total[kind]} = {100 * count / total[kind]:5.1f} %")
    print("colab_cnn accuracy on mouse drawings in usual placements, %:")
    print(f"{100 * right['usual']['Colab CNN'] / total['usual']:.1f}")


if __name__ == "__main__":
    main()
