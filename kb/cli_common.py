"""Pieces every kb command shares: the --config option and error translation."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from kb.errors import KBError

CONFIG_HELP = "The site config (default: site_config.yml in this folder)."


def translate_errors(func):
    """Core errors become click's `Error: …` with exit status 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KBError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def config_option(func):
    return click.option("--config", "-f", "config_file", type=click.Path(dir_okay=False),
                        default=None, help=CONFIG_HELP)(func)


def progress_bar(label: str):
    """A progress callback (done, total[, label]) drawing a bar on stderr, and its closer;
    a new label (a later stage of the work) starts a bar of its own."""
    state: dict = {"label": label}

    def update(done: int, total: int, stage: str | None = None) -> None:
        if stage and stage != state["label"]:
            close()
            state.clear()
            state["label"] = stage
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=state["label"],
                                             file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done

    def close() -> None:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)

    return update, close


def index_with_progress(site):
    """Build the search index with a progress bar on stderr; returns the build report."""
    from deflection.site_index import index_site

    update, close = progress_bar("Indexing")
    try:
        return index_site(site, progress=update)
    finally:
        close()


def fresh_index(site) -> None:
    """Bring the search index up to date before a report reads it, so the report measures
    the articles as they are (only changed ones are re-read; nothing is written when none
    changed). While another kb writes it, or where it cannot be written, the report reads
    the current build."""
    from deflection.index import IndexBusyError

    try:
        index_with_progress(site)
    except IndexBusyError:
        click.echo("warning: another kb build or kb index is writing the search index; "
                   "this report reads it as it was", err=True)
    except OSError as exc:
        click.echo(f"warning: the search index cannot be brought up to date "
                   f"({exc.strerror}: {exc.filename}); this report reads it as it is", err=True)


def resolve_gold(site, labels, items, lang_of) -> None:
    """Each labeled item's `gold` resolved to article paths (kb.evaluate.ArticleNames),
    among the articles in its language (`lang_of(item)`); a gold that names no article,
    or several, is said on stderr with its line."""
    names, unknown = article_names(site), []
    for item in items:
        item.gold = type(item.gold)(names.resolve_all(
            item.gold, f"{labels}:{item.line}", unknown, lang_of(item)))
    for message in unknown:
        click.echo(f"warning: {message}", err=True)


def article_names(site):
    """Every article's path, address and language, to resolve how a labels file names its
    gold; a name may start with the folders above docs_dir (`docs/`, `datalens-docs/ru/`)
    or the path of the site's address."""
    from urllib.parse import urlsplit

    from kb.articles import load_articles
    from kb.evaluate import ArticleNames

    docs = site.docs_dir.resolve().parts[1:]
    prefixes = ["/".join(docs[-n:]) for n in range(1, min(len(docs), 4) + 1)]
    prefixes.append(urlsplit(site.config.site_url or "").path)
    return ArticleNames(((a.path, a.url, a.lang) for a in load_articles(site)), prefixes)


def outside_the_site(site, outputs: dict[str, str | None]) -> None:
    """Reports quote customers (tickets, comments, searches): none is written where the
    site is built from or to, since the next build would publish it."""
    from plugins.gaps.places import unpublished

    published = {"docs_dir": site.docs_dir, "site_dir": Path(site.config.site_dir)}
    for option, path in outputs.items():
        if path:
            unpublished(Path(path), option, published, "reports/")
