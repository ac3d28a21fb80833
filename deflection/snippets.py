"""Highlighted passages for search results. Pure: text and terms in, escaped HTML out.

Whoosh's highlighter runs the whole analyzer chain over every word of the article on
every search (about 5 ms an article). Here one regular expression finds the words that
start like a query term, and each distinct word is analysed once per process (cached),
so a passage costs a fraction of a millisecond.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from deflection import analysis

MAX_CHARS = 240  # one passage
SURROUND = 60  # context before the first and after the last matched word
PASSAGES = 2

_WORD = re.compile(analysis.WORD)


@lru_cache(maxsize=200_000)
def _terms_of(word: str, lang: str) -> frozenset[str]:
    return frozenset(analysis.terms(word, lang))


Match = tuple[int, int, str]  # start, end, term


def _matches(text: str, terms: set[str], lang: str) -> tuple[list[Match], set[Match]]:
    """(start, end, term) of every word of `text` that stands for one of `terms`, and
    those of them still to be checked to be whole Thai words (`_whole_thai_word`)."""
    found = []
    thai = {t for t in terms if _THAI.search(t)}
    if thai:  # Thai words are not inflected, and not separated by spaces: found as written
        pattern = _anywhere(frozenset(thai))
        found += [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
    unsure = set(found)
    # Stems are (nearly) prefixes of the words they stand for: only words starting like
    # one are analysed ("happi" stands for "happy": one letter is left off).
    others = frozenset(terms - thai)
    if others:
        for m in _prefixes(others).finditer(text):
            # the whole word ("v1.2"), else its part ("forwarded" in "x-forwarded-for")
            for word in (_WORD.match(text, m.start()), _PART.match(text, m.start())):
                hit = _terms_of(word.group(), lang) & others if word else None
                if hit:
                    found.append((word.start(), word.end(), min(hit)))
                    break
    return _apart(found), unsure


def _apart(found: list[Match]) -> list[Match]:
    """Matches in order, none overlapping another: of overlapping ones the longest is kept.
    "data-domain" is found whole and its part "domain" again; marked twice, it read
    "data-domaindomain"."""
    kept: list[Match] = []
    for match in sorted(found, key=lambda m: (m[0], -m[1])):
        if kept and match[0] < kept[-1][1]:
            if match[1] - match[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = match  # it starts where the one before the replaced one ended
            continue
        kept.append(match)
    return kept


_THAI = re.compile(r"[\u0e00-\u0e7f]")
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")


def _whole_thai_word(text: str, match: Match) -> bool:
    """The match is a word of its run of Thai letters as the index splits it ("ตา" is no
    word of "ตาราง")."""
    start = match[0]
    while start and _THAI.match(text, start - 1):
        start -= 1
    run = _THAI_RUN.match(text, start)
    assert run  # the match is Thai
    return (match[0] - start, match[1] - start) in _thai_words(run.group())


@lru_cache(maxsize=1024)
def _anywhere(terms: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(terms, key=len, reverse=True))))


@lru_cache(maxsize=50_000)
def _thai_words(run: str) -> frozenset[tuple[int, int]]:
    return frozenset(analysis.thai_word_spans(run))


_PART = re.compile(r"\w+")


@lru_cache(maxsize=1024)
def _prefixes(terms: frozenset[str]) -> re.Pattern[str]:
    heads = sorted({re.escape(t[:max(2, len(t) - 1)]).replace("е", "[её]")  # ё folded
                    for t in terms if t}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(heads) + ")", re.IGNORECASE)


def _passages(text: str, matches: list[Match]) -> list[list[Match]]:
    """Runs of matches that fit one passage each."""
    runs: list[list[Match]] = []
    for match in matches:
        if runs and match[1] - runs[-1][0][0] <= MAX_CHARS - 2 * SURROUND:
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


_SPACE = re.compile(r"\s")
EDGE_REACH = 20  # how far a passage's edge moves to reach a space


def _edge(text: str, at: int, forward: bool) -> int:
    """`at` moved to the nearest whitespace within EDGE_REACH characters, so a passage
    does not start or end mid-word; `at` itself when there is none (a long URL or a
    Thai phrase): a word cut there is better than a passage running on to the end."""
    if forward:
        if at >= len(text):
            return len(text)
        space = _SPACE.search(text, at, at + EDGE_REACH + 1)
        return space.start() if space else at
    if at <= 0:
        return 0
    after_space = [m.end() for m in _SPACE.finditer(text, max(0, at - EDGE_REACH), at)]
    return after_space[-1] if after_space else at


def snippet(text: str, terms: set[str], lang: str) -> str:
    """Up to two passages of `text` around the words that match `terms`, matches in
    <mark class="kb-hit kb-termN">; "" when no word matches."""
    matches, unsure = _matches(text, terms, lang)
    while True:
        if not matches:
            return ""
        runs = _passages(text, matches)
        # the passages holding the most distinct terms, then the most matches, then the first
        best = sorted(range(len(runs)), key=lambda i: (-len({m[2] for m in runs[i]}),
                                                       -len(runs[i]), i))[:PASSAGES]
        # Splitting Thai costs about 3 ms a KB: only the passages to be shown are checked,
        # and chosen again when a match in them was no whole word
        doubts = {m for i in best for m in runs[i] if m in unsure}
        if not doubts:
            break
        unsure -= doubts
        wrong = {m for m in doubts if not _whole_thai_word(text, m)}
        matches = [m for m in matches if m not in wrong]
    numbers: dict[str, int] = {}
    out = []
    for i in sorted(best):
        run = runs[i]
        start = _edge(text, run[0][0] - SURROUND, forward=False)
        end = _edge(text, min(len(text), run[-1][1] + SURROUND), forward=True)
        parts, last = [], start
        for m_start, m_end, term in run:
            number = numbers.setdefault(term, len(numbers))
            parts.append(html.escape(text[last:m_start]))
            parts.append(f'<mark class="kb-hit kb-term{number}">'
                         f"{html.escape(text[m_start:m_end])}</mark>")
            last = m_end
        parts.append(html.escape(text[last:end]))
        out.append("".join(parts).strip())
    return "...".join(out)
