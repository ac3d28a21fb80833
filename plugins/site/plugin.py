"""`kb/site`: MkDocs event glue; the work happens in the modules beside it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from kb import frontmatter
from kb.errors import KBError
from kb.fonts import system_fonts_unless_chosen
from kb.gitdates import last_commit_dates
from kb.languages import site_languages
from kb.markdown_setup import apply_defaults
from kb.problems import Severity
from kb.variables import PRESETS, Variables, substitute
from plugins._options import with_hints
from plugins.site.alternate import without_language_links
from plugins.site.browser_search import split_thai_words
from plugins.site.config import SiteConfig
from plugins.site.generated import contact_page, contact_uris, search_page
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
# loaded by templates/partials/integrations/analytics/custom.html, i.e. only with
# `extra.analytics.provider: custom` (and, with `extra.consent`, once the reader agrees)
EVENTS_JS = "assets/javascripts/kb-events.js"
STYLES = "assets/stylesheets/kb.css"


class SitePlugin(BasePlugin[SiteConfig]):
    supports_multiple_instances = False

    def load_config(self, options, config_file_path=None):
        errors, warnings = super().load_config(options, config_file_path)
        return errors, with_hints(warnings, options, list(self.config_scheme_keys()))

    def config_scheme_keys(self):
        return [name for name, _ in self.config_class._schema]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        if config.theme.name != "material":  # its templates extend Material's
            raise PluginError(
                f"kb/site needs the theme Material for MkDocs, not '{config.theme.name}': "
                "set `theme: {name: material}` in the site config")
        apply_defaults(config)
        system_fonts_unless_chosen(config.theme)
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        if SEARCH_JS not in config.extra_javascript:
            config.extra_javascript.append(SEARCH_JS)
        if STYLES not in config.extra_css:
            config.extra_css.append(STYLES)
        self.languages = site_languages(list(self.config.languages), config)
        self.variables = Variables(config.docs_dir)
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
        for file in [f for f in files if f.src_uri.startswith(synonyms)
                     or f.src_uri.rpartition("/")[2] == PRESETS]:
            files.remove(file)  # search and template configuration, not content: never published
        try:  # a broken presets.yaml stops the build here, once, with its name and line
            for file in files.documentation_pages():
                self.variables.for_page(file.src_uri)
        except KBError as exc:
            raise PluginError(f"kb/site: {exc}") from None
        files.append(File.generated(config, SEARCH_JS, abs_src_path=str(ASSETS / "kb-search.js")))
        files.append(File.generated(config, EVENTS_JS, abs_src_path=str(ASSETS / "kb-events.js")))
        files.append(File.generated(config, STYLES, abs_src_path=str(ASSETS / "kb.css")))
        files.append(File.generated(config, "search/index.md", content=search_page(
            strings_for(self.languages[0])["search_title"]), inclusion=InclusionLevel.NOT_IN_NAV))
        self.contact_uris = self._add_contact_pages(files, config)
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
        contact = {lang: files.get_file_from_path(uri) for lang, uri in self.contact_uris.items()}
        self.index = PageIndex(self.nav, self.languages, self.ui_languages, self.config.related,
                               self.git_dates, self.config.section_lists,
                               self.config.search_api,
                               contact_pages={lang: f.page for lang, f in contact.items()
                                              if f is not None and f.page is not None},
                               helpdesk_url=self.config.helpdesk_url)
        return env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        if not self.config.enabled:
            return None
        source = frontmatter.parse(page.file.content_string)
        for problem in frontmatter.validate(page.file.src_uri, source, is_index=page.is_index):
            if problem.severity is Severity.ERROR and problem.code != "front-matter-missing":
                log.warning("%s:%d: %s; %s", problem.file, problem.line, problem.message,
                            problem.fix)
        # Diplodoc's presets.yaml variables, as Diplodoc renders them (mkdocs-macros, when
        # configured, renders the config's `extra` itself)
        variables = self.variables.for_page(page.file.src_uri)
        for key, value in page.meta.items():  # title, description
            if isinstance(value, str):
                page.meta[key] = substitute(value, variables)
        return substitute(markdown, variables)

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        if not self.config.enabled:
            return context
        info = self.index.info(page)
        if self.config.last_updated and info.updated:
            page.meta["revision_date"] = info.updated
        context["kb"] = info
        context["nav"] = self.pruner.for_page(page, strings_for(info.lang)["all_articles"])
        return context

    def on_template_context(self, context, *, template_name: str, config: MkDocsConfig):
        if self.config.enabled and template_name == "sitemap.xml":
            context["kb_hreflang"] = self.index.hreflang  # templates/sitemap.xml
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        return without_language_links(output) if self.config.enabled else None

    def on_post_template(self, output_content: str, *, template_name: str,
                         config: MkDocsConfig) -> str | None:
        if self.config.enabled and template_name.endswith(".html"):  # 404.html
            return without_language_links(output_content)
        return None

    @event_priority(-50)  # after Material's search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and "th" in self.languages:
            split_thai_words(Path(config.site_dir) / "search" / "search_index.json")

    def _add_contact_pages(self, files: Files, config: MkDocsConfig) -> dict[str, str]:
        """Each language's contact page, unless docs_dir already publishes one there."""
        folders = {f.src_uri.split("/", 1)[0] for f in files.documentation_pages()
                   if "/" in f.src_uri}
        taken = {f.url: f.src_uri for f in files.documentation_pages()}
        uris = {}
        for lang, uri in contact_uris(self.languages, folders).items():
            file = File.generated(config, uri, content=contact_page(
                strings_for(lang)["contact"]["title"]), inclusion=InclusionLevel.NOT_IN_NAV)
            if file.url in taken:  # the writers' own contact page wins; link to it
                uris[lang] = taken[file.url]
                continue
            files.append(file)
            uris[lang] = uri
        return uris

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
