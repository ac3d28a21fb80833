"""Markdown source → the plain-text fields of a search document. Pure and fast.

The index is built from the sources, not from rendered HTML, so `kb index`
needs no site build; the markup is stripped, link texts and code are kept
(customers paste error messages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^\s*(```+|~~~+)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*(\{[^}]*\})?\s*$")
_ADMONITION = re.compile(r'^\s*(!!!|\?\?\?\+?|===)\s*([\w-]+)?\s*(?:"([^"]*)")?')
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_HTML = re.compile(r"<[^>\n]+>")
_ATTRS = re.compile(r"\{[:#.][^}]*\}")
_MARKS = re.compile(r"(\*\*|__|\*|`+|~~|\+\+|==|\^\^)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass
class Fields:
    headings: str
    body: str


def extract(markdown: str) -> Fields:
    """Headings and body text of a Markdown article body (front matter removed)."""
    headings: list[str] = []
    body: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0]:
                fence = None
            else:
                body.append(line.strip())
            continue
        if match:
            fence = match.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            headings.append(_inline(heading.group(2)))
            continue
        admonition = _ADMONITION.match(line)
        if admonition:
            if admonition.group(3):
                body.append(admonition.group(3))
            continue
        if _TABLE_RULE.match(line) or _REF_DEF.match(line):
            continue
        text = _inline(line)
        if text:
            body.append(text)
    return Fields(headings="\n".join(headings), body="\n".join(body))


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def _inline(text: str) -> str:
    """Markup removed; inline code kept as written (customers paste `<tags>` and errors)."""
    parts = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(_markup_removed(text[last:match.start()]))
        parts.append(match.group(2).strip())
        last = match.end()
    parts.append(_markup_removed(text[last:]))
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()


def _markup_removed(text: str) -> str:
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    text = _ATTRS.sub(" ", text)
    text = _MARKS.sub("", text)
    text = text.replace("|", " ")
    text = re.sub(r"^\s*([-*+]|\d+[.)])\s+", "", text)
    return re.sub(r"^\s*>\s?", "", text)
