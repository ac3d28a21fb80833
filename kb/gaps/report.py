"""The gaps report as JSON, CSV and the figures every format shares.

Pure over a `GapsReport`; the only I/O is the atomic write of each file. Every text a
report shows (labels, subjects, evidence, problem messages) goes through
`kb.gaps.redact` once more here: the analysis redacts at the source, this is the
guarantee at the output. Markdown lives in `report_md`, HTML in `report_html`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from kb.gaps.model import GapsReport, Topic
from kb.gaps.redact import redact
from kb.reporting import csv_text, plural, write_atomic

RECURRING = 2  # a topic recurs from its second ticket on
FILES = ("gaps.html", "gaps.json", "gaps.md", "topics.csv", "tickets.csv")
VERDICTS = ("missing", "update", "ok")


@dataclass(frozen=True, slots=True)
class GapRates:
    """DESIGN's topic gap rate and its ticket-weighted twin, with their parts."""

    recurring: int  # topics with at least RECURRING tickets
    missing: int  # of those, the ones no article answers
    recurring_tickets: int
    missing_tickets: int

    @property
    def topic_gap_rate(self) -> float | None:
        return self.missing / self.recurring if self.recurring else None

    @property
    def ticket_gap_rate(self) -> float | None:
        return self.missing_tickets / self.recurring_tickets if self.recurring_tickets else None

    def formulas(self) -> list[tuple[str, str, float | None]]:
        """(name, formula with this report's numbers, value) for each rate."""
        return [
            (
                "topic gap rate",
                f"recurring topics with no matching article ÷ recurring topics "
                f"= {self.missing:,} ÷ {self.recurring:,}",
                self.topic_gap_rate,
            ),
            (
                "ticket-weighted topic gap rate",
                f"tickets in recurring topics with no matching article ÷ tickets in recurring "
                f"topics = {self.missing_tickets:,} ÷ {self.recurring_tickets:,}",
                self.ticket_gap_rate,
            ),
        ]


def gap_rates(report: GapsReport) -> GapRates:
    recurring = [t for t in report.topics if t.tickets >= RECURRING]
    missing = [t for t in recurring if t.verdict == "missing"]
    return GapRates(
        recurring=len(recurring),
        missing=len(missing),
        recurring_tickets=sum(t.tickets for t in recurring),
        missing_tickets=sum(t.tickets for t in missing),
    )


def ranked(report: GapsReport) -> list[Topic]:
    """The backlog order: priority, then volume, missing before update before ok."""
    return sorted(
        report.topics, key=lambda t: (-t.priority, -t.tickets, VERDICTS.index(t.verdict), t.label)
    )


def shown(text: object) -> str:
    """Text as a report may show it: redacted (idempotent, so twice is harmless)."""
    return redact("" if text is None else str(text))


def day(moment: dt.datetime | None) -> str | None:
    return moment.date().isoformat() if moment is not None else None


def date_range(topic: Topic) -> str:
    first, last = day(topic.first), day(topic.last)
    if first is None and last is None:
        return "no dates"
    return first if first == last else f"{first or '?'} – {last or '?'}"


def trend_text(trend: float | None) -> str:
    return "no earlier period" if trend is None else f"{trend:+.0%} vs the previous period"


def from_requesters(topic: Topic) -> str:
    """" from 3 requesters"; nothing when the export names no requester (a topic with a
    requester counts at least one)."""
    return f" from {plural(topic.requesters, 'requester')}" if topic.requesters else ""


def volume(topic: Topic) -> str:
    """"4 tickets from 3 requesters", or "4 tickets"."""
    return plural(topic.tickets, "ticket") + from_requesters(topic)


def _before(report: GapsReport) -> int:
    """Tickets dated before `since`: they only count for the trend."""
    return len(report.tickets) - len(report.in_period()) - report.undated


def scope(report: GapsReport) -> str:
    """The tickets the report is about: "320 tickets", or with a start, "12 tickets from
    2026-10-01 on (308 before it only count for the trend)"."""
    count = plural(len(report.in_period()), "ticket")
    if report.since is None:
        return count
    before = _before(report)
    notes = []
    if before:
        notes.append(f"{before:,} before it only count{'s' if before == 1 else ''} for the trend")
    if report.undated:
        notes.append(f"{report.undated:,} without a date left out")
    return f"{count} from {day(report.since)} on" + (f" ({'; '.join(notes)})" if notes else "")


def no_tickets(report: GapsReport) -> str | None:
    """What to say instead of findings when the period holds no ticket (None: it does)."""
    if report.since is None or report.in_period():
        return None
    parts = []
    if _before(report):
        parts.append(f"{_before(report):,} before it")
    if report.undated:
        parts.append(f"{report.undated:,} undated")
    listed = f" in the export ({' and '.join(parts)})" if parts else ""
    return f"No tickets from {day(report.since)} on{listed}."


