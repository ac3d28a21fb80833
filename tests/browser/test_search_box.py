"""What a customer does: type a question into the site's search box."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from plugins.site.strings import STRINGS

pytestmark = pytest.mark.browser

QUERY_BOX = '[data-md-component="search-query"]'


def search(page, url: str, query: str, answered_by: str) -> list[str]:
    """Type `query` as a customer would; the links listed once `answered_by` has answered
    it (the API's, once they answer the whole query: on a busy machine the box may ask
    while the customer is still typing, and the first word's answer comes first)."""
    page.goto(url)
    page.wait_for_selector(f"html[data-kb-search='{answered_by}']")
    page.click(QUERY_BOX)
    page.keyboard.type(query, delay=20)
    answered = f"[data-kb-query={json.dumps(query, ensure_ascii=False)}]"
    results = (f".md-search-result__list{answered} a[data-kb-path]" if answered_by == "api"
               else ".md-search-result__list a[href]")
    page.wait_for_selector(results, timeout=15_000)
    return page.eval_on_selector_all(results, "els => els.map(e => e.href)")


def first_result_is(page, path: str) -> None:
    """Wait until the box's first result links to `path`."""
    page.wait_for_function("""path => document.querySelector(
        ".md-search-result__list a[href]")?.pathname === path""", arg=path, timeout=5_000)


def shown_in_box(page) -> str:
    """The box's text as the reader sees it (kb-search.js hands Material another `value`)."""
    return page.eval_on_selector(QUERY_BOX, """box => Object.getOwnPropertyDescriptor(
        HTMLInputElement.prototype, "value").get.call(box)""")


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("en", "reset password", "/en/account/reset-your-password/"),
    ("ru", "забыл пароль", "/ru/account/reset-your-password/"),
    ("th", "ลืมรหัสผ่าน", "/th/account/reset-your-password/"),
])
def test_search_box_answers_from_the_api(page, api_server, lang, query, expected):
    links = search(page, f"{api_server}/{lang}/", query, answered_by="api")
    assert links[0] == f"{api_server}{expected}"


@pytest.mark.parametrize(("lang", "query"), [("ru", "забыл пароль"), ("th", "ลืมรหัสผ่าน")])
def test_search_box_speaks_the_pages_language(page, api_server, lang, query):
    words = STRINGS[lang]["search"]
    search(page, f"{api_server}/{lang}/", query, answered_by="api")
    assert page.inner_text(".md-search-result__meta").startswith(words["matching"] + ":")
    assert words["all"] in page.inner_text(".md-search-result__list")


def test_a_question_typed_in_the_wrong_layout_is_answered_as_meant(page, api_server):
    """"c,hjc gfhjkz" is "сброс пароля" typed with the US layout still on."""
    links = search(page, f"{api_server}/ru/", "c,hjc gfhjkz", answered_by="api")
    assert urlsplit(links[0]).path == "/ru/account/reset-your-password/"
    showing = STRINGS["ru"]["search"]["showing"]
    assert f"{showing}: сброс пароля" in page.inner_text(".md-search-result__meta")
    # and "reset password" typed with the Russian layout on, on the results page
    page.goto(f"{api_server}/search/?q=куыуе+зфыыцщкв")
    page.wait_for_selector("#kb-search-page ol li a")
    assert page.inner_text(".kb-did-you-mean") == ("Showing results for: reset password. "
                                                   "Search instead for: куыуе зфыыцщкв")
    first = page.get_attribute("#kb-search-page ol li a", "href")
    assert first.endswith("en/account/reset-your-password/")
    page.click(".kb-did-you-mean a")  # the reader meant what they typed
    page.wait_for_selector(".kb-no-answer")
    assert "as_typed=true" in page.url
    assert "reset password" in page.inner_text(".kb-did-you-mean")  # still suggested


def test_a_result_opens_its_article_from_a_page_outside_the_language_folders(page, api_server):
    """Material sends a click on a link into a language of extra.alternate, from a page
    outside that language (the home page, the results page), to the language's home page."""
    links = search(page, f"{api_server}/", "reset password", answered_by="api")
    page.click(".md-search-result__list a[data-kb-rank='1']")
    page.wait_for_url(links[0])


@pytest.mark.parametrize(("lang", "query"), [("en", "reset password"), ("th", "ลืมรหัสผ่าน")])
def test_arrow_down_then_enter_opens_the_first_result(page, api_server, lang, query):
    """Material searches again when the box loses the focus, and finds nothing in Thai."""
    links = search(page, f"{api_server}/{lang}/", query, answered_by="api")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)  # a reader's pause: Material has answered the focus change
    assert page.evaluate("document.activeElement.href") == links[0]
    page.keyboard.press("Enter")
    page.wait_for_url(links[0])


