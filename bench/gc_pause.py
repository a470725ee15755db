"""What gc.freeze (core.streamlit_patches.freeze_after_imports) buys a server with TensorFlow and the
five shipped models loaded, and no training in its process.

1. A full garbage collection (``gc.collect()``): objects it walks and CPU ms (thread time, median of
   5), with everything unfrozen, then after a collection + ``gc.freeze()`` as the patch does it.
2. Serving: ``--reruns`` slider moves on lesson 4 (AppTest, in this process, through app.py), first
   unfrozen, then frozen: the full (generation 2) collections Python started by itself, with their
   CPU ms in all and the longest (a pause every student on the server waits through).

    .venv/bin/python bench/gc_pause.py [--reruns 60]

The last line is the CPU ms of one full collection unfrozen → frozen.
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import streamlit_patches  # noqa: E402
from core.data import use_shared_mnist_if_unset  # noqa: E402


def collect_ms(repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.thread_time()
        gc.collect()
        times.append(time.thread_time() - start)
    return statistics.median(times) * 1000


class FullCollections:
    """CPU seconds of every generation-2 collection Python runs while this watches."""

    def __init__(self):
        self.pauses: list[float] = []
        self._start = 0.0
        gc.callbacks.append(self._watch)

    def _watch(self, phase, info):
        if info["generation"] == 2:
            if phase == "start":
                self._start = time.thread_time()
            else:
                self.pauses.append(time.thread_time() - self._start)


def slider_moves(at, count: int, watch: FullCollections) -> tuple[list[float], float]:
    """``count`` moves of lesson 4's output-row slider; (full collections' CPU s, CPU s in all)."""
    watch.pauses.clear()
    start = time.process_time()
    for i in range(count):
        at.slider(key="l4_row").set_value(5 + i % 2).run()
        assert not at.exception, [e.value for e in at.exception]
    return list(watch.pauses), time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=60, help="slider moves per setting")
    args = parser.parse_args()
    use_shared_mnist_if_unset()

    from streamlit.testing.v1 import AppTest

    from core.lab.inference import load_pretrained
    from models.zoo import REGISTRY

    for key in REGISTRY:
        load_pretrained(key)
    streamlit_patches.freeze_after_imports = lambda: False  # this bench decides when to freeze
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/lesson_4_convolution.py").run()
    watch = FullCollections()
    slider_moves(at, 5, watch)  # warm-up: caches, first figures

    gc.unfreeze()
    gc.collect()
    walked = len(gc.get_objects())
    unfrozen = collect_ms()
    served_unfrozen = slider_moves(at, args.reruns, watch)
    gc.collect()
    gc.freeze()
    frozen_count, walked_frozen = gc.get_freeze_count(), len(gc.get_objects())
    frozen = collect_ms()
    served_frozen = slider_moves(at, args.reruns, watch)

    print(f"TensorFlow + {len(REGISTRY)} models + Streamlit (AppTest) loaded, load average {os.getloadavg()[0]:.1f}")
    print(f"full collection, unfrozen: walks {walked:,} objects, {unfrozen:.1f} ms CPU (median of 5)")
    print(f"full collection, frozen:   walks {walked_frozen:,} objects ({frozen_count:,} frozen), {frozen:.1f} ms CPU")
    for name, (pauses, cpu) in (("unfrozen", served_unfrozen), ("frozen", served_frozen)):
        longest = max(pauses, default=0.0) * 1000
        print(f"{args.reruns} slider moves {name:8}: {cpu / args.reruns * 1000:6.1f} ms CPU per move; "
              f"{len(pauses)} full collections started by Python, {sum(pauses) * 1000:.0f} ms CPU in all, "
              f"longest {longest:.0f} ms")
    print("full collection CPU ms, unfrozen → frozen:")
    print(f"{unfrozen:.1f} → {frozen:.1f}")


if __name__ == "__main__":
    main()
