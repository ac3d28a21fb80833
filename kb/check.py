"""`kb check`: everything wrong with a help center, each with file, line and fix."""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kb import frontmatter, markdown_scan
from kb.articles import Article, load_articles
from kb.fonts import chosen_font
from kb.languages import native_name
from kb.markdown_setup import Renderer, apply_defaults
from kb.problems import Problem, Severity
from kb.settings import PLUGIN_NAME
from kb.variables import PRESETS, PresetsError, Variables, read_presets, substitute

if TYPE_CHECKING:
    from kb.settings import Site

DUE_SOON_DAYS = 30


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    articles: int = 0

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity is severity)

    def failed(self, strict: bool) -> bool:
        return self.count(Severity.ERROR) > 0 or (strict and self.count(Severity.WARNING) > 0)

    def as_dict(self) -> dict:
        return {
            "articles": self.articles,
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "notes": self.count(Severity.NOTE),
            "problems": [p.as_dict() for p in self.problems],
        }


def check(site: Site, today: dt.date | None = None) -> Report:
    from mkdocs.structure.files import get_files

    if PLUGIN_NAME in site.config.plugins:
        apply_defaults(site.config)
    articles = load_articles(site)
    files = [f for f in get_files(site.config) if f.inclusion.is_included()]
    problems: list[Problem] = []
    readable = []
    for article in articles:
        if article.read_error:
            problems.append(Problem(article.path, 1, Severity.ERROR, "encoding",
                                    article.read_error, "re-save the file as UTF-8"))
            continue
        readable.append(article)
        problems += frontmatter.validate(article.path, article.fm, is_index=article.is_index)
    # presets files configure the build and are never published: no link reaches them
    published = [f for f in files if f.src_uri.rpartition("/")[2] != PRESETS]
    problems += LinkChecker(site, readable, published).run()
    problems += _duplicates(readable, published)
    problems += _navigation(site, articles)
    problems += _reviews(readable, today or dt.date.today())
    problems += _translations(site, readable)
    problems += _browser_search(site)
    problems += _theme(site)
    problems += _google_fonts(site)
    problems += _languages_found(site)
    problems += _presets(files)
    problems += _synonyms(site)
    problems += _config_warnings(site)
    problems.sort(key=Problem.sort_key)
    return Report(problems=problems, articles=len(articles))


