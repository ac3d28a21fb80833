"""Material's search index, the search box's fallback without kb's API: Thai words split."""

from __future__ import annotations

import json
import re

from plugins.site.browser_search import ZWSP, split_thai_words

THAI = re.compile(r"[\u0e00-\u0e7f]")


def entry(index: dict, location: str) -> dict:
    return next(doc for doc in index["docs"] if doc["location"] == location)


def test_thai_titles_and_text_are_split_into_words_and_the_separator_splits_there(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    title = entry(index, "th/account/reset-your-password/")["title"]
    assert title.split(ZWSP) == ["ตั้ง", "รหัสผ่าน", "ใหม่", "เมื่อ", "ลืม", "รหัสผ่าน"]
    separator = re.compile(index["config"]["separator"])
    assert "ลืม" in separator.split(title)
    english = entry(index, "en/account/reset-your-password/")
    assert ZWSP not in english["title"] + english["text"]
    thai_text = [doc["text"] for doc in index["docs"] if THAI.search(doc["text"])]
    assert thai_text and all(ZWSP in text for text in thai_text)


def test_splitting_keeps_every_character_and_is_idempotent(tmp_path):
    source = {"config": {"lang": ["th"], "separator": "[\\s\\-]+", "pipeline": []},
              "docs": [{"location": "a/", "title": "ลืมรหัสผ่าน", "text": "<p>ขอลิงก์ API ใหม่</p>"},
                       {"location": "b/", "title": "Plain", "text": "no Thai here"}]}
    index = tmp_path / "search_index.json"
    index.write_text(json.dumps(source, ensure_ascii=False), encoding="utf-8")
    assert split_thai_words(index) == 2
    once = json.loads(index.read_text(encoding="utf-8"))
    for before, after in zip(source["docs"], once["docs"], strict=True):
        assert after["title"].replace(ZWSP, "") == before["title"]
        assert after["text"].replace(ZWSP, "") == before["text"]
    assert once["docs"][0]["text"] == f"<p>ขอ{ZWSP}ลิงก์ API ใหม่</p>"
    assert once["docs"][1] == source["docs"][1]
    assert split_thai_words(index) == 0  # split already: nothing to rewrite
    assert json.loads(index.read_text(encoding="utf-8")) == once


def test_the_separator_gains_an_alternative_and_keeps_its_own(tmp_path):
    """Material's highlighter splits the separator at its top-level "|" and drops the
    lookaround parts, so the zero-width space is one more alternative, not a wrapper."""
    theirs = r'[\s\-,:!=\[\]()"/]+|(?!\b)(?=[A-Z][a-z])|\.(?!\d)|&[lg]t;'
    index = tmp_path / "search_index.json"
    index.write_text(json.dumps({"config": {"separator": theirs},
                                 "docs": [{"location": "", "title": "ลืมรหัสผ่าน", "text": ""}]}),
                     encoding="utf-8")
    split_thai_words(index)
    assert json.loads(index.read_text(encoding="utf-8"))["config"]["separator"] == (
        theirs + "|\\u200b+")


def test_an_index_without_thai_or_no_index_at_all_is_left_alone(tmp_path):
    assert split_thai_words(tmp_path / "missing.json") == 0
    index = tmp_path / "search_index.json"
    text = json.dumps({"config": {"separator": "[\\s]+"},
                       "docs": [{"location": "", "title": "Home", "text": "Hello"}]})
    index.write_text(text, encoding="utf-8")
    assert split_thai_words(index) == 0
    assert index.read_text(encoding="utf-8") == text
