"""Highlighted passages: short, on word edges, each word marked once."""

from __future__ import annotations

import re

import pytest

from deflection import analysis, snippets
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


def test_a_phrasal_verb_asked_as_one_word_is_marked_where_written_apart():
    # "login" finds "Log in" (analysis.PHRASAL): the reader sees why
    marked = snippet("Log in to your account, or sign up. Logged in users see it.",
                     set(analysis.terms("login", "en")), "en")
    assert re.findall(r"<mark[^>]*>([^<]*)</mark>", marked) == ["Log in", "Logged in"]
    assert snippet("Users in the team", set(analysis.terms("login", "en")), "en") == ""


def test_thai_is_marked_in_whole_words_only():
    # "ตา" (eye) is written inside "ตาราง" (table), a word of its own to the index
    assert _snippet("ตารางข้อมูล", "ตา", "th") == ""
    assert _marked(_snippet("ดูตารางข้อมูล", "ตาราง", "th")) == ["ตาราง"]
    # the passage shown is the one holding the word, not the first holding its letters
    passage = _snippet("ตารางข้อมูล " * 30 + "อาการปวดตามาก", "ตา", "th")
    assert _marked(passage) == ["ตา"] and _shown(passage).endswith("อาการปวดตามาก")


THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ONE_RUN = "ตาราง" * 4000
MANY_RUNS = " ".join("ตาราง" + str(i).translate(THAI_DIGITS) for i in range(2000)) + " "


@pytest.mark.parametrize("text", [ONE_RUN + "ตา", MANY_RUNS + "อาการปวดตามาก"])
def test_thai_words_are_checked_in_time_linear_in_the_text(monkeypatch, text):
    # a false match of "ตา" in every passage, in one unspaced run and in 2,000 runs: the
    # run was found anew for each match, and passages chosen again for every two passages
    split: list[int] = []  # letters of each run split
    chosen: list[int] = []  # matches of each choice of passages
    real_split, real_passages = analysis.thai_word_spans, snippets._passages

    def spans(run: str):
        split.append(len(run))
        return real_split(run)

    def passages(source: str, matches: list):
        chosen.append(len(matches))
        return real_passages(source, matches)

    monkeypatch.setattr(analysis, "thai_word_spans", spans)
    monkeypatch.setattr(snippets, "_passages", passages)
    snippets._thai_words.cache_clear()
    passage = snippet(text, {"ตา"}, "th")
    assert _marked(passage) == ["ตา"] and text.endswith(_shown(passage)[-12:])
    assert sum(split) <= len(text)  # each run split once at most
    # choosing passages stops going through the matches once it has met as many as
    # the text has letters (snippets.snippet): the rest are checked at once
    assert sum(chosen) <= 3 * len(text)
