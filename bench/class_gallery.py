"""The class gallery at its limit: 2,000 drawings, the five shipped models, the teacher's page.

Fills a pool in a temporary data folder with template drawings (bench/harness/drawings.py, half of them
re-drawn MNIST test digits), prepared the lab's way, then measures in one run (CPU seconds of this
process, time.process_time):
- sending: one add() into a pool of N;
- evaluate() of the five shipped models on 2,000 drawings: every drawing read (a cold memo), and
  again after one new send (only that drawing read);
- the teacher's page under AppTest: the first open (models loaded, pool read by every model),
  a second session opening it (server caches warm), and the page after one new drawing;
- the training studio's "evaluate on the class gallery" for a kept run under AppTest: cold, cached,
  and after one new drawing.

    .venv/bin/python bench/class_gallery.py [--n 2000] [--browser]

With --browser, also the real dashboard's CPU (/proc) while a teacher's tab unlocks the page.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu(action) -> tuple[float, object]:
    start = time.process_time()
    result = action()
    return time.process_time() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--browser", action="store_true", help="also measure the real server in Chromium")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="dojo_gallery_bench_")
    os.environ.update(DOJO_DATA_DIR=folder, DOJO_TEACHER_PIN="1234", DOJO_GALLERY_MAX=str(args.n + 10))

    from core import data, gallery
    from core.lab import catalog, inference, preprocess
    from models.zoo import REGISTRY
    from bench.harness.drawings import drawing_set

    data.use_shared_mnist_if_unset()

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
    prepared = preprocess.canvas_to_mnist(extra)
    seconds, _ = cpu(lambda: store.add(prepared, 3, extra))
    print(f"one send (add, canvas shrunk to 64×64 inside) into a pool of {sent}: {seconds * 1000:.1f} ms CPU")

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

    from bench.harness.apptest import open_page

    def type_pin(at, pin: str):
        at.text_input(key="gallery_pin_text").input(pin)
        at.button[0].click()  # the form's submit button
        return at.run()

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
    studio_check(open_page, store, models["colab_cnn"] if "colab_cnn" in models else next(iter(models.values())))
    if args.browser:
        browser_cpu()


def studio_check(open_page, store, model) -> None:
    """The studio's "evaluate on the class gallery" for a kept run (a shipped model stands in for it),
    under AppTest: whole-page runs, so the section's cost is the difference to the run before it."""
    from core.lab import preprocess
    from core.training import studio
    from core.training.engine import TrainConfig
    from bench.harness.drawings import drawing_set

    at = open_page("pages/training_studio.py", "en", timeout=600)
    record = studio.RunRecord(index=1, job_id="bench", label="#1 colab_cnn", key="colab_cnn",
                              config=TrainConfig.document("colab_cnn").to_dict(), state="completed",
                              test_loss=0.03, test_accuracy=0.99, wall_seconds=1.0, model=model)
    at.session_state["studio_runs"] = [record]
    at.session_state["trained_models"] = {record.label: studio.trained_entry(record)}

    def run() -> float:
        before = time.process_time()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return time.process_time() - before

    run()
    next(b for b in at.button if b.key == "studio_class_1").click()
    print(f"studio: evaluate on the class gallery ({len(store.pool())} drawings, cold): {run():.2f} s CPU")
    folded, shown = [], []
    for _ in range(5):  # alternated: the in-process Dask cluster's threads count in process_time too
        at.session_state["studio_class_asked"] = set()
        folded.append(run())
        at.session_state["studio_class_asked"] = {record.label}
        shown.append(run())
    print(f"studio page rerun, section folded / evaluation shown (cached), min of 5: {min(folded) * 1000:.0f} / "
          f"{min(shown) * 1000:.0f} ms CPU")
    extra = drawing_set(1, seed=96)[0][4]
    store.add(preprocess.canvas_to_mnist(extra), 4, extra)
    print(f"studio page after one new drawing (one drawing read): {run() * 1000:.0f} ms CPU")


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu() -> None:
    """The real dashboard: server CPU while a teacher's tab opens the gallery and types the PIN."""
    from playwright.sync_api import sync_playwright

    from bench.harness.browser import CHROMIUM, CHROMIUM_ARGS, wait_for_app
    from bench.harness.server import serve_app

    with serve_app() as (url, pid), sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label in ("first teacher tab (models loaded, pool read)", "second teacher tab (caches warm)"):
            page = chromium.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url)
            wait_for_app(page)
            page.get_by_text("CNNラボ", exact=True).first.click()
            page.locator("a[href$='class_gallery']").first.click()
            wait_for_app(page)
            page.wait_for_timeout(1000)
            before = server_cpu(pid)
            page.get_by_label("クラスPIN").fill("1234")
            page.get_by_role("button", name="ギャラリーを開く").click()
            page.locator(".js-plotly-plot").first.wait_for(timeout=300_000)
            wait_for_app(page, 300_000)
            page.wait_for_timeout(1000)
            print(f"browser, {label}: server {server_cpu(pid) - before:.2f} s CPU")
            page.close()
        chromium.close()


if __name__ == "__main__":
    main()
