"""kb's search commands: index, search, eval-search, serve-api."""

from __future__ import annotations

import json
import sys

import click

from kb.cli_common import (
    config_option,
    fresh_index,
    index_with_progress,
    resolve_gold,
    translate_errors,
)


@click.command()
@config_option
@translate_errors
def index(config_file) -> None:
    """Build the search index from the articles (no HTML); only changed articles are re-read.

    \b
    Example:
      kb index --config site_config.yml
    """
    from kb.settings import load_site

    report = index_with_progress(load_site(config_file))
    left_out = (f"; {report.left_out} pages left out: section pages with no text of their own, "
                "or unreadable ones (kb check names those)" if report.left_out else "")
    click.echo(f"Index {report.build_id} in {report.path.parent.parent}: {report.added} added, "
               f"{report.updated} updated, {report.removed} removed, {report.unchanged} unchanged "
               f"({', '.join(f'{k}: {v}' for k, v in sorted(report.languages.items()))}){left_out}")


@click.command()
@click.argument("query", required=False)
@click.option("--lang", help="Language of the question (default: detected from its script).")
@click.option("--limit", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--as-typed", is_flag=True, help="Search the words as typed: a misspelling or a "
              "wrong keyboard layout is only suggested, not corrected.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per line in batch "
              "mode).")
@config_option
@translate_errors
def search(query, lang, limit, as_typed, as_json, config_file) -> None:
    """Search the help center as a customer would. Without QUERY, reads one per line on stdin.
    The search index is brought up to date first, so a new or edited article is found.

    \b
    Examples:
      kb search "reset password" --json
      kb search "забыл пароль" --lang ru
      cat questions.txt | kb search --json > answers.jsonl
    """
    from deflection.search import QueryError
    from deflection.site_index import engine_for
    from kb.settings import load_site

    site = load_site(config_file)
    fresh_index(site)  # a writer checks the article they just saved, not the last build's
    engine = engine_for(site)

    def run(text: str) -> None:
        try:
            answer = engine.search(text, lang=lang, limit=limit, as_typed=as_typed)
        except QueryError as exc:
            if query is not None:
                raise
            click.echo(json.dumps({"query": text[:80], "error": str(exc)}, ensure_ascii=False))
            return
        if as_json:
            data = {"query": answer.query, "lang": answer.lang, "answered": answer.answered,
                    "confidence": answer.confidence, "did_you_mean": answer.did_you_mean,
                    "corrected": answer.corrected,
                    "results": [{"path": h.path, "title": h.title, "url": h.url,
                                 "score": h.score, "confidence": h.confidence}
                                for h in answer.results]}
            click.echo(json.dumps(data, ensure_ascii=False))
            return
        if answer.corrected:
            click.echo(f"Showing results for: {answer.did_you_mean}")
        elif answer.did_you_mean:
            click.echo(f"Did you mean: {answer.did_you_mean}?")
        if not answer.results:
            click.echo(f"No article answers this (confidence {answer.confidence:.2f}).")
        for rank, hit in enumerate(answer.results, 1):
            click.echo(f"{rank:>2}. {hit.title}  [{hit.path}]  "
                       f"confidence {hit.confidence:.2f}, score {hit.score:.2f}")

    if query is not None:
        run(query)
        return
    for line in sys.stdin:  # one answer a line, a blank one's too: the outputs line up
        if line.strip() or as_json:
            run(line.rstrip("\n"))


@click.command("eval-search")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--failures", is_flag=True, help="List the questions whose gold article is not "
              "first, and where it came (with --json: under \"failures\").")
