"""Material's built-in search, the box's fallback when kb's API is unreachable, made to
work for Thai.

Material's search worker splits text only at its `separator` (spaces and hyphens by
default), and Thai puts no spaces between words: a Thai page was indexed as a few
sentence-long "words" that no question matches. After Material writes
`search/search_index.json`, the Thai runs of every title and text get a zero-width space
(U+200B, invisible, and the usual word-break hint in Thai) between their words, split by
newmm as kb's own index splits them, and the separator learns to split there. The query
side is kb-search.js: in the browser's search it splits the Thai words of what the reader
typed (Intl.Segmenter) before Material reads it.
"""

from __future__ import annotations

import json
from pathlib import Path

from kb.reporting import write_atomic

ZWSP = "\u200b"


def split_thai_words(index_file: Path) -> int:
    """Rewrite Material's search index in place; the number of entries changed.

    A missing index (no `search` plugin) or one without Thai is left as it is."""
    if not index_file.is_file():
        return 0
    from deflection.analysis import split_thai

    data = json.loads(index_file.read_text(encoding="utf-8"))
    changed = 0
    for doc in data.get("docs", []):
        for field in ("title", "text"):
            value = doc.get(field)
            if isinstance(value, str):
                split = split_thai(value, ZWSP)
                changed += split != value
                doc[field] = split
    if not changed:
        return 0
    config = data.setdefault("config", {})
    separator = config.get("separator") or r"[\s\-]+"
    if ZWSP not in separator and "\\u200b" not in separator.lower():
        # appended, not wrapped in (?:…): Material's highlighter splits the separator at
        # its top-level "|" and drops the lookaround parts
        config["separator"] = f"{separator}|\\u200b+"
    write_atomic(index_file, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return changed
