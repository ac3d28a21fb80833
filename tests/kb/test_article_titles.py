"""An article's title, as the search and the reports show it: its front matter's, its
first heading's, or its file's or section's name."""

from __future__ import annotations

from pathlib import Path

from kb.articles import read_article


def title_of(tmp_path: Path, path: str, text: str, lang: str = "en") -> str:
    file = tmp_path / "page.md"
    file.write_text(text, encoding="utf-8")
    return read_article(file, path, lang).title


def test_a_comment_in_a_code_block_is_no_title(tmp_path):
    """Pi-hole's docker page starts with a compose file whose first line is a comment."""
    text = ("The easiest way to run it is our compose file.\n\n```yaml\n"
            "# More info at https://github.com/pi-hole/docker-pi-hole/\nservices:\n```\n\n"
            "# For Debian\n")
    assert title_of(tmp_path, "docker/setup.md", text) == "For Debian"
    fenced_only = "Intro.\n\n~~~bash\n# For Debian/Ubuntu\napt install x\n~~~\n"
    assert title_of(tmp_path, "guides/cloudflared.md", fenced_only) == "Cloudflared"
    commented = "<!--\n# Draft title\n-->\n# Shown `gdb` ##\n"
    assert title_of(tmp_path, "ftldns/gdb.md", commented) == "Shown `gdb`"


def test_a_heading_underlined_or_indented_up_to_three_spaces(tmp_path):
    assert title_of(tmp_path, "a.md", "Reset your password\n===\n\nText.\n") == \
        "Reset your password"
    assert title_of(tmp_path, "a.md", "   # Billing\n") == "Billing"
    # four spaces make a code block; a `===` under it underlines nothing, nor under a
    # heading, a table row or the second line of a paragraph (Python-Markdown's reading)
    assert title_of(tmp_path, "a-page.md", "    code line\n===\n") == "A page"
    for text in ("## Sub\n===\n", "| a | b |\n===\n", "Line one\nLine two\n===\n"):
        assert title_of(tmp_path, "a-page.md", text) == "A page", text
    assert title_of(tmp_path, "a.md", "#   \n# Real\n") == "Real"  # an empty one is none


def test_front_matter_comes_first(tmp_path):
    assert title_of(tmp_path, "a.md", "---\ntitle: From meta\n---\n# From heading\n") == \
        "From meta"


def test_a_page_without_heading_is_named_after_its_file_or_its_section(tmp_path):
    assert title_of(tmp_path, "guides/set-up_sso.md", "Text.\n") == "Set up sso"
    assert title_of(tmp_path, "guides/FAQ.md", "Text.\n") == "FAQ"  # as MkDocs: case kept
    # a section's page is known by its section, as the navigation shows it, not "Index"
    assert title_of(tmp_path, "regex/index.md", "Text.\n") == "Regex"
    assert title_of(tmp_path, "group_management/README.md", "Text.\n") == "Group management"
    assert title_of(tmp_path, "index.md", "Text.\n") == "Home"
    assert title_of(tmp_path, "ru/index.md", "Текст.\n", "ru") == "Home"
