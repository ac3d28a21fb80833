"""BM25F over a Whoosh index, scored a whole posting list at a time with numpy.

Whoosh's own searcher walks every matching document through a tree of Python matcher
objects: at 10,000 articles a four-word question costs tens to hundreds of milliseconds,
most of it per-document method calls. The index files stay Whoosh's; this module reads a
term's postings block by block into arrays (cached per build, since a build never
changes) and scores all documents of a term in a few vectorised steps.

The score is Whoosh's BM25F: per field, idf × tf·(K1+1) / (tf + K1·(1 − B + B·len/avg)),
with the field boost already in tf (Whoosh applies it at index time), summed over fields
and terms, each term weighted by its credit (typo, synonym, morphology).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh.codec.whoosh3 import W3LeafMatcher

K1 = 1.2
FIELD_B = {"title": 0.3, "keywords": 0.3, "tags": 0.0}
DEFAULT_B = 0.75
CACHE_POSTINGS = 4_000_000  # postings kept in memory per language (16 bytes each)
CACHE_STORED = 2_000  # documents' stored fields kept in memory per language


@dataclass(frozen=True)
class PostingList:
    ids: np.ndarray  # global document numbers, ascending
    weights: np.ndarray  # term frequency × field boost


_EMPTY = PostingList(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class Postings:
    """Posting lists, field lengths and stored fields of one language's index in one build.

    Shared by every thread; each read goes through the calling thread's own searcher,
    since Whoosh's file handles are not shared.
    """

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str], PostingList] = OrderedDict()
        self._cached = 0  # postings in the cache
        self._lengths: dict[str, np.ndarray] = {}
        self._avg: dict[str, float] = {}
        self.doc_count = 0  # document numbers, deleted ones included: the arrays' size
        self.live_count = 0  # documents, deleted ones left out: the IDF's
        self.live: np.ndarray | None = None  # False where a document was deleted
        self._lexicons: dict[str, Lexicon] = {}
        self._stored: OrderedDict[int, dict] = OrderedDict()

    def stored(self, searcher, docnum: int) -> dict:
        """A document's stored fields (its sections' terms and passages, its text): the
        first results of most questions are the same few articles, and reading them from
        the index (zlib and pickle) cost about a third of a query."""
        with self._lock:
            found = self._stored.get(docnum)
            if found is not None:
                self._stored.move_to_end(docnum)
                return found
        found = searcher.stored_fields(docnum)
        with self._lock:
            self._stored[docnum] = found
            if len(self._stored) > CACHE_STORED:
                self._stored.popitem(last=False)
        return found

    def prepare(self, searcher) -> None:
        """Field lengths and deletions: read once, before the first query."""
        with self._lock:
            if self.live is not None:
                return
            n = searcher.doc_count_all()
            live = np.ones(n, dtype=bool)
            lengths = {f: np.zeros(n, dtype=np.float64) for f in self.fields}
            deleted = dict.fromkeys(self.fields, 0.0)
            for reader, offset in _leaves(searcher):
                for docnum in range(reader.doc_count_all()):
                    gone = reader.is_deleted(docnum)
                    live[offset + docnum] = not gone
                    for f in self.fields:
                        length = reader.doc_field_length(docnum, f, 0) or 0
                        if gone:
                            deleted[f] += length
                        else:
                            lengths[f][offset + docnum] = length
            self._lengths = lengths
            self.live_count = int(live.sum())
            self._avg = {f: average_length(searcher.reader(), f, deleted[f], self.live_count)
                         for f in self.fields}
            self.doc_count = n
            self.live = live

    def length(self, fieldname: str) -> np.ndarray:
        return self._lengths[fieldname]

    def avg_length(self, fieldname: str) -> float:
        return self._avg[fieldname]

    def lexicon(self, searcher, fieldname: str) -> Lexicon:
        with self._lock:
            found = self._lexicons.get(fieldname)
        if found is None:
            words = [t.decode("utf-8") if isinstance(t, bytes) else t
                     for t in searcher.reader().lexicon(fieldname)]
            found = Lexicon(words)
            with self._lock:
                self._lexicons[fieldname] = found
        return found

    def get(self, searcher, fieldname: str, term: str) -> PostingList:
        key = (fieldname, term)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        found = self._read(searcher, fieldname, term)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = found
                self._cached += len(found.ids)
            while self._cached > CACHE_POSTINGS and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self._cached -= len(dropped.ids)
        return found

    def doc_frequency(self, searcher, fieldname: str, term: str) -> int:
        """Documents holding `term` in `fieldname` (deleted ones left out)."""
        return len(self.get(searcher, fieldname, term).ids)

    def _read(self, searcher, fieldname: str, term: str) -> PostingList:
        ids: list[int] = []
        weights: list[float] = []
        for reader, offset in _leaves(searcher):
            if (fieldname, term) not in reader:
                continue
            start = len(ids)
            _postings_into(reader, fieldname, term, ids, weights)
            if offset:
                ids[start:] = [i + offset for i in ids[start:]]
        if not ids:
            return _EMPTY
        array = np.asarray(ids, dtype=np.int64)
        keep = self.live[array] if self.live is not None else slice(None)
        return PostingList(array[keep], np.asarray(weights, dtype=np.float64)[keep])


class Lexicon:
    """The terms of one field, for typo lookups: edit distances computed in C (rapidfuzz)
    against the terms sharing the word's first letter. Transpositions count as one edit
    (optimal string alignment): "hitsory" is one typo away from "history"."""

    def __init__(self, words: list[str]) -> None:
        self._by_initial: dict[str, list[str]] = {}
        for word in words:
            if word:
                self._by_initial.setdefault(word[0], []).append(word)

    def within(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        """(term, distance) of every other term at most `maxdist` edits away."""
        if not word:
            return []
        candidates = self._by_initial.get(word[0], [])
        return [(term, int(distance)) for term, distance, _ in process.extract(
            word, candidates, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
            if term != word]


def _leaves(searcher) -> list[tuple[object, int]]:
    return searcher.reader().leaf_readers()


def _postings_into(reader, fieldname: str, term: str, ids: list, weights: list) -> None:
    """Append one segment's postings: a block at a time when they are on disk."""
    terms = getattr(reader, "_terms", None)
    matcher = (terms.matcher(fieldname, reader._text_to_bytes(fieldname, term),
                             reader.schema[fieldname].format)
               if terms is not None else reader.postings(fieldname, term))
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
        return
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()


