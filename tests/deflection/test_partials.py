"""A page made of the partials it includes is found by their words (deflection.partials)."""

from __future__ import annotations

from deflection.partials import Partials, includes
from deflection.search import SearchEngine
from deflection.site_index import index_site
from kb.settings import load_site

LIMITS = ("---\ntitle: Limits\n---\n\n# Limits\n\n"
          "{% include [limits](../../_includes/limits.md) %}\n")
PARTIAL = ("---\nnote: a partial's own front matter is not shown\n---\n\n"
           "| Limit | Value |\n|---|---|\n| Projects in one workspace | 32 |\n\n"
           "Archived projects are measured in {{ unit }}.\n\n"
           "[!INCLUDE [more](<nested/archive notes.md>)]\n")
NESTED = "Archived projects are kept for 90 days.\n"
DISCLAIMER = "Prices shown exclude value added tax in every region.\n"


def test_a_page_made_of_partials_is_found_by_their_words(make_kb):
    words = " ".join(["Invoices list every charge of the month with its date."] * 10)
    config = make_kb(files={
        "articles/en/billing/limits.md": LIMITS,
        "articles/_includes/limits.md": PARTIAL,
        "articles/_includes/nested/archive notes.md": NESTED,
        "articles/_includes/disclaimer.md": DISCLAIMER,
        "articles/presets.yaml": "default:\n  unit: zebras\n",
        # a page with words of its own keeps a shared partial out: it would speak for
        # every page that includes it
        "articles/en/billing/statements.md":
            f"---\ntitle: Statements\n---\n\n{words}\n\n"
            "{% include [tax](../../_includes/disclaimer.md) %}\n",
        # an include shown as an example in a code block includes nothing
        "articles/en/billing/syntax.md":
            "---\ntitle: Syntax\n---\n\n# Syntax\n\n```\n"
            "{% include [tax](../../_includes/disclaimer.md) %}\n```\n",
    })
    first = index_site(load_site(config))
    engine = SearchEngine(config.parent / "index", ["en", "ru"])
    limits = "en/billing/limits.md"
    assert engine.search("how many projects in a workspace").results[0].path == limits
    assert engine.search("archived projects 90 days").results[0].path == limits
    assert engine.search("measured in zebras").results[0].path == limits
    assert engine.search("value added tax").results == []
    assert not any(h.path.startswith("_includes") for h in engine.search("projects").results)

    # a partial's change is the page's change, and so is a variable's only the partial uses
    (config.parent / "articles/_includes/nested/archive notes.md").write_text(
        "Archived projects are kept for 30 days, then erased.\n")
    (config.parent / "articles/presets.yaml").write_text("default:\n  unit: giraffes\n")
    second = index_site(load_site(config))
    assert (second.updated, second.unchanged) == (1, first.added - 1)
    engine.refresh()
    assert engine.search("erased archived projects").results[0].path == limits
    assert engine.search("measured in giraffes").results[0].path == limits
    assert engine.search("zebras").results == []
    assert index_site(load_site(config)).updated == 0  # nothing changed: nothing read


def test_what_an_include_names_and_what_it_cannot(tmp_path):
    docs = tmp_path / "docs"
    (docs / "guide").mkdir(parents=True)
    (docs / "_inc").mkdir()
    (tmp_path / "secret.md").write_text("password: hunter2\n")
    (docs / "_inc" / "my file.md").write_text("---\n---\nSpaced.\n")
    (docs / "_inc" / "self.md").write_text("Loop {% include [s](self.md) %} end.\n")
    (docs / "_inc" / "a.md").write_text("A1 [!INCLUDE [b](b.md)]\n")
    (docs / "_inc" / "b.md").write_text("B1 [!INCLUDE [a [the first]](a.md \"A\")]\n")
    partials = Partials(str(docs))

    def words(text: str) -> list[str]:
        return partials.expand("guide/page.md", text).split()

    assert words("A {% include [x](../../secret.md) %} B [!INCLUDE [y](missing.md)] "
                 "C {% include notitle [z](https://example.com/x.md) %} D") == \
        ["A", "B", "C", "D"]
    assert words("[!INCLUDE [s](<../_inc/my file.md>)] "
                 "{% include [s](../_inc/my%20file.md#part) %}") == ["Spaced.", "Spaced."]
    assert words("{% include [s](../_inc/self.md) %}") == ["Loop", "end."]  # not again
    assert words("{% include [a](../_inc/a.md) %}") == ["A1", "B1"]  # a → b → a: once
    assert not includes("Intro.\n\n```\n{% include [x](x.md) %}\n```\n")
    assert includes("Intro.\n\n{% include [x](x.md) %}\n")