@pytest.mark.parametrize("stopped", ["refused", "bad gateway"])
def test_search_box_falls_back_to_browser_search_when_the_api_stops(page, api_server, stopped):
    search(page, f"{api_server}/en/", "refund", answered_by="api")
    # the API stops: nothing answers, or the web server in front of it says 502
    page.route(f"{api_server}/api/**", lambda route: route.abort("connectionrefused")
               if stopped == "refused" else route.fulfill(status=502, body="Bad Gateway"))
    page.keyboard.press("Control+A")
    page.keyboard.type("download invoices", delay=20)
    page.wait_for_selector("html[data-kb-search='browser']", timeout=5_000)
    first_result_is(page, "/en/billing/download-invoices/")
    assert not page.query_selector(".md-search-result__list [data-kb-own]")


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("en", "reset password", "/en/account/reset-your-password/"),
    # the title says "Восстановление пароля": Material only finds words that begin
    # like the query's, so the query's endings go first
    ("ru", "восстановить пароль", "/ru/account/reset-your-password/"),
    # Thai has no spaces: Material finds its words only when both sides are split
    ("th", "ลืมรหัสผ่าน", "/th/account/reset-your-password/"),
])
def test_browser_search_answers_when_the_api_is_unreachable(page, static_server, lang, query,
                                                            expected):
    links = search(page, f"{static_server}/{lang}/", query, answered_by="browser")
    assert urlsplit(links[0]).path == expected
    assert shown_in_box(page) == query  # the box shows what the reader typed


def test_results_page_is_shareable_and_suggests_spellings(page, api_server):
    page.goto(f"{api_server}/search/?q=refnud+anual+plan")
    page.wait_for_selector("#kb-search-page ol li a")
    assert "refund annual plan" in page.inner_text(".kb-did-you-mean")
    first = page.get_attribute("#kb-search-page ol li a", "href")
    assert first.endswith("en/billing/request-a-refund/")


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("ru", "сбросить пароль", "/ru/account/reset-your-password/"),
    ("th", "ลืมรหัสผ่าน", "/th/account/reset-your-password/"),
])
def test_all_results_answers_in_the_readers_language(page, api_server, lang, query, expected):
    """The results page is one for every language: "All results" tells it the reader's."""
    search(page, f"{api_server}/{lang}/", query, "api")
    page.click(".md-search-result__list a:not([data-kb-path])")
    page.wait_for_selector("#kb-search-page ol li a")  # Playwright's 30 s: a loaded machine
    first = page.get_attribute("#kb-search-page ol li a", "href")
    assert urlsplit(first).path.endswith(expected)
    assert page.get_attribute("#kb-search-page", "lang") == lang  # read in its own voice


def test_results_page_opens_ready_to_click(page, api_server):
    """Material opens its search dialog for any ?q=; this page answers the query itself."""
    page.goto(f"{api_server}/search/?q=refund+annual+plan")
    page.click("#kb-search-page ol li a", timeout=5_000)
    page.wait_for_url(f"{api_server}/en/billing/request-a-refund/")
    page.go_back()
    assert page.url == f"{api_server}/search/?q=refund+annual+plan"  # still shareable


def test_results_page_falls_back_to_browser_search_when_the_api_fails(page, api_server):
    page.route(f"{api_server}/api/search?*",
               lambda route: route.fulfill(status=502, body="Bad Gateway"))
    page.goto(f"{api_server}/search/?q=download+invoices")
    page.wait_for_selector("html[data-kb-search='browser']")
    assert page.inner_text("#kb-search-page") == STRINGS["en"]["search"]["offline"]
    first_result_is(page, "/en/billing/download-invoices/")


def test_browser_search_hands_material_plain_words_without_their_endings(page, static_server):
    """Material adds "*" to plain words only: quoted, +, -, ~ and ^ words and tokens such
    as requests.get are searched as written, so they keep their endings."""
    search(page, f"{static_server}/en/", "resetting passwords?", answered_by="browser")
    typed = ('"billing" +invoices -refunds sync~1 requests.get settings.json '
             "resetting passwords? access status пароля восстановить")
    page.fill(QUERY_BOX, typed)
    handed = page.eval_on_selector(QUERY_BOX, "box => box.value")  # what Material reads
    assert handed == ('"billing" +invoices -refunds sync~1 requests.get settings.json '
                      "reset password? access status парол восстанов")
    page.fill(QUERY_BOX, "ลืมรหัสผ่าน")
    thai = page.eval_on_selector(QUERY_BOX, "box => box.value")
    assert " " in thai and thai.replace(" ", "") == "ลืมรหัสผ่าน"


def test_browser_search_completes_what_the_reader_typed(page, static_server):
    """search.suggest: Material completes the last word behind the box; the completion
    lines up with the words as typed, not as they were handed to Material."""
    search(page, f"{static_server}/en/", "resetting pass", answered_by="browser")
    ghost = '[data-md-component="search-suggest"]'
    page.wait_for_function(f"document.querySelector('{ghost}').textContent.length > 0")
    assert page.text_content(ghost) == "resetting password"
    for _ in range(4):  # the caret at 10, the length of what Material read ("reset pass")
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    assert shown_in_box(page) == "resetting pass"  # → inside the text only moves the caret
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    assert shown_in_box(page) == "resetting password"
