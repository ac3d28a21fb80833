"""`kb/gaps`: MkDocs event glue; the work happens in kb.gaps and the modules beside this."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger

from kb.errors import KBError
from kb.gaps.report import shown
from kb.gitdates import head
from plugins._options import with_hints
from plugins.gaps import findings, places
from plugins.gaps.config import GapsConfig

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from kb.gaps.model import GapsReport

log = get_plugin_logger(__name__)


def _stat(path: str | None) -> tuple | None:
    if path is None:
        return None
    info = os.stat(path)
    return (path, info.st_mtime_ns, info.st_size)


class GapsPlugin(BasePlugin[GapsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.report: GapsReport | None = None
        self.reports_dir: Path | None = None
        self._key: tuple | None = None
        self._written: tuple | None = None  # (analysis key, folder) last written
        self._banners: dict = {}

    def load_config(self, options, config_file_path=None):
        errors, warnings = super().load_config(options, config_file_path)
        known = [name for name, _ in self.config_class._schema]
        return errors, with_hints(warnings, options, known)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command  # "serve" only for the live preview

    def on_config(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        root = Path(config.config_file_path or ".").parent
        try:
            self.reports_dir = places.reports_folder(
                root, self.config.reports_dir,
                {"docs_dir": Path(config.docs_dir), "site_dir": Path(config.site_dir)})
            if self.config.tickets:
                places.check_export(self.config.tickets, Path(config.docs_dir))
        except KBError as exc:
            raise PluginError(str(exc)) from None

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        for path in (self.config.tickets, self.config.mapping):
            if self.config.enabled and path:
                server.watch(path)  # a new export rebuilds the preview
        git = head(Path(config.docs_dir))
        if self.config.enabled and self.config.tickets and git and git[1].is_file():
            server.watch(str(git[1]), recursive=False)  # a commit changes "update" verdicts
        return server

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Every page is read: link the tickets once per build, warn on big missing topics."""
        if not self.config.enabled or not self.config.tickets:
            self.report, self._banners = None, {}
            return env
        self.report = self._analyse(config)
        for topic in findings.too_big(self.report, self.config.fail_on_missing):
            log.warning("%d tickets about '%s' and no article answers them (fail_on_missing: "
                        "%d); write one, see %s", topic.tickets, shown(topic.label),
                        self.config.fail_on_missing, self._hint(config))
        self._banners = (findings.update_topics(self.report)
                         if self.config.banner and self.command == "serve" else {})
        return env

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        topics = self._banners.get(page.file.src_uri) if self.command == "serve" else None
        if topics and page.content is not None:
            page.content = findings.banner_html(topics, self._hint(config)) + page.content
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # kb serve keeps this plugin across rebuilds: write only what changed
        if self.report is None or self.reports_dir is None or \
                self._written == (self._key, self.reports_dir):
            return
        from kb.gaps.report import write_all

        started = time.perf_counter()
        try:
            write_all(self.report, self.reports_dir)
        except KBError as exc:
            raise PluginError(f"kb/gaps: {exc}") from None
        self._written = (self._key, self.reports_dir)
        log.info("gaps reports written to %s in %.1f s", self._hint(config),
                 time.perf_counter() - started)

    def _hint(self, config: MkDocsConfig) -> str:
        folder = self.reports_dir or Path(self.config.reports_dir)
        try:
            return str(folder.relative_to(Path(config.config_file_path).parent) / "gaps.html")
        except ValueError:
            return str(folder / "gaps.html")

    def _analyse(self, config: MkDocsConfig) -> GapsReport:
        from deflection.store import events_version
        from kb.gaps.run import events_url, gaps_for_site
        from plugins.gaps import index

        started = time.perf_counter()
        try:
            site = index.site_of(config)
            indexed, rebuilt = index.refresh(site)
            refreshed = time.perf_counter()
            events = events_url(site)  # votes and failed searches change the verdicts
            # verdicts compare tickets with the articles' last commits: a commit is news
            key = (indexed, _stat(self.config.tickets), _stat(self.config.mapping),
                   self.config.format, self.config.on_error,
                   events_version(events) if events else None, head(site.docs_dir))
            if key == self._key and self.report is not None:
                return self.report
            report = gaps_for_site(site, self.config.tickets, fmt=self.config.format,
                                   mapping=self.config.mapping, on_error=self.config.on_error)
        except (KBError, OSError) as exc:
            raise PluginError(f"kb/gaps: {exc}") from None
        self._key = key
        log.info("gaps: %d tickets, %d topics (%d missing, %d update) in %.1f s, index %s "
                 "in %.1f s", len(report.tickets), len(report.topics),
                 sum(t.verdict == "missing" for t in report.topics),
                 sum(t.verdict == "update" for t in report.topics),
                 time.perf_counter() - refreshed, "refreshed" if rebuilt else "current",
                 refreshed - started)
        return report
