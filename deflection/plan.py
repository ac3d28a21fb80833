"""What a question asks the index for: the terms searched for, their weights, and the
indexed terms that stand for each (the word itself, a typo's corrections, a synonym, its
first letters), with their credit."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from deflection import analysis, own_words, ranking, spelling
from deflection.synonyms import Synonyms

MAX_TERMS = 16
# A question of more than MAX_TERMS terms is a story around the question: its asking
# sentences (analysis.asks: "?", or a Thai question particle) are read whole, then the
# words that tell articles apart (analysis.tells), most of them first (count × IDF), at
# CONTEXT_WEIGHT when a sentence asked (bench/RESULTS.md, "Long questions"). So is a
# shorter one's sentence of story (own_words.questions_of: "I already tried restarting";
# bench/RESULTS.md, "A story around the question"). The ticket linker reads "telling"
# words the same way.
CONTEXT_WEIGHT = 0.5
TEXT_FIELDS = ("title", "summary", "headings", "body", "keywords", "tags", "slug")
MORPH_CREDIT = 0.8  # a term matched only through its first letters (Russian morphology)
FUZZY_CREDIT = 0.6
SYNONYM_CREDIT = 0.9


@dataclass
class Plan:
    """A query's terms, their weights, and which indexed terms stand for each."""

    terms: list[str]
    idf: list[float]  # each term's weight in the confidence: its IDF, less for context
    weights: list[float]  # 1, or CONTEXT_WEIGHT for a long question's context
    said: str  # the words the terms were read from
    long: bool  # more terms than MAX_TERMS: a story around the question
    stands_for: dict[str, list[tuple[int, float]]]  # indexed term → (query term, credit)
    morphs: dict[str, list[tuple[int, float]]]  # the same, for the `morph` field


def make_plan(searcher, postings: ranking.Postings, text: str, lang: str,
              synonyms: Synonyms) -> Plan:
    """What `text` asks the index for (its language `lang`, its synonyms `synonyms`)."""
    n = max(1, searcher.doc_count())
    terms, weights, said, long = chosen(searcher, postings, text, lang)
    unheld = unheld_joins(terms, lambda t: doc_frequency(searcher, postings, t) > 0,
                          synonyms.expand)
    if unheld:
        weights = [w for t, w in zip(terms, weights, strict=True) if t not in unheld]
        terms = [t for t in terms if t not in unheld]
    stands_for: dict[str, list[tuple[int, float]]] = {}
    idf = []
    for i, term in enumerate(terms):
        df = doc_frequency(searcher, postings, term)
        idf.append(math.log(1 + n / (df + 0.5)) * weights[i])
        stands_for.setdefault(term, []).append((i, 1.0))
        for alt in typo_of(searcher, postings, term, df):
            stands_for.setdefault(alt, []).append((i, FUZZY_CREDIT))
    for positions, phrase in synonyms.expand(terms):
        for term in phrase:  # credit the query terms the synonym stands in for
            for i in positions:
                stands_for.setdefault(term, []).append((i, SYNONYM_CREDIT))
    morphs: dict[str, list[tuple[int, float]]] = {}
    for term, credits in stands_for.items():
        morphs.setdefault(analysis.morph(term), []).extend(
            (i, c * MORPH_CREDIT) for i, c in credits)
    return Plan(terms, idf, weights, said, long, stands_for, morphs)


def unheld_joins(terms: list[str], holds: Callable[[str], bool],
                 expand: Callable[[list[str]], Iterable[tuple[tuple[int, ...], tuple[str, ...]]]],
                 ) -> set[str]:
    """The one words of the phrasal verbs among `terms` ("signout" beside "sign") that no
    article holds (`holds`), nor any of their synonyms (`expand`, as Synonyms.expand):
    the words apart say what is asked, and a word no article holds would count against
    every article's share of the question."""
    joins = {i for i, t in enumerate(terms)
             if t in analysis.PHRASAL_JOINS and analysis.PHRASAL_JOINS[t] in terms
             and not holds(t)}
    for positions, phrase in expand(terms) if joins else ():
        if joins.intersection(positions) and any(holds(t) for t in phrase):
            joins.difference_update(positions)
    return {terms[i] for i in joins}


def typo_of(searcher, postings: ranking.Postings, term: str, df: int) -> list[str]:
    """The indexed terms `term` may be a typo of: none for a term the help center holds
    (`df`, its document frequency) or a short one (too many neighbours)."""
    return spelling.fuzzy(searcher, postings, term) if df == 0 and len(term) >= 5 else []


def held(searcher, postings: ranking.Postings, term: str) -> int:
    """Documents holding exactly `term`, in their most used text field."""
    # through the posting cache: the scoring reads these lists next, and Whoosh's
    # own lookup of each field's term table cost a millisecond a query
    return max(postings.doc_frequency(searcher, f, term) for f in TEXT_FIELDS)


def doc_frequency(searcher, postings: ranking.Postings, term: str) -> int:
    df = held(searcher, postings, term)
    if df == 0:  # known only by its first letters: still not a word the center lacks
        df = postings.doc_frequency(searcher, "morph", analysis.morph(term))
    return df


def chosen(searcher, postings: ranking.Postings, text: str,
           lang: str) -> tuple[list[str], list[float], str, bool]:
    """The terms to search for, in the question's order, their weights, the words they
    come from, and whether the question was long. A long question keeps what its
    asking sentences say, then the words that tell its articles apart. A short one with a
    sentence of story ("Port 53 is in use. I already tried restarting") keeps its other
    sentences, then the story's telling words, the same way, when those sentences say
    something (TELLING_WORDS); it is answered or not as any question."""
    every = analysis.terms(text, lang)
    terms = list(dict.fromkeys(every))
    long = len(terms) > MAX_TERMS
    asking = [s for s in analysis.sentences(text, lang) if analysis.asks(s)] if long \
        else own_words.questions_of(text, lang)
    if asking is None:
        return terms, [1.0] * len(terms), text, False
    n = max(1, searcher.doc_count())
    counts = Counter(every)

    def telling(pool: list[str]) -> list[str]:
        """The terms of `pool` that tell articles apart, the most repeated and rarest
        first."""
        ranked = []
        for term in pool:
            if term.isdigit() and len(term) < 3:
                continue  # "2 years", "step 3": a count tells no article apart
            df = doc_frequency(searcher, postings, term)
            if analysis.tells(df, n):
                ranked.append((-counts[term] * math.log(1 + n / (df + 0.5)), term))
        return [term for _, term in sorted(ranked)]

    asked = list(dict.fromkeys(t for s in asking for t in analysis.terms(s, lang)))
    if not long and len(telling(asked)) < analysis.TELLING_WORDS:
        return terms, [1.0] * len(terms), text, False  # "Any ideas?" asks nothing
    if len(asked) > MAX_TERMS:  # a run-on question, or many questions: their telling words
        asked = telling(asked)[:MAX_TERMS]
    chosen = set(asked)
    chosen.update(telling([t for t in terms if t not in chosen])[:MAX_TERMS - len(chosen)])
    if not chosen:  # nothing tells: the question as it starts
        chosen = set(terms[:MAX_TERMS])
    context = CONTEXT_WEIGHT if asked else 1.0
    terms = [t for t in terms if t in chosen]
    said = " ".join(w for w in dict.fromkeys(analysis.words(text, lang))
                    if chosen.intersection(analysis.terms(w, lang)))
    return terms, [1.0 if t in asked else context for t in terms], said, long