@config_option
@translate_errors
def eval_search(labels, as_json, failures, config_file) -> None:
    """Measure search on labeled questions: recall@1/5/10, MRR, and how often it stays
    silent on questions no article answers, per language.

    Each line of LABELS: {"query": "...", "gold": ["en/billing/request-a-refund.md"]}
    (an empty gold list: no article should be returned; "lang" is optional).

    \b
    Example:
      kb eval-search tests/data/search_eval.jsonl --json
    """
    from pathlib import Path

    from deflection.search import MAX_QUERY_CHARS
    from deflection.site_index import engine_for
    from kb.evaluate import evaluate, read_labels
    from kb.settings import load_site

    site = load_site(config_file)
    fresh_index(site)
    engine = engine_for(site)
    questions = read_labels(Path(labels))
    resolve_gold(site, labels, questions, lambda q: engine.language_for(q.query, q.lang))

    cut = [q.line for q in questions if len(q.query) > MAX_QUERY_CHARS]

    def run(q):
        # a labeled question longer than the search box takes is read as far as it takes
        answer = engine.search(q.query[:MAX_QUERY_CHARS], lang=q.lang, limit=10)
        return answer.lang, [h.path for h in answer.results]

    scores = evaluate(questions, run)
    if cut:
        click.echo(f"{len(cut)} question(s) longer than {MAX_QUERY_CHARS:,} characters were "
                   f"searched by their first {MAX_QUERY_CHARS:,} (line "
                   f"{', '.join(map(str, cut[:10]))}{', …' if len(cut) > 10 else ''})", err=True)
    if as_json:
        data = {k: v.as_dict() for k, v in scores.items()}
        if failures:
            data["failures"] = scores["all"].failures
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'language':<10}{'questions':>10}{'R@1':>8}{'R@5':>8}{'R@10':>8}{'MRR':>8}"
               f"{'no-answer':>11}{'silent':>8}")
    for lang, s in scores.items():
        d = s.as_dict()

        def f(v):
            return f"{v:.3f}" if isinstance(v, float) else "-"

        click.echo(f"{lang:<10}{d['questions']:>10}{f(d['recall@1']):>8}{f(d['recall@5']):>8}"
                   f"{f(d['recall@10']):>8}{f(d['mrr']):>8}{d['unanswerable']:>11}"
                   f"{f(d['nothing_returned_rate']):>8}")
    if failures:
        for fail in scores["all"].failures:
            where = "" if not fail["expected"] or not fail["got"] else (
                f" (the expected article came {_ordinal(fail['rank'])})" if fail["rank"]
                else " (the expected article is not in the first 10)")
            click.echo(f"{labels}:{fail['line']}: {fail['query']!r} expected "
                       f"{fail['expected'] or 'nothing'}, got {fail['got'] or 'nothing'}{where}")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


@click.command("serve-api")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--site", "site_dir", type=click.Path(file_okay=False), default=None,
              help="Also serve this built site folder at / (one server for both).")
@click.option("--db", help="Events database URL, e.g. sqlite:///var/kb/events.db or "
              "postgresql://kb@db/kb (default: the config's, or events.db next to it).")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Server processes on this machine; more than 1 needs PostgreSQL.")
@config_option
@translate_errors
def serve_api(host, port, site_dir, db, workers, config_file) -> None:
    """Run the HTTP service: GET /api/search, POST /api/events, GET /api/health,
    /api/openapi.json. SIGTERM or Ctrl+C stops it gracefully: requests in flight are
    answered and every acknowledged event is stored.

    \b
    Examples:
      kb serve-api --port 8001
      kb serve-api --site site --port 8000     (site and API on one address)
      kb serve-api --db postgresql://kb@db.internal/kb --workers 4 --host 0.0.0.0
    """
    from deflection.serve import export_settings, prepare, run_one, run_workers, uvicorn_options

    site, url = prepare(config_file, site_dir, db, workers)

    def listening() -> None:  # said once the port takes connections, not before
        click.echo(f"Serving the API on http://{host}:{port}/api/" +
                   (f" and the site from {site_dir} on http://{host}:{port}/" if site_dir
                    else "") + (f" ({workers} worker processes)" if workers > 1 else ""))

    options = uvicorn_options(host, port)
    if workers == 1:
        from deflection.api import create_app

        run_one(create_app(site, site_dir=site_dir, db=url), options, listening)
        return
    # each worker imports the factory; it reads the settings checked above
    export_settings(config_file, site_dir, url)
    run_workers(workers, options, listening)
