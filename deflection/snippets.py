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
Span = tuple[int, int]  # start, end


def _matches(text: str, terms: set[str],
             lang: str) -> tuple[list[Match], dict[Span, list[Match]]]:
    """(start, end, term) of every word of `text` that stands for one of `terms`, and
    those of them still to be checked to be whole Thai words, by the run of Thai letters
    holding each (`_no_words`)."""
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
    found += _phrasal(text, others, lang)
    kept = _apart(found)
    return kept, _by_thai_run(text, [m for m in kept if m in unsure])


def _phrasal(text: str, terms: frozenset[str], lang: str) -> list[Match]:
    """Where a phrasal verb's one word among `terms` ("login") is written as two words
    ("Log in", "logged in": analysis.PHRASAL): the two words, marked as one."""
    joins = {t for t in terms if t in analysis.PHRASAL_JOINS}
    if not joins or lang.split("-")[0] != "en":
        return []
    found = []
    verbs = frozenset(analysis.PHRASAL_JOINS[t] for t in joins)
    for m in _phrasal_pattern(verbs).finditer(text):
        joined = analysis.phrasal(m.group(1), m.group(2))
        hit = _terms_of(joined, lang) & joins if joined else None
        if hit:
            found.append((m.start(), m.end(), min(hit)))
    return found


@lru_cache(maxsize=256)
def _phrasal_pattern(verbs: frozenset[str]) -> re.Pattern[str]:
    particles = "|".join(sorted({p for verb in verbs for p in analysis.PHRASAL[verb]}))
    return re.compile(rf"(?i)\b((?:{'|'.join(sorted(verbs))})\w*)\W+({particles})\b")


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


def _by_thai_run(text: str, matches: list[Match]) -> dict[Span, list[Match]]:
    """`matches` (in order, each of Thai letters as Thai terms are) by the run of Thai
    letters holding each. The runs are found in one pass over `text`: walking back from
    each match to the start of its run took quadratic time in a long unspaced run."""
    held: dict[Span, list[Match]] = {}
    runs = _THAI_RUN.finditer(text)
    run = (0, 0)
    for match in matches:
        while run[1] <= match[0]:
            run = next(runs).span()
        held.setdefault(run, []).append(match)
    return held


def _no_words(text: str, run: Span, matches: list[Match]) -> set[Match]:
    """Those of `matches`, in the run of Thai letters `run`, that are no word of it as the
    index splits it ("ตา" is no word of "ตาราง")."""
    start, end = run
    words = _thai_words(text[start:end])
    return {m for m in matches if (m[0] - start, m[1] - start) not in words}


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
    run_of = {m: run for run, held in unsure.items() for m in held}
    spent = 0  # matches gone through choosing passages
    while True:  # ends: each pass splits a run at least, or breaks
        if not matches:
            return ""
        runs = _passages(text, matches)
        # the passages holding the most distinct terms, then the most matches, then the first
        best = sorted(range(len(runs)), key=lambda i: (-len({m[2] for m in runs[i]}),
                                                       -len(runs[i]), i))[:PASSAGES]
        # Splitting Thai costs about 3 ms a KB: only the runs of Thai letters in the
        # passages to be shown are split, all their matches checked at once, and the
        # passages chosen again when one was no whole word. Once choosing has gone through
        # as many matches as the text has letters, every run left is split: text with a
        # false match in each passage (ตาราง ตาราง ...) costs time linear in its length,
        # not a choice per passage.
        doubted = {run_of[m] for i in best for m in runs[i]
                   if m in run_of and run_of[m] in unsure}
        if not doubted:
            break
        spent += len(matches)
        if spent > len(text):
            doubted = set(unsure)
        wrong: set[Match] = set()
        for thai_run in doubted:
            wrong |= _no_words(text, thai_run, unsure.pop(thai_run))
        if not wrong:
            break  # the passages chosen stand
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