class LinkChecker:
    """Broken links, anchors and images, plus syntax MkDocs won't render."""

    def __init__(self, site: Site, articles: list[Article], files: list) -> None:
        self.articles = {a.path: a for a in articles}
        self.published = {f.src_uri for f in files}
        # Addresses on the built site, for links written as URLs instead of files.
        self.page_urls = {f.src_uri: f.url for f in files if f.is_documentation_page()}
        self.addresses = {f.url.strip("/") for f in files} | {f.dest_uri for f in files}
        self.renderer = Renderer(site.config)
        # kb/site renders Diplodoc's presets.yaml variables: those are not literal text
        self.variables = Variables(site.config.docs_dir) if PLUGIN_NAME in site.config.plugins \
            else None
        self._ids: dict[str, set[str] | None] = {}
        self._by_name: dict[str, list[str]] | None = None
        self._by_folder: dict[str, list[str]] = {}
        self.render_problems: list[Problem] = []

    def run(self) -> list[Problem]:
        problems: list[Problem] = []
        for article in self.articles.values():
            refs, leftovers = markdown_scan.scan(self._rendered(article), article.fm.body_line)
            for ref in refs:
                problem = self._check(article, ref)
                if problem:
                    problems.append(problem)
            for left in leftovers:
                problems.append(Problem(
                    article.path, left.line, Severity.WARNING, "foreign-syntax",
                    f"{left.what} ('{left.text}') will show as literal text", left.fix))
        return problems + self.render_problems

    def _rendered(self, article: Article) -> str:
        """The body with the variables kb/site renders in place, each on its line."""
        if self.variables is None:
            return article.fm.body
        try:
            variables = self.variables.for_page(article.path)
        except PresetsError:
            return article.fm.body  # `presets` reports the file
        return substitute(article.fm.body, {k: " ".join(v.split("\n")) for k, v in
                                            variables.items()})

    def ids(self, path: str) -> set[str] | None:
        if path not in self._ids:
            article = self.articles[path]
            try:
                html = self.renderer.render(self._rendered(article))
            except Exception as exc:  # a third-party extension failed on this page: report it
                self.render_problems.append(Problem(
                    path, article.fm.body_line, Severity.WARNING, "render-failed",
                    f"Markdown could not render this page ({type(exc).__name__}: {exc})",
                    "fix the syntax the message points at; its anchors were not checked"))
                self._ids[path] = None
            else:
                self._ids[path] = markdown_scan.html_ids(html)
        return self._ids[path]

    def _check(self, article: Article, ref: markdown_scan.Reference) -> Problem | None:
        target = markdown_scan.local_target(ref.target)
        if target is None:
            return None

        def problem(code: str, message: str, fix: str, severity=Severity.ERROR) -> Problem:
            return Problem(article.path, ref.line, severity, code, message, fix)

        if not target.path:
            return self._check_anchor(article.path, article.path, target.anchor, problem)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(article.path),
                                                     target.path))
        if resolved.startswith("../") or resolved == "..":
            return problem("link-outside-docs",
                           f"'{ref.target}' points outside the docs folder",
                           "link to a page or file inside the docs folder, or use a full URL",
                           Severity.WARNING)
        if resolved in self.published:
            if resolved in self.articles and target.anchor:
                return self._check_anchor(article.path, resolved, target.anchor, problem)
            return None
        folder_index = posixpath.join(resolved, "index.md")
        if folder_index in self.published:
            return problem("folder-link",
                           f"'{ref.target}' links to a folder, which breaks once MkDocs "
                           "turns pages into folders",
                           f"link to '{self._relative(article, folder_index)}' instead",
                           Severity.WARNING)
        by_url = self._by_address(article, target.path)
        if by_url:
            return problem("address-link",
                           f"'{ref.target}' links to a page by its web address, which MkDocs "
                           "can neither check nor adjust when URLs change",
                           f"link to the Markdown file instead: '{by_url}'", Severity.NOTE)
        if ref.is_image:
            return problem("missing-image", f"image '{ref.target}' does not exist",
                           f"add the file as '{resolved}' in docs_dir, or correct the path"
                           + self._suggest(article, resolved))
        return problem("broken-link", f"link target '{ref.target}' does not exist",
                       "correct the path (relative to this file)"
                       + self._suggest(article, resolved))

    @staticmethod
    def _relative(article: Article, path: str) -> str:
        return posixpath.relpath(path, posixpath.dirname(article.path) or ".")

    def _by_address(self, article: Article, target: str) -> str | None:
        """The file a URL-style link reaches on the built site, relative to the article."""
        base = self.page_urls.get(article.path, "")
        address = posixpath.normpath(posixpath.join(base, target)).strip("/")
        if address in ("", ".") or address not in self.addresses:
            return None
        for src, url in self.page_urls.items():
            if url.strip("/") == address:
                return self._relative(article, src)
        return None

    def _check_anchor(self, source: str, path: str, anchor: str, problem) -> Problem | None:
        if not anchor:
            return None
        ids = self.ids(path)
        if ids is None or anchor in ids:
            return None
        close = difflib.get_close_matches(anchor, sorted(ids), n=1)
        if close:
            hint = f"did you mean '#{close[0]}'? "
        elif ids:
            hint = "anchors there: " + ", ".join(f"#{i}" for i in sorted(ids)[:6]) + "; "
        else:
            hint = ""
        where = "this page" if path == source else path
        return problem("broken-anchor", f"anchor '#{anchor}' does not exist in {where}",
                       f"{hint}link to an existing heading, or give the heading an id "
                       f"with '{{#{anchor}}}'")

    def _suggest(self, article: Article, resolved: str) -> str:
        """A likely intended file, as the link would write it: the same name elsewhere, or
        a near name in the same folder."""
        if self._by_name is None:
            self._by_name = defaultdict(list)
            self._by_folder = defaultdict(list)
            for path in sorted(self.published):
                self._by_name[posixpath.basename(path)].append(path)
                self._by_folder[posixpath.dirname(path)].append(path)
        same_name = self._by_name.get(posixpath.basename(resolved))
        if same_name:
            return f"; did you mean '{self._relative(article, same_name[0])}'?"
        close = difflib.get_close_matches(
            resolved, self._by_folder.get(posixpath.dirname(resolved), []), n=1, cutoff=0.7)
        return f"; did you mean '{self._relative(article, close[0])}'?" if close else ""


