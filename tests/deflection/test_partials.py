"""A page made of the partials it includes is found by their words (deflection.partials)."""

from __future__ import annotations

from deflection.partials import Partials
from deflection.search import SearchEngine
from deflection.site_index import index_site
from kb.settings import load_site

LIMITS = ("---\ntitle: Limits\n---\n\n# Limits\n\n"
          "{% include [limits](../../_includes/limits.md) %}\n")
PARTIAL = ("---\nnote: a partial's own front matter is not shown\n---\n\n"
           "| Limit | Value |\n|---|---|\n| Projects in one workspace | 32 |\n\n"
           "[!INCLUDE [more](nested/archive.md)]\n")
NESTED = "Archived projects are kept for 90 days.\n"
DISCLAIMER = "Prices shown exclude value added tax in every region.\n"


def test_a_page_made_of_partials_is_found_by_their_words(make_kb):
    words = " ".join(["Invoices list every charge of the month with its date."] * 10)
    config = make_kb(files={
        "articles/en/billing/limits.md": LIMITS,
        "articles/_includes/limits.md": PARTIAL,
        "articles/_includes/nested/archive.md": NESTED,
        "articles/_includes/disclaimer.md": DISCLAIMER,
        # a page with words of its own keeps a shared partial out: it would speak for
        # every page that includes it
        "articles/en/billing/statements.md":
            f"---\ntitle: Statements\n---\n\n{words}\n\n"
            "{% include [tax](../../_includes/disclaimer.md) %}\n",
    })
    first = index_site(load_site(config))
    engine = SearchEngine(config.parent / "index", ["en", "ru"])
    limits = "en/billing/limits.md"
    assert engine.search("how many projects in a workspace").results[0].path == limits
    assert engine.search("archived projects 90 days").results[0].path == limits
    assert engine.search("value added tax").results == []
    assert not any(h.path.startswith("_includes") for h in engine.search("projects").results)

    # a partial's change is the page's change: it is read again, nothing else
    (config.parent / "articles/_includes/nested/archive.md").write_text(
        "Archived projects are kept for 30 days, then erased.\n")
    second = index_site(load_site(config))
    assert (second.updated, second.unchanged) == (1, first.added - 1)
    engine.refresh()
    assert engine.search("erased archived projects").results[0].path == limits


def test_a_partial_outside_the_docs_or_missing_is_left_out(tmp_path):
    docs = tmp_path / "docs"
    (docs / "guide").mkdir(parents=True)
    (tmp_path / "secret.md").write_text("password: hunter2\n")
    partials = Partials(str(docs))
    text = ("A {% include [x](../../secret.md) %} B [!INCLUDE [y](missing.md)] "
            "C {% include notitle [z](https://example.com/x.md) %} D")
    assert partials.expand("guide/page.md", text).split() == ["A", "B", "C", "D"]
    assert partials.fingerprint("guide/page.md", "no includes") == ""
