"""`kb new`: write an article with valid front matter and put it in the navigation."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import posixpath
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from kb.articles import read_article
from kb.errors import ArticleError
from kb.frontmatter import PLACEHOLDER
from kb.languages import language_of
from kb.settings import Site


@dataclass
class NewArticle:
    file: Path
    path: str  # relative to docs_dir
    nav_updated: bool


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].rstrip("-")


def default_owner() -> str:
    try:
        email = subprocess.run(["git", "config", "user.email"], capture_output=True, text=True,
                               check=False).stdout.strip()
    except OSError:
        email = ""
    return email.split("@")[0] if email else (os.environ.get("USER") or getpass.getuser())


def _lang_root(site: Site, lang: str) -> str:
    """The folder (relative to docs_dir) holding articles of `lang`."""
    if len(site.languages) > 1 or (site.docs_dir / lang).is_dir():
        return lang
    return ""


def sections_of(site: Site, lang: str) -> list[str]:
    root = site.docs_dir / _lang_root(site, lang)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def new_article(
    site: Site,
    title: str,
    *,
    lang: str | None = None,
    section: str,
    slug: str | None = None,
    owner: str | None = None,
    translation_of: str | None = None,
    today: dt.date | None = None,
) -> NewArticle:
    lang = lang or site.default_language
    if lang not in site.languages:
        raise ArticleError(
            f"--lang {lang!r} is not a language of this help center; use one of "
            f"{', '.join(site.languages)} (or add it to 'languages' of kb/site in "
            f"{site.config_file.name})")
    if not title.strip():
        raise ArticleError("the title is empty; write it in quotes: kb new \"Reset your password\"")
    key = None
    if translation_of:
        original = _read_original(site, translation_of)
        key = original.translation_key or Path(original.path).stem
        slug = slug or Path(original.path).stem
        if original.lang == lang:
            raise ArticleError(f"{translation_of} is already in {lang}; pick the language of "
                               "the translation with --lang")
    slug = slug or slugify(title)
    if not slug or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise ArticleError(
            f"cannot make a file name from {title!r}; give one with --slug "
            "(lowercase latin letters, digits, hyphens), or --translation-of PATH to reuse "
            "the original article's name")
    sections = sections_of(site, lang)
    if section not in sections:
        raise ArticleError(
            f"there is no section {section!r} in {lang}; use one of: "
            f"{', '.join(sections) or '(none yet: create a folder under the docs folder)'}")
    folder = posixpath.join(_lang_root(site, lang), section) if _lang_root(site, lang) \
        else section
    path = posixpath.join(folder, f"{slug}.md")
    file = site.docs_dir / path
    if file.exists():
        raise ArticleError(f"{path} already exists; choose another title or --slug")
    meta = {
        "title": title.strip(),
        "summary": PLACEHOLDER,
        "tags": [],
        "owner": owner or default_owner(),
        "reviewed": today or dt.date.today(),
        "review_every": site.options.review_every,
        "keywords": [],
        "translation_key": key or slug,
    }
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False,
                                     default_flow_style=None) + "---\n\n## \n"
    nav_text = _nav_with(site, folder, title.strip(), path)
    file.write_text(text, encoding="utf-8")
    if nav_text is not None:
        try:
            _replace(site.config_file, nav_text)
        except OSError as exc:
            file.unlink()  # leave nothing half-done: no article outside the navigation
            raise ArticleError(f"could not update {site.config_file.name}: {exc}") from None
    return NewArticle(file=file, path=path, nav_updated=nav_text is not None)


def _read_original(site: Site, translation_of: str):
    candidate = Path(translation_of)
    full = candidate if candidate.is_absolute() else site.docs_dir / candidate
    if not full.is_file() and (Path.cwd() / candidate).is_file():
        full = Path.cwd() / candidate
    if not full.is_file():
        raise ArticleError(f"--translation-of {translation_of}: no such article "
                           f"(give its path relative to {site.docs_dir.name}/)")
    path = full.resolve().relative_to(site.docs_dir.resolve()).as_posix()
    return read_article(full, path, language_of(path, site.languages, site.default_language))


def _yaml():
    from ruamel.yaml import YAML

    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def _nav_with(site: Site, folder: str, title: str, path: str) -> str | None:
    """The config text with the article appended to its section's nav list; None: no nav."""
    import io

    if site.config.nav is None:
        return None
    rt = _yaml()
    data = rt.load(site.config_file.read_text(encoding="utf-8"))
    target = _find_section_list(data.get("nav"), folder)
    if target is None:
        raise ArticleError(
            f"no section of the nav in {site.config_file.name} holds articles of {folder}/; "
            f"add a section there listing {folder}/index.md, then run kb new again")
    target.append(path)  # the title comes from the front matter: one place to change it
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def _find_section_list(node, folder: str):
    """The nav list whose own entries are files in `folder`."""
    if isinstance(node, list):
        for entry in node:
            value = next(iter(entry.values())) if isinstance(entry, dict) and len(entry) == 1 \
                else entry
            if isinstance(value, str) and posixpath.dirname(value) == folder:
                return node
        for entry in node:
            found = _find_section_list(entry, folder)
            if found is not None:
                return found
    elif isinstance(node, dict):
        for value in node.values():
            found = _find_section_list(value, folder)
            if found is not None:
                return found
    return None


def _replace(file: Path, text: str) -> None:
    tmp = file.with_name(f".{file.name}.kb-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, file)