def _duplicates(articles: list[Article], files: Iterable) -> list[Problem]:
    problems = []
    by_dest: dict[str, list[str]] = defaultdict(list)
    for f in files:
        if f.is_documentation_page() and f.inclusion.is_included():
            by_dest[f.dest_uri.lower()].append(f.src_uri)
    for dest, sources in by_dest.items():
        for other in sorted(sources)[1:]:
            problems.append(Problem(
                other, 1, Severity.ERROR, "duplicate-slug",
                f"publishes to the same address '{dest}' as {sorted(sources)[0]}"
                + (" (letters differ only in case)" if len(set(s.lower() for s in sources)) == 1
                   else ""),
                "rename one of the files so each article has its own address"))
    by_title: dict[tuple[str, str], list[Article]] = defaultdict(list)
    for article in articles:
        if not article.is_index:
            by_title[(article.lang, article.title.casefold())].append(article)
    for group in by_title.values():
        for article in group[1:]:
            problems.append(Problem(
                article.path, article.fm.line_of("title"), Severity.WARNING, "duplicate-title",
                f"title '{article.title}' is also the title of {group[0].path}",
                "give each article a title that says how it differs; readers choose by title"))
    return problems


def _nav_paths(nav: object, out: list[str]) -> list[str]:
    if isinstance(nav, str):
        out.append(nav)
    elif isinstance(nav, dict):
        for value in nav.values():
            _nav_paths(value, out)
    elif isinstance(nav, list):
        for item in nav:
            _nav_paths(item, out)
    return out


def _browser_search(site: Site) -> list[Problem]:
    """kb's search box falls back to Material's built-in search when the API cannot be
    reached (static hosting, an outage); listing `plugins:` leaves MkDocs' default `search`
    out unless it is listed too, and the site then has no search at all."""
    plugins = site.config.plugins
    if PLUGIN_NAME not in plugins or "search" in plugins or "material/search" in plugins:
        return []
    return [Problem(
        site.config_file.name, _config_line(site, "plugins:", 0), Severity.WARNING,
        "no-browser-search",
        "plugins lists kb/site but not search, so the site's search box answers nothing "
        "when the kb API cannot be reached (static hosting, an outage)",
        "add `- search` under plugins (with `lang: [..]` for your languages), before kb/site")]


def _theme(site: Site) -> list[Problem]:
    """kb/site's templates extend Material's: under another theme the build stops."""
    theme = site.config.theme.name
    if PLUGIN_NAME not in site.config.plugins or theme == "material":
        return []
    return [Problem(
        site.config_file.name, _config_line(site, "theme:", 0), Severity.ERROR, "theme",
        f"plugins lists kb/site, whose pages are built on Material for MkDocs, but the theme "
        f"is '{theme}', so the build stops", "set `theme: {name: material}`")]


def _google_fonts(site: Site) -> list[Problem]:
    """kb/site turns Material's default font off (it comes from Google Fonts); a font the
    config chose stays, and each page sends its reader's address to Google for it."""
    font = chosen_font(site.config.theme)
    plugins = site.config.plugins
    if PLUGIN_NAME not in plugins or font is None or "privacy" in plugins \
            or "material/privacy" in plugins:
        return []
    names = ", ".join(map(str, font.values())) if isinstance(font, dict) else str(font)
    return [Problem(
        site.config_file.name, _config_line(site, "theme:", 1), Severity.WARNING,
        "google-fonts",
        f"theme.font ({names}) is loaded from Google Fonts: every page sends its reader's "
        "address to Google",
        "remove `font:` (or write `font: false`) under theme for the system's fonts, or add "
        "Material's `- privacy` under plugins to serve the font from the site")]


