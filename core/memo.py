"""One result per distinct input for the whole server: a small memo for the pages' pure builders.

Thirty students on the same settings share one figure instead of building thirty. Streamlit's own
``st.cache_resource`` does the same but hashes every argument through its general hasher, about
2 ms for a figure's few small numpy arrays (measured on the 2-core machine): on every rerun, for
every figure of a page. Here the key is the arguments themselves, with numpy arrays replaced by
their shape, type and a BLAKE2 digest of their bytes (~0.06 ms for the same arguments).
"""
from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict

import numpy as np


def argument_key(value):
    """A hashable stand-in for ``value``: arrays by content digest, containers element by element."""
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        return ("ndarray", data.shape, data.dtype.str, hashlib.blake2b(data.data, digest_size=16).digest())
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, *map(argument_key, value))
    if isinstance(value, dict):
        return ("dict", *sorted((key, argument_key(item)) for key, item in value.items()))
    if isinstance(value, np.generic):
        return value.item()
    hash(value)  # anything else must be hashable as it is (numbers, strings, None, frozen dataclasses)
    return value


_MEMOISED: dict = {}  # function → its memoised wrapper: pages wrap on every rerun, the memo stays
_REGISTRY_LOCK = threading.Lock()


def shared(function, max_entries: int = 256):
    """``function`` with its results kept per distinct arguments, the oldest dropped past ``max_entries``.

    For pure functions of imported modules (core/charts, lessons/) whose results are never modified
    by their callers (figure builders: ``st.plotly_chart`` serialises a figure without changing it).
    Wrapping the same function again, as a page does on every rerun, returns the same memo. Safe
    across the server's threads; two sessions asking for a new input at the same instant may both
    build it once.
    """
    if function.__module__ == "__main__":
        raise TypeError(f"{function.__qualname__} is defined in a page script: it is new on every rerun, "
                        "so a memo of it would never be shared; move it to core/ or lessons/")
    with _REGISTRY_LOCK:
        if function not in _MEMOISED:
            _MEMOISED[function] = _memoise(function, max_entries)
        return _MEMOISED[function]


def _memoise(function, max_entries: int):
    """The memoised wrapper of ``function`` (see ``shared``)."""
    results: OrderedDict = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(function)
    def memoised(*args, **kwargs):
        key = (argument_key(args), argument_key(kwargs))
        with lock:
            if key in results:
                results.move_to_end(key)
                return results[key]
        result = function(*args, **kwargs)
        with lock:
            results[key] = result
            while len(results) > max_entries:
                results.popitem(last=False)
        return result

    memoised.cache_size = lambda: len(results)
    return memoised
