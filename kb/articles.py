"""The article model: every Markdown page of the help center with its front matter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from kb import frontmatter
from kb.languages import language_of
from kb.markdown_scan import prose_lines

if TYPE_CHECKING:
    from kb.settings import Site

_H1 = re.compile(r"^ {0,3}#[ \t]+(\S.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^ {0,3}=+\s*$")
INDEX_NAMES = ("index.md", "README.md")


@dataclass
class Article:
    path: str  # relative to docs_dir, with forward slashes
    file: Path
    lang: str
    text: str = ""
    fm: frontmatter.FrontMatter = field(default_factory=frontmatter.FrontMatter)
    url: str = ""  # address on the built site, relative to its root
    not_in_nav: bool = False  # listed in MkDocs' `not_in_nav`: hidden on purpose
    read_error: str | None = None

    @property
    def is_index(self) -> bool:
        return PurePosixPath(self.path).name in INDEX_NAMES

    @property
    def meta(self) -> dict:
        return self.fm.meta

    @property
    def title(self) -> str:
        title = self.meta.get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
        heading = first_heading(self.fm.body)
        if heading:
            return heading
        path = PurePosixPath(self.path)
        if not self.is_index:
            return _named(path.stem)
        # a section's page without a heading is known by its section, as the navigation
        # names it ("regex/index.md": Regex), a language's home page as MkDocs names it
        return _named(path.parent.name) if path.parent.name not in ("", self.lang) \
            else "Home"

    @property
    def section(self) -> str:
        """The folder holding the article, relative to docs_dir ('' at the top)."""
        parent = str(PurePosixPath(self.path).parent)
        return "" if parent == "." else parent

    @property
    def translation_key(self) -> str | None:
        key = self.meta.get("translation_key")
        return key if isinstance(key, str) and key else None

    @property
    def tags(self) -> list[str]:
        tags = self.meta.get("tags")
        if not isinstance(tags, list):
            return []
        return [str(t).strip().lower() for t in tags if str(t).strip()]


def first_heading(body: str) -> str | None:
    """The page's first level-1 heading, `# Title` or a line underlined with `===`,
    outside code blocks and HTML comments (a shell comment in a code block is no title)."""
    previous: tuple[int, str] | None = None  # a one-line paragraph's line
    blank = -1  # the last blank line's offset
    for offset, line in prose_lines(body, inline_code=True):
        atx = _H1.match(line)
        if atx:
            return atx.group(1)
        if previous and previous[0] == offset - 1 and _SETEXT_H1.match(line):
            return previous[1].strip()
        if not line.strip():
            blank = offset
        paragraph = blank == offset - 1 and not line.startswith(("    ", "\t")) \
            and not line.lstrip().startswith(("#", "|"))
        previous = (offset, line) if line.strip() and paragraph else None
    return None


def _named(name: str) -> str:
    """A file's or folder's name as MkDocs makes a title of it."""
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title == title.lower() else title


def read_article(file: Path, path: str, lang: str) -> Article:
    article = Article(path=path, file=file, lang=lang)
    try:
        article.text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        article.read_error = (
            f"the file is not UTF-8 (byte {exc.start} cannot be decoded); "
            "save it as UTF-8 in your editor"
        )
        return article
    article.text = article.text.replace("\r\n", "\n")
    article.fm = frontmatter.parse(article.text)
    return article


def load_articles(site: Site) -> list[Article]:
    """Every Markdown page MkDocs would build, in path order (drafts and excludes left out)."""
    from mkdocs.structure.files import get_files

    files = get_files(site.config)
    articles = []
    for f in files.documentation_pages(inclusion=lambda i: i.is_included()):
        article = read_article(Path(f.abs_src_path), f.src_uri, _lang(site, f.src_uri))
        article.not_in_nav = f.inclusion.is_not_in_nav()
        article.url = f.url
        articles.append(article)
    articles.sort(key=lambda a: a.path)
    return articles


def _lang(site: Site, path: str) -> str:
    return language_of(path, site.languages, site.default_language)
