"""The partials a page includes: Diplodoc's `{% include [title](path) %}` and Microsoft
Docs' `[!INCLUDE [title](path)]`, paths relative to the page.

Included text is markup to the index (deflection/text.py drops the tags): a partial shared
by many pages would speak for all of them (resolving every include cost development
linking, bench/RESULTS.md). A page made of its partials is another matter: DataLens's
"Quotas and limits" page is a title and one include, and its answer to "how many tables
can a dataset hold" is in the partial. A page with fewer than THIN_WORDS words of its own
is indexed with the text of the partials it includes, as the reader sees it.

A page's digest is taken over its text with its partials in (`expand`), variables and all:
a partial's change re-reads every page that includes it, the long ones too (they only
index the include's absence, but telling them apart would need the page's analysis).
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

from kb import frontmatter
from kb.markdown_scan import prose_lines

THIN_WORDS = 80
DEPTH = 3  # partials including partials, as far as this
_LINK = r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]+>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)"
INCLUDE = re.compile(r"\{%-?\s*include\s+(?:notitle\s+)?" + _LINK + r"\s*-?%\}"
                     r"|\[!INCLUDE\s*" + _LINK + r"\]", re.IGNORECASE)


def _target(match: re.Match) -> str:
    """The path an include names: `<my file.md>` or `my%20file.md`, its anchor left out."""
    found = (match.group(1) or match.group(2)).removeprefix("<").removesuffix(">")
    return unquote(found.strip()).split("#", 1)[0]


def includes(text: str) -> bool:
    """Whether `text` includes a partial outside its code blocks (an example of the
    syntax in a code block includes nothing)."""
    return bool(INCLUDE.search(text)) and any(
        INCLUDE.search(line) for _, line in prose_lines(text, inline_code=True))


class Partials:
    """The partials of one help center's pages (`docs_dir`), each read once a build."""

    def __init__(self, docs_dir: str) -> None:
        self.docs_dir = os.path.normpath(os.path.abspath(docs_dir))
        self._paths: dict[tuple[str, str], str | None] = {}
        self._texts: dict[str, str | None] = {}
        self._expanded: dict[tuple[str, int, tuple[str, ...]], str] = {}

    def _path(self, folder: str, target: str) -> str | None:
        """The partial `target` names from a page in `folder` (below docs_dir), relative
        to docs_dir; None for an address or a path leaving docs_dir (a symbolic link inside
        it is followed, as MkDocs follows it for pages)."""
        key = (folder, target)
        if key not in self._paths:
            path = os.path.normpath(os.path.join(folder, target))
            outside = not target or "://" in target or os.path.isabs(target) \
                or path == ".." or path.startswith(".." + os.sep)
            self._paths[key] = None if outside else path
        return self._paths[key]

    def _text(self, path: str) -> str | None:
        """A partial's text without its front matter; None when missing or unreadable."""
        if path not in self._texts:
            try:
                with open(os.path.join(self.docs_dir, path), "rb") as handle:
                    raw = handle.read().decode("utf-8-sig", "replace").replace("\r\n", "\n")
                self._texts[path] = frontmatter.parse(raw).body
            except OSError:
                self._texts[path] = None
        return self._texts[path]

    def expand(self, page: str, text: str) -> str:
        """`text` (of the page `page`, a path below docs_dir) with each include outside
        code blocks replaced by the partial's text, its own includes in turn (relative to
        the partial), DEPTH deep; a partial including itself, directly or not, is not
        pasted again."""
        return self._expand(os.path.dirname(page), text, DEPTH, ())

    def _expand(self, folder: str, text: str, depth: int, seen: tuple[str, ...]) -> str:
        if not INCLUDE.search(text):
            return text
        prose = {offset for offset, _ in prose_lines(text, inline_code=True)}

        def replace(match: re.Match) -> str:
            path = self._path(folder, _target(match))
            found = self._text(path) if path is not None and path not in seen else None
            if found is None:
                return " "
            if depth > 1:
                key = (path, depth, seen)  # a partial included by many pages: expanded once
                if key not in self._expanded:
                    self._expanded[key] = self._expand(os.path.dirname(path), found,
                                                       depth - 1, (*seen, path))
                found = self._expanded[key]
            return "\n" + found + "\n"

        return "\n".join(INCLUDE.sub(replace, line) if i in prose else line
                          for i, line in enumerate(text.split("\n")))