def _languages_found(site: Site) -> list[Problem]:
    """A config naming no language gets the one its articles are written in (or their
    language folders): say which, so the writer can make it explicit."""
    if site.options.languages or site.languages == [site.config.theme.get("language") or "en"]:
        return []
    found = ", ".join(site.languages)
    return [Problem(
        site.config_file.name, _config_line(site, "docs_dir:", 1), Severity.NOTE,
        "languages-found",
        f"no languages are configured; kb reads the articles as {found}, found in them",
        f"add `languages: [{found}]` under kb/site to make it explicit, or the right "
        "languages if this is not them")]


def _presets(files: Iterable) -> list[Problem]:
    """Diplodoc's presets.yaml files: a broken one would stop the build and the index."""
    problems = []
    for f in files:
        if f.src_uri.rpartition("/")[2] != PRESETS:
            continue
        try:
            read_presets(Path(f.abs_src_path))
        except PresetsError as exc:
            problems.append(Problem(f.src_uri, exc.line, Severity.ERROR, "presets",
                                    exc.problem, exc.fix))
    return problems


def _synonyms(site: Site) -> list[Problem]:
    """The writers' synonyms files: a broken one would stop the index and the search."""
    from deflection import synonyms
    from deflection.site_index import synonyms_dir

    folder = synonyms_dir(site)
    problems = [Problem(_relative(error.path, site.docs_dir), error.line, Severity.ERROR,
                        "synonyms", error.problem, error.fix)
                for error in synonyms.check(folder, site.languages)]
    problems += [Problem(_relative(w.path, site.docs_dir), w.line, Severity.WARNING,
                         "synonyms-one-word", w.problem, w.fix)
                 for w in synonyms.one_word_readings(folder, site.languages)]
    read = [f"{lang}.yml" for lang in site.languages]
    for file in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        if file.name in read or file.suffix not in (".yml", ".yaml"):
            continue
        name = f"{file.stem.lower()}.yml"
        problems.append(Problem(
            _relative(file, site.docs_dir), 1, Severity.WARNING, "synonyms-ignored",
            f"search never reads {file.name}: kb reads only {', '.join(read)} here",
            f"rename it to {name}" if name in read else
            f"name it after a language of the help center ({', '.join(read)}), or delete it"))
    return problems


def _config_warnings(site: Site) -> list[Problem]:
    """What MkDocs warns about the config (an unknown option, e.g. a misspelt one): only
    `--strict` builds stop on it, and the option is ignored meanwhile."""
    lines = site.config_file.read_text(encoding="utf-8").split("\n")
    problems = []
    for message in site.warnings:
        named = re.search(r"option '([^']+)'|configuration name: (\S+)", message)
        key = next((k for k in named.groups() if k), "") if named else ""
        line = next((i + 1 for i, text in enumerate(lines)
                     if key and text.strip().startswith(f"{key}:")), 0)
        problems.append(Problem(site.config_file.name, line, Severity.WARNING, "config-option",
                                message, "correct the option's name or remove it"))
    return problems


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def _config_line(site: Site, key: str, default: int) -> int:
    """The line of the config that starts with `key` (`plugins:`), or `default`."""
    lines = site.config_file.read_text(encoding="utf-8").split("\n")
    return next((i + 1 for i, text in enumerate(lines) if text.startswith(key)), default)


