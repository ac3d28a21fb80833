"""The pages kb/site adds to every build, as Markdown sources. Pure: no mkdocs imports."""

from __future__ import annotations

from collections.abc import Collection


def search_page(title: str) -> str:
    """The shareable results page, /search/?q=…; kb-search.js fills it in."""
    return (f"---\ntitle: {title}\nsearch:\n  exclude: true\nhide: [navigation, toc]\n---\n\n"
            '<div id="kb-search-page" aria-live="polite"></div>\n')


def contact_page(title: str) -> str:
    """A language's contact page; templates/kb-contact.html renders it."""
    return (f"---\ntitle: {title}\ntemplate: kb-contact.html\nsearch:\n  exclude: true\n"
            "hide: [navigation, toc]\n---\n")


def contact_uris(languages: list[str], folders: Collection[str]) -> dict[str, str]:
    """Where each language's contact page goes (relative to docs_dir).

    A language with its own folder gets `xx/contact/`, so the page is in that
    language; the default language without a folder gets `contact/`. Another
    language without a folder has no articles to publish, so no contact page.
    """
    uris = {}
    for lang in languages:
        if lang in folders:
            uris[lang] = f"{lang}/contact/index.md"
        elif lang == languages[0]:
            uris[lang] = "contact/index.md"
    return uris
