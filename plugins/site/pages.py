"""What kb adds to each page's template context, computed once per build."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from kb.frontmatter import reviewed_date
from kb.languages import language_of, native_name
from plugins.site import related as related_mod
from plugins.site.strings import strings_for

if TYPE_CHECKING:
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page


@dataclass
class Entry:
    title: str
    url: str
    summary: str = ""


@dataclass
class Alternate:
    lang: str
    name: str
    url: str
    current: bool
    translated: bool  # False: the language's home page stands in for a missing translation


@dataclass
class PageInfo:
    """`kb` in the templates."""

    lang: str
    ui_lang: str
    t: dict
    search_api: str = ""
    updated: str | None = None
    related: list[Entry] = field(default_factory=list)
    alternates: list[Alternate] = field(default_factory=list)
    section_articles: list[Entry] = field(default_factory=list)
    lists_sections: bool = False  # a language's home page lists sections, not articles
    article: str | None = None  # an article's path relative to docs_dir; None on other pages
    feedback: bool = False  # show "Was this helpful?" (articles without `hide: [feedback]`)
    contact_url: str | None = None  # the contact page in this page's language
    helpdesk_url: str = ""


def _summary(page: Page) -> str:
    value = page.meta.get("summary") if page.meta else None
    return value.strip() if isinstance(value, str) else ""


def _entry(page: Page) -> Entry:
    return Entry(page.title or PurePosixPath(page.file.src_uri).stem, page.url, _summary(page))


def format_date(when: dt.date, lang: str) -> str:
    from babel.core import UnknownLocaleError
    from babel.dates import format_date as babel_format

    try:
        if lang.split("-")[0] == "th":  # Thai readers count years in the Buddhist era
            return f"{babel_format(when, format='d MMMM', locale='th')} {when.year + 543}"
        return babel_format(when, format="long", locale=lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return when.isoformat()


class PageIndex:
    """Translations, related articles and section lists for every page of one build."""

    def __init__(
        self,
        nav: Navigation,
        languages: list[str],
        ui_languages: set[str],
        related_limit: int,
        git_dates: dict[Path, dt.datetime],
        section_lists: bool,
        search_api: str = "",
        *,
        contact_pages: dict[str, Page] | None = None,
        helpdesk_url: str = "",
    ) -> None:
        self.search_api = search_api.rstrip("/")
        self.contact_pages = contact_pages or {}
        self.helpdesk_url = helpdesk_url
        self.languages = languages
        self.ui_languages = ui_languages
        self.git_dates = git_dates
        self.section_lists = section_lists
        pages = nav.pages
        self.by_path = {p.file.src_uri: p for p in pages}
        self.homes = {lang: self.by_path.get(f"{lang}/index.md") for lang in languages}
        # not in the nav, but each one's twin in the other languages is known
        self.by_path.update({p.file.src_uri: p for p in self.contact_pages.values()})
        self.translated: dict[str, dict[str, Page]] = {}  # translation_key: {lang: page}
        items = []
        for page in pages:
            lang = self.lang_of(page)
            key = page.meta.get("translation_key") if page.meta else None
            if isinstance(key, str) and key and not page.is_index:
                self.translated.setdefault(key, {}).setdefault(lang, page)
            tags = page.meta.get("tags") if page.meta else None
            if isinstance(tags, list) and not page.is_index:
                items.append(related_mod.Item(
                    key=page.file.src_uri, lang=lang,
                    section=str(PurePosixPath(page.file.src_uri).parent),
                    tags=tuple(str(t).strip().lower() for t in tags if str(t).strip()),
                    title=page.title or ""))
        self.related = related_mod.related(items, related_limit)

    def lang_of(self, page: Page) -> str:
        return language_of(page.file.src_uri, self.languages, self.languages[0])

    def info(self, page: Page) -> PageInfo:
        lang = self.lang_of(page)
        ui_lang = lang if lang in self.ui_languages else self.languages[0]
        info = PageInfo(lang=lang, ui_lang=ui_lang, t=strings_for(lang),
                        search_api=self.search_api, helpdesk_url=self.helpdesk_url)
        if not page.is_index:
            info.article = page.file.src_uri
            hidden = page.meta.get("hide") if page.meta else None
            info.feedback = not (isinstance(hidden, list) and "feedback" in hidden)
        contact = self.contact_pages.get(lang) or self.contact_pages.get(self.languages[0])
        info.contact_url = contact.url if contact is not None else None
        info.updated = self._updated(page, lang)
        info.related = [_entry(self.by_path[k]) for k in self.related.get(page.file.src_uri, [])]
        info.alternates = self._alternates(page, lang)
        if self.section_lists and page.is_index and page.parent is not None:
            info.section_articles = self._section_list(page)
            info.lists_sections = all(c.is_section for c in page.parent.children
                                      if c is not page)
        return info

    def _updated(self, page: Page, lang: str) -> str | None:
        changed = self.git_dates.get(Path(page.file.abs_src_path or ""))
        when = changed.date() if changed else reviewed_date(page.meta or {})
        return format_date(when, lang) if when else None

    def translations(self, page: Page) -> dict[str, Page]:
        """The page in each language it is written in, itself included (or nothing)."""
        if len(self.languages) < 2:
            return {}
        lang = self.lang_of(page)
        key = page.meta.get("translation_key") if page.meta else None
        found = self.translated.get(key, {}) if isinstance(key, str) else {}
        if page.is_index:  # a section page's twin is the same section in the other language
            rest = page.file.src_uri.split("/", 1)[-1] if lang != self.languages[0] or \
                page.file.src_uri.startswith(f"{lang}/") else page.file.src_uri
            found = {other: self.by_path[f"{other}/{rest}"] for other in self.languages
                     if f"{other}/{rest}" in self.by_path}
        return found

    def hreflang(self, page: Page) -> list[tuple[str, str]]:
        """(language, address) of each version of a translated page, for the sitemap:
        search engines learn translations there, not from the head (see alternate.py)."""
        found = self.translations(page)
        if len(found) < 2 or page not in found.values():  # the root page: no language's
            return []
        return [(lang, found[lang].canonical_url or found[lang].abs_url or "")
                for lang in self.languages if lang in found]

    def _alternates(self, page: Page, lang: str) -> list[Alternate]:
        if len(self.languages) < 2:
            return []
        found = self.translations(page)
        out = []
        for other in self.languages:
            target = found.get(other)
            translated = target is not None
            target = target or self.homes.get(other)
            if target is None:
                continue
            out.append(Alternate(other, native_name(other), target.url, other == lang, translated))
        return out

    def _section_list(self, page: Page) -> list[Entry]:
        entries = []
        for child in page.parent.children:
            if child is page:
                continue
            if child.is_page:
                entries.append(_entry(child))
            elif child.is_section:
                index = next((c for c in child.children if c.is_page and c.is_index), None)
                if index is not None:
                    entries.append(Entry(child.title, index.url, _summary(index)))
        return entries
