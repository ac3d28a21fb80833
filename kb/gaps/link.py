"""Linking tickets to the articles that answer them, in batch, through the search index.

The search engine answers one customer's question in milliseconds; a quarter's export
holds 100,000 tickets. So the linker reads each language's index once (its postings,
field lengths and the analyzers it was built with) into one sparse article × term
matrix of BM25F weights, and links every ticket by one sparse product. A ticket's
confidence is what the search calls it: the share of the question's weight (IDF) the
best article holds, of the subject's (two terms or more) or of the whole ticket's,
whichever is higher (a body's "we tried everything, please advise" is no article's, and
must not make a subject that an article answers look unanswered). Below `threshold` no
article answers the ticket.

Where two articles come close, the matrix is not the search: it has no sections, no
character n-grams, no spelling correction. Those tickets go to the search engine itself
(the subject, then the body's chosen terms; once per distinct question), whose first
article wins when the matrix ranks it close too; whether it answers is the matrix's
confidence, moved by how far the article stands out in meaning where the search
re-ranked the question by meaning (deflection.semantic).

A ticket is read as a query by kb.gaps.ticket_query. Identical texts are analysed and
scored once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from deflection import analysis, batch
from deflection.index import SearchIndexError, current_build

# the search engine's own fields, caps and credits: a ticket links as a search ranks
from deflection.plan import MAX_TERMS, SYNONYM_CREDIT
from deflection.semantic import with_standout
from kb.gaps.matrix import MORPH, ArticleMatrix
from kb.gaps.matrix import load as load_matrix
from kb.gaps.model import Ticket
from kb.gaps.ticket_query import Query, bare, ticket_query

if TYPE_CHECKING:
    from deflection.search import SearchEngine

# A ticket whose best article holds less of its weight is unanswered. 0.40 was tuned on
# the development tickets (tests/data/gaps_eval*.jsonl); two sets written later by others
# (dev2, dev3) both gain at 0.35, 8 of 488 development tickets in all (bench/RESULTS.md,
# "The linking threshold: 0.40 → 0.35").
DEFAULT_THRESHOLD = 0.35
# A topic's shared wording must link this much surer than one ticket: what many tickets
# share is looser than what one asks ("dark mode turns off after I change my password"
# shares "password" with the password reset's topic). Topics were tuned at 0.40.
TOPIC_MARGIN = 0.05
# A ticket whose second article ranks within this share of its first goes to the search
# engine to decide (bench/RESULTS.md, "Gaps linking through the search"): 0.6 and 0.75 kept
# every gain on the labeled tickets; 0.75 searches fewer.
CONTESTED = 0.75
# Of the contested questions the words leave unsure, this many, the most asked first, are
# re-ranked by meaning as the search re-ranks them (deflection.semantic; labeled tickets,
# dev 0.715 → 0.750, held-out 0.691 → 0.727): each costs ~10 ms of two cores, and a
# 100,000-ticket export has thousands (bench/RESULTS.md, "Linking by meaning").
MEANING_LIMIT = 1000
BLOCK = 2048  # queries scored by one sparse product


@dataclass(slots=True)
class Linked:
    """One ticket's link: the article (None below the threshold), its confidence, and the
    terms the analysis found (the topics reuse them)."""

    id: str
    lang: str
    article: str | None
    score: float  # confidence of the best article, 0..1
    best: str | None  # the best article even below the threshold (for evaluation)
    terms: tuple[str, ...] = ()
    subject_terms: int = 0  # how many of `terms` (the first ones) come from the subject
    words: float | None = None  # the confidence by words, where the meaning moved it


class Linker:
    """Links tickets to articles for every language of an index build."""

    def __init__(
        self,
        models: dict[str, ArticleMatrix],
        default: str,
        threshold: float = DEFAULT_THRESHOLD,
        engine: SearchEngine | None = None,
        workers: int | None = None,
    ) -> None:
        models = {lang: model for lang, model in models.items() if model.paths}
        if not models:
            raise SearchIndexError(
                "the search index holds no articles: add articles and run `kb index`"
            )
        self.models = models
        self.default = default if default in models else next(iter(models))
        self.threshold = threshold
        self.topic_threshold = min(1.0, round(threshold + TOPIC_MARGIN, 6))  # kb.gaps.run
        self.engine = engine
        self.workers = workers  # processes that rank contested tickets (deflection.batch)
        # each question the search ranked: its first article, and how far the articles it
        # re-ranked by meaning stand out in it (`Answer.standout`)
        self._searched: dict[tuple[str, str], tuple[str | None, dict[str, float]]] = {}
        self.by_meaning = 0  # how many of those the meaning decided between (MEANING_LIMIT)

    @classmethod
    def open(
        cls,
        root: Path,
        languages: list[str],
        synonyms_dir: Path | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        engine: SearchEngine | None = None,
    ) -> Linker:
        build = current_build(root)
        if build is None:
            raise SearchIndexError(
                f"no search index in {root}: run `kb index` (or `kb build`) first"
            )
        from whoosh import index

        models = {
            p.name: load_matrix(p, p.name, synonyms_dir)
            for p in sorted(build.iterdir())
            if p.is_dir() and index.exists_in(p)
        }
        return cls(models, languages[0] if languages else "en", threshold, engine)

    @property
    def searched(self) -> int:
        """How many distinct questions the search engine ranked (the contested tickets')."""
        return len(self._searched)

    def language_for(self, ticket: Ticket) -> str:
        if ticket.language:
            base = ticket.language.split("-")[0].lower()
            if base in self.models:
                return base
        sample = analysis.normalize(f"{ticket.subject}\n{ticket.body[:200]}")
        lang = analysis.detect_language(sample, list(self.models), self.default)
        return lang if lang in self.models else self.default

    def query(self, subject: str, body: str, lang: str) -> Query:
        """The ticket as a query of `lang`'s articles (kb.gaps.ticket_query)."""
        return ticket_query(self.models[lang], subject, body, lang)

    def link(
        self, tickets: Sequence[Ticket], progress: Callable[[int, int], None] | None = None
    ) -> list[Linked]:
        """Every ticket's best article; the same text is scored once. `progress` hears
        (done, len(tickets)): the analysis is the first half, the scoring the second."""
        out: list[Linked | None] = [None] * len(tickets)
        n = len(tickets)
        groups: dict[tuple[str, str, str], list[int]] = {}
        for i, ticket in enumerate(tickets):
            lang = self.language_for(ticket)
            groups.setdefault((lang, ticket.subject, ticket.body), []).append(i)
        by_lang: dict[str, list[tuple[tuple[str, str, str], Query]]] = {}
        self.by_meaning = 0
        done = 0
        for key, members in groups.items():
            lang, subject, body = key
            by_lang.setdefault(lang, []).append((key, self.query(subject, body, lang)))
            done += len(members)
            if progress and (done % 1000 < len(members) or done == n):
                progress(done // 2, n)
        total = sum(len(queries) for queries in by_lang.values())
        scored = Fraction(0)  # exact: the last tick makes n

        def tick(count: Fraction) -> None:
            nonlocal scored
            scored += count
            if progress:
                progress(n // 2 + (n - n // 2) * scored // total, n)

        # the matrix scores every language, then the search decides the contested
        # tickets of all of them at once: one pool of workers (deflection.batch)
        searching = self.engine is not None
        plain = {lang: [q for _, q in queries] for lang, queries in by_lang.items()}
        found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        contested: dict[str, list[int]] = {}
        for lang, queries in plain.items():
            best, confidence, contested[lang] = self._score(
                self.models[lang], queries, tick, Fraction(1, 2) if searching else Fraction(1))
            found[lang] = best, confidence
        moved: dict[str, dict[int, float]] = {}  # by the meaning: the words' confidence
        if searching and total:
            asks = {lang: [len(groups[key]) for key, _ in queries]
                    for lang, queries in by_lang.items()}
            moved = self._by_search(contested, plain, asks, found, tick, Fraction(total, 2))
        for lang, queries in by_lang.items():
            model = self.models[lang]
            best, confidence = found[lang]
            for row, ((key, q), b, c) in enumerate(zip(queries, best, confidence, strict=True)):
                path = model.paths[b] if b >= 0 else None
                article = path if path is not None and c >= self.threshold else None
                words = moved.get(lang, {}).get(row)
                for i in groups[key]:
                    out[i] = Linked(
                        tickets[i].id,
                        lang,
                        article,
                        round(float(c), 4),
                        path,
                        q.all_terms,
                        q.subject_terms,
                        None if words is None else round(float(words), 4),
                    )
        return [link for link in out if link is not None]

    def link_terms(self, lang: str, terms: dict[str, int] | list[str]) -> tuple[str | None, float]:
        """The best article for analysed terms (a topic's wording, each term with how many
        tickets use it) and its confidence."""
        model = self.models[lang]
        counts = terms if isinstance(terms, dict) else dict.fromkeys(terms, 1)
        chosen = list(counts)[:MAX_TERMS]
        weights = [counts[t] * model.idf(t) for t in chosen]
        q = Query(chosen, weights, tuple(chosen), len(chosen))
        best, confidence, _ = self._score(model, [q])
        return (model.paths[best[0]] if best[0] >= 0 else None), round(float(confidence[0]), 4)

    def _score(
        self, model: ArticleMatrix, queries: list[Query],
        tick: Callable[[Fraction], None] | None = None, part: Fraction = Fraction(1),
    ) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Best article and its confidence per query, a block of sparse products at a
        time; with a search engine, also the contested queries (their positions), for it
        to decide. `tick` hears how many queries are done, times `part`."""
        best = np.full(len(queries), -1, dtype=np.int64)
        confidence = np.zeros(len(queries))
        contested: list[int] = []
        for start in range(0, len(queries), BLOCK):
            chunk = queries[start : start + BLOCK]
            rank, held = self._block(model, chunk)
            rows = np.arange(len(chunk))
            pick = rank.argmax(axis=1)
            has = rank[rows, pick] > 0
            best[start : start + len(chunk)] = np.where(has, pick, -1)
            confidence[start : start + len(chunk)] = np.where(has, held[rows, pick], 0.0)
            if self.engine is not None:
                contested.extend(start + r for r in self._contested(chunk, rank, pick))
            if tick:
                tick(len(chunk) * part)
        return best, confidence, contested

    def _block(self, model: ArticleMatrix, chunk: list[Query]) -> tuple[np.ndarray, np.ndarray]:
        """How each query ranks the articles, and each article's confidence, by sparse
        products. Each query term is a slot; a slot stands for the vocabulary rows that
        match it (the word, its first letters, a synonym) with their credit. The rank is
        the search's: BM25F relative to the best article, times the confidence. A query's
        figures do not depend on the others in `chunk`."""
        s_rows, s_cols, s_vals = [], [], []
        a_rows, a_cols, a_vals, q_vals = [], [], [], []
        slot = 0
        for r, q in enumerate(chunk):
            total = sum(q.weights) or 1.0
            asked = q.asked if q.asked >= 0 else len(q.weights)
            asked_total = sum(q.weights[:asked]) or total
            for i, ways in enumerate(self._ways(model, q)):
                for row, credit in ways:
                    s_rows.append(slot)
                    s_cols.append(row)
                    s_vals.append(credit)
                a_rows.append(r)
                a_cols.append(slot)
                a_vals.append(q.weights[i] / total)
                q_vals.append(q.weights[i] / asked_total if i < asked else 0.0)
                slot += 1
        slots = sparse.csr_matrix((s_vals, (s_rows, s_cols)), shape=(slot, len(model.vocab)))
        share = sparse.csr_matrix((a_vals, (a_rows, a_cols)), shape=(len(chunk), slot))
        scores = (share @ (slots @ model.weights)).toarray()
        held_slots = (slots @ model.credit).tocsr()
        held_slots.data = np.minimum(held_slots.data, 1.0)
        # the whole ticket ranks the articles; the confidence is the subject's share or
        # the ticket's, the higher: a body's "we tried everything, please advise" is no
        # article's, and must not make a subject that an article answers look unanswered
        asked_share = sparse.csr_matrix((q_vals, (a_rows, a_cols)), shape=(len(chunk), slot))
        held_all = (share @ held_slots).toarray()
        held = np.maximum(held_all, (asked_share @ held_slots).toarray())
        top = scores.max(axis=1)
        top[top == 0] = 1.0
        return scores / top[:, None] * held_all, held

    @staticmethod
    def _contested(chunk: list[Query], rank: np.ndarray, pick: np.ndarray) -> Iterator[int]:
        """The queries of a block where another article comes within CONTESTED of the
        first (or, for a ticket with no body, any: it is the search's question exactly)."""
        if rank.shape[1] < 2:
            return  # one article: nothing to decide between
        runner_up = np.partition(rank, -2, axis=1)[:, -2]
        for r, q in enumerate(chunk):
            if q.text and rank[r, pick[r]] > 0 and (
                    bare(q) or runner_up[r] >= CONTESTED * rank[r, pick[r]]):
                yield r

    @staticmethod
    def _chooses(q: Query, rank: np.ndarray, article: int) -> bool:
        """Whether the search's `article` may replace the matrix's first, given the query's
        ranks: one close to the first, or any with a score for a ticket with no body."""
        top = rank.max()
        return bool(rank[article] >= CONTESTED * top or bare(q) and rank[article] > 0)

    def _by_search(self, contested: dict[str, list[int]], queries: dict[str, list[Query]],
                   asks: dict[str, list[int]], found: dict[str, tuple[np.ndarray, np.ndarray]],
                   tick: Callable[[Fraction], None] | None,
                   work: Fraction) -> dict[str, dict[int, float]]:
        """The search decides between the close articles: it weighs what the matrix
        leaves out (the best section, the character n-grams, spelling). Each distinct
        question is ranked once, on every core when there are many (deflection.batch);
        where the search's first article differs from the matrix's, the ticket's ranks
        are computed again to see whether it may win (kept for every contested ticket,
        they would take tickets × articles of memory). Whether the article answers is the
        matrix's confidence, with no typo guesses. The questions the words leave unsure
        are re-ranked by meaning, the most asked (`asks`: tickets per query) first, up to
        MEANING_LIMIT, and their article's confidence weighs how far it stands out in
        meaning. Returns, per language, the rows the meaning moved, with their confidence
        by words."""
        assert self.engine is not None
        asked: Counter[tuple[str, str]] = Counter()
        for lang, rows in contested.items():
            for row in rows:
                key = (lang, queries[lang][row].text)
                if key not in self._searched:
                    asked[key] += asks[lang][row]
        questions = sorted(asked, key=asked.__getitem__, reverse=True)  # ties: as they came
        step = work / len(questions) if questions else Fraction(0)
        ranked = batch.rank_all(self.engine, questions,
                                (lambda done: tick(done * step)) if tick else None,
                                self.workers, self._may_rank_by_meaning)
        self._searched.update(
            (question, (answer.results[0].path if answer.results else None, answer.standout))
            for question, answer in zip(questions, ranked, strict=True))
        if tick and not questions:
            tick(work)
        moved: dict[str, dict[int, float]] = {}
        for lang, rows in contested.items():
            model = self.models[lang]
            best, confidence = found[lang]
            changed = []
            for row in rows:
                first = self._searched[(lang, queries[lang][row].text)][0]
                article = model.column.get(first or "")
                if article is not None and article != best[row]:
                    changed.append((row, article))
            for start in range(0, len(changed), BLOCK):
                chunk = changed[start : start + BLOCK]
                rank, held = self._block(model, [queries[lang][row] for row, _ in chunk])
                for i, (row, article) in enumerate(chunk):
                    if self._chooses(queries[lang][row], rank[i], article):
                        best[row] = article
                        confidence[row] = held[i, article]
            for row in rows:  # the meaning weighs in on whether the article answers
                standout = self._searched[(lang, queries[lang][row].text)][1]
                if best[row] >= 0 and model.paths[best[row]] in standout:
                    moved.setdefault(lang, {})[row] = confidence[row]
                    confidence[row] = with_standout(confidence[row],
                                                    standout[model.paths[best[row]]])
        return moved

    def _may_rank_by_meaning(self) -> bool:
        if self.by_meaning >= MEANING_LIMIT:
            return False
        self.by_meaning += 1
        return True

    @staticmethod
    def _ways(model: ArticleMatrix, q: Query) -> list[list[tuple[int, float]]]:
        """Per query term: the vocabulary rows that stand for it, with their credit (the
        `morph` rows carry MORPH_CREDIT in the matrix itself)."""
        ways: list[list[tuple[int, float]]] = [[] for _ in q.terms]
        for i, term in enumerate(q.terms):
            if term in model.vocab:
                ways[i].append((model.vocab[term], 1.0))
            morph = analysis.morph(term)
            if morph != term and MORPH + morph in model.vocab:  # as the search: no double count
                ways[i].append((model.vocab[MORPH + morph], 1.0))
        for positions, phrase in model.synonyms_of(q.terms):
            for term in phrase:
                if term in model.vocab:
                    for i in positions:
                        ways[i].append((model.vocab[term], SYNONYM_CREDIT))
        return ways
