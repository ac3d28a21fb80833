"""One language's articles as a sparse matrix of BM25F weights, read once from the index.

The linker (`kb.gaps.link`) scores every ticket against this matrix by sparse products;
the weights are the search's own (its fields, boosts, length normalisation and IDF), so a
ticket ranks the articles as the search would rank them on the same terms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from deflection import analysis, synonyms
from deflection.index import FIELD_BOOSTS
from deflection.plan import MORPH_CREDIT, TEXT_FIELDS
from deflection.ranking import DEFAULT_B as B
from deflection.ranking import FIELD_B, K1, average_length

MORPH = "\x00"  # vocabulary prefix of the `morph` field's terms


@dataclass
class ArticleMatrix:
    """One language's articles as a matrix."""

    lang: str
    paths: list[str]
    titles: list[str]
    vocab: dict[str, int]
    weights: sparse.csr_matrix  # vocab × articles: Σ field boost × BM25 term weight
    credit: sparse.csr_matrix  # vocab × articles: 1 when a text field holds the term
    df: np.ndarray  # articles holding each term (the engine's: max over text fields)
    synonyms: synonyms.Synonyms = field(default_factory=synonyms.Synonyms)
    # first term of a synonym → (the synonym's terms, the group's other members)
    _synonym_index: dict[str, list[tuple[tuple[str, ...], list[tuple[str, ...]]]]] = field(
        default_factory=dict
    )

    _idf: dict[str, float] = field(default_factory=dict)
    _column: dict[str, int] | None = None

    def __post_init__(self) -> None:
        for group in self.synonyms.groups:
            for member in group:
                others = [other for other in group if other != member]
                self._synonym_index.setdefault(member[0], []).append((member, others))
        # one-way synonyms (what customers type → the articles' word), where the search has them
        for alias, word in getattr(self.synonyms, "one_way", ()):
            if alias:
                self._synonym_index.setdefault(alias[0], []).append((alias, [word]))

    def synonyms_of(self, terms: list[str]):
        """(positions of a synonym in `terms`, another member of its group): what
        `Synonyms.expand` gives, through an index on first terms."""
        for i, term in enumerate(terms):
            for member, others in self._synonym_index.get(term, ()):
                if tuple(terms[i : i + len(member)]) == member:
                    positions = tuple(range(i, i + len(member)))
                    for other in others:
                        yield positions, other

    @property
    def column(self) -> dict[str, int]:
        if self._column is None:
            self._column = {path: i for i, path in enumerate(self.paths)}
        return self._column

    @property
    def n(self) -> int:
        return max(1, len(self.paths))

    def idf(self, term: str) -> float:
        """The search engine's IDF: a word known only by its first letters still counts."""
        known = self._idf.get(term)
        if known is None:
            i = self.vocab.get(term)
            df = self.df[i] if i is not None else 0
            if df == 0 and MORPH + analysis.morph(term) in self.vocab:
                df = self.df[self.vocab[MORPH + analysis.morph(term)]]
            known = self._idf[term] = math.log(1 + self.n / (df + 0.5))
        return known


def load(folder: Path, lang: str, synonyms_dir: Path | None) -> ArticleMatrix:
    from whoosh import index

    ix = index.open_dir(folder)
    with ix.reader() as reader:
        docnums = sorted(reader.all_doc_ids())
        column = {d: i for i, d in enumerate(docnums)}
        paths, titles = [], []
        for d in docnums:
            stored = reader.stored_fields(d)
            paths.append(stored["path"])
            titles.append(stored.get("title", ""))
        vocab: dict[str, int] = {}
        rows, cols, weights, credits = [], [], [], []
        df: dict[int, int] = {}
        for fieldname in (*TEXT_FIELDS, "morph"):
            if fieldname not in reader.indexed_field_names():
                continue
            boost = FIELD_BOOSTS.get(fieldname, 1.0)
            b = FIELD_B.get(fieldname, B)
            lengths = {d: reader.doc_field_length(d, fieldname) or 0 for d in docnums}
            deleted = sum(reader.doc_field_length(d, fieldname) or 0
                          for d in range(reader.doc_count_all()) if d not in column)
            avg = average_length(reader, fieldname, deleted, len(docnums))  # the search's
            prefix = MORPH if fieldname == "morph" else ""
            for raw in reader.lexicon(fieldname):
                term = prefix + (raw.decode("utf-8") if isinstance(raw, bytes) else raw)
                postings = reader.postings(fieldname, raw)
                held = []  # (article, weight); none for a word only deleted articles held
                while postings.is_active():
                    d = postings.id()
                    if d in column:
                        tf = postings.weight()
                        norm = K1 * (1 - b + b * lengths[d] / avg)
                        held.append((column[d], boost * tf * (K1 + 1) / (tf + norm)))
                    postings.next()
                if not held:
                    continue
                i = vocab.setdefault(term, len(vocab))
                rows += [i] * len(held)
                cols += [article for article, _ in held]
                weights += [weight for _, weight in held]
                credits += [MORPH_CREDIT if prefix else 1.0] * len(held)
                df[i] = max(df.get(i, 0), len(held))
    shape = (len(vocab), len(paths))
    weight_matrix = sparse.csr_matrix((weights, (rows, cols)), shape=shape, dtype=np.float64)
    # credit is the best field's: 1 in any text field, MORPH_CREDIT through `morph` alone
    credit = sparse.coo_matrix((credits, (rows, cols)), shape=shape).tocsr()
    credit.sum_duplicates()
    credit.data = np.minimum(credit.data, 1.0)
    return ArticleMatrix(
        lang,
        paths,
        titles,
        vocab,
        weight_matrix,
        credit,
        np.array([df.get(i, 0) for i in range(len(vocab))], dtype=np.float64),
        (synonyms.load(synonyms_dir, lang) if synonyms_dir else synonyms.Synonyms()).used_by(
            lambda term: df.get(vocab[term], 0) if term in vocab else 0),
    )
