"""The built sample site: article pages as a reader sees them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from plugins.site.alternate import without_language_links
from plugins.site.strings import STRINGS
from tests.conftest import read_page as page


@pytest.fixture
def built(built_site) -> Path:
    return built_site


def sidebar(html: str) -> str:
    return html.split('class="md-nav md-nav--primary"', 1)[1].split("md-sidebar--secondary", 1)[0]


def test_pages_carry_their_own_language(built):
    assert '<html lang="ru"' in page(built, "ru/account/reset-your-password")
    assert '<html lang="th"' in page(built, "th/account/reset-your-password")
    assert '<html lang="en"' in page(built, "en/account/reset-your-password")
    assert "Содержание" in page(built, "ru/account/reset-your-password")  # Material's own words


def test_sidebar_shows_only_the_readers_language_and_section(built):
    nav = sidebar(page(built, "ru/billing/request-a-refund"))
    assert "Возврат средств" in nav
    assert "/en/" not in nav and "Billing" not in nav
    # other sections are single links to their section page, not their articles
    assert "reset-your-password" not in nav
    assert re.search(r'href="\.\./\.\./account/"', nav)


def test_breadcrumbs_related_and_translations(built):
    html = page(built, "en/billing/request-a-refund")
    path = html.split('class="md-path"', 1)[1].split("</nav>", 1)[0]
    assert "English" in path and "Billing" in path
    related = html.split('class="kb-related"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="([^"]+)"', related)
    assert 1 <= len(links) <= 5
    assert all(not link.startswith("../../../ru") for link in links)  # same language only
    translations = html.split('class="kb-translations"', 1)[1].split("</p>", 1)[0]
    assert 'href="../../../ru/billing/request-a-refund/"' in translations
    assert 'href="../../../th/billing/request-a-refund/"' in translations


def test_language_switcher_points_at_the_translation_or_the_language_home(built):
    def switcher(html):
        return html.split('class="md-select__list"', 1)[1].split("</ul>", 1)[0]

    translated = switcher(page(built, "en/account/reset-your-password"))
    assert 'href="../../../ru/account/reset-your-password/" hreflang="ru" lang="ru"' \
        in translated  # the name "Русский" is read as Russian
    untranslated = switcher(page(built, "en/account/lost-2fa-device"))
    assert 'href="../../../ru/" hreflang="ru" lang="ru"' in untranslated


def test_no_page_hands_its_language_links_to_materials_alternate_script(built):
    """With a `link rel=alternate` per language, Material asked every page for
    /en/sitemap.xml, /ru/… (404) and took links into those folders to their home page."""
    pages = [*built.glob("**/index.html"), built / "404.html"]
    assert len(pages) > 50
    for html in pages:
        head = html.read_text(encoding="utf-8").split("</head>", 1)[0]
        assert "hreflang" not in head, html
    assert "md-select__list" in page(built, "en/account/reset-your-password")  # the menu stays


def test_without_language_links_keeps_the_rest_of_the_page():
    head = ('<head>\n  <link rel="canonical" href="https://help.example.com/en/">\n'
            '  <link rel="alternate" href="/en/" hreflang="en">\n'
            '  <link rel="alternate" href="../../ru/" hreflang="ru">\n'
            '  <link rel="alternate" type="application/rss+xml" title="New" href="feed.xml">\n'
            '</head>\n')
    body = '<body><a href="/ru/" hreflang="ru"><link rel="alternate" href="/x/" hreflang="x">'
    assert without_language_links(head + body) == (
        '<head>\n  <link rel="canonical" href="https://help.example.com/en/">\n'
        '  <link rel="alternate" type="application/rss+xml" title="New" href="feed.xml">\n'
        '</head>\n' + body)
    assert without_language_links(body) == body  # a fragment without a head: as it is


def test_the_sitemap_lists_each_pages_translations(built):
    """Search engines learn each page's translations from the sitemap (hreflang)."""
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.parse(built / "sitemap.xml").getroot().findall("s:url", ns)
    versions = {u.find("s:loc", ns).text: {link.get("hreflang"): link.get("href")
                                           for link in u.findall("x:link", ns)} for u in urls}
    site = "http://127.0.0.1:8000/"
    assert versions[site + "en/billing/request-a-refund/"] == {
        lang: f"{site}{lang}/billing/request-a-refund/" for lang in ("en", "ru", "th")}
    assert versions[site + "ru/"] == {lang: f"{site}{lang}/" for lang in ("en", "ru", "th")}
    assert versions[site + "en/account/change-your-email-address/"] == {}  # English only
    assert versions[site] == {}  # the root page is no language's
    for loc, links in versions.items():  # each version names the same ones, itself among them
        assert not links or loc in links.values()
        assert all(versions[href] == links for href in links.values()), loc

def test_section_page_lists_every_article_with_its_summary(built):
    html = page(built, "en/billing")
    listing = html.split('class="kb-section-articles"', 1)[1].split("</nav>", 1)[0]
    articles = sorted(p.stem for p in (built.parent / "articles/en/billing").glob("*.md")
                      if p.stem != "index")
    for slug in articles:
        assert f'href="{slug}/"' in listing
    assert "<small>" in listing


def test_last_updated_comes_from_front_matter_outside_git(built):
    html = page(built, "ru/billing/request-a-refund")
    assert "md-source-file" in html
    assert re.search(r"\d{1,2} [а-я]+ 2026", html)


def test_thai_dates_use_the_buddhist_era(built):
    assert re.search(r"\d{1,2} [\u0e00-\u0e7f]+ 2569", page(built, "th/billing/request-a-refund"))


def meta_content(html: str, name: str) -> str | None:
    """The content of `<meta name=NAME>` as a browser reads it."""
    found = []

    class Meta(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "meta" and ("name", name) in attrs:
                found.append(dict(attrs).get("content"))

    Meta().feed(html)
    return found[0] if found else None


@pytest.mark.parametrize("lang", ["en", "ru", "th"])
def test_the_search_box_gets_its_words_in_the_pages_language(built, lang):
    """kb-search.js reads them as JSON from a meta tag: the JSON's quotes must not end it."""
    words = meta_content(page(built, f"{lang}/billing/request-a-refund"), "kb-search-words")
    assert json.loads(words) == STRINGS[lang]["search"]


def test_plain_mkdocs_builds_the_sample_strictly(tmp_path):
    from tests.conftest import ROOT

    result = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "-f", str(ROOT / "site_config.yml"),
         "--strict", "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert (tmp_path / "site/th/account/reset-your-password/index.html").is_file()
