"""The class gallery: the digits the class draws, kept by the server as a test set of its own.

Document 001 warns that digits drawn by hand are often misread; here the class sees how often,
on its own handwriting, for every model. Each entry holds only the 28×28 prepared image (what
the network gets), the drawing shrunk to 64×64 grey, the digit meant, a time stamp, a content
hash (the same drawing sent twice is refused) and a hidden flag (the teacher's one-click filter
for a joke or a mislabel). No name, no address, no session: nothing that says who drew it.

Storage: one SQLite file in the data folder (env ``DOJO_DATA_DIR``, default ``<project>/class_data``),
WAL journal, one connection per call and ``BEGIN IMMEDIATE`` around every write, so thirty
students sending at once from Streamlit's threads (or from several server processes) queue on
the write lock, and a server killed mid-write leaves the last committed state, never half an entry.

Export: ``export_npz`` writes Keras' ``mnist.npz`` layout; the visible pool is the TEST split
(``x_test`` (N, 28, 28) uint8, ``y_test`` (N,) uint8, oldest first) and ``x_train`` / ``y_train``
are empty (0 entries): the gallery is a test set, and a notebook that wants to train on it says so.

No Streamlit, no TensorFlow; numpy, Pillow (through core.lab.preprocess) and the standard library.
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from core.lab import explain, preprocess

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "gallery.sqlite3"
DEFAULT_MAX = 2000
FIELD = 28
RAW_SIDE = 64  # the drawing as the student made it, shrunk to 64×64 grey: enough to spot a joke
MAX_ENTRY_BYTES = FIELD * FIELD + RAW_SIDE * RAW_SIDE  # image blobs of one entry, at most
BUSY_SECONDS = 30.0  # how long a send waits for the write lock before giving up

SCHEMA = """
CREATE TABLE IF NOT EXISTS drawings (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    digit   INTEGER NOT NULL CHECK (digit BETWEEN 0 AND 9),
    image   BLOB    NOT NULL CHECK (length(image) = 784),
    raw     BLOB             CHECK (raw IS NULL OR length(raw) = 4096),
    created REAL    NOT NULL,
    hash    TEXT    NOT NULL UNIQUE,
    hidden  INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1))
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (name, value) VALUES ('version', 0);
"""


class GalleryError(ValueError):
    """A send the gallery refuses; ``key`` names the reason (locales table ``class_gallery.refused``)."""

    def __init__(self, key: str, **values):
        super().__init__(f"{key}: {values}" if values else key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Pool:
    """Entries as parallel arrays, oldest first (what the page draws and the models read)."""

    ids: np.ndarray  # (N,) int64
    digits: np.ndarray  # (N,) uint8, the digit meant
    images: np.ndarray  # (N, 28, 28) uint8, 0 = background, 255 = ink
    created: np.ndarray  # (N,) float64, seconds since the epoch
    hidden: np.ndarray  # (N,) bool
    raws: np.ndarray | None = None  # (N, 64, 64) uint8 (zeros where none was sent), when asked for

    def __len__(self) -> int:
        return len(self.ids)

    def visible(self) -> "Pool":
        """Only the entries the teacher has not hidden."""
        keep = ~self.hidden
        return Pool(self.ids[keep], self.digits[keep], self.images[keep], self.created[keep], self.hidden[keep],
                    None if self.raws is None else self.raws[keep])


@dataclass(frozen=True)
class Evaluation:
    """How a model read the pool: accuracy (None on an empty pool), 10×10 counts (row = meant,
    column = read), and the misread entries as (id, meant, read) in pool order."""

    accuracy: float | None
    confusion: np.ndarray
    wrong: list[tuple[int, int, int]]
    total: int


# ---------------------------------------------------------------- images in

def to_uint8_image(prepared: np.ndarray) -> np.ndarray:
    """The lab's prepared (28, 28) float in [0, 1] (or uint8) → (28, 28) uint8; ValueError otherwise."""
    array = np.asarray(prepared)
    if array.shape != (FIELD, FIELD):
        raise GalleryError("bad_image")
    if array.dtype == np.uint8:
        return array.copy()
    values = array.astype(np.float64)
    if not np.isfinite(values).all():
        raise GalleryError("bad_image")
    return np.round(np.clip(values, 0.0, 1.0) * 255.0).astype(np.uint8)


