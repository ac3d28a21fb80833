"""Markdown source → the plain-text fields of a search document. Pure and fast.

The index is built from the sources, not from rendered HTML, so `kb index`
needs no site build; the markup is stripped, link texts and code are kept
(customers paste error messages).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from kb.markdown_scan import ALERT, MDX_EXPORT, MDX_IMPORT

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
# Template syntax of Diplodoc, Jinja, Liquid and mkdocs-macros: `{{ product-name }}`,
# `{% note info %}`, `{% cut "Title" %}`, `{% include [x](../_includes/x.md) %}`, and
# Microsoft Docs' `[!INCLUDE [x](../includes/x.md)]`. Outside code it is markup, not words.
_TEMPLATE_VAR = re.compile(r"\{\{-?\s*[^{}]*?\s*-?\}\}")
_TEMPLATE_TAG = re.compile(r"\{%-?\s*([\w-]*)(.*?)-?%\}")
_MS_INCLUDE = re.compile(r"\[!INCLUDE\s*\[[^\]]*\]\([^)]*\)\]", re.IGNORECASE)
_QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")
# A page's lede: its first line of prose (this many words or more, four fifths letters,
# ending as a sentence does) cut after its first sentences of this many words, when its
# first section has fewer words than LEDE_INTRO_WORDS
LEDE_MIN_WORDS = 5
LEDE_INTRO_WORDS = 5
# A paragraph wholly in emphasis is an aside ("_Also in: [Window functions](x.md)._"),
# neither the page's introduction nor its lede
_ASIDE = re.compile(r"^\s*([*_]{1,2})(?![\s*_]).*(?<![\s*_])\1\s*$")
_BLOCK_TAG = re.compile(r"\{%-?\s*(end)?(note|cut|list|details|tabs?)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_a-zа-яё])")  # not "e.g. the"
# What a reader never sees: the insides of <script> and <style> (JSON-LD, CSS), and the
# attributes of a tag written over several lines (`<CtaBox` / `  headline="…"` / `/>`)
_HIDDEN_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_TAG_OPEN = re.compile(r"^\s*<[A-Za-z][\w.:-]*(\s[^<>]*)?$")
_TAG_END = re.compile(">")
# Docusaurus admonitions (`:::tip Title`, `:::tip[Title]`, `:::`) and Microsoft Learn's
# extensions (`:::image type="content" source="x.png" alt-text="…":::`), indented too;
# `kb check` warns of the first (kb/markdown_scan.py)
_COLONS = re.compile(r"^\s*:::+\s*(?:[A-Za-z][\w-]*)?(.*)$")
_ALT_TEXT = re.compile(r'\balt-text\s*=\s*"([^"]*)"')
# A heading that is one link to another page of the help center: `## [GET_ITEM](GET_ITEM.md)`
_PAGE_LINK = re.compile(r"^\[([^\]]+)\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)(?:\s+\"[^\"]*\")?\)$")


@dataclass
class Fields:
    headings: str
    body: str
    sections: list[str] = field(default_factory=list)  # each heading with its text


def _tag_title(tag: re.Match) -> str:
    if tag.group(1).lower().startswith("include"):
        return " "  # its argument is a file name
    return " ".join(a or b for a, b in _QUOTED.findall(tag.group(2))) or " "


def strip_templates(text: str) -> str:
    """Template variables, tags and includes removed; a tag's quoted title
    ({% cut "Title" %}) kept."""
    if "{" not in text and "[!" not in text:
        return text
    text = _MS_INCLUDE.sub(" ", text)
    text = _TEMPLATE_VAR.sub(" ", text)
    text = _TEMPLATE_TAG.sub(_tag_title, text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def extract(markdown: str) -> Fields:
    """Headings and body text of a Markdown article body (front matter removed).

    A section whose heading links to another page (a listing of functions, each with its
    summary) keeps its heading and loses its text: the text summarises the linked page,
    which is the answer; summed over a listing's many sections it would outrank every
    page it lists.
    """
    headings: list[str] = []
    body: list[str] = []
    sections: list[list[str]] = [[]]
    fence: str | None = None
    listed: int | None = None  # level of the heading of the listing section we are in
    closing: re.Pattern[str] | None = None  # of a <script> block or a tag going on below
    for line in markdown.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0]:
                fence = None
            elif listed is None:
                body.append(line.strip())
                sections[-1].append(body[-1])
            continue
        if closing is not None or "<" in line:
            line, closing = _unseen(line, closing)
            match = _FENCE.match(line)
        if MDX_IMPORT.match(line) or MDX_EXPORT.match(line):
            continue
        if match:
            fence = match.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            if listed is not None and level > listed:
                continue
            listed = level if _PAGE_LINK.match(heading.group(2).strip()) else None
            headings.append(_inline(heading.group(2)))
            sections.append([headings[-1]])
            continue
        if listed is not None:
            continue
        admonition = _ADMONITION.match(line)
        if admonition:
            if admonition.group(3):
                body.append(admonition.group(3))
                sections[-1].append(body[-1])
            continue
        if _TABLE_RULE.match(line) or _REF_DEF.match(line):
            continue
        colons = _COLONS.match(line)
        if colons:
            line = _colon_title(colons.group(1))
        text = _inline(ALERT.sub("", line))
        if text:
            body.append(text)
            sections[-1].append(text)
    return Fields(headings="\n".join(headings), body="\n".join(body),
                  sections=["\n".join(s) for s in sections if s])


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def _unseen(line: str, closing: re.Pattern[str] | None) -> tuple[str, re.Pattern[str] | None]:
    """`line` without what a reader never sees (_HIDDEN_OPEN, _TAG_OPEN), and what closes
    the block or tag it leaves open, if any. `<script>` in inline code is words."""
    kept = []
    while True:
        if closing is not None:
            end = closing.search(line)
            if end is None:
                return "".join(kept), closing
            line, closing = line[end.end():], None
        masked = _CODE_SPAN.sub(lambda code: " " * len(code.group()), line)
        opened = _HIDDEN_OPEN.search(masked)
        if opened is None:
            break
        kept.append(line[:opened.start()])
        line = line[opened.end():]
        closing = re.compile(rf"</{opened.group(1)}\s*>", re.IGNORECASE)
    if not kept and _TAG_OPEN.match(line):
        return "", _TAG_END
    return "".join(kept) + line, None


def _colon_title(rest: str) -> str:
    """The words of a `:::` line: an admonition's title, an image's alt text."""
    alt = _ALT_TEXT.search(rest)
    if alt:
        return alt.group(1)
    if "=" in rest or rest.rstrip().endswith(":::"):  # attributes only
        return ""
    return rest.strip().removeprefix("[").removesuffix("]")


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


def plain_title(title: str) -> str:
    """A title as text: `# Bar chart ![](bar.svg)` and `# Using `gdb`` are written in
    Markdown, but results and reports show them as words; code spans keep their text as
    it is (`__init__.py`, `List<String>`)."""
    parts = re.split(r"(`+)(.+?)\1", strip_templates(title))
    out = []
    for i in range(0, len(parts), 3):  # markup, then (fence, code) pairs
        text = _IMAGE.sub(" ", parts[i])
        text = _LINK.sub(r"\1", text)
        text = _HTML.sub(" ", text)
        text = _ATTRS.sub(" ", text)
        out.append(re.sub(r"(\*\*|__)(.+?)\1", r"\2", text))
        if i + 2 < len(parts):
            out.append(parts[i + 2])
    return re.sub(r"\s+", " ", "".join(out)).strip() or title.strip()


def lede(markdown: str, fields: Fields, title: str) -> str:
    """The summary of a page that has none and opens with no text of its own: its first
    sentence of prose. A function reference (`# MONTH`, then `## Syntax` and code, then
    "Returns the number of the month…") says what the page is about only there, where
    its title and headings do not. A page with an introduction has said it already and
    gets none: its introduction is its first section (bench/RESULTS.md, "Ledes"). Prose
    is a paragraph's line: not code, a table, a list, a quote, a heading, nor inside an
    admonition or a note, cut, tabs or details block."""
    if not fields.sections:
        return ""
    named = set(title.lower().split())
    asides = {_inline(line) for line in markdown.split("\n") if _ASIDE.match(line)}
    intro = " ".join(line for line in fields.sections[0].split("\n") if line not in asides)
    if len([w for w in intro.lower().split() if w not in named]) >= LEDE_INTRO_WORDS:
        return ""
    fence = listed = False
    blocks = 0  # open {% note %}, {% cut %}, {% list %} blocks
    for raw in markdown.split("\n"):
        if _FENCE.match(raw):
            fence = not fence
            continue
        tag = _BLOCK_TAG.search(raw)
        if tag:
            blocks = max(0, blocks + (-1 if tag.group(1) else 1))
            continue
        heading = None if fence else _HEADING.match(raw)
        if heading:  # a listing's section (headed by a link to a page) speaks for that page
            listed = bool(_PAGE_LINK.match(heading.group(2).strip()))
            continue
        stripped = raw.strip()
        if fence or blocks or listed or not stripped or raw.startswith(("    ", "\t")) \
                or stripped[0] in "|#>!?=<-*+:" or stripped[0].isdigit() or _ASIDE.match(raw):
            continue
        line = re.sub(r"\s+", " ", _markup_removed(stripped)).strip()
        prose = sum(c.isalpha() or c.isspace() for c in line)
        if len(line.split()) >= LEDE_MIN_WORDS and prose >= 0.8 * len(line) \
                and line[-1:] in ".!?:":
            # "Case-insensitive STARTSWITH." says little alone: the next sentence too
            sentences, taken = _SENTENCE_END.split(line), 1
            while taken < len(sentences) and \
                    len(" ".join(sentences[:taken]).split()) < LEDE_MIN_WORDS:
                taken += 1
            return " ".join(sentences[:taken])
    return ""


def _markup_removed(text: str) -> str:
    text = strip_templates(text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    text = _ATTRS.sub(" ", text)
    text = _MARKS.sub("", text)
    text = text.replace("|", " ")
    text = re.sub(r"^\s*([-*+]|\d+[.)])\s+", "", text)
    text = re.sub(r"^\s*>\s?", "", text)
    # after the tags are gone: `&lt;script&gt;` is words a reader sees, `<script>` is not
    return html.unescape(text)
