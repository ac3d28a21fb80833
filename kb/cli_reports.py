"""kb's report commands: deflection, and pruning the events behind it."""

from __future__ import annotations

import datetime as dt
import json

import click

from kb.cli_common import config_option, outside_the_site, progress_bar, translate_errors


@click.command()
@click.option("--db", help="Events database URL (default: the config's, or events.db next "
              "to it).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only events from this day on (UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--html", "html_dir", type=click.Path(file_okay=False),
              help="Write a self-contained HTML report with charts into this folder.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False),
              help="Write the metrics as CSV files into this folder.")
@click.option("--tickets-requesters", type=click.IntRange(min=1),
              help="Distinct ticket requesters in the same period, for the self-service "
              "score.")
@click.option("--window", type=click.IntRange(1, 24 * 60), default=30, show_default=True,
              help="Minutes after a view or search in which a contact click counts against it.")
@config_option
@translate_errors
def deflection(db, since, as_json, html_dir, csv_dir, tickets_requesters, window,
               config_file) -> None:
    """Deflection metrics from the events the site recorded (definitions in the report).

    \b
    Examples:
      kb deflection --json
      kb deflection --since 2026-10-01 --html reports/
      kb deflection --csv reports/ --tickets-requesters 340
    """
    from deflection import metrics
    from deflection.api import database_url
    from deflection.retention import read_summary
    from deflection.store import read_all
    from kb.settings import load_site

    site = load_site(config_file)
    outside_the_site(site, {"--html": html_dir, "--csv": csv_dir})
    url = database_url(site, db)
    since_utc = since.replace(tzinfo=dt.UTC) if since else None
    rows, dropped, comments = read_all(url, since_utc)
    result = metrics.compute(rows, window_minutes=window, ticket_requesters=tickets_requesters,
                             summary=read_summary(url, since_utc))
    result["dropped"] = dropped
    result["since"] = since.date().isoformat() if since else None
    if html_dir or csv_dir:
        from deflection import report

        if html_dir:
            click.echo(f"Wrote {report.write_html(result, comments, html_dir)}")
        if csv_dir:
            for path in report.write_csv(result, csv_dir):
                click.echo(f"Wrote {path}")
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    elif not (html_dir or csv_dir):
        rate = result["session_deflection_rate"]
        click.echo(f"Sessions: {result['sessions']} ({result['engaged_sessions']} searched or "
                   f"read an article)")
        click.echo("Session deflection rate: " + (f"{rate:.1%}" if rate is not None else "-"))
        searches = result["searches"]
        click.echo(f"Searches: {searches['total']}, no results: "
                   + (f"{searches['no_result_rate']:.1%}" if searches["no_result_rate"]
                      is not None else "-"))
        for article in result["articles"][:10]:
            click.echo(f"  {article['path']}: {article['views']} views, "
                       f"{article['votes_yes']} yes / {article['votes_no']} no")


@click.command("prune-events")
@click.option("--db", help="Events database URL (default: the config's, or events.db next "
              "to it).")
# 36,500: deflection.retention.MAX_DAYS (not imported here: it pulls in SQLAlchemy)
@click.option("--older-than", "days", type=click.IntRange(1, 36_500), required=True,
              metavar="DAYS",
              help="Fold and delete the events of the days before today minus DAYS (UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print what was pruned as JSON.")
@config_option
@translate_errors
def prune_events(db, days, as_json, config_file) -> None:
    """Fold old events into daily counts and delete them, one day per short transaction.

    Views and votes per article and the event counts of `kb deflection` stay right;
    session figures then cover the events kept.

    \b
    Examples:
      kb prune-events --older-than 400
      kb prune-events --db postgresql://kb@db/kb --older-than 90 --json
    """
    from deflection.api import database_url
    from deflection.retention import prune_events as prune
    from kb.settings import load_site

    url = database_url(load_site(config_file), db)
    if as_json:
        pruned = prune(url, days)
        click.echo(json.dumps(pruned.as_dict(), indent=2))
        return
    update, close = progress_bar("Reading old events")
    try:
        pruned = prune(url, days, progress=update)
    finally:
        close()
    click.echo(f"Deleted {pruned.events} events from before {pruned.before} ({pruned.days} "
               f"days), folded into {pruned.summary_rows} daily summary rows.")


COMMANDS = [deflection, prune_events]
