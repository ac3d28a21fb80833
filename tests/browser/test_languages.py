"""What a reader does to read an article in another language: the links under it, the
language menu and a writer's links in the text lead to that article, not the
language's home page; no page asks for a file the site does not have."""

from __future__ import annotations

import pytest

from kb.build import build_site
from tests.browser.conftest import serving_static
from tests.conftest import copy_sample

pytestmark = pytest.mark.browser

ARTICLE = "/en/billing/request-a-refund/"
TRANSLATION = "/ru/billing/request-a-refund/"
UNTRANSLATED = "/en/account/change-your-email-address/"  # in English only
LINKED = "/ru/account/reset-your-password/"
# what a writer types in en/billing/request-a-refund.md to send a reader to a Russian article
WRITERS_LINKS = """

Читаете по-русски? [Как сбросить пароль](../../ru/account/reset-your-password.md){#relative},
или [та же статья](/ru/account/reset-your-password/){#absolute}.
"""


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory):
    """The sample, its English refund article linking to a Russian one, on a static server."""
    root = tmp_path_factory.mktemp("linked-sample")
    config = copy_sample(root)
    with (root / "articles" / ARTICLE.strip("/")).with_suffix(".md").open("a") as article:
        article.write(WRITERS_LINKS)
    build_site(config)
    with serving_static(root / "site") as address:
        yield address


def open_article(page, base: str, path: str = ARTICLE) -> None:
    """An article, once Material has asked for the sitemap of every language in the
    page's `link rel=alternate` (with one it would steal clicks into that language)."""
    asked: list[str] = []
    for event in ("requestfinished", "requestfailed"):
        page.on(event, lambda request: asked.append(request.url)
                if request.url.endswith("sitemap.xml") else None)
    page.goto(base + path)
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


def test_the_language_menu_opens_the_languages_home_without_a_translation(page, api_server):
    open_article(page, api_server, UNTRANSLATED)
    page.hover(".md-header__option .md-select")
    page.click(".md-select__link[hreflang='ru']")
    page.wait_for_url(api_server + "/ru/")


@pytest.mark.parametrize("link", ["relative", "absolute"])
def test_a_writers_link_to_an_article_in_another_language_opens_it(page, linked_site, link):
    open_article(page, linked_site)
    page.click(f"#{link}")
    page.wait_for_url(linked_site + LINKED)
    assert page.title().startswith("Восстановление пароля")


@pytest.mark.parametrize("path", [ARTICLE, "/ru/", "/"])
def test_a_page_asks_for_nothing_the_site_lacks(page, api_server, path):
    """Material's alternate script asked every page for /en/sitemap.xml, /ru/… (404)."""
    asked: list[str] = []
    answered: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.on("response", lambda response: answered.append(response.url))
    page.on("requestfailed", lambda request: answered.append(request.url))
    failed: list[str] = []
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.goto(api_server + path)
    # kb-search.js asks the API for /health after Material's scripts have started theirs
    page.wait_for_selector("html[data-kb-api]", state="attached")
    for _ in range(100):  # 10 s at most
        if len(answered) >= len(asked):
            break
        page.wait_for_timeout(100)
    assert failed == []