def average_length(reader, fieldname: str, deleted: float, live: int) -> float:
    """A field's average length over the live documents, Whoosh's own where none was
    deleted. Whoosh keeps a deleted document in its totals until its segment merges,
    so an index updated in place ranked otherwise than the same articles indexed afresh;
    `deleted` (the deleted documents' lengths, as stored: rounded) comes off the exact
    total, which leaves a difference of a rounding."""
    total = reader.field_length(fieldname) - deleted
    return total / live if live and total > 0 else 1.0


def idf(doc_count: int, df: int) -> float:
    """Whoosh's idf, so scores keep their scale."""
    return math.log(doc_count / (df + 1)) + 1


def bm25(postings: Postings, fieldname: str, plist: PostingList, term_idf: float) -> np.ndarray:
    """The BM25 score of every document in `plist` for one field."""
    b = FIELD_B.get(fieldname, DEFAULT_B)
    lengths = postings.length(fieldname)[plist.ids]
    tf = plist.weights
    norm = K1 * ((1 - b) + b * lengths / postings.avg_length(fieldname))
    return term_idf * (tf * (K1 + 1)) / (tf + norm)


def term_score(postings: Postings, lists: list[tuple[str, PostingList]], n: int) -> np.ndarray:
    """One term's score for every document: its BM25 in each field, added up (Whoosh's
    BM25F). Saturating the fields' frequencies once instead (BM25F as Robertson wrote it)
    ranked worse on the development questions (mean R@1 0.63 against 0.69)."""
    out = np.zeros(n)
    for fieldname, plist in lists:
        out[plist.ids] += bm25(postings, fieldname, plist,
                               idf(postings.live_count, len(plist.ids)))
    return out


def section_masks(sections: list[list[str]], morph) -> tuple[int, dict[str, int]] | None:
    """For a page of several sections: how many, and for each term (and, behind a NUL,
    each term's first letters as `morph` gives them) the bit mask of the sections that
    hold it. None for a page of one section, whose best section is the page."""
    if len(sections) < 2:
        return None
    masks: dict[str, int] = {}
    for i, terms in enumerate(sections):
        bit = 1 << i
        for term in set(terms):
            masks[term] = masks.get(term, 0) | bit
            short = morph(term)
            if short != term:
                masks["\x00" + short] = masks.get("\x00" + short, 0) | bit
    return len(sections), masks


def _bits(mask: int, count: int) -> np.ndarray:
    raw = np.frombuffer(mask.to_bytes((count + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:count].astype(np.float64)


def best_section(stored: tuple[int, dict[str, int]], stands_for: dict, morphs: dict,
                 idf: np.ndarray, everywhere: np.ndarray) -> float:
    """The share of the question's weight (IDF) held by the page's best section, each
    query term credited as in the page's confidence; `everywhere` is each term's credit
    from the fields that speak for every section (title, summary, keywords, tags, slug)."""
    count, masks = stored
    credit = np.repeat(everywhere[:, None], count, axis=1)
    for prefix, table in (("", stands_for), ("\x00", morphs)):
        for term, credits in table.items():
            mask = masks.get(prefix + term)
            if mask:
                bits = _bits(mask, count)
                for i, c in credits:
                    np.maximum(credit[i], bits * c, out=credit[i])
    total = idf.sum()
    return float((idf @ credit).max() / total) if total else 0.0
