"""The partials a page includes: Diplodoc's `{% include [title](path) %}` and Microsoft
Docs' `[!INCLUDE [title](path)]`, paths relative to the page.

Included text is markup to the index (deflection/text.py drops the tags): a partial shared
by many pages would speak for all of them (resolving every include cost development
linking, bench/RESULTS.md). A page made of its partials is another matter: DataLens's
"Quotas and limits" page is a title and one include, and its answer to "how many tables
can a dataset hold" is in the partial. A page with fewer than THIN_WORDS words of its own
is indexed with the text of the partials it includes, as the reader sees it.
"""

from __future__ import annotations

import hashlib
import os
import re

THIN_WORDS = 80
DEPTH = 3  # partials including partials, as far as this
INCLUDE = re.compile(
    r"\{%-?\s*include\s+(?:notitle\s+)?\[[^\]]*\]\(\s*<?([^)\s>]+)>?\s*\)\s*-?%\}"
    r"|\[!INCLUDE\s*\[[^\]]*\]\(\s*<?([^)\s>]+)>?\s*\)\]",
    re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


class Partials:
    """The partials of one help center's pages (`docs_dir`), each read once."""

    def __init__(self, docs_dir: str) -> None:
        self.docs_dir = os.path.realpath(docs_dir)
        self._texts: dict[str, str | None] = {}

    def text(self, page: str, target: str) -> str | None:
        """The text of the partial `target` names from the page `page` (a path below
        docs_dir), without front matter; None when it is missing, unreadable, or outside
        docs_dir."""
        target = target.split("#", 1)[0]
        if not target or "://" in target:
            return None
        path = os.path.realpath(os.path.join(self.docs_dir, os.path.dirname(page), target))
        if not path.startswith(self.docs_dir + os.sep):
            return None
        if path not in self._texts:
            try:
                with open(path, "rb") as handle:
                    text = handle.read().decode("utf-8-sig", "replace").replace("\r\n", "\n")
                self._texts[path] = _FRONT_MATTER.sub("", text, count=1)
            except OSError:
                self._texts[path] = None
        return self._texts[path]

    def fingerprint(self, page: str, text: str) -> str:
        """What the partials `text` (the page's source) includes say, theirs in turn: when
        one changes, the index reads the page again."""
        if not INCLUDE.search(text):
            return ""
        return hashlib.sha1(self.expand(page, text).encode("utf-8")).hexdigest()

    def expand(self, page: str, text: str, depth: int = DEPTH) -> str:
        """`text` with each include replaced by the partial's text (its own includes in
        turn, `depth` deep; a partial's paths are relative to the partial)."""
        def replace(match: re.Match) -> str:
            target = match.group(1) or match.group(2)
            found = self.text(page, target)
            if found is None:
                return " "
            inner = os.path.normpath(os.path.join(os.path.dirname(page), target.split("#")[0]))
            return "\n" + (self.expand(inner, found, depth - 1) if depth > 1 else found) + "\n"

        return INCLUDE.sub(replace, text)
