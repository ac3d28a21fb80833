"""The gaps report as Markdown to paste into an issue tracker: a ranked backlog.

Ticket text is escaped so it renders as the words it is: no heading, link, image,
table cell, mention, autolink or HTML comes out of a subject.
"""

from __future__ import annotations

import re
from pathlib import Path

from kb.gaps.model import GapsReport, Topic
from kb.gaps.report import (
    date_range,
    from_requesters,
    gap_rates,
    has_requesters,
    no_tickets,
    ranked,
    scope,
    shown,
    trend_text,
)
from kb.reporting import clean, plural, write_atomic

MAX_IDS = 50  # per finding; the CSV and JSON list every one
VERDICT_WORDS = {
    "missing": "missing: no article answers it",
    "update": "update: an article matches, tickets keep coming",
    "ok": "ok: answered",
}
# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can
# make markup inline: emphasis, code, links, HTML, entities, table cells, GitHub's
# strikethrough, math ("$"), mentions ("@") and autolinks (":" of http://, "." of www.).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-!|~@&:.$])")


def md(text: object) -> str:
    """One line of plain text, redacted, that Markdown renders literally."""
    return _SPECIAL.sub(r"\\\1", " ".join(clean(shown(text)).split()))


def _code(text: str) -> str:
    """An inline code span that holds any text (backticks included)."""
    text = " ".join(clean(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def _cell_code(text: str | None) -> str:
    """A code span inside a table row, where GFM splits cells even at a code span's "|"."""
    return _code(text).replace("|", "\\|") if text else "–"


def _ids(topic: Topic) -> str:
    ids = ", ".join(_code(i) for i in topic.ticket_ids[:MAX_IDS])
    more = len(topic.ticket_ids) - MAX_IDS
    return ids + (f" and {more:,} more (all in tickets.csv)" if more > 0 else "")


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1%}"


def _finding(rank: int, topic: Topic) -> list[str]:
    lines = [
        f"### {rank}. {md(topic.label)}",
        "",
        f"- **Verdict:** {VERDICT_WORDS[topic.verdict]}",
        f"- **Article:** {_code(topic.article)} (score {topic.score:.2f})"
        if topic.article
        else f"- **Article:** none (its tickets' best matches: {topic.score:.2f} on average)",
        f"- **Tickets:** {topic.tickets:,}{from_requesters(topic)}, {date_range(topic)}; "
        f"trend {trend_text(topic.trend)}",
        f"- **Priority:** {topic.priority:.2f}"
        + (f" · language {_code(topic.language)}" if topic.language else ""),
        f"- **Ticket IDs:** {_ids(topic)}",
    ]
    if topic.evidence:
        lines += ["- **Evidence:**", *(f"  - {md(e)}" for e in topic.evidence)]
    if topic.subjects:
        lines += ["- **Subjects:**", *(f"  - {md(s)}" for s in topic.subjects)]
    return [*lines, ""]


def render_markdown(report: GapsReport) -> str:
    topics = ranked(report)
    rates = gap_rates(report)
    counts = {v: sum(t.verdict == v for t in topics) for v in VERDICT_WORDS}
    lines = [
        "## Gaps from tickets: ranked backlog",
        "",
        f"{scope(report)}, {plural(len(topics), 'topic')}: {counts['missing']} missing, "
        f"{counts['update']} to update, {counts['ok']} ok. An article answers a ticket at a "
        f"score of {report.threshold:.2f} or more.",
        "",
    ]
    lines += [
        f"- {name} = {formula} = **{_pct(value)}**" for name, formula, value in rates.formulas()
    ]
    lines.append("")
    if topics:
        people = has_requesters(report)  # no column when the export names no requester
        lines += [
            "| # | topic | verdict | tickets |" + (" requesters |" if people else "")
            + " article |",
            "|---|---|---|---:|" + ("---:|" if people else "") + "---|",
        ]
        lines += [
            f"| {rank} | {md(t.label)} | {t.verdict} | {t.tickets:,} |"
            + (f" {t.requesters or '–'} |" if people else "")
            + f" {_cell_code(t.article)} |"
            for rank, t in enumerate(topics, 1)
        ]
        lines.append("")
        for rank, topic in enumerate(topics, 1):
            lines += _finding(rank, topic)
    else:
        lines += [no_tickets(report) or "No recurring topics in these tickets.", ""]
    if report.problems:
        lines += [f"{len(report.problems):,} records could not be imported; the first:", ""]
        lines += [f"- {_code(shown(p.where))}: {md(p.message)}" for p in report.problems[:10]]
        lines.append("")
    return "\n".join(lines)


def write_markdown(report: GapsReport, path: str | Path) -> Path:
    return write_atomic(Path(path), render_markdown(report))
