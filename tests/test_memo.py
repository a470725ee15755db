"""core.memo: one result per distinct input, shared by every caller; arrays keyed by their content."""
import threading

import numpy as np
import pytest

from core import memo
from lessons import regression


def test_equal_arguments_share_one_result_and_new_ones_build_again():
    calls = []

    def build(image, title, options):
        calls.append(title)
        return object()

    shared = memo.shared(build)
    first = shared(np.arange(6.0).reshape(2, 3), "a", {"x": (1, 2)})
    assert shared(np.arange(6.0).reshape(2, 3), "a", {"x": (1, 2)}) is first  # equal content, new objects
    assert shared(np.arange(6.0).reshape(3, 2), "a", {"x": (1, 2)}) is not first  # same bytes, other shape
    assert shared(np.arange(6.0).reshape(2, 3), "a", {"x": (1, 3)}) is not first
    assert shared(np.arange(6).reshape(2, 3), "a", {"x": (1, 2)}) is not first  # other dtype
    assert calls == ["a", "a", "a", "a"]


def test_wrapping_again_gives_the_same_memo_as_a_page_rerun_does():
    assert memo.shared(regression.least_squares) is memo.shared(regression.least_squares)


def test_the_oldest_result_goes_past_the_limit():
    calls = []
    shared = memo._memoise(lambda n: calls.append(n) or n, max_entries=2)
    shared(1), shared(2), shared(1), shared(3)  # 1 used again, so 2 is the oldest when 3 comes
    assert shared.cache_size() == 2
    shared(1), shared(2)
    assert calls == [1, 2, 3, 2]


def test_page_script_functions_are_refused():
    def in_a_page():
        return 1

    in_a_page.__module__ = "__main__"
    with pytest.raises(TypeError, match="page script"):
        memo.shared(in_a_page)


def test_unhashable_arguments_are_refused():
    shared = memo._memoise(lambda value: value, 4)
    with pytest.raises(TypeError):
        shared([{1, 2}])  # a set inside a list


def test_threads_get_results_of_their_own_arguments():
    shared = memo._memoise(lambda n: n * n, 8)
    results = {}

    def ask(n):
        results[n] = [shared(n) for _ in range(200)]

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(values == [n * n] * 200 for n, values in results.items())
