"""Find links, images and foreign syntax in Markdown source, with line numbers.

Pure: text in, findings out. Code blocks, inline code and HTML comments are
skipped, since nothing in them is a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_FENCE = re.compile(r"^\s*(?:>\s*)*(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LINK = re.compile(
    r"(!?)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REF_DEF = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*(<[^>]*>|\S+)")
_HTML_SRC = re.compile(r"<(img|a|source)\b[^>]*?\s(src|href)\s*=\s*[\"']([^\"']+)[\"']", re.I)

# Syntax of other documentation tools that MkDocs shows as literal text; the search
# index (deflection/text.py) drops what of it is markup, not words.
MDX_IMPORT = re.compile(r"^import\s+\S.*\sfrom\s+['\"]")
MDX_EXPORT = re.compile(r"^export\s+(default|const|function)\b")
ALERT = re.compile(r"^\s*>\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]", re.I)
_LEFTOVERS = [
    (MDX_IMPORT, "an MDX import (Docusaurus)",
     "delete the import; MkDocs does not run JavaScript modules"),
    (MDX_EXPORT, "an MDX export (Docusaurus)",
     "delete it or move the content into plain Markdown"),
    (re.compile(r"^:::\s*[A-Za-z]+"), "a Docusaurus admonition ':::'",
     "write it as a Material admonition: '!!! note' with the text indented by 4 spaces"),
    (re.compile(r"\{%-?\s*\w+.*?%\}"), "a template tag '{% … %}' (Jinja/Diplodoc)",
     "replace it with its content, or enable a MkDocs plugin that renders it (e.g. macros)"),
    (re.compile(r"\{\{-?\s*[^{}]+?\}\}"), "a template variable '{{ … }}'",
     "replace it with the text it stands for, define it under `default:` in a presets.yaml "
     "(as Diplodoc does), or enable a plugin that renders it (e.g. macros)"),
    (re.compile(r"\[!INCLUDE\s*\["), "a Microsoft Docs include '[!INCLUDE]'",
     "paste the included text, or use pymdownx.snippets ('--8<--')"),
    (ALERT, "a GitHub/Microsoft alert '> [!NOTE]'",
     "write it as a Material admonition: '!!! note' with the text indented by 4 spaces"),
    (re.compile(r"<([A-Z][A-Za-z0-9]+)(\s[^>]*)?/?>"), "a JSX component",
     "replace the component with Markdown (tabs: pymdownx.tabbed; notes: admonitions)"),
]


@dataclass(frozen=True)
class Reference:
    line: int
    target: str
    is_image: bool


@dataclass(frozen=True)
class Leftover:
    line: int
    text: str
    what: str
    fix: str


def prose_lines(body: str, inline_code: bool = False) -> Iterator[tuple[int, str]]:
    """(line offset, text) of each line outside code fences and HTML comments, its inline
    code blanked unless `inline_code`."""
    fence: str | None = None
    in_comment = False
    for offset, raw in enumerate(body.split("\n")):
        match = _FENCE.match(raw)
        if fence is not None:
            closing = match and match.group(1)[0] == fence[0] and not raw[match.end() :].strip()
            if closing and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        line = raw
        if in_comment:
            end = line.find("-->")
            if end < 0:
                continue
            line = line[end + 3 :]
            in_comment = False
        while "<!--" in line:
            start = line.index("<!--")
            end = line.find("-->", start + 4)
            if end < 0:
                line = line[:start]
                in_comment = True
                break
            line = line[:start] + line[end + 3 :]
        yield offset, line if inline_code else _INLINE_CODE.sub(" ", line)


def scan(body: str, first_line: int = 1) -> tuple[list[Reference], list[Leftover]]:
    refs: list[Reference] = []
    leftovers: list[Leftover] = []
    for offset, line in prose_lines(body):
        number = first_line + offset
        for match in _LINK.finditer(line):
            refs.append(Reference(number, match.group(2).strip("<>"), match.group(1) == "!"))
        match = _REF_DEF.match(line)
        if match:
            refs.append(Reference(number, match.group(1).strip("<>"), False))
        for match in _HTML_SRC.finditer(line):
            refs.append(Reference(number, match.group(3), match.group(1).lower() != "a"))
        for pattern, what, fix in _LEFTOVERS:
            found = pattern.search(line)
            if found:
                leftovers.append(Leftover(number, found.group(0)[:60], what, fix))
                break
    return refs, leftovers


@dataclass(frozen=True)
class Target:
    """A link target split into what kb can check."""

    path: str  # decoded path part, '' for a same-page anchor
    anchor: str  # decoded fragment, '' when absent


def local_target(target: str) -> Target | None:
    """The local part of a link, or None for external, absolute or templated links."""
    if not target or "{{" in target or "{%" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("/"):
        return None
    return Target(unquote(parts.path), unquote(parts.fragment))


_ID = re.compile(r"""\s(?:id|name)\s*=\s*["']([^"']+)["']""")


def html_ids(html: str) -> set[str]:
    return set(_ID.findall(html))
