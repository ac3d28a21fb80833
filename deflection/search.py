"""Answering a customer's question from the index: safe, bounded, multilingual.

No query syntax is interpreted: the text is analysed like the articles were and
the query is built from its terms, so wildcards, fields, ranges, boosts and
parentheses are just words. Length, terms and typo expansions are capped, and
a time limit that works in server threads bounds every search.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from whoosh import index

from deflection import analysis, layouts, own_words, passages, ranking, snippets, spelling, synonyms
from deflection.index import SearchIndexError, current_build
from deflection.plan import MAX_TERMS, TEXT_FIELDS, Plan, doc_frequency, held, make_plan, typo_of
from deflection.semantic import RERANK, SEARCH_BELOW, Vectors, with_standout
from kb.errors import KBError
from kb.gaps.redact import without_addresses

MAX_QUERY_CHARS = 4000
TIME_LIMIT_S = 0.5
MIN_CONFIDENCE = 0.3
SNIPPETS = 5  # results with passages from the body
SNIPPET_SOURCE_CHARS = 6000
COORDINATION = 1.0
# Passages: the results (at least the first SECTION_RERANK) are re-ranked by a blend of
# the page's coverage of the question and its best section's, so a long page holding the
# question's words in unrelated sections yields to one that answers in one place.
# bench/RESULTS.md, "Search quality, session of 2026-11-22 evening".
SECTION_RERANK = 10
SECTION_WEIGHT = 0.75
# Then the first PASSAGE_RERANK by their ranking blended with the question's character
# n-grams in their sections (deflection/passages.py); bench/RESULTS.md, "Character n-grams".
PASSAGE_RERANK = 20
PASSAGE_WEIGHT = 0.2
EVERY_SECTION_FIELDS = ("title", "summary", "keywords", "tags", "slug")
CORRECT_MARGIN = 0.2  # a corrected spelling replaces the results when this much surer
CORRECTED_MIN = 0.6  # a spelling suggestion must answer the question this well
# A question typed in the wrong keyboard layout (deflection/layouts.py): at most this share
# of its words as typed, and at least this share as meant, are the articles' words
RETYPE_TYPED_KNOWN = 0.25
RETYPE_MEANT_KNOWN = 0.5


class QueryError(KBError):
    """The query cannot be searched as it is (too long)."""


@dataclass
class Hit:
    path: str
    title: str
    url: str
    score: float
    confidence: float
    snippet: str = ""


@dataclass(frozen=True)
class Unsure:
    """Where the words leave a ranked question's first results close: the text they
    ranked, and its first hits (RERANK, or as many as the answer lists), for
    `SearchEngine.by_meaning` (deflection.semantic) to decide between the first RERANK,
    once the question's spelling is chosen, in the process that may run the model."""

    text: str
    hits: tuple[Hit, ...]  # confidences not rounded: the results' floor compares them
    limit: int  # how many results the answer lists
    listed: bool  # the results are listed whether they answer or not


@dataclass
class Answer:
    query: str
    lang: str
    results: list[Hit] = field(default_factory=list)
    answered: bool = False
    confidence: float = 0.0
    did_you_mean: str | None = None
    corrected: bool = False  # results are for `did_you_mean`, not for the query as typed
    timed_out: bool = False
    unsure: Unsure | None = field(default=None, repr=False)  # `rank(by_meaning=False)`'s
    # how far each article re-ranked by meaning stands out in it (`semantic.Vectors.rerank`)
    standout: dict[str, float] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        answer = asdict(self)
        del answer["unsure"], answer["standout"]
        return answer