def _navigation(site: Site, articles: list[Article]) -> list[Problem]:
    nav = site.config.nav
    if nav is None:  # MkDocs builds the navigation from the folders: nothing can be missing
        return []
    config_name = site.config_file.name
    config_lines = site.config_file.read_text(encoding="utf-8").split("\n")
    paths = {a.path for a in articles}
    listed = set()
    problems = []
    for entry in _nav_paths(nav, []):
        if markdown_scan.local_target(entry) is None:
            continue  # an external link
        entry = entry.removeprefix("./")
        listed.add(entry)
        if entry not in paths:
            line = next((i + 1 for i, text in enumerate(config_lines) if entry in text), 0)
            problems.append(Problem(
                config_name, line, Severity.ERROR, "nav-missing-file",
                f"the navigation lists '{entry}', which does not exist in "
                f"{site.config.docs_dir}", "correct the path or remove the entry"))
    for article in articles:
        if article.path not in listed and not article.not_in_nav:
            problems.append(Problem(
                article.path, 1, Severity.ERROR, "orphan-article",
                "the article is not in the navigation, so readers browsing the help "
                "center never reach it",
                f"add it to nav in {config_name} under its section (`kb new` does this), or "
                "list it under not_in_nav if it is meant to be reached only by link"))
    return problems


def _reviews(articles: list[Article], today: dt.date) -> list[Problem]:
    problems = []
    for article in articles:
        reviewed = frontmatter.reviewed_date(article.meta)
        every = article.meta.get("review_every")
        if reviewed is None or isinstance(every, bool) or not isinstance(every, int) or every < 1:
            continue
        due = reviewed + dt.timedelta(days=every)
        line = article.fm.line_of("reviewed")
        owner = article.meta.get("owner") or "its owner"
        if due < today:
            problems.append(Problem(
                article.path, line, Severity.WARNING, "review-overdue",
                f"review was due on {due} ({(today - due).days} days ago; reviewed {reviewed}, "
                f"every {every} days)",
                f"{owner} should check the article against the product and set "
                f"'reviewed: {today}'"))
        elif (due - today).days <= DUE_SOON_DAYS:
            problems.append(Problem(
                article.path, line, Severity.NOTE, "review-due-soon",
                f"review is due on {due}", f"plan the review with {owner}"))
    return problems


def _translations(site: Site, articles: list[Article]) -> list[Problem]:
    groups: dict[str, dict[str, list[Article]]] = defaultdict(lambda: defaultdict(list))
    for article in articles:
        if article.translation_key and not article.is_index:
            groups[article.translation_key][article.lang].append(article)
    required = set(site.options.required_translations)
    by_path = {a.path: a for a in articles}
    problems = []
    for key, by_lang in sorted(groups.items()):
        for group in by_lang.values():
            for extra in group[1:]:
                problems.append(Problem(
                    extra.path, extra.fm.line_of("translation_key"), Severity.ERROR,
                    "duplicate-translation-key",
                    f"translation_key '{key}' is also used by {group[0].path} in the same "
                    "language", "give each article its own key; translations share one key "
                    "across languages"))
        first = next(iter(by_lang.get(site.default_language, []) or
                          next(iter(by_lang.values()))))
        for lang in site.languages:
            if lang in by_lang:
                continue
            severity = Severity.WARNING if lang in required else Severity.NOTE
            twin_path = f"{lang}/{first.path.split('/', 1)[-1]}"
            twin = by_path.get(twin_path)
            if twin is not None and twin.translation_key:  # the pair is there, keyed apart
                problems.append(Problem(
                    first.path, first.fm.line_of("translation_key"), Severity.WARNING,
                    "translation-key-mismatch",
                    f"{twin_path} has the same name but 'translation_key: "
                    f"{twin.translation_key}', so the two are not linked as translations",
                    f"give both the same translation_key (this one's is '{key}'), or rename "
                    "the one that is not a translation"))
                continue
            problems.append(Problem(
                first.path, first.fm.line_of("translation_key"), severity,
                "missing-translation",
                f"no {native_name(lang)} ({lang}) translation of '{key}'",
                f"write {twin_path} with 'translation_key: {key}' "
                f"(kb new \"…\" --lang {lang} --translation-of {first.path})"))
    return problems