def period_dict(report: GapsReport) -> dict:
    """What the report's figures cover: the period (all tickets without `since`), and
    the trend's two periods."""
    count = len(report.in_period())
    trend = report.period
    return {
        "since": day(report.since),
        "tickets": count,
        "before": _before(report),
        "undated": report.undated,
        "trend": None
        if trend is None
        else {"from": day(trend.start), "to": day(trend.end),
              "previous_from": day(trend.previous_start)},
    }


def has_requesters(report: GapsReport) -> bool:
    """Whether any topic knows its requesters: a table shows the column only then."""
    return any(t.requesters for t in report.topics)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def topic_dict(topic: Topic, rank: int) -> dict:
    return {
        "label": shown(topic.label),
        "ticket_ids": list(topic.ticket_ids),
        "tickets": topic.tickets,
        "requesters": topic.requesters,
        "trend": _round(topic.trend),
        "verdict": topic.verdict,
        "article": topic.article,
        "score": _round(topic.score),
        "evidence": [shown(e) for e in topic.evidence],
        "rank": rank,
        "priority": _round(topic.priority),
        "language": topic.language,
        "subjects": [shown(s) for s in topic.subjects],
        "first": day(topic.first),
        "last": day(topic.last),
    }


def topic_dicts(report: GapsReport) -> list[dict]:
    """The topics, ranked, as the JSON contract and the CSV show them."""
    return [topic_dict(t, rank) for rank, t in enumerate(ranked(report), 1)]


def report_dict(report: GapsReport) -> dict:
    """DESIGN's `kb gaps --json` contract, plus the threshold, the period, the rates and the
    problems. Every imported ticket is in `tickets`; `in_period` says whether the findings
    are about it (a ticket before `since` only counts for the trend)."""
    rates = gap_rates(report)
    return {
        "topics": topic_dicts(report),
        "tickets": [
            {
                "id": link.id,
                "topic": None if link.topic is None else shown(link.topic),
                "article": link.article,
                "score": _round(link.score),
                "in_period": link.in_period,
            }
            for link in report.tickets
        ],
        "threshold": report.threshold,
        "period": period_dict(report),
        "metrics": {
            "recurring_topics": rates.recurring,
            "missing_topics": rates.missing,
            "topic_gap_rate": _round(rates.topic_gap_rate),
            "ticket_gap_rate": _round(rates.ticket_gap_rate),
            "recurring_min_tickets": RECURRING,
        },
        "problems": [
            {"where": shown(p.where), "message": shown(p.message)} for p in report.problems
        ],
        "skipped": [{"where": shown(p.where), "message": shown(p.message)} for p in report.skipped],
        "duplicates": report.duplicates,
    }


def write_json(report: GapsReport, path: str | Path) -> Path:
    text = json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
    return write_atomic(Path(path), text)


TOPIC_COLUMNS = (
    "rank",
    "label",
    "verdict",
    "article",
    "score",
    "tickets",
    "requesters",
    "trend",
    "priority",
    "language",
    "first",
    "last",
    "ticket_ids",
    "evidence",
    "subjects",
)


def csv_tables(report: GapsReport) -> dict[str, str]:
    """File name → CSV text of the topics (ranked) and of every imported ticket."""
    topics = topic_dicts(report)
    labels = {t.label: shown(t.label) for t in report.topics}  # redacted once per topic
    rows = (
        [
            t["rank"],
            t["label"],
            t["verdict"],
            t["article"],
            t["score"],
            t["tickets"],
            t["requesters"],
            t["trend"],
            t["priority"],
            t["language"],
            t["first"],
            t["last"],
            " ".join(t["ticket_ids"]),
            " | ".join(t["evidence"]),
            " | ".join(t["subjects"]),
        ]
        for t in topics
    )
    tickets = (
        (link.id, None if link.topic is None else labels.get(link.topic) or shown(link.topic),
         link.article, link.score, "yes" if link.in_period else "no")
        for link in report.tickets
    )
    return {
        "topics.csv": csv_text(TOPIC_COLUMNS, rows),
        "tickets.csv": csv_text(("id", "topic", "article", "score", "in_period"), tickets),
    }


def write_csv(report: GapsReport, out_dir: str | Path) -> list[Path]:
    """Write topics.csv and tickets.csv into OUT_DIR; return their paths."""
    folder = Path(out_dir)
    return [write_atomic(folder / name, text) for name, text in csv_tables(report).items()]


def write_all(report: GapsReport, out_dir: str | Path) -> list[Path]:
    """Every format into OUT_DIR: gaps.html, gaps.json, gaps.md, topics.csv, tickets.csv."""
    from kb.gaps.report_html import write_html
    from kb.gaps.report_md import write_markdown

    folder = Path(out_dir)
    return [
        write_html(report, folder),
        write_json(report, folder / "gaps.json"),
        write_markdown(report, folder / "gaps.md"),
        *write_csv(report, folder),
    ]
