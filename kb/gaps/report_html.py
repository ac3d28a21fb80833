"""The gaps report as one self-contained HTML page with inline SVG charts.

No script, no external resource, light and dark; every text escaped (and redacted:
see `kb.gaps.report.shown`). Shares its look and helpers with the deflection report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from kb.gaps.model import GapsReport, Topic
from kb.gaps.report import (
    RECURRING,
    VERDICTS,
    date_range,
    gap_rates,
    has_requesters,
    no_tickets,
    ranked,
    scope,
    shown,
    trend_text,
    volume,
)
from kb.reporting import (
    BLUE,
    CSS,
    HEAD,
    ORANGE,
    RED,
    barh,
    empty,
    escape,
    plural,
    section,
    short_label,
    svg_figure,
    table,
    write_atomic,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_ROWS = 15
MAX_IDS = 200  # per finding on the page; tickets.csv lists every one
COLORS = {"missing": RED, "update": ORANGE, "ok": BLUE}
GAPS_CSS = """
.verdict{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;
font-weight:600;color:#fff}.verdict-missing{background:#b93a36}.verdict-update{background:#b85c14}
.verdict-ok{background:#2f6fb5}details{border-bottom:1px solid var(--line);padding:.4rem 0}
summary{cursor:pointer}.ids{font-family:ui-monospace,monospace;font-size:.85rem;
overflow-wrap:anywhere}.finding ul{margin:.3rem 0}.finding li{unicode-bidi:plaintext}
.formula{font-family:ui-monospace,monospace;font-size:.9rem}
#topics td:nth-child(-n+4),#topics th:nth-child(-n+4){text-align:left}
#topics td:last-child{white-space:nowrap}#topics td:nth-child(4){overflow-wrap:anywhere}
#topics td:first-child{overflow-wrap:normal}
"""


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1%}"


def _legend(fig: Figure, verdicts: list[str]) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=COLORS[v], label=v) for v in VERDICTS if v in verdicts]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))


def _topics_chart(topics: list[Topic]) -> str:
    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        barh(
            ax,
            [t.tickets for t in topics],
            [f"{t.tickets:,} · {t.verdict}" for t in topics],
            [shown(t.label) for t in topics],
            color=[COLORS[t.verdict] for t in topics],
        )
        ax.margins(x=0.15)
        ax.set_xlabel("tickets")
        _legend(fig, [t.verdict for t in topics])

    return svg_figure(draw, len(topics))


def _languages_chart(report: GapsReport) -> str:
    """Tickets per language, stacked by the verdict of their topic."""
    langs = sorted({t.language or "?" for t in report.topics})
    rows = ["all", *langs] if len(langs) > 1 else langs

    def tickets(lang: str, verdict: str) -> int:
        return sum(
            t.tickets
            for t in report.topics
            if t.verdict == verdict and (lang == "all" or (t.language or "?") == lang)
        )

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        y = range(len(rows))
        left = [0] * len(rows)
        for verdict in VERDICTS:
            values = [tickets(lang, verdict) for lang in rows]
            bars = ax.barh(y, values, left=left, color=COLORS[verdict], label=verdict)
            ax.bar_label(
                bars,
                [f"{v:,}" if v else "" for v in values],
                label_type="center",
                fontsize=9,
                color="white",
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_yticks(y, [short_label(lang) for lang in rows])
        ax.invert_yaxis()
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.set_xlabel("tickets in topics, by verdict")
        fig.legend(loc="outside lower center", ncols=len(VERDICTS))

    return svg_figure(draw, len(rows) + 1)


def _trend_chart(topics: list[Topic]) -> str:
    from matplotlib.ticker import PercentFormatter

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        trends = [t.trend or 0.0 for t in topics]
        barh(
            ax,
            trends,
            [f"{t:+.0%}" for t in trends],
            [shown(t.label) for t in topics],
            color=[ORANGE if t > 0 else BLUE for t in trends],
        )
        ax.axvline(0, linewidth=0.8)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.margins(x=0.2)
        ax.set_xlabel("tickets this period against the previous one (orange: growing)")

    return svg_figure(draw, len(topics))


def _badge(verdict: str) -> str:
    return f'<span class="verdict verdict-{escape(verdict)}">{escape(verdict)}</span>'


def _cards(report: GapsReport) -> str:
    rates = gap_rates(report)
    tickets = report.in_period()
    linked = sum(link.article is not None for link in tickets)
    counts = {v: sum(t.verdict == v for t in report.topics) for v in VERDICTS}
    total = len(tickets)
    about = scope(report).removeprefix(plural(total, "ticket")).strip()  # "from … on (…)"
    cards = [
        (
            "Tickets",
            f"{total:,}",
            (f"{about}; " if about else "")
            + f"{plural(len(report.problems), 'record')} could not be imported",
        ),
        (
            "Answered by an article",
            f"{linked:,}",
            f"{_pct(linked / total if total else None)} of {plural(total, 'ticket')}, "
            f"score ≥ {report.threshold:.2f}",
        ),
        (
            "Topics",
            f"{len(report.topics):,}",
            f"{counts['missing']} missing · {counts['update']} update · {counts['ok']} ok",
        ),
        (
            "Topic gap rate",
            _pct(rates.topic_gap_rate),
            f"{rates.missing:,} of {plural(rates.recurring, 'recurring topic')}",
        ),
        (
            "Ticket-weighted gap rate",
            _pct(rates.ticket_gap_rate),
            f"{rates.missing_tickets:,} of {plural(rates.recurring_tickets, 'ticket')} "
            "in recurring topics",
        ),
    ]
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="detail">{escape(label)}</div>'
            f'<div class="value">{escape(value)}</div><div class="detail">{escape(detail)}</div>'
            "</div>"
            for label, value, detail in cards
        )
        + "</div>"
    )


def _finding(rank: int, topic: Topic) -> str:
    ids = topic.ticket_ids[:MAX_IDS]
    more = len(topic.ticket_ids) - len(ids)
    facts = [
        f"Article: {topic.article} (score {topic.score:.2f})"
        if topic.article
        else f"Article: none (its tickets' best matches: {topic.score:.2f} on average)",
        f"{volume(topic)}, {date_range(topic)}",
        f"Trend: {trend_text(topic.trend)} · priority {topic.priority:.2f}"
        + (f" · language {topic.language}" if topic.language else ""),
    ]
    parts = [f'<p class="meta">{" · ".join(escape(f) for f in facts)}</p>']
    if topic.evidence:
        parts.append(
            "<p>Evidence</p><ul>"
            + "".join(f'<li dir="auto">{escape(shown(e))}</li>' for e in topic.evidence)
            + "</ul>"
        )
    if topic.subjects:
        parts.append(
            "<p>Subjects</p><ul>"
            + "".join(f'<li dir="auto">{escape(shown(s))}</li>' for s in topic.subjects)
            + "</ul>"
        )
    parts.append(
        f'<p class="ids">Tickets: {escape(", ".join(ids))}'
        + (escape(f" and {more:,} more (all in tickets.csv)") if more else "")
        + "</p>"
    )
    return (
        f'<details class="finding" id="topic-{rank}"><summary>{rank}. '
        f'{_badge(topic.verdict)} <span dir="auto">{escape(shown(topic.label))}</span> '
        f'<span class="muted">{plural(topic.tickets, "ticket")}</span></summary>'
        f"{''.join(parts)}</details>"
    )


def _topics_table(topics: list[Topic], people: bool) -> str:
    """The ranked topics; a Requesters column only when the export names requesters."""
    head = ("#", "Topic", "Verdict", "Article", "Score", "Tickets", "Requesters", "Dates")
    rows = (
        (rank, shown(t.label), t.verdict, t.article or "–", f"{t.score:.2f}", f"{t.tickets:,}",
         f"{t.requesters:,}" if t.requesters else "–", date_range(t))
        for rank, t in enumerate(topics, 1)
    )
    if people:
        return table(head, rows)
    return table(head[:6] + head[7:], (row[:6] + row[7:] for row in rows))


def _sections(report: GapsReport) -> list[str]:
    topics = ranked(report)
    top = topics[:CHART_ROWS]
    trending = sorted(
        (t for t in topics if t.trend is not None), key=lambda t: (-abs(t.trend or 0), t.label)
    )[:CHART_ROWS]
    return [
        section(
            "topics",
            "Topics by tickets",
            "The backlog order: priority (requesters, volume, trend, failed searches and "
            "“No” votes), colour by verdict.",
            _topics_chart(top)
            + _languages_chart(report)
            + _topics_table(topics, has_requesters(report)),
        ),
        section(
            "trend",
            "Trend",
            "Tickets of the latest period against the one before it.",
            _trend_chart(trending)
            if trending
            else empty("No earlier period to compare with: the export covers one period."),
        ),
        section(
            "findings",
            "Findings",
            "Each topic with its verdict, the article, the evidence and the ticket IDs.",
            "".join(_finding(rank, t) for rank, t in enumerate(topics, 1)),
        ),
    ]


def _definitions(report: GapsReport) -> str:
    items = "".join(
        f'<li><b>{escape(name)}</b> = <span class="formula">{escape(formula)}</span> = '
        f"<b>{escape(_pct(value))}</b></li>"
        for name, formula, value in gap_rates(report).formulas()
    )
    notes = (
        f"A topic recurs when it has {RECURRING} tickets or more. An article answers a ticket "
        f"when the ticket scores {report.threshold:.2f} or more against it. Verdicts: "
        "missing (no article answers the topic), update (an article matches, but tickets "
        "keep coming after its last change, or its votes and failed searches say it does "
        "not answer), ok."
    )
    return section("definitions", "How these are computed", notes, f"<ul>{items}</ul>")


def _problems(report: GapsReport) -> str:
    if not report.problems:
        return ""
    rows = ((shown(p.where), shown(p.message)) for p in report.problems[:100])
    return section(
        "problems",
        f"Records not imported ({len(report.problems):,})",
        "Skipped under on_error: skip; the first 100.",
        table(("Where", "Problem"), rows),
    )


def render_html(report: GapsReport, *, generated: dt.datetime) -> str:
    """The whole report as one HTML page: no scripts, no external resources."""
    if report.topics:
        body = "".join(_sections(report))
    else:
        body = empty(
            no_tickets(report)
            or "No recurring topics: every ticket stands alone, or there were none."
        )
    return (
        f'<!doctype html>\n<html lang="en"><head>{HEAD}'
        f"<title>Gaps from tickets</title><style>{CSS}{GAPS_CSS}</style></head>\n<body>"
        '<header><h1>Gaps from tickets</h1><p class="muted">'
        f"{escape(f'Generated {generated:%Y-%m-%d %H:%M} UTC. Internal: it quotes tickets.')}"
        f"</p></header>\n{_cards(report)}\n{body}\n{_definitions(report)}\n"
        f"{_problems(report)}\n</body></html>\n"
    )


def write_html(report: GapsReport, out_dir: str | Path) -> Path:
    """Write OUT_DIR/gaps.html; return its path."""
    page = render_html(report, generated=dt.datetime.now(dt.UTC))
    return write_atomic(Path(out_dir) / "gaps.html", page)
