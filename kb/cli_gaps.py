"""kb's ticket-gap commands: gaps and eval-gaps."""

from __future__ import annotations

import json

import click

from kb.cli_common import (
    config_option,
    fresh_index,
    outside_the_site,
    progress_bar,
    resolve_gold,
    translate_errors,
)
from kb.gaps.importers import FORMATS, ON_ERROR


@click.command()
@click.option(
    "--tickets",
    "tickets_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The helpdesk export: CSV, JSON or NDJSON.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="The export's layout (auto: detected from its content).",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False),
    help="A YAML column mapping for any other layout.",
)
@click.option(
    "--on-error",
    type=click.Choice(ON_ERROR),
    default="skip",
    show_default=True,
    help="A malformed record: report and skip it, or stop.",
)
@click.option(
    "--db",
    help="Events database URL for failed searches and votes (default: the "
    "config's, or events.db next to it when it exists).",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Start of the period the report is about (UTC); tickets before it only "
    "count for the trend. Default: the whole export, its trend from its median date.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    help="Link confidence below which no article answers a ticket (default 0.35).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False),
    help="Write topics.csv and tickets.csv into this folder.",
)
@click.option(
    "--md",
    "md_file",
    type=click.Path(dir_okay=False),
    help="Write the report as Markdown (to paste into an issue tracker).",
)
@click.option(
    "--html",
    "html_dir",
    type=click.Path(file_okay=False),
    help="Write a self-contained HTML report with charts into this folder.",
)
@config_option
@translate_errors
def gaps(
    tickets_path,
    fmt,
    mapping,
    on_error,
    db,
    since,
    threshold,
    as_json,
    csv_dir,
    md_file,
    html_dir,
    config_file,
) -> None:
    """What customers keep writing in about, which articles answer it, what is missing.

    Links every ticket to the article that answers it through the search index (brought
    up to date first), groups them into recurring topics and gives each a verdict:
    missing, update or ok, with the evidence.

    \b
    Examples:
      kb gaps --tickets export.csv
      kb gaps --tickets tickets.json --format zendesk --json > gaps.json
      kb gaps --tickets export.csv --since 2026-10-01 --html reports/ --md gaps.md
    """
    import datetime as dt

    from kb.gaps.run import gaps_for_site
    from kb.settings import load_site

    site = load_site(config_file)
    outside_the_site(site, {"--csv": csv_dir, "--md": md_file, "--html": html_dir})
    fresh_index(site)
    update, close = progress_bar("Analysing tickets")
    try:
        report = gaps_for_site(
            site,
            tickets_path,
            fmt=fmt,
            mapping=mapping,
            on_error=on_error,
            db_url=db,
            progress=update,
            since=since.replace(tzinfo=dt.UTC) if since else None,
            threshold=threshold,
        )
    finally:
        close()
    from kb.gaps import report as reports

    for problem in report.problems:
        click.echo(
            f"skipped {reports.shown(problem.where)}: {reports.shown(problem.message)}", err=True
        )
    for skip in report.skipped:
        click.echo(
            f"not imported {reports.shown(skip.where)}: {reports.shown(skip.message)}", err=True
        )
    if report.duplicates:
        click.echo(
            f"{report.duplicates:,} earlier version{'s' if report.duplicates > 1 else ''} of "
            "repeated tickets replaced by the last one",
            err=True,
        )
    if csv_dir:
        for path in reports.write_csv(report, csv_dir):
            click.echo(f"Wrote {path}", err=as_json)
    if md_file:
        from kb.gaps.report_md import write_markdown

        click.echo(f"Wrote {write_markdown(report, md_file)}", err=as_json)
    if html_dir:
        from kb.gaps.report_html import write_html

        click.echo(f"Wrote {write_html(report, html_dir)}", err=as_json)
    if as_json:
        click.echo(json.dumps(reports.report_dict(report), ensure_ascii=False, indent=2))
        return
    if csv_dir or md_file or html_dir:
        return
    from kb.reporting import plural

    nothing = reports.no_tickets(report)
    if nothing:
        click.echo(nothing)
        return
    linked = sum(1 for t in report.in_period() if t.article)
    click.echo(
        f"{reports.scope(report)}, {linked:,} answered by an article "
        f"(confidence ≥ {report.threshold:.2f}); {plural(len(report.topics), 'recurring topic')}"
    )
    for rank, topic in enumerate(reports.ranked(report), 1):
        click.echo(
            f"{rank:>3}. [{topic.verdict}] {reports.shown(topic.label)}: {reports.volume(topic)}"
            + (f", {topic.article}" if topic.article else "")
        )
        for line in topic.evidence:
            click.echo(f"       {reports.shown(line)}")


@click.command("eval-gaps")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    help="Link confidence below which no article answers (default 0.35).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--failures", is_flag=True, help="List the tickets linked wrongly.")
@config_option
@translate_errors
def eval_gaps(labels, threshold, as_json, failures, config_file) -> None:
    """Measure ticket linking on labeled tickets: accuracy (the right article, or rightly
    none), and precision/recall of "none", per language.

    Each line of LABELS: {"subject": "...", "body": "...", "gold": "en/billing/refunds.md"}
    ("gold": null when no article answers the ticket; "id" and "lang" optional).

    \b
    Example:
      kb eval-gaps tests/data/gaps_eval.jsonl --json
    """
    from pathlib import Path

    from kb.gaps.evaluate import read_labeled, score
    from kb.gaps.run import open_linker
    from kb.settings import load_site

    site = load_site(config_file)
    fresh_index(site)
    linker = open_linker(site, threshold)
    labeled = read_labeled(Path(labels))
    resolve_gold(site, labels, labeled, lambda item: linker.language_for(item.ticket))
    scores, failed = score(labeled, linker.link([item.ticket for item in labeled]))
    if as_json:
        data = {"threshold": linker.threshold, **{lang: s.as_dict() for lang, s in scores.items()}}
        if failures:
            data["failures"] = failed
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return

    def f(v):
        return f"{v:.3f}" if isinstance(v, float) else "-"

    click.echo(f"threshold {linker.threshold:.2f}")
    click.echo(
        f"{'language':<10}{'tickets':>8}{'accuracy':>10}{'top-1':>8}{'none P':>8}{'none R':>8}"
    )
    for lang, s in scores.items():
        d = s.as_dict()
        click.echo(
            f"{lang:<10}{d['tickets']:>8}{f(d['accuracy']):>10}{f(d['top1_accuracy']):>8}"
            f"{f(d['none_precision']):>8}{f(d['none_recall']):>8}"
        )
    if failures:
        for fail in failed:
            click.echo(
                f"{labels}:{fail['line']}: {fail['subject']!r} expected "
                f"{fail['expected'] or 'none'}, got {fail['got'] or 'none'} "
                f"({fail['score']:.2f})"
            )



COMMANDS = [gaps, eval_gaps]