class SearchEngine:
    def __init__(self, root: Path, languages: list[str], synonyms_dir: Path | None = None,
                 min_confidence: float = MIN_CONFIDENCE, semantic: bool = True) -> None:
        self.root = root
        self.semantic = semantic
        self.languages = languages
        self.default = languages[0]
        self.synonyms_dir = synonyms_dir
        self.min_confidence = min_confidence
        self._lock = threading.Lock()
        self._local = threading.local()
        self.build: Path | None = None
        self.refresh()

    def refresh(self) -> bool:
        """Open the current build if it changed; True when it did."""
        build = current_build(self.root)
        if build is None:
            raise SearchIndexError(f"no search index in {self.root}: run `kb index` "
                                   "(or `kb build`) first")
        if build == self.build:
            return False
        indexes = {p.name: index.open_dir(p) for p in sorted(build.iterdir())
                   if p.is_dir() and index.exists_in(p)}
        # field lengths and typo lexicons are read by the first search that needs them, in
        # a worker thread: refresh() may run on the HTTP service's event loop
        postings = {lang: ranking.Postings((*TEXT_FIELDS, "morph")) for lang in indexes}
        languages = {lang: synonyms.for_index(ix, TEXT_FIELDS, self.synonyms_dir, lang)
                     for lang, ix in indexes.items()}
        vectors = {lang: Vectors.open(build / lang) if self.semantic else None
                   for lang in indexes}
        with self._lock:
            self._indexes, self._postings, self._synonyms = indexes, postings, languages
            self._vectors = vectors
            self.build = build
            self._generation = getattr(self, "_generation", 0) + 1
        return True

    def forget_questions(self) -> None:
        """Forget the questions' vectors asked before (bench/search.py: a new question's
        cost; a repeated one is answered from this cache)."""
        for vectors in self._vectors.values():
            if vectors is not None:
                vectors.forget()

    def forked(self) -> None:
        """In a forked process: open searchers of its own (deflection.batch)."""
        self._lock = threading.Lock()
        self._local = threading.local()

    def _searcher(self, lang: str):
        """One searcher per thread and build (Whoosh searchers are not shared), with the
        build's shared posting cache."""
        local = self._local
        if getattr(local, "generation", None) != self._generation:
            local.searchers = {}
            local.generation = self._generation
        if lang not in local.searchers:
            searcher = self._indexes[lang].searcher()
            postings = self._postings[lang]
            postings.prepare(searcher)
            local.searchers[lang] = (searcher, postings)
        return local.searchers[lang]

    def _given(self, lang: str | None) -> str | None:
        """The index of the language the caller names, when there is one."""
        if lang and lang in self._indexes:
            return lang
        base = (lang or "").split("-")[0].lower()
        return base if base in self._indexes else None

    def language_for(self, query: str, lang: str | None) -> str:
        if self._given(lang):
            return self._given(lang)
        detected = analysis.detect_language(query, list(self._indexes), self.default)
        return detected if detected in self._indexes else next(iter(self._indexes), self.default)

    def search(self, query: str, lang: str | None = None, limit: int = 10,
               as_typed: bool = False) -> Answer:
        """The articles answering `query`, best first, with snippets. A misspelt question,
        or one typed with the wrong keyboard layout, is answered as corrected unless
        `as_typed` (the reader's "search instead for" what they typed)."""
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"the query is {len(query)} characters long; the limit is "
                             f"{MAX_QUERY_CHARS}: ask a shorter question")
        answer, (terms, stored) = self._answer(query, lang, limit, as_typed=as_typed)
        self.by_meaning(answer)
        stored = {fields["path"]: fields for fields in stored}
        for i, hit in enumerate(answer.results):  # only for the results shown
            hit.snippet = self._snippet(stored[hit.path], terms, answer.lang, i)
        return answer

    def rank(self, query: str, lang: str | None = None, limit: int = 1,
             by_meaning: bool = True) -> Answer:
        """The ranking alone, the first results even below the confidence that answers, and
        no snippets: for callers that rank many questions, as `kb gaps` links tickets. A
        longer text is cut at MAX_QUERY_CHARS. Without `by_meaning`, the words alone, and
        where they leave the first results close, the answer's `unsure` holds them for
        `by_meaning`: a forked process (deflection.batch) cannot run the model (its
        OpenMP threads do not survive a fork), so its caller decides."""
        answer = self._answer(query[:MAX_QUERY_CHARS], lang, limit, every=True)[0]
        return self.by_meaning(answer) if by_meaning else answer

    def by_meaning_all(self, answers: Sequence[Answer], done: Callable[[int], None]) -> None:
        """`by_meaning` for each of `answers`, their questions encoded 16 at a time (on
        every core: a batch is faster than one question after another); `done` hears
        how many more are."""
        for start in range(0, len(answers), 16):
            batch = answers[start:start + 16]
            for lang in {answer.lang for answer in batch}:
                vectors = self._vectors.get(lang)
                if vectors is not None:
                    vectors.remember([answer.unsure.text for answer in batch
                                      if answer.lang == lang and answer.unsure is not None])
            for answer in batch:
                self.by_meaning(answer)
            done(len(batch))

    def by_meaning(self, answer: Answer) -> Answer:
        """`answer` (of `rank(by_meaning=False)`) with its unsure first results re-ranked
        by how close each is in meaning to the question (once its spelling is chosen),
        and their confidences weighing how far each stands out in meaning."""
        unsure, answer.unsure = answer.unsure, None
        vectors = self._vectors.get(answer.lang)
        if unsure is None or vectors is None:
            return answer
        head = unsure.hits[:RERANK]
        found = vectors.rerank(unsure.text, [hit.path for hit in head],
                               np.array([hit.score for hit in head]))
        if found is None:
            return answer
        blended, standout = found
        answer.standout = {hit.path: float(z) for hit, z in zip(head, standout, strict=True)}
        hits = [replace(hit, score=float(b),
                        confidence=with_standout(hit.confidence, z, SEARCH_BELOW))
                for hit, b, z in zip(head, blended, standout, strict=True)]
        hits += unsure.hits[len(head):]
        order = [*np.argsort(-blended, kind="stable"), *range(len(head), len(hits))]
        answer.confidence = max(hits[i].confidence for i in order[:3])
        if not answer.corrected:
            answer.answered = answer.confidence >= self.min_confidence
        floor = 0.0 if unsure.listed else self.min_confidence * 0.8
        shown = [i for i in order[:unsure.limit]  # either confidence may list it
                 if max(hits[i].confidence, unsure.hits[i].confidence) >= floor] \
            if answer.answered or unsure.listed else []
        answer.results = [replace(hits[i], score=round(hits[i].score, 4),
                                  confidence=round(hits[i].confidence, 3)) for i in shown]
        return answer

    def _answer(self, query: str, lang: str | None, limit: int, every: bool = False,
                as_typed: bool = False) -> tuple[Answer, tuple[set[str], list[dict]]]:
        """The answer (snippets left empty), with the terms and stored fields of its
        results; a misspelt question's corrected results when the center answers them
        better, unless `as_typed` (then the spelling is only suggested)."""
        text = analysis.normalize(query).strip()
        limit = max(1, min(int(limit), 50))
        given = self._given(lang)
        lang = self.language_for(text, lang)
        answer = Answer(query=text, lang=lang)
        if not without_addresses(text).strip() or lang not in self._indexes:
            return answer, (set(), [])
        searcher, postings = self._searcher(lang)
        asked = self._question_part(searcher, postings, text, lang)
        found = self._run(searcher, postings, asked, lang, limit, answer, every)
        fixes = spelling.corrections(searcher, postings, asked, lang, MAX_TERMS)
        if fixes:
            # the whole question respelt, its own details kept (it is what the customer
            # sees); its part that asks found again, as a detail's label may be misspelt
            suggestion = spelling.respelt(text, lang, fixes)
            retry = Answer(query=suggestion, lang=lang)
            meant = self._question_part(searcher, postings, suggestion, lang)
            corrected = self._run(searcher, postings, meant, lang, limit, retry, every)
            # suggest only spellings the help center answers better
            if retry.confidence >= CORRECTED_MIN and retry.confidence > answer.confidence:
                answer.did_you_mean = suggestion
                if not as_typed and (not answer.answered or retry.confidence
                                     >= answer.confidence + CORRECT_MARGIN):
                    answer.results, answer.confidence = retry.results, retry.confidence
                    answer.unsure = retry.unsure
                    answer.answered, answer.corrected = True, True
                    found = corrected
        if answer.confidence < CORRECTED_MIN and not answer.corrected:
            found = self._retyped(text, given, limit, answer, every, as_typed) or found
        return answer, found

    def _retyped(self, text: str, given: str | None, limit: int, answer: Answer,
                 every: bool, as_typed: bool = False) -> tuple[set[str], list[dict]] | None:
        """A question typed in the wrong keyboard layout ("lfi,jhl" for "дашборд") is
        answered as it was meant, when the help center uses the meant words and not the
        typed ones, and the meant question is answered better; `answer` says so with
        `corrected` (`as_typed`: it is only suggested, in `did_you_mean`). Only into the
        language the caller names, if it names one."""
        meant_in = {lang: meant for lang, meant in layouts.retyped(text).items()
                    if lang in self._indexes and given in (None, lang)}
        if not meant_in or len(text.split()) > MAX_TERMS \
                or self._known(text, answer.lang) > RETYPE_TYPED_KNOWN:
            return None
        for lang, meant in meant_in.items():
            if self._known(meant, lang) < RETYPE_MEANT_KNOWN:
                continue
            searcher, postings = self._searcher(lang)
            retry = Answer(query=meant, lang=lang)
            found = self._run(searcher, postings, meant, lang, limit, retry, every)
            if retry.confidence > answer.confidence and (retry.answered or every):
                if as_typed:
                    answer.did_you_mean = meant
                    return None
                answer.lang, answer.did_you_mean, answer.corrected = lang, meant, True
                answer.results, answer.confidence = retry.results, retry.confidence
                answer.answered, answer.unsure = retry.answered, retry.unsure
                return found
        return None

    def _known(self, text: str, lang: str) -> float:
        if lang not in self._indexes:
            return 0.0
        searcher, postings = self._searcher(lang)
        return spelling.known_share(searcher, postings, text, lang)

    def _question_part(self, searcher, postings: ranking.Postings, text: str, lang: str) -> str:
        """The question without the customer's own email address (no article's word),
        and without their web address, identifier or introduction when what remains still
        tells articles apart (own_words)."""
        text = without_addresses(text).strip()
        n = max(1, searcher.doc_count())

        def tells(term: str) -> bool:
            df = doc_frequency(searcher, postings, term)
            # a typo tells as the word it stands for
            return analysis.tells(df, n) or any(
                analysis.tells(doc_frequency(searcher, postings, alt), n)
                for alt in typo_of(searcher, postings, term, df))

        return own_words.question_part(
            text, lang, lambda term: held(searcher, postings, term) > 0, tells)

    def _run(self, searcher, postings: ranking.Postings, text: str, lang: str, limit: int,
             answer: Answer, every: bool = False) -> tuple[set[str], list[dict]]:
        """Fill `answer` (snippets left empty); returns the indexed terms that stand for the
        question's words and the stored fields of each result, and of each first result
        the meaning may re-rank (`answer.unsure`). Results below the confidence that
        answers are left out unless `every`."""
        plan = self._plan(searcher, postings, text, lang)
        terms = set(plan.stands_for)
        if not plan.terms:
            return terms, []
        scores, confidence, everywhere = self._score(searcher, postings, plan, answer)
        candidates = np.flatnonzero(scores)
        if not len(candidates):
            return terms, []
        # coordination: an article holding more of the question outranks one that repeats
        # part of it often
        rank = scores[candidates] / scores[candidates].max() \
            * confidence[candidates] ** COORDINATION
        order = np.argsort(-rank, kind="stable")[:max(limit, 3, SECTION_RERANK,
                                                       PASSAGE_RERANK)]
        loaded: dict[int, dict] = {}
        if SECTION_WEIGHT:
            order = self._by_sections(searcher, postings, plan, candidates, order, rank,
                                      confidence, everywhere, loaded)
        if PASSAGE_WEIGHT:
            order = self._by_passages(searcher, postings, plan.said, candidates, order, rank,
                                      loaded)
        # a long question's share cannot tell an answer from none: its first results
        # held as much of it whether they answered or not (bench/RESULTS.md, "Long
        # questions"), so they are listed as suggestions, `answered` or not
        every = every or plan.long
        vectors = self._vectors.get(lang)
        unsure: list[dict] = []  # the stored fields of the results the meaning may show
        if vectors is not None and vectors.unsure(rank[order[:RERANK]]):
            # the meaning decides once the spelling is chosen (`by_meaning` after
            # `_answer`): one text encoded, not each spelling tried
            head = order[:max(RERANK, limit)]
            unsure = _stored(searcher, postings, candidates[head], loaded)
            answer.unsure = Unsure(text, tuple(
                Hit(path=f["path"], title=f["title"], url=f["url"], score=float(rank[j]),
                    confidence=float(confidence[candidates[j]]))
                for j, f in zip(head, unsure, strict=True)), limit, every)
        order = order[:max(limit, 3)]
        answer.confidence = float(confidence[candidates[order[:3]]].max())
        answer.answered = answer.confidence >= self.min_confidence
        if not answer.answered and not every:
            return terms, unsure
        floor = 0.0 if every else self.min_confidence * 0.8
        answer.results, stored = [], []
        for j in order[:limit]:
            docnum = int(candidates[j])
            if confidence[docnum] < floor:
                continue
            fields = loaded.get(docnum) or postings.stored(searcher, docnum)
            stored.append(fields)
            answer.results.append(Hit(
                path=fields["path"], title=fields["title"], url=fields["url"],
                score=round(float(rank[j]), 4), confidence=round(float(confidence[docnum]), 3)))
        return terms, stored + unsure

    @staticmethod
    def _by_sections(searcher, postings: ranking.Postings, plan: Plan, candidates: np.ndarray,
                     order: np.ndarray, rank: np.ndarray, confidence: np.ndarray,
                     everywhere: np.ndarray, loaded: dict[int, dict]) -> np.ndarray:
        """`order` re-ranked (and `rank` updated) by the page's coverage blended with its
        best section's; the stored fields read on the way are kept in `loaded`."""
        idf = np.asarray(plan.idf)
        for j in order:
            docnum = int(candidates[j])
            fields = loaded[docnum] = postings.stored(searcher, docnum)
            sections = fields.get("sections")
            if not sections:
                continue  # one section: the page is its best section
            best = ranking.best_section(sections, plan.stands_for, plan.morphs, idf,
                                        everywhere[:, docnum])
            page = confidence[docnum]
            if page > 0:  # the page's confidence in `rank` becomes the blend
                blend = (1 - SECTION_WEIGHT) * page + SECTION_WEIGHT * best
                rank[j] *= (blend / page) ** COORDINATION
        return order[np.argsort(-rank[order], kind="stable")]

    @staticmethod
    def _by_passages(searcher, postings: ranking.Postings, text: str, candidates: np.ndarray,
                     order: np.ndarray, rank: np.ndarray, loaded: dict[int, dict]) -> np.ndarray:
        """The first PASSAGE_RERANK of `order` re-ranked (and `rank` updated) by their rank
        blended with their sections' character n-gram score; the rest left as they are."""
        head = order[:PASSAGE_RERANK]
        pages = [page.get("passages") or []
                 for page in _stored(searcher, postings, candidates[head], loaded)]
        found = passages.scores(text, pages)
        top = rank[head].max()
        if found.max() <= 0 or top <= 0:
            return order
        rank[head] = top * ((1 - PASSAGE_WEIGHT) * rank[head] / top
                            + PASSAGE_WEIGHT * found / found.max())
        return np.concatenate((head[np.argsort(-rank[head], kind="stable")],
                               order[PASSAGE_RERANK:]))

    @staticmethod
    def _score(searcher, postings: ranking.Postings, plan: Plan, answer: Answer):
        """BM25F of every document, the share of the question's weight (IDF) each holds,
        and each query term's credit in the fields that speak for every section."""
        n = postings.doc_count
        scores = np.zeros(n)
        credit = np.zeros((len(plan.terms), n))
        everywhere = np.zeros((len(plan.terms), n))
        deadline = time.monotonic() + TIME_LIMIT_S
        groups = [(term, credits, TEXT_FIELDS, True) for term, credits in plan.stands_for.items()]
        # the first-letters field counts only where it differs from the word itself
        groups += [(term, credits, ("morph",), term not in plan.stands_for)
                   for term, credits in plan.morphs.items()]
        for term, credits, fieldnames, scored in groups:
            if time.monotonic() > deadline:
                answer.timed_out = True
                break
            lists = [(f, postings.get(searcher, f, term)) for f in fieldnames]
            lists = [(f, plist) for f, plist in lists if len(plist.ids)]
            if not lists:
                continue
            for f, plist in lists:
                for i, c in credits:
                    row = credit[i]
                    row[plist.ids] = np.maximum(row[plist.ids], c)
                    if f in EVERY_SECTION_FIELDS:
                        row = everywhere[i]
                        row[plist.ids] = np.maximum(row[plist.ids], c)
            if scored:
                weight = max(c * plan.weights[i] for i, c in credits)
                scores += weight * ranking.term_score(postings, lists, n)
        idf = np.asarray(plan.idf)
        total = idf.sum()
        confidence = idf @ credit / total if total else np.zeros(n)
        if not plan.long and min(plan.weights, default=1.0) < 1.0:
            # a short question with context: the share of what it asks, or of the whole,
            # the higher ("I already tried restarting" is no article's, as a ticket's body)
            asked = np.where(np.asarray(plan.weights) >= 1.0, idf, 0.0)
            confidence = np.maximum(confidence, asked @ credit / asked.sum())
        return scores, confidence, everywhere

    def _plan(self, searcher, postings: ranking.Postings, text: str, lang: str) -> Plan:
        return make_plan(searcher, postings, text, lang,
                         self._synonyms.get(lang, synonyms.Synonyms()))

    @staticmethod
    def _snippet(stored: dict, terms: set[str], lang: str, position: int) -> str:
        """Highlighted passages for the first results; the summary for the rest."""
        if position < SNIPPETS:
            passage = snippets.snippet(stored.get("body", "")[:SNIPPET_SOURCE_CHARS], terms,
                                       lang)
            if passage:
                return passage
        return html.escape(stored.get("summary", ""))


def _stored(searcher, postings: ranking.Postings, docnums: np.ndarray,
            loaded: dict[int, dict]) -> list[dict]:
    """The stored fields of `docnums`, each read once a question (kept in `loaded`)."""
    for docnum in map(int, docnums):
        if docnum not in loaded:
            loaded[docnum] = postings.stored(searcher, docnum)
    return [loaded[int(d)] for d in docnums]
