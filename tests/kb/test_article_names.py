"""How a labels file may name its gold article (kb eval-search, kb eval-gaps)."""

from __future__ import annotations

from kb.evaluate import ArticleNames

NAMES = ArticleNames([
    ("en/billing/refunds.md", "en/billing/refunds/", "en"),
    ("ru/billing/refunds.md", "ru/billing/refunds/", "ru"),
    ("en/billing/index.md", "en/billing/", "en"),
    ("en/account/reset-your-password.md", "en/account/reset-your-password/", "en"),
    ("en/account/delete.md", "en/account/delete/", "en"),
    ("index.md", "", "en"),
], prefixes=["docs", "/help/"])


def test_paths_addresses_and_repository_paths():
    reset = "en/account/reset-your-password.md"
    for written in (reset, "en/account/reset-your-password", "/en/account/reset-your-password/",
                    "https://help.example.com/en/account/reset-your-password/#steps",
                    "https://example.com/help/en/account/reset-your-password/?q=1",
                    "docs/en/account/reset-your-password.md", "./" + reset,
                    "docs\\en\\account\\reset-your-password.md"):
        assert NAMES.resolve(written) == reset, written
    assert NAMES.resolve("en/billing/") == "en/billing/index.md"
    assert NAMES.resolve("docs/index.md") == "index.md"


def test_a_path_from_below_docs_dir_counts_when_one_article_ends_so():
    assert NAMES.resolve("account/reset-your-password.md") == "en/account/reset-your-password.md"
    # both languages end so: the question's language decides, else it is reported
    assert NAMES.candidates("billing/refunds.md") == ["en/billing/refunds.md",
                                                      "ru/billing/refunds.md"]
    unknown: list[str] = []
    assert NAMES.resolve_all(["billing/refunds.md"], "q.jsonl:3", unknown, "ru") == \
        ["ru/billing/refunds.md"]
    assert not unknown
    assert NAMES.resolve_all(["billing/refunds.md"], "q.jsonl:4", unknown) == \
        ["billing/refunds.md"]
    assert unknown == ["q.jsonl:4: gold 'billing/refunds.md' may be any of "
                       "en/billing/refunds.md, ru/billing/refunds.md, so it counts as a miss; "
                       "write the article's full path relative to docs_dir"]


def test_a_name_of_no_article_is_reported():
    unknown: list[str] = []
    assert NAMES.resolve_all(["en/billing/dunning.md"], "q.jsonl:7", unknown) == \
        ["en/billing/dunning.md"]
    assert unknown[0].startswith("q.jsonl:7: gold 'en/billing/dunning.md' is no article")
    # never another article by guessing: a missing translation, another language, a
    # folder that is not above docs_dir, an empty name
    for name in ("ru/account/delete.md", "de/billing/refunds.md", "guide/en/account/delete.md",
                 ""):
        assert NAMES.resolve(name, "ru" if name.startswith("ru") else None) is None, name
    assert NAMES.resolve("ru/account/delete.md") is None
    assert NAMES.resolve("account/delete.md", "ru") is None  # only in English