def shrink_canvas(canvas: np.ndarray) -> np.ndarray:
    """A canvas drawing (H, W[, 3|4]), light ink on dark → (64, 64) uint8 grey, padded to a square."""
    ink = preprocess.to_ink(canvas)
    side = max(ink.shape)
    square = np.zeros((side, side), dtype=np.float32)
    top, left = (side - ink.shape[0]) // 2, (side - ink.shape[1]) // 2
    square[top:top + ink.shape[0], left:left + ink.shape[1]] = ink
    small = Image.fromarray(square, mode="F").resize((RAW_SIDE, RAW_SIDE), Image.Resampling.BOX)
    return np.round(np.clip(np.asarray(small), 0.0, 1.0) * 255.0).astype(np.uint8)


def content_hash(image: np.ndarray) -> str:
    """SHA-256 of the prepared 28×28 uint8 pixels: the same drawing sent twice has the same hash."""
    return hashlib.sha256(np.ascontiguousarray(image, dtype=np.uint8).tobytes()).hexdigest()


# ---------------------------------------------------------------- the store

def data_dir() -> Path:
    """The folder for class data: env DOJO_DATA_DIR, else <project>/class_data."""
    return Path(os.environ.get("DOJO_DATA_DIR") or ROOT / "class_data").expanduser()


def max_entries() -> int:
    """How many drawings the pool holds at most: env DOJO_GALLERY_MAX (a positive integer), else 2000."""
    try:
        value = int(os.environ.get("DOJO_GALLERY_MAX", DEFAULT_MAX))
    except ValueError:
        return DEFAULT_MAX
    return value if value > 0 else DEFAULT_MAX


_SCHEMA_READY: set[str] = set()
_SCHEMA_LOCK = threading.Lock()


