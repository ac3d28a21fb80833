"""`kb/site`: MkDocs event glue; the work happens in the modules beside it."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from kb import frontmatter
from kb.gitdates import last_commit_dates
from kb.markdown_setup import apply_defaults
from kb.problems import Severity
from plugins.site.config import SiteConfig
from plugins.site.nav import NavPruner
from plugins.site.pages import PageIndex
from plugins.site.strings import strings_for

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = get_plugin_logger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
ASSETS = Path(__file__).parent / "assets"
SEARCH_JS = "assets/javascripts/kb-search.js"


def search_page(title: str) -> str:
    """The shareable results page, /search/?q=…; kb-search.js fills it in."""
    return (f"---\ntitle: {title}\nsearch:\n  exclude: true\nhide: [navigation, toc]\n---\n\n"
            '<div id="kb-search-page" aria-live="polite"></div>\n')


class SitePlugin(BasePlugin[SiteConfig]):
    supports_multiple_instances = False

    def load_config(self, options, config_file_path=None):
        errors, warnings = super().load_config(options, config_file_path)
        known = list(self.config_scheme_keys())
        improved = []
        for key, message in warnings:
            close = difflib.get_close_matches(key, known, n=1)
            hint = (f" Did you mean '{close[0]}'?" if close
                    else f" Known options: {', '.join(known)}.")
            improved.append((key, f"{message} (value {options.get(key)!r}).{hint}"))
        return errors, improved

    def config_scheme_keys(self):
        return [name for name, _ in self.config_class._schema]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        apply_defaults(config)
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        if SEARCH_JS not in config.extra_javascript:
            config.extra_javascript.append(SEARCH_JS)
        self.languages = list(self.config.languages) or [config.theme.get("language") or "en"]
        self.ui_languages = {
            lang for lang in self.languages
            if any((Path(d) / "partials" / "languages" / f"{lang}.html").is_file()
                   for d in config.theme.dirs)
        }
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        docs = Path(config.docs_dir)
        self.git_dates = last_commit_dates(docs) if self.config.last_updated else {}
        synonyms = self.config.synonyms_dir.strip("/") + "/"
        for file in [f for f in files if f.src_uri.startswith(synonyms)]:
            files.remove(file)  # search configuration, not content: never published
        files.append(File.generated(config, SEARCH_JS, abs_src_path=str(ASSETS / "kb-search.js")))
        files.append(File.generated(config, "search/index.md", content=search_page(
            strings_for(self.languages[0])["search_title"]), inclusion=InclusionLevel.NOT_IN_NAV))
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        if self.config.enabled:
            self.nav = nav
            self.pruner = NavPruner(nav, self.config.nav_window, self.languages)

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Every page's front matter is read by now: compute the cross-page facts once."""
        if not self.config.enabled:
            return env
        for file in files.documentation_pages():
            if file.page is not None:
                self._check_template(env, file.page)
        self.index = PageIndex(self.nav, self.languages, self.ui_languages, self.config.related,
                               self.git_dates, self.config.section_lists,
                               self.config.search_api)
        return env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> None:
        if not self.config.enabled:
            return
        source = frontmatter.parse(page.file.content_string)
        for problem in frontmatter.validate(page.file.src_uri, source, is_index=page.is_index):
            if problem.severity is Severity.ERROR and problem.code != "front-matter-missing":
                log.warning("%s:%d: %s; %s", problem.file, problem.line, problem.message,
                            problem.fix)

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        if not self.config.enabled:
            return context
        info = self.index.info(page)
        if self.config.last_updated and info.updated:
            page.meta["revision_date"] = info.updated
        context["kb"] = info
        context["nav"] = self.pruner.for_page(page, strings_for(info.lang)["all_articles"])
        return context

    @staticmethod
    def _check_template(env, page: Page) -> None:
        """A page asking for a template the theme lacks gets main.html and a warning."""
        from jinja2 import TemplateNotFound

        name = page.meta.get("template") if page.meta else None
        if not name:
            return
        try:
            env.get_template(name)
        except TemplateNotFound:
            log.warning("%s: front matter asks for template '%s', which the theme does not "
                        "have; using main.html (add the template to the theme's custom_dir, or "
                        "remove 'template:')", page.file.src_uri, name)
            page.meta["template"] = "main.html"
