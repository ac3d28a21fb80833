"""Answering a customer's question from the index: safe, bounded, multilingual.

No query syntax is interpreted: the text is analysed like the articles were and
the query is built from its terms, so wildcards, fields, ranges, boosts and
parentheses are just words. Length, terms and typo expansions are capped, and
a time limit that works in server threads bounds every search.
"""

from __future__ import annotations

import html
import math
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import highlight, index, scoring
from whoosh.collectors import TimeLimitCollector
from whoosh.query import Or, Term
from whoosh.searching import TimeLimit

from deflection import analysis, synonyms
from deflection.index import SearchIndexError, current_build
from kb.errors import KBError

MAX_QUERY_CHARS = 512
MAX_TERMS = 16
MAX_FUZZY_PER_TERM = 3
TIME_LIMIT_S = 0.5
MIN_CONFIDENCE = 0.3
TEXT_FIELDS = ("title", "summary", "headings", "body", "keywords", "tags", "slug")
MORPH_CREDIT = 0.8  # a term matched only through its first letters (Russian morphology)
FUZZY_CREDIT = 0.6
SYNONYM_CREDIT = 0.9
RERANK_DEPTH = 50
SNIPPETS = 5  # results with passages from the body
SNIPPET_SOURCE_CHARS = 6000
COORDINATION = 1.0
CORRECT_MARGIN = 0.2  # a corrected spelling replaces the results when this much surer
CORRECTED_MIN = 0.6  # a spelling suggestion must answer the question this well


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

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Plan:
    """A query's terms, their weights, and which indexed terms stand for each."""

    terms: list[str]
    idf: list[float]
    stands_for: dict[str, list[tuple[int, float]]]  # indexed term → (query term, credit)
    morphs: dict[str, list[tuple[int, float]]]  # the same, for the `morph` field


