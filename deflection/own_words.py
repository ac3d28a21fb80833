"""What a customer adds to a question that no article says: their own web address, an order
or account number, an introduction. "This is Tom from Norvella Inc. Why is there no data
on https://shop.norvella-example.com/checkout? (order #48213)" asks why there is no data;
unknown to the help center, the rest would weigh in the question as many words a missing
article lacks, and the answer would go (bench/RESULTS.md, "The customer's own words").

Each part is read for what it is, and no more is left out:

- a web address is the name of its site: "clickup.com" reads as "clickup", as if the
  customer had written the product's name, and their own site costs the question one
  unknown word instead of its scheme, host and path; an address the help center names
  (pi.hole, plausible.io) stays as written;
- an identifier (a number after # or №, or of five digits or more) the help center never
  uses goes; an error code, a status, a port or a year stays: "error 1603", "status 418";
- a sentence that introduces the customer ("My name is…", "I'm Sarah from…", "Меня
  зовут…", "ผมชื่อ…") goes, unless it asks; a sentence about their setup stays ("I'm on
  Linux Mint" says which article is missing).

Leaving an unknown number out can make a wrong answer look certain: "#48213 failed" would
be one generic word. So identifiers go only when what remains holds
analysis.TELLING_WORDS words that tell articles apart. An introduction is never the
question, and an address still says its site's name: they need no such guard.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from deflection import analysis

_THAI = "\u0e00-\u0e7f"
_LABEL = rf"[\w{_THAI}-]{{1,63}}"  # Thai vowel marks are no \w: "ร้านค้า" is one label
_HOST = rf"{_LABEL}(?:\.{_LABEL}){{0,9}}"
_TLD = (r"(?-i:com|org|net|io|co|ru|th|de|uk|app|dev|info|biz|me|us|eu|xyz|site|online|"
        r"shop|store|ai|рф)")
# A web address: with a scheme, from "www.", or a host under a common top-level domain
# written in lower case ("failed.App" is a missing space); with its port, path and query,
# up to a space or Thai text. Repetitions are bounded, so a run of "a.a.a." is linear.
_WEB_ADDRESS = re.compile(
    rf"(?:\b[a-z][a-z0-9+.-]{{0,15}}://(?P<scheme>{_HOST})|\bwww\.(?P<www>{_HOST})"
    rf"|\b(?P<bare>(?:{_LABEL}\.){{1,9}}{_TLD})\b)(?:[:/?#][^\s{_THAI}]{{0,2000}})?",
    re.IGNORECASE)
_TRAILING = ".,;:!?)]}»\"'"
# Second-level domains under a country's: shop.norvella.co.uk is norvella's
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "or", "in"}
# A number on its own, not part of a version, an address or a time; an identifier when
# after # or №, or of IDENTIFIER_DIGITS digits or more
_NUMBER = re.compile(r"(?<![\w.:/-])(?P<mark>#|№\s?)?(?P<digits>\d{3,})(?!\w|[.,:/-]\d)")
IDENTIFIER_DIGITS = 5
# Introductions, by language: the sentence holding one introduces the customer
_CAPITALISED = r"[A-ZА-ЯЁ][\w'-]*"
_NAME = rf"{_CAPITALISED}(?:\s+{_CAPITALISED}){{0,3}}"
_INTRODUCES = re.compile(
    rf"(?i:\bmy name is\b)|(?i:\b(?:i'?m|i am|this is))\s+{_NAME}\s+(?i:from|at|with)\b"
    rf"|^\W*{_NAME},?\s+(?i:here)\s*[,.!—-]"
    rf"|(?i:\bменя зовут\b)|(?i:\bэто)\s+{_NAME}\s+(?i:из)\b"
    rf"|(?i:\b(?:на связи|пишет))\s+{_NAME}"
    r"|(?:ผม|ดิฉัน|ฉัน|หนู|เรา)ชื่อ")


def question_part(text: str, lang: str, holds: Callable[[str], bool],
                  tells: Callable[[str], bool]) -> str:
    """`text` with each web address read as its site's name, without introductions, and
    without identifiers when what remains still tells articles apart. `holds(term)`: the
    help center uses exactly this analysed term; `tells(term)`: it tells articles apart
    (analysis.tells)."""
    rest = _addresses_named(text, lang, holds) if "." in text else text
    rest = _without_introductions(rest, lang)
    bare = _NUMBER.sub(lambda m: m.group(0) if _kept(m, holds) else " ", rest)
    if bare != rest and sum(map(tells, set(analysis.terms(bare, lang)))) \
            >= analysis.TELLING_WORDS:
        return bare
    return rest


def _addresses_named(text: str, lang: str, holds: Callable[[str], bool]) -> str:
    """Each web address as the name of its site, unless the help center names its host."""
    def name(match: re.Match) -> str:
        address = match.group(0)
        trailing = len(address) - len(address.rstrip(_TRAILING))
        address, after = address[:len(address) - trailing], address[len(address) - trailing:]
        host = (match.group("scheme") or match.group("www") or match.group("bare")).lower()
        labels = host.removeprefix("www.").split(".")
        for named in {".".join(labels), ".".join(labels[-2:])}:
            found = analysis.terms(named, lang)
            if found and holds(found[-1]):  # the host's labels merged: "plausibleio"
                return address + after
        site = labels[-3] if len(labels) > 2 and labels[-2] in _SECOND_LEVEL \
            and len(labels[-1]) == 2 else labels[-2] if len(labels) > 1 else labels[0]
        return f" {site.replace('-', '')}{after} "

    return _WEB_ADDRESS.sub(name, text)


def _kept(number: re.Match, holds: Callable[[str], bool]) -> bool:
    digits = number.group("digits")
    identifier = number.group("mark") or len(digits) >= IDENTIFIER_DIGITS
    return not identifier or holds(digits)


def _without_introductions(text: str, lang: str) -> str:
    """`text` without its sentences that introduce the customer and do not ask; a question
    of one sentence stays whole."""
    said = analysis.sentences(text, lang)
    if len(said) < 2:
        return text
    kept = [analysis.asks(s) or not _INTRODUCES.search(s) for s in said]
    if all(kept):
        return text
    return " ".join(s for s, k in zip(said, kept, strict=True) if k)