class Gallery:
    """The pool in ``<folder>/gallery.sqlite3``; safe to share between threads and processes."""

    def __init__(self, folder: Path | str | None = None, limit: int | None = None):
        self.folder = Path(folder) if folder is not None else data_dir()
        self.path = self.folder / DB_NAME
        self.limit = limit if limit is not None else max_entries()

    # -- connections

    def _connect(self) -> sqlite3.Connection:
        """A fresh connection in autocommit mode (transactions are explicit), schema in place."""
        key = str(self.path)
        if key not in _SCHEMA_READY:
            with _SCHEMA_LOCK:
                if key not in _SCHEMA_READY:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
                    try:
                        connection.execute("PRAGMA journal_mode=WAL")
                        connection.executescript(SCHEMA)
                    finally:
                        connection.close()
                    _SCHEMA_READY.add(key)
        connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        connection.execute("PRAGMA synchronous=FULL")  # a committed send survives a power cut too
        return connection

    def _write(self, work: Callable[[sqlite3.Connection], object]):
        """Run ``work`` inside one write transaction that also bumps the pool's version."""
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = work(connection)
                connection.execute("UPDATE meta SET value = value + 1 WHERE name = 'version'")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            return result
        finally:
            connection.close()

    # -- writing

    def add(self, prepared: np.ndarray, digit: int, raw_canvas: np.ndarray | None = None,
            now: float | None = None) -> int:
        """Store one drawing meant as ``digit``; its id. Refused (GalleryError) when the digit is not
        0–9 ("bad_digit"), the image is not 28×28 ("bad_image") or blank ("empty"), the same drawing
        is already in ("duplicate"), or the pool holds ``limit`` drawings ("full")."""
        if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) or not 0 <= int(digit) <= 9:
            raise GalleryError("bad_digit")
        image = to_uint8_image(prepared)
        if not image.any():
            raise GalleryError("empty")
        raw = None
        if raw_canvas is not None:
            raw_array = np.asarray(raw_canvas)
            raw = (raw_array if raw_array.shape == (RAW_SIDE, RAW_SIDE) and raw_array.dtype == np.uint8
                   else shrink_canvas(raw_array)).tobytes()
        blob = image.tobytes()
        if len(blob) + len(raw or b"") > MAX_ENTRY_BYTES:
            raise GalleryError("bad_image")
        digest = content_hash(image)
        stamp = time.time() if now is None else float(now)

        def insert(connection: sqlite3.Connection) -> int:
            if connection.execute("SELECT 1 FROM drawings WHERE hash = ?", (digest,)).fetchone():
                raise GalleryError("duplicate")
            (count,) = connection.execute("SELECT COUNT(*) FROM drawings").fetchone()
            if count >= self.limit:
                raise GalleryError("full", limit=self.limit)
            cursor = connection.execute(
                "INSERT INTO drawings (digit, image, raw, created, hash) VALUES (?, ?, ?, ?, ?)",
                (int(digit), blob, raw, stamp, digest))
            return int(cursor.lastrowid)

        return self._write(insert)

    def set_hidden(self, entry_id: int, hidden: bool) -> bool:
        """Hide (or show again) one drawing; False when there is no such id."""
        return bool(self._write(lambda c: c.execute("UPDATE drawings SET hidden = ? WHERE id = ?",
                                                    (int(bool(hidden)), int(entry_id))).rowcount))

    def clear(self) -> int:
        """Delete every drawing; how many there were."""
        return int(self._write(lambda c: c.execute("DELETE FROM drawings").rowcount))

    # -- reading

    def version(self) -> int:
        """A number that changes with every write (add, hide, clear): the key of the page's caches."""
        connection = self._connect()
        try:
            return int(connection.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()[0])
        finally:
            connection.close()

    def _read(self, query: str) -> list:
        """The rows of one read-only query, on a connection of its own (closed after)."""
        connection = self._connect()
        try:
            return connection.execute(query).fetchall()
        finally:
            connection.close()

    def pool(self, include_hidden: bool = False, with_raw: bool = False) -> Pool:
        """The drawings, oldest first; hidden ones only with ``include_hidden``."""
        columns = "id, digit, image, created, hidden" + (", raw" if with_raw else "")
        where = "" if include_hidden else " WHERE hidden = 0"
        rows = self._read(f"SELECT {columns} FROM drawings{where} ORDER BY id")
        n = len(rows)
        images = np.frombuffer(b"".join(row[2] for row in rows), dtype=np.uint8).reshape(n, FIELD, FIELD)
        raws = None
        if with_raw:
            blank = bytes(RAW_SIDE * RAW_SIDE)
            raws = np.frombuffer(b"".join(row[5] or blank for row in rows),
                                 dtype=np.uint8).reshape(n, RAW_SIDE, RAW_SIDE)
        return Pool(ids=np.array([row[0] for row in rows], dtype=np.int64),
                    digits=np.array([row[1] for row in rows], dtype=np.uint8),
                    images=images,
                    created=np.array([row[3] for row in rows], dtype=np.float64),
                    hidden=np.array([bool(row[4]) for row in rows], dtype=bool),
                    raws=raws)

    def counts(self, include_hidden: bool = False) -> np.ndarray:
        """(10,) number of drawings per digit meant."""
        where = "" if include_hidden else " WHERE hidden = 0"
        rows = self._read(f"SELECT digit, COUNT(*) FROM drawings{where} GROUP BY digit")
        counts = np.zeros(10, dtype=np.int64)
        for digit, count in rows:
            counts[digit] = count
        return counts

    def export_npz(self) -> bytes:
        """The visible pool as ``mnist.npz`` bytes: x_test / y_test hold it, x_train / y_train are empty."""
        return export_npz(self.pool())


