"""Character n-grams of the question in each section of the first results: a second
opinion for their order.

Words the index's analyzers keep apart still share most of their letters: Russian
inflections the stemmer misses (`номер`/`номеру`), compounds and their parts
(`healthcheck`/`health check`), Thai spelt without a dictionary's boundaries. Counting
the question's 4-letter pieces (padded at word edges, as scikit-learn's `char_wb`)
in each section of the first CANDIDATES results, weighted TF-IDF-style with the
statistics of those sections alone, finds the page where they come together; its score
is blended with the ranking's (bench/RESULTS.md, "Character n-grams").

Each section is stored at index time as `prepare()` leaves it (lowercase words, each
padded with one space, so no n-gram spans two words), capped at PASSAGE_WORDS words:
a query then costs a few vectorised passes over the candidates' passages, no analysis.
"""

from __future__ import annotations

import re

import numpy as np

PASSAGE_WORDS = 150
MAX_PASSAGES = 40  # per page: bounds what a query reads
NGRAM = 4  # 3-5 together ranked no better on the development questions, at 3× the cost
_TABLE_BITS = 12
_TABLE = 1 << _TABLE_BITS
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(64 - _TABLE_BITS)
_WORD = re.compile(r"\w+")
_SEPARATOR = "\x00"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def prepare(title: str, section: str) -> str:
    """A section as stored: the page title, then the section's first PASSAGE_WORDS words,
    lowercase, each word padded with a space; characters outside the Basic Multilingual
    Plane dropped, so a character is one UTF-16 code unit (see `_windows`)."""
    words = _WORD.findall(title.lower()) + _WORD.findall(section.lower())[:PASSAGE_WORDS]
    return _ASTRAL.sub("", "".join(f" {w}  " for w in words))


def passages(title: str, sections: list[str]) -> list[str]:
    return [p for p in (prepare(title, s) for s in sections[:MAX_PASSAGES]) if p]


def _keys(query: str) -> np.ndarray:
    """The question's distinct n-grams as `_windows` reads them; an n-gram holding a
    character outside the BMP (more than NGRAM code units) cannot be found and is left out."""
    keys: dict[int, None] = {}
    for word in _WORD.findall(query.lower()):
        padded = f" {word} ".encode("utf-16-le")
        for i in range(0, len(padded) - 2 * NGRAM + 2, 2):
            chunk = padded[i:i + 2 * NGRAM]
            keys[int.from_bytes(chunk, "little")] = None
    return np.array(list(keys), dtype=np.uint64)


def _windows(text: str) -> np.ndarray:
    """Every run of NGRAM UTF-16 code units of `text` as one 64-bit number: the key of
    the n-gram starting there, read in place (a strided view, nothing computed)."""
    data = text.encode("utf-16-le")
    return np.ndarray(shape=(max(0, len(data) // 2 - NGRAM + 1),), dtype="<u8",
                      buffer=data, strides=(2,))


def _slots(keys: np.ndarray) -> np.ndarray:
    """A table slot for each key (Fibonacci hashing: the top bits of key × 2⁶⁴/φ)."""
    return ((keys * _GOLDEN) >> _SHIFT).astype(np.intp)


def scores(query: str, pages: list[list[str]]) -> np.ndarray:
    """For each page (its prepared passages), its best passage's score for the question:
    Σ over the question's n-grams in it of idf × (1 + log tf), divided by √(its length);
    idf from the passages given. Zeros when nothing matches."""
    out = np.zeros(len(pages))
    keys = _keys(query)
    flat = [p for page in pages for p in page]
    if not len(keys) or not flat:
        return out
    windows = _windows(_SEPARATOR.join(flat))
    # a small table from a key's slot to the question's n-gram (index + 1); other n-grams
    # landing on a used slot are told apart by comparing the whole key
    key_slots = _slots(keys)
    table = np.zeros(_TABLE, dtype=np.int32)
    table[key_slots] = np.arange(1, len(keys) + 1)
    slot = table[_slots(windows)]
    hit = np.flatnonzero(slot)
    gram = slot[hit] - 1
    same = keys[gram] == windows[hit]
    hit, gram = hit[same], gram[same]
    # slots shared by two of the question's n-grams: the later one won the table; count
    # the other by hand (rare)
    lost = np.flatnonzero(table[key_slots] != np.arange(1, len(keys) + 1))
    lengths = np.fromiter((len(p) for p in flat), dtype=np.int64, count=len(flat))
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    passage = np.searchsorted(starts, hit, side="right") - 1
    for i in lost:
        extra = np.flatnonzero(windows == keys[i])
        passage = np.concatenate((passage, np.searchsorted(starts, extra, side="right") - 1))
        gram = np.concatenate((gram, np.full(len(extra), i)))
    counts = np.bincount(passage * len(keys) + gram, minlength=len(flat) * len(keys)) \
        .reshape(len(flat), len(keys)).astype(np.float64)
    present = counts > 0
    df = present.sum(axis=0)
    idf = np.log1p((len(flat) - df + 0.5) / (df + 0.5))
    weights = np.where(present, 1 + np.log(np.maximum(counts, 1)), 0.0)
    per_passage = (weights @ idf) / np.sqrt(lengths)
    first = 0
    for j, page in enumerate(pages):
        if page:
            out[j] = per_passage[first:first + len(page)].max()
            first += len(page)
    return out
