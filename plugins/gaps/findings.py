"""What the plugin takes from a gaps report: the preview banners and the strict check.

Pure: plain data in, plain data or HTML out; no mkdocs import.
"""

from __future__ import annotations

from kb.gaps.model import GapsReport, Topic
from kb.gaps.report import date_range, ranked, shown, volume
from kb.reporting import escape, plural

BANNER_IDS = 20  # ticket IDs on a banner; the report lists them all
BANNER_CLASS = "kb-gaps-banner"


def update_topics(report: GapsReport) -> dict[str, list[Topic]]:
    """Article path (relative to docs_dir) → its topics with the verdict "update", ranked."""
    by_article: dict[str, list[Topic]] = {}
    for topic in ranked(report):
        if topic.verdict == "update" and topic.article:
            by_article.setdefault(topic.article, []).append(topic)
    return by_article


def too_big(report: GapsReport, min_tickets: int) -> list[Topic]:
    """The "missing" topics with at least `min_tickets` tickets; none when it is 0."""
    if min_tickets <= 0:
        return []
    return [t for t in ranked(report) if t.verdict == "missing" and t.tickets >= min_tickets]


def banner_html(topics: list[Topic], reports_hint: str) -> str:
    """A Material admonition ("warning") naming each topic, its evidence and ticket IDs."""
    items = []
    for topic in topics:
        ids = topic.ticket_ids[:BANNER_IDS]
        more = len(topic.ticket_ids) - len(ids)
        evidence = "".join(f"<li>{escape(shown(e))}</li>" for e in topic.evidence)
        items.append(
            f'<p><strong dir="auto">{escape(shown(topic.label))}</strong>: '
            f"{escape(volume(topic))}, {escape(date_range(topic))}.</p>"
            + (f"<ul>{evidence}</ul>" if evidence else "")
            + f"<p>Tickets: <code>{escape(', '.join(ids))}</code>"
            + (escape(f" and {more:,} more") if more else "") + "</p>")
    count = sum(t.tickets for t in topics)
    return (f'<div class="admonition warning {BANNER_CLASS}">'
            f'<p class="admonition-title">Tickets say this article needs an update '
            f"({plural(count, 'ticket')})</p>{''.join(items)}"
            f"<p><em>Preview only (kb serve): not in the built site. Full report: "
            f"{escape(reports_hint)}</em></p></div>\n")
