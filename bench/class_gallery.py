"""The class gallery at its limit: 2,000 drawings, the five shipped models, the teacher's page.

Fills a pool in a temporary data folder with template drawings (tests/drawings.py, half of them
re-drawn MNIST test digits), prepared the lab's way, then measures in one run (CPU seconds of this
process, time.process_time):
- sending: one add() into a pool of N;
- evaluate() of the five shipped models on 2,000 drawings: every drawing read (a cold memo), and
  again after one new send (only that drawing read);
- the teacher's page under AppTest: the first open (models loaded, pool read by every model),
  a second session opening it (server caches warm), and the page after one new drawing.

    .venv/bin/python bench/class_gallery.py [--n 2000]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu(action) -> tuple[float, object]:
    start = time.process_time()
    result = action()
    return time.process_time() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="dojo_gallery_bench_")
    os.environ.update(DOJO_DATA_DIR=folder, DOJO_TEACHER_PIN="1234", DOJO_GALLERY_MAX=str(args.n + 10))

    import tests.conftest  # noqa: F401 — MNIST from the shared copy when MNIST_PATH is unset
    from core import data, gallery
    from core.lab import catalog, inference, preprocess
    from models.zoo import REGISTRY
    from tests.drawings import drawing_set

    mnist = data.load_mnist()
    canvases, labels = drawing_set(args.n // 20, seed=1, mnist=(mnist.x_test, mnist.y_test))
    store = gallery.Gallery()
    sent = 0
    for canvas, digit in zip(canvases, labels):
        try:
            store.add(preprocess.canvas_to_mnist(canvas), int(digit), canvas)
            sent += 1
        except (gallery.GalleryError, preprocess.EmptyDrawingError):
            pass
    print(f"pool: {sent} drawings in {folder}")
    extra = drawing_set(1, seed=99)[0][3]
    seconds, _ = cpu(lambda: store.add(preprocess.canvas_to_mnist(extra), 3, extra))
    print(f"one send into a pool of {sent}: {seconds * 1000:.1f} ms CPU")

    models = {key: inference.load_pretrained(key) for key in REGISTRY if catalog.weights_stamp(key)}
    pool = store.pool()
    memos = {key: gallery.ReadingMemo() for key in models}
    seconds, results = cpu(lambda: {key: gallery.evaluate(memos[key].predict_fn(pool.ids, gallery.keras_predict_fn(m)),
                                                          pool) for key, m in models.items()})
    print(f"evaluate, {len(models)} models × {len(pool)} drawings, all read: {seconds:.2f} s CPU")
    for key, result in results.items():
        print(f"  {key:16s} {result.accuracy:.1%} ({len(result.wrong)} misread)")
    another = drawing_set(1, seed=98)[0][7]
    store.add(preprocess.canvas_to_mnist(another), 7, another)
    pool = store.pool()
    seconds, _ = cpu(lambda: [gallery.evaluate(memos[key].predict_fn(pool.ids, gallery.keras_predict_fn(m)), pool)
                              for key, m in models.items()])
    print(f"evaluate again after one new drawing (memo): {seconds * 1000:.0f} ms CPU")

    from tests.conftest import open_page
    from tests.test_page_class_gallery import type_pin

    def teacher():
        at = open_page("pages/class_gallery.py", "en", timeout=600)
        before = time.process_time()
        at = type_pin(at, "1234")
        assert not at.exception, [e.value for e in at.exception]
        return time.process_time() - before

    print(f"teacher page, first open (caches cold): {teacher():.2f} s CPU")
    print(f"teacher page, another session (caches warm): {teacher() * 1000:.0f} ms CPU")
    last = drawing_set(1, seed=97)[0][1]
    store.add(preprocess.canvas_to_mnist(last), 1, last)
    print(f"teacher page after one new drawing: {teacher() * 1000:.0f} ms CPU")
    print(f"export .npz: {len(store.export_npz()) / 1024:.0f} kB")


if __name__ == "__main__":
    main()
