"""What a reader does to read an article in another language: the links under it and
the language menu lead to its translation, not the language's home page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ARTICLE = "/en/billing/request-a-refund/"
TRANSLATION = "/ru/billing/request-a-refund/"


def open_article(page, base: str) -> None:
    """The English article, once Material has asked for the sitemap of every language
    in the page's `link rel=alternate` (it steals clicks into a language it has one of)."""
    asked: list[str] = []
    for event in ("requestfinished", "requestfailed"):
        page.on(event, lambda request: asked.append(request.url)
                if request.url.endswith("sitemap.xml") else None)
    page.goto(base + ARTICLE)
    page.wait_for_selector("html[data-kb-search]")
    wanted = page.eval_on_selector_all("link[rel=alternate]", "els => els.length")
    for _ in range(100):  # 10 s at most
        if len(asked) >= wanted:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"Material asked for {asked}, not {wanted} sitemaps")


def test_the_translation_link_under_an_article_opens_its_translation(page, api_server):
    open_article(page, api_server)
    page.click(".kb-translations a[hreflang='ru']")
    page.wait_for_url(api_server + TRANSLATION)


def test_the_language_menu_opens_the_translation(page, api_server):
    open_article(page, api_server)
    page.hover(".md-header__option .md-select")
    page.click(".md-select__link[hreflang='ru']")
    page.wait_for_url(api_server + TRANSLATION)