class SearchEngine:
    def __init__(self, root: Path, languages: list[str], synonyms_dir: Path | None = None,
                 min_confidence: float = MIN_CONFIDENCE) -> None:
        self.root = root
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
        with self._lock:
            self._indexes = {p.name: index.open_dir(p) for p in sorted(build.iterdir())
                             if p.is_dir() and index.exists_in(p)}
            self._synonyms = {lang: synonyms.load(self.synonyms_dir, lang)
                              if self.synonyms_dir else synonyms.Synonyms()
                              for lang in self._indexes}
            self.build = build
            self._generation = getattr(self, "_generation", 0) + 1
        return True

    def _searcher(self, lang: str):
        """One searcher per thread and build (Whoosh searchers are not shared)."""
        local = self._local
        if getattr(local, "generation", None) != self._generation:
            local.searchers = {}
            local.generation = self._generation
        if lang not in local.searchers:
            local.searchers[lang] = self._indexes[lang].searcher(
                weighting=scoring.BM25F(B=0.75, K1=1.2, title_B=0.3, keywords_B=0.3,
                                        tags_B=0.0))
        return local.searchers[lang]

    def language_for(self, query: str, lang: str | None) -> str:
        if lang and lang in self._indexes:
            return lang
        if lang:
            base = lang.split("-")[0].lower()
            if base in self._indexes:
                return base
        detected = analysis.detect_language(query, list(self._indexes), self.default)
        return detected if detected in self._indexes else next(iter(self._indexes), self.default)

    def search(self, query: str, lang: str | None = None, limit: int = 10) -> Answer:
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"the query is {len(query)} characters long; the limit is "
                             f"{MAX_QUERY_CHARS}: ask a shorter question")
        text = analysis.normalize(query).strip()
        limit = max(1, min(int(limit), 50))
        lang = self.language_for(text, lang)
        answer = Answer(query=text, lang=lang)
        if not text or lang not in self._indexes:
            return answer
        searcher = self._searcher(lang)
        self._run(searcher, text, lang, limit, answer)
        suggestion = self._did_you_mean(searcher, text, lang)
        if suggestion:
            retry = Answer(query=suggestion, lang=lang)
            self._run(searcher, suggestion, lang, limit, retry)
            # suggest only spellings the help center answers better
            if retry.confidence >= CORRECTED_MIN and retry.confidence > answer.confidence:
                answer.did_you_mean = suggestion
                if not answer.answered or retry.confidence >= answer.confidence + CORRECT_MARGIN:
                    answer.results, answer.confidence = retry.results, retry.confidence
                    answer.answered, answer.corrected = True, True
        return answer

    def _run(self, searcher, text: str, lang: str, limit: int, answer: Answer) -> None:
        plan = self._plan(searcher, text, lang)
        if not plan.terms:
            return
        collector = searcher.collector(limit=max(limit, RERANK_DEPTH))
        timed = TimeLimitCollector(collector, timelimit=TIME_LIMIT_S, use_alarm=False)
        try:
            searcher.search_with_collector(self._query(plan), timed)
        except TimeLimit:
            answer.timed_out = True
        hits = list(timed.results())  # never len(results): Whoosh would search again to count
        if not hits:
            return
        matched = self._matched(searcher, plan, [hit.docnum for hit in hits])
        top = max(float(hit.score) for hit in hits) or 1.0
        scored = []
        for hit in hits:
            confidence = self._confidence(plan, matched[hit.docnum])
            # coordination: an article holding more of the question outranks one that
            # repeats part of it often
            scored.append((float(hit.score) / top * confidence ** COORDINATION, confidence, hit))
        scored.sort(key=lambda item: -item[0])
        answer.confidence = max(c for _, c, _ in scored[:3])
        answer.answered = answer.confidence >= self.min_confidence
        if not answer.answered:
            return
        results = hits[0].results
        results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        results.formatter = highlight.HtmlFormatter(tagname="mark", classname="kb-hit",
                                                    termclass="kb-term")
        floor = self.min_confidence * 0.8
        answer.results = [
            Hit(path=hit["path"], title=hit["title"], url=hit["url"],
                score=round(rank, 4), confidence=round(confidence, 3),
                snippet=self._snippet(hit, i))
            for i, (rank, confidence, hit) in enumerate(scored[:limit]) if confidence >= floor
        ]

    @staticmethod
    def _snippet(hit, position: int) -> str:
        """Highlighted passages for the first results; the summary for the rest (highlighting
        re-analyses the text, the costliest step of a search)."""
        if position < SNIPPETS:
            passage = hit.highlights("body", text=hit["body"][:SNIPPET_SOURCE_CHARS], top=2)
            if passage:
                return passage
        return html.escape(hit.get("summary", ""))

    @staticmethod
    def _matched(searcher, plan: _Plan, docnums: list[int]) -> dict[int, list]:
        """(field, term) pairs each of a few documents holds: probed in the postings for
        these documents only, so the search itself can skip what cannot rank."""
        reader = searcher.reader()
        found: dict[int, list] = {d: [] for d in docnums}
        wanted = sorted(set(docnums))
        probes = [(f, t) for t in plan.stands_for for f in TEXT_FIELDS]
        probes += [("morph", t) for t in plan.morphs]
        for fieldname, term in probes:
            if (fieldname, term) not in reader:
                continue
            postings = reader.postings(fieldname, term)
            for docnum in wanted:
                if not postings.is_active():
                    break
                if postings.id() < docnum:
                    postings.skip_to(docnum)
                if postings.is_active() and postings.id() == docnum:
                    found[docnum].append((fieldname, term))
        return found

    def _plan(self, searcher, text: str, lang: str) -> _Plan:
        reader = searcher.reader()
        n = max(1, searcher.doc_count())
        terms = list(dict.fromkeys(analysis.terms(text, lang)))[:MAX_TERMS]
        stands_for: dict[str, list[tuple[int, float]]] = {}
        idf = []
        for i, term in enumerate(terms):
            df = max(reader.doc_frequency(f, term) for f in TEXT_FIELDS)
            if df == 0:  # known only by its first letters: still not a word the center lacks
                df = reader.doc_frequency("morph", analysis.morph(term))
            idf.append(math.log(1 + n / (df + 0.5)))
            stands_for.setdefault(term, []).append((i, 1.0))
            if df == 0 and len(term) >= 5:
                for alt in self._fuzzy(reader, term):
                    stands_for.setdefault(alt, []).append((i, FUZZY_CREDIT))
        for positions, phrase in self._synonyms.get(lang, synonyms.Synonyms()).expand(terms):
            for term in phrase:  # credit the query terms the synonym stands in for
                for i in positions:
                    stands_for.setdefault(term, []).append((i, SYNONYM_CREDIT))
        morphs: dict[str, list[tuple[int, float]]] = {}
        for term, credits in stands_for.items():
            morphs.setdefault(analysis.morph(term), []).extend(
                (i, c * MORPH_CREDIT) for i, c in credits)
        return _Plan(terms, idf, stands_for, morphs)

    @staticmethod
    def _fuzzy(reader, term: str) -> list[str]:
        maxdist = 1 if len(term) < 8 else 2
        found: dict[str, int] = {}
        for fieldname in ("title", "body", "keywords"):
            for alt in reader.terms_within(fieldname, term, maxdist, prefix=1):
                found[alt] = found.get(alt, 0) + reader.doc_frequency(fieldname, alt)
        return sorted(found, key=lambda t: -found[t])[:MAX_FUZZY_PER_TERM]

    @staticmethod
    def _query(plan: _Plan):
        clauses = []
        for term, credits in plan.stands_for.items():
            weight = max(c for _, c in credits)
            # the fields' own boosts (title, keywords…) are in the schema
            clauses.append(Or([Term(f, term, boost=weight) for f in TEXT_FIELDS]))
        for term, credits in plan.morphs.items():
            if term not in plan.stands_for:  # only where first letters differ from the word
                clauses.append(Term("morph", term, boost=max(c for _, c in credits)))
        return Or(clauses)

    @staticmethod
    def _confidence(plan: _Plan, matched) -> float:
        """The share of the question's weight (IDF) that the article contains."""
        credit = [0.0] * len(plan.terms)
        for fieldname, raw in matched or ():
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            table = plan.morphs if fieldname == "morph" else plan.stands_for
            for i, c in table.get(term, ()):
                credit[i] = max(credit[i], c)
        total = sum(plan.idf)
        return sum(c * w for c, w in zip(credit, plan.idf, strict=True)) / total if total else 0.0

    def _did_you_mean(self, searcher, text: str, lang: str) -> str | None:
        corrector = searcher.corrector("spell")
        reader = searcher.reader()
        changed = False
        out = []
        for word in analysis.words(text, lang)[:MAX_TERMS]:
            if len(word) >= 5 and reader.doc_frequency("spell", word) == 0:
                maxdist = 1 if len(word) < 6 else 2  # short words have too many neighbours
                suggestions = corrector.suggest(word, limit=1, maxdist=maxdist, prefix=1)
                if not suggestions:
                    return None  # a word the help center never uses: not a typo to fix
                out.append(suggestions[0])
                changed = True
            else:
                out.append(word)
        return " ".join(out) if changed else None
