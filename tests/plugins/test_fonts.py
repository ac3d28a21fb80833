"""No page sends its reader's address to Google Fonts unless the config chose a font there."""

from __future__ import annotations

from pathlib import Path

from kb.build import build_site

INTER = "theme:\n  name: material\n  font:\n    text: Inter\n"


def pages(config: Path) -> list[str]:
    site = Path(build_site(config, strict=True).config.site_dir)
    return [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]


def test_pages_use_the_system_fonts_when_the_config_chose_none(make_kb):
    html = pages(make_kb("mini"))  # its theme says nothing about fonts
    assert html
    assert not [page for page in html if "fonts.googleapis.com" in page
                or "fonts.gstatic.com" in page]


def test_a_font_the_config_chose_stays(make_kb):
    config = make_kb("mini")
    config.write_text(config.read_text().replace("theme:\n  name: material\n", INTER))
    assert all("fonts.googleapis.com/css?family=Inter" in page for page in pages(config))
