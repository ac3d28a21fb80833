"""Every page's size stays the same as the help center grows (the pruned sidebar)."""

from __future__ import annotations

from kb.build import build_site
from kb.synthetic import generate


def largest_article_page(site) -> int:
    return max(p.stat().st_size for p in site.glob("en/section-*/article-*/index.html"))


def test_page_size_does_not_grow_with_the_help_center(tmp_path):
    # both past the sidebar's window of 25 articles a section, one three times the other
    # the sidebar is measured, not the search: no article vectors to compute
    small = generate(tmp_path / "small", articles=300, sections=10, semantic=False)
    large = generate(tmp_path / "large", articles=900, sections=10, semantic=False)
    build_site(small)
    build_site(large)
    ratio = largest_article_page(tmp_path / "large/site") / largest_article_page(
        tmp_path / "small/site")
    assert ratio < 1.05, ratio


def test_plain_material_grows_with_the_help_center(tmp_path):
    """The baseline the test above beats: without kb/site every page carries every link."""
    small = generate(tmp_path / "small", articles=100, sections=10, kb_plugin=False)
    large = generate(tmp_path / "large", articles=400, sections=10, kb_plugin=False)
    build_site(small)
    build_site(large)
    ratio = largest_article_page(tmp_path / "large/site") / largest_article_page(
        tmp_path / "small/site")
    assert ratio > 2, ratio


def test_long_section_shows_a_window_and_a_link_to_all_articles(tmp_path):
    config = generate(tmp_path, articles=80, sections=1, semantic=False)
    build_site(config)
    html = (tmp_path / "site/en/section-00/article-00-0040/index.html").read_text()
    nav = html.split("md-nav--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    assert nav.count('href="../article-00-') == 24  # 25 in the window, one is this page
    assert "All 80 articles →" in nav
    section = (tmp_path / "site/en/section-00/index.html").read_text()
    assert section.count('href="article-00-') >= 80  # the section page lists them all
