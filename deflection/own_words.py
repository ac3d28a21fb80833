"""What a customer adds to a question that no article says: their own web address, an order
or account number, an introduction. "This is Tom at Norvella Inc. Why is there no data on
https://shop.norvella.com/checkout? (order #48213)" asks why there is no data; unknown to
the help center, the rest would weigh in the question as words a missing article lacks,
and the answer would go (bench/RESULTS.md, "Questions as customers write them").

Leaving words out can make a wrong answer look certain: with "1603" gone, "error 1603"
is one generic word, which some article holds whole. So the parts go only when what
remains still tells the help center's articles apart (MIN_TELLING words it uses in under
TELLING_SHARE of its articles); otherwise the question stays as the customer wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from deflection import analysis

MIN_TELLING = 2
# A sentence says something when the help center knows this share of its words (typos and
# synonyms count as known); else it introduces the customer or their company
KNOWN_SHARE = 0.5

# A web address: with a scheme, from "www.", or a host under a common top-level domain;
# with its port, path and query. Repetitions are bounded: a long run of "a.a.a." is
# matched in linear time.
_WEB_ADDRESS = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]{0,15}://(?P<scheme>[\w-]{1,63}(?:\.[\w-]{1,63}){0,9})"
    r"|\bwww\.(?P<www>[\w-]{1,63}(?:\.[\w-]{1,63}){0,9})"
    r"|\b(?P<bare>(?:[\w-]{1,63}\.){1,9}(?:com|org|net|io|co|ru|th|de|uk|app|dev|info|biz"
    r"|me|us|eu|xyz|site|online|shop|store|ai|рф)\b))(?:[:/?#]\S{0,2000})?", re.IGNORECASE)
# A number of three digits or more on its own ("order #48213", "заказ № 7741023"), not part
# of a version, an address or a time
_NUMBER = re.compile(r"(?<![\w.:/-])(?:#|№\s?)?(\d{3,})(?!\w|[.,:/-]\d)")


def question_part(text: str, lang: str, known: Callable[[str], bool],
                  telling: Callable[[str], bool]) -> str:
    """`text` without the customer's own parts, when what remains still tells articles
    apart. `known(term)`: the help center uses the analysed term (or a spelling or synonym
    of it); `telling(term)`: it uses it in under TELLING_SHARE of its articles. What the
    help center names stays: the hosts pi.hole or plausible.io, the numbers 404 or 8080."""
    rest = _without_their_addresses(text, lang, known) if "." in text else text
    rest = _NUMBER.sub(lambda m: m.group(0) if known(m.group(1)) else " ", rest)
    rest = _without_introductions(rest, lang, known)
    if rest == text:
        return text
    said = set(analysis.terms(rest, lang))
    return rest if sum(map(telling, said)) >= MIN_TELLING else text


def _without_their_addresses(text: str, lang: str, known: Callable[[str], bool]) -> str:
    def blank(match: re.Match) -> str:
        host = (match.group("scheme") or match.group("www") or match.group("bare")).lower()
        labels = host.removeprefix("www.").split(".")
        # the host as named, or its domain: docs.plausible.io is plausible.io's
        for name in {".".join(labels), ".".join(labels[-2:])}:
            found = analysis.terms(name, lang)
            if found and known(found[-1]):  # the host's labels merged: "plausibleio"
                return match.group(0)
        return " "

    return _WEB_ADDRESS.sub(blank, text)


def _without_introductions(text: str, lang: str, known: Callable[[str], bool]) -> str:
    """`text` without the sentences that introduce the customer ("I'm Sarah from
    Brightwave Ltd."): a sentence that names someone (a capitalised word, not its first,
    the help center does not know) and of which the help center knows under KNOWN_SHARE
    of the words. A lower-case word it does not know is the question's ("нужна коробочная
    версия": the boxed version no article covers), so it counts as known. A sentence
    that asks stays, and a question of one sentence stays whole. Scripts without capitals
    (Thai) cannot tell a name from a missing word: their sentences stay."""
    said = analysis.sentences(text, lang)
    if len(said) < 2:
        return text
    kept = [not _introduces(sentence, lang, known) for sentence in said]
    if all(kept):
        return text
    return " ".join(s for s, k in zip(said, kept, strict=True) if k)


_WORD = re.compile(r"\w+")


def _introduces(sentence: str, lang: str, known: Callable[[str], bool]) -> bool:
    if analysis.asks(sentence):
        return False
    names = held = counted = 0
    for i, match in enumerate(_WORD.finditer(sentence)):
        word = match.group(0)
        found = [t for t in analysis.terms(word, lang) if len(t) > 1]
        if not found:
            continue  # a word too common to index
        counted += 1
        # a lower-case word is the question's, known or not; a capitalised one it does not
        # know, past the sentence's first word, is a name
        if word[0].islower() or any(map(known, found)):
            held += 1
        elif word[0].isupper() and i > 0:
            names += 1
    return names > 0 and held < KNOWN_SHARE * counted
