"""The articles' own words, for questions that are not: typo alternatives of a term, a
misspelt question's "did you mean", and how much of a text the articles use at all.

A word counts only where live articles use it: a term only deleted articles held stays
in the lexicon until its segment merges, and stands for nothing.
"""

from __future__ import annotations

import re

from deflection import analysis, ranking

MAX_FUZZY_PER_TERM = 3
FUZZY_FIELDS = ("title", "body", "keywords")  # where a misspelt word's alternatives come from
_ADDRESS = re.compile(r"\S*(?:@|://)\S*")  # the customer's own address: never respelt


def uses(searcher, postings: ranking.Postings, word: str) -> float:
    """How much the live articles use `word` (0: not at all)."""
    return float(postings.get(searcher, "spell", word).weights.sum())


def fuzzy(searcher, postings: ranking.Postings, term: str) -> list[str]:
    """The indexed terms a misspelt one most likely stands for: nearest first, then the
    commonest."""
    maxdist = 1 if len(term) < 8 else 2
    found: dict[str, tuple[int, int]] = {}
    for fieldname in FUZZY_FIELDS:
        for alt, distance in postings.lexicon(searcher, fieldname).within(term, maxdist):
            held = postings.doc_frequency(searcher, fieldname, alt)
            if held:
                best, df = found.get(alt, (distance, 0))
                found[alt] = (min(best, distance), df + held)
    return sorted(found, key=lambda t: (found[t][0], -found[t][1]))[:MAX_FUZZY_PER_TERM]


def corrections(searcher, postings: ranking.Postings, text: str, lang: str,
                max_terms: int) -> dict[str, str]:
    """Each word of `text` the articles never use, and the nearest word they do: a
    misspelt question's "did you mean". Empty when no word is misspelt, or when a word
    has no near one (not a typo to fix)."""
    said = analysis.words(text, lang)
    if len(said) > max_terms and len(set(analysis.terms(text, lang))) > max_terms:
        return {}  # a long question's spelling is not retyped
    fixes: dict[str, str] = {}
    for word in said:
        # a date, an order number or a version is no misspelling of the articles' words
        if len(word) >= 5 and not any(c.isdigit() for c in word) and word not in fixes \
                and not uses(searcher, postings, word):
            maxdist = 1 if len(word) < 6 else 2  # short words have too many neighbours
            near = [(alt, distance) for alt, distance
                    in postings.lexicon(searcher, "spell").within(word, maxdist)
                    if uses(searcher, postings, alt)]
            if not near:
                return {}
            fixes[word] = min(near, key=lambda item: (item[1], -uses(searcher, postings, item[0]),
                                                      item[0]))[0]
    return fixes


def respelt(text: str, lang: str, fixes: dict[str, str]) -> str:
    """`text` with each word `fixes` corrects replaced where it stands; the rest as the
    customer typed it (a date, an amount, a code, an address, the punctuation, the
    capitals)."""
    text = analysis.normalize(text)
    addresses = [match.span() for match in _ADDRESS.finditer(text)]
    out, typed = [], 0  # the respelt text, and how much of `text` it has taken
    for token in analysis.spelling_analyzer(lang)(text, chars=True):
        start, end = token.startchar, token.endchar
        meant = fixes.get(token.text)
        if meant is None or any(a <= start < b for a, b in addresses):
            continue
        written = text[start:end]
        if written.isupper() and len(written) > 1:
            meant = meant.upper()
        elif written[:1].isupper():
            meant = meant[:1].upper() + meant[1:]
        out += [text[typed:start], meant]
        typed = end
    return "".join(out) + text[typed:]


def known_share(searcher, postings: ranking.Postings, text: str, lang: str) -> float:
    """The share of the words of `text` that the live articles use."""
    said = analysis.words(text, lang)
    if not said:
        return 0.0
    return sum(1 for word in said if uses(searcher, postings, word)) / len(said)