def export_npz(pool: Pool) -> bytes:
    """``pool`` in Keras' mnist.npz layout (see the module's docstring), as bytes for a download."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer,
                        x_train=np.zeros((0, FIELD, FIELD), dtype=np.uint8), y_train=np.zeros(0, dtype=np.uint8),
                        x_test=np.ascontiguousarray(pool.images, dtype=np.uint8),
                        y_test=np.ascontiguousarray(pool.digits, dtype=np.uint8))
    return buffer.getvalue()


# ---------------------------------------------------------------- reading the pool with a model

def evaluate(predict_fn: Callable[[np.ndarray], np.ndarray], entries: Pool) -> Evaluation:
    """Read every entry with ``predict_fn`` ((N, 28, 28) uint8 → (N,) digits) and compare with the
    digit meant. Works for any model: the shipped ones, or one a student trained."""
    total = len(entries)
    if total == 0:
        return Evaluation(None, np.zeros((10, 10), dtype=np.int64), [], 0)
    read = np.asarray(predict_fn(entries.images)).astype(np.int64).reshape(-1)
    if read.shape != (total,):
        raise ValueError(f"predict_fn gave {read.shape[0]} answers for {total} images")
    meant = entries.digits.astype(np.int64)
    confusion = explain.confusion_matrix(meant, read)
    wrong = [(int(entries.ids[i]), int(meant[i]), int(read[i])) for i in explain.misclassified_indices(meant, read)]
    return Evaluation(float(np.trace(confusion)) / total, confusion, wrong, total)


def misread(result: Evaluation, entries: Pool, limit: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The first ``limit`` misread drawings of ``entries`` (the pool ``result`` was computed on), by digit
    meant then age: their images (n, 28, 28) uint8 and their (meant, read) pairs."""
    shown = sorted(result.wrong, key=lambda w: (w[1], w[0]))[:max(0, limit)]
    row_of = {int(entry): k for k, entry in enumerate(entries.ids)}
    rows = [row_of[w[0]] for w in shown]
    return entries.images[rows].reshape(len(rows), FIELD, FIELD), [(w[1], w[2]) for w in shown]


class ReadingMemo:
    """A model's answers remembered by entry id: an entry never changes, so after a new send only
    that drawing is read, not the whole pool again."""

    def __init__(self):
        self._answers: dict[int, int] = {}
        self._lock = threading.Lock()

    def predict_fn(self, ids: np.ndarray, predict_fn: Callable[[np.ndarray], np.ndarray]):
        """A predict_fn for the entries ``ids`` (in that order) that reads only the ids not seen yet."""
        def read(images: np.ndarray) -> np.ndarray:
            with self._lock:
                known = self._answers
                new = [k for k, entry in enumerate(ids) if int(entry) not in known]
                answers = np.asarray(predict_fn(images[new])).reshape(-1) if new else ()
                fresh = dict(zip((int(ids[k]) for k in new), (int(a) for a in answers)))
                # keep only the entries asked for now: a cleared pool's answers go away
                self._answers = {int(entry): known[int(entry)] if int(entry) in known else fresh[int(entry)]
                                 for entry in ids}
                return np.fromiter(self._answers.values(), dtype=np.int64, count=len(self._answers))
        return read


def keras_predict_fn(model, batch_size: int = 500) -> Callable[[np.ndarray], np.ndarray]:
    """predict_fn of a Keras model: uint8 images → the digit with the highest probability."""
    def read(images: np.ndarray) -> np.ndarray:
        return explain.predict_all(model, images, batch_size=batch_size).argmax(axis=1)
    return read


# ---------------------------------------------------------------- the teacher's PIN

_PIN: list[str] = []
_PIN_LOCK = threading.Lock()


def teacher_pin(announce: Callable[[str], None] | None = None) -> str:
    """The class PIN: env DOJO_TEACHER_PIN when set; otherwise a random 6-digit PIN made once per
    server process and announced once (printed to the console where the server was started)."""
    configured = os.environ.get("DOJO_TEACHER_PIN", "").strip()
    if configured:
        return configured
    with _PIN_LOCK:
        if not _PIN:
            _PIN.append(f"{secrets.randbelow(10**6):06d}")
            (announce or _print_pin)(_PIN[0])
        return _PIN[0]


def _print_pin(pin: str) -> None:
    print(f"\n  CNN Dojo — クラスギャラリーの先生用PIN / class gallery teacher PIN: {pin}\n"
          "  (set DOJO_TEACHER_PIN to choose one)\n", flush=True)


def pin_matches(given: str, pin: str) -> bool:
    """Constant-time comparison of a typed PIN (spaces around it ignored) with the class PIN."""
    return secrets.compare_digest(given.strip().encode(), pin.encode())
