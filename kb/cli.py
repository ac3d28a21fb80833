"""The `kb` command: parses options, calls the library, prints the result."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

import click

from kb import __version__
from kb.cli_common import config_option, translate_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def cli() -> None:
    """kb: a docs-as-code help center that measures itself.

    \b
    Writers:  kb new "Reset your password" --section account
              kb check
              kb serve            (live preview on http://127.0.0.1:8000)
    Builds:   kb build --strict   (static site in site/)
    """


@cli.command()
@click.argument("title")
@click.option("--lang", help="Language of the article (default: the site's first language).")
@click.option("--section", required=True, help="Section folder, e.g. billing.")
@click.option("--slug", help="File name without .md (default: made from the title).")
@click.option("--owner", help="Who keeps the article true (default: your git user).")
@click.option("--translation-of", "translation_of", metavar="PATH",
              help="The article this one translates; shares its translation_key and name.")
@config_option
@translate_errors
def new(title, lang, section, slug, owner, translation_of, config_file) -> None:
    """Write a new article with complete front matter and add it to the navigation.

    \b
    Examples:
      kb new "Export time entries to Excel" --section data-export
      kb new "Экспорт данных" --lang ru --section data-export \\
             --translation-of en/data-export/export-your-data.md
    """
    from kb.new import new_article
    from kb.settings import load_site

    site = load_site(config_file)
    created = new_article(site, title, lang=lang, section=section, slug=slug, owner=owner,
                          translation_of=translation_of)
    click.echo(f"Wrote {site.docs_dir.name}/{created.path}")
    if created.nav_updated:
        click.echo(f"Added it to the navigation in {site.config_file.name}")
    click.echo("Next: write the summary, tags and the text, then run `kb check`.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--strict", is_flag=True, help="Fail on warnings too, not only on errors.")
@click.option("--all", "show_all", is_flag=True, help="List notes too (missing translations, "
              "reviews due soon, keys kb ignores).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge review dates as of this day (default: today).")
@config_option
@translate_errors
def check(as_json, strict, show_all, as_of, config_file) -> None:
    """Find what is wrong in the help center: each problem with file:line and a fix.

    Exit status 1 when there are errors (or warnings, with --strict).

    \b
    Examples:
      kb check
      kb check --strict --json > problems.json
      kb check --as-of 2027-01-01     (what will be overdue by then)
    """
    from kb.check import check as run_check
    from kb.problems import Severity
    from kb.reporting import plural
    from kb.settings import load_site

    site = load_site(config_file)
    report = run_check(site, today=as_of.date() if as_of else dt.date.today())
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        docs = os.path.relpath(site.docs_dir)  # as the shell and an editor take it
        for p in report.problems:
            if p.severity is Severity.NOTE and not show_all:
                continue
            where = p.file if p.file == site.config_file.name else f"{docs}/{p.file}"
            color = {"error": "red", "warning": "yellow", "note": "blue"}[p.severity.value]
            click.echo(f"{where}:{p.line}: " + click.style(p.severity.value, fg=color)
                       + f": {p.message}\n    fix: {p.fix}")
        notes = report.count(Severity.NOTE)
        summary = (f"{plural(report.articles, 'article')}: "
                   f"{plural(report.count(Severity.ERROR), 'error')}, "
                   f"{plural(report.count(Severity.WARNING), 'warning')}, "
                   f"{plural(notes, 'note')}")
        if notes and not show_all:
            summary += " (kb check --all lists the notes)"
        click.echo(summary, err=True)
    if report.failed(strict):
        sys.exit(1)


@cli.command()
@click.option("--strict", is_flag=True, help="Stop on any warning (broken link, bad front matter).")
@click.option("--site-dir", type=click.Path(file_okay=False), help="Where to write the site "
              "(default: site_dir of the config).")
@click.option("--verbose", "-v", is_flag=True, help="Show MkDocs' debug messages.")
@config_option
@translate_errors
def build(strict, site_dir, verbose, config_file) -> None:
    """Build the static help site with MkDocs, in-process, and its search index.

    \b
    Examples:
      kb build --strict
      kb build --site-dir /srv/help
    """
    from kb.build import build_site_and_index, mkdocs_logging

    with mkdocs_logging(verbose):
        site, report = build_site_and_index(config_file, strict=strict, site_dir=site_dir)
    click.echo(f"Site written to {site.config.site_dir}")
    click.echo(f"Search index {report.build_id}: {report.added + report.updated} articles "
               f"analysed, {report.unchanged} unchanged")


@cli.command()
@click.option("--dev-addr", "-a", metavar="IP:PORT", help="Address to serve on "
              "(default: 127.0.0.1:8000).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@config_option
@translate_errors
def serve(dev_addr, open_browser, config_file) -> None:
    """Preview the help site; pages reload in the browser on every saved change.

    \b
    Example:
      kb serve --dev-addr 127.0.0.1:8000
    """
    from kb.build import mkdocs_logging, serve_site

    with mkdocs_logging():
        serve_site(config_file, dev_addr=dev_addr, open_browser=open_browser)


def _register() -> None:
    from kb.cli_gaps import COMMANDS as gaps_commands
    from kb.cli_reports import COMMANDS as report_commands
    from kb.cli_search import eval_search, index, search, serve_api

    for command in (index, search, eval_search, serve_api, *report_commands, *gaps_commands):
        cli.add_command(command)


_register()
