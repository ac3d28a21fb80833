"""Highlighted passages: short, on word edges, each word marked once."""

from __future__ import annotations

import re

from deflection import analysis
from deflection.snippets import MAX_CHARS, SURROUND, snippet


def _shown(passage: str) -> str:
    """The passage as a reader sees it: marks removed."""
    return re.sub(r"</?mark[^>]*>", "", passage)


def _marked(passage: str) -> list[str]:
    return re.findall(r"<mark[^>]*>(.*?)</mark>", passage)


def _snippet(text: str, query: str, lang: str = "en") -> str:
    return snippet(text, set(analysis.terms(query, lang)), lang)


def test_a_passage_ends_near_its_words_where_no_space_follows():
    # code lines are separated by newlines, not spaces: the passage used to run to the end
    passage = _snippet("intro about defer\n" + "code_line\n" * 200, "defer")
    assert len(_shown(passage)) <= MAX_CHARS
    # a word too long to reach its end (a URL) is cut rather than shown whole to the end
    passage = _snippet("see defer " + "x" * 4000, "defer")
    assert len(_shown(passage)) <= MAX_CHARS


def test_a_passage_starts_at_a_word_after_a_newline():
    # SURROUND characters before "defer" fall inside "import"; the last space before it
    # is further than a word's reach, the newline is not
    line = "import useBaseUrl from '@docusaurus/useBaseUrl'; then add the "
    text = "See https://docusaurus.io/docs/static-assets-and-links\n" + line + "defer attribute"
    assert len(line) - 6 < SURROUND < len(line)
    assert _shown(_snippet(text, "defer")).startswith("import useBaseUrl")


def test_a_word_found_whole_and_by_its_parts_is_marked_once():
    passage = _snippet("Update the data-domain attribute now.", "data-domain")
    assert _marked(passage) == ["data-domain"]
    assert _shown(passage) == "Update the data-domain attribute now."
    passage = _snippet("Set X-Forwarded-For in v1.2.3 first.", "x-forwarded-for v1.2")
    assert _marked(passage) == ["X-Forwarded-For", "v1.2.3"]
    assert _shown(passage) == "Set X-Forwarded-For in v1.2.3 first."


def test_thai_is_marked_in_whole_words_only():
    # "ตา" (eye) is written inside "ตาราง" (table), a word of its own to the index
    assert _snippet("ตารางข้อมูล", "ตา", "th") == ""
    assert _marked(_snippet("ดูตารางข้อมูล", "ตาราง", "th")) == ["ตาราง"]
    # the passage shown is the one holding the word, not the first holding its letters
    passage = _snippet("ตารางข้อมูล " * 30 + "อาการปวดตามาก", "ตา", "th")
    assert _marked(passage) == ["ตา"] and _shown(passage).endswith("อาการปวดตามาก")
