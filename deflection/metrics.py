"""Deflection metrics from stored events, with the published definitions (DESIGN.md).

Pure: rows in, numbers out. Version the definitions: a lead compares reports over time.

- session: one visitor key's events with no gap longer than IDLE minutes.
- session deflection rate = sessions with ≥1 search or view and no contact click within
  N minutes after one ÷ sessions with ≥1 search or view.
- self-service score = sessions ÷ distinct ticket requesters of the period (when known).
- article deflection = 1 − sessions with a contact click within N minutes after a view
  of the article (any of its views in the session) ÷ sessions that viewed it (shown with
  that denominator). A session that counts against an article also counts against the
  session deflection rate.
- helpful ratio = yes ÷ (yes + no), one vote per visitor, article and day (the last one
  wins), ranked by its Wilson lower bound (95%).
- search no-result rate = searches with 0 results ÷ searches; no-click rate = searches
  with results and no result click in the session before the next search ÷ searches
  with results; search → contact rate = searches followed by a contact click within N
  minutes in the session ÷ searches.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# 2: article deflection counts a contact click after any view of the article, not only
# after the first (figures of version 1 are higher where visitors came back to an article)
VERSION = "2"
IDLE_MINUTES = 30
WINDOW_MINUTES = 30
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Row:
    type: str
    ts: dt.datetime
    visitor: str
    path: str | None = None
    query: str | None = None
    results: int | None = None
    rank: int | None = None
    helpful: bool | None = None
    reason: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class SummaryRow:
    """Events of a day folded by `kb prune-events`: counts and the votes that count."""

    day: str
    type: str
    path: str | None
    lang: str | None
    events: int
    votes_yes: int = 0
    votes_no: int = 0


def wilson_lower_bound(yes: int, total: int, z: float = Z95) -> float | None:
    if total == 0:
        return None
    p = yes / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return (centre - margin) / (1 + z * z / total)


def sessions(rows: Iterable[Row], idle_minutes: int = IDLE_MINUTES) -> list[list[Row]]:
    by_visitor: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_visitor[row.visitor].append(row)
    idle = dt.timedelta(minutes=idle_minutes)
    out = []
    for visitor_rows in by_visitor.values():
        visitor_rows.sort(key=lambda r: r.ts)
        current = [visitor_rows[0]]
        for row in visitor_rows[1:]:
            if row.ts - current[-1].ts > idle:
                out.append(current)
                current = []
            current.append(row)
        out.append(current)
    return out


def _contact_within(contacts: list[dt.datetime], after: dt.datetime,
                    window: dt.timedelta) -> bool:
    """Whether a contact click of `contacts` (the session's, in time order) falls in
    [after, after + window]."""
    i = bisect_left(contacts, after)
    return i < len(contacts) and contacts[i] <= after + window


def compute(rows: list[Row], *, window_minutes: int = WINDOW_MINUTES,
            idle_minutes: int = IDLE_MINUTES, ticket_requesters: int | None = None,
            top_failed: int = 20, summary: Iterable[SummaryRow] = ()) -> dict:
    """The metrics of `rows`; `summary` (pruned days) adds to the event counts and to each
    article's views and votes, while session figures come from `rows` alone."""
    window = dt.timedelta(minutes=window_minutes)
    all_sessions = sessions(rows, idle_minutes) if rows else []
    counts = Counter(r.type for r in rows)

    engaged = deflected = 0
    views: Counter[str] = Counter()
    viewed_sessions: Counter[str] = Counter()
    contacted_after_view: Counter[str] = Counter()
    searches = no_result = with_results = no_click = to_contact = 0
    failed: Counter[str] = Counter()
    by_lang: dict[str, Counter] = defaultdict(Counter)

    for session in all_sessions:
        contacts = [r.ts for r in session if r.type == "contact_click"]  # in time order
        starts = [r.ts for r in session if r.type in ("search", "view")]
        if starts:
            engaged += 1
            if not any(_contact_within(contacts, t, window) for t in starts):
                deflected += 1
        langs = {r.lang for r in session if r.lang}
        for lang in langs:
            by_lang[lang]["sessions"] += 1
        seen_paths = set()
        contacted_paths = set()  # a contact click followed one of their views
        for i, row in enumerate(session):
            if row.type == "view" and row.path:
                views[row.path] += 1
                if row.lang:
                    by_lang[row.lang]["views"] += 1
                if row.path not in seen_paths:
                    seen_paths.add(row.path)
                    viewed_sessions[row.path] += 1
                if row.path not in contacted_paths \
                        and _contact_within(contacts, row.ts, window):
                    contacted_paths.add(row.path)
                    contacted_after_view[row.path] += 1
            elif row.type == "search":
                searches += 1
                if row.lang:
                    by_lang[row.lang]["searches"] += 1
                if not row.results:
                    no_result += 1
                    failed[(row.query or "").strip().lower()] += 1
                    if row.lang:
                        by_lang[row.lang]["no_result"] += 1
                else:
                    with_results += 1
                    later = session[i + 1:]
                    nxt = next((j for j, r in enumerate(later) if r.type == "search"), len(later))
                    if not any(r.type == "result_click" for r in later[:nxt]):
                        no_click += 1
                if _contact_within(contacts, row.ts, window):
                    to_contact += 1

    votes: dict[tuple[str, str, dt.date], Row] = {}
    for row in sorted((r for r in rows if r.type == "vote" and r.path), key=lambda r: r.ts):
        votes[(row.visitor, row.path, row.ts.date())] = row  # the last vote of the day wins
    yes: Counter[str] = Counter()
    no: Counter[str] = Counter()
    for (_visitor, path, _day), row in votes.items():
        (yes if row.helpful else no)[path] += 1
    for folded in summary:
        counts[folded.type] += folded.events
        if folded.path and folded.type == "view" and folded.events:
            views[folded.path] += folded.events
        if folded.path and folded.votes_yes:
            yes[folded.path] += folded.votes_yes
        if folded.path and folded.votes_no:
            no[folded.path] += folded.votes_no

    articles = []
    for path in sorted(set(views) | set(yes) | set(no)):
        total = yes[path] + no[path]
        denominator = viewed_sessions[path]
        articles.append({
            "path": path,
            "views": views[path],
            "sessions": denominator,
            "votes_yes": yes[path],
            "votes_no": no[path],
            "helpful_ratio": yes[path] / total if total else None,
            "helpful_lower_bound": wilson_lower_bound(yes[path], total),
            "deflection": 1 - contacted_after_view[path] / denominator if denominator else None,
        })
    articles.sort(key=lambda a: (-(a["views"]), a["path"]))

    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    return {
        "version": VERSION,
        "window_minutes": window_minutes,
        "idle_minutes": idle_minutes,
        "events": dict(sorted(counts.items())),
        "sessions": len(all_sessions),
        "engaged_sessions": engaged,
        "session_deflection_rate": rate(deflected, engaged),
        "self_service_score": rate(len(all_sessions), ticket_requesters)
        if ticket_requesters else None,
        "articles": articles,
        "searches": {
            "total": searches,
            "no_result_rate": rate(no_result, searches),
            "no_click_rate": rate(no_click, with_results),
            "search_to_contact_rate": rate(to_contact, searches),
            "top_failed": [{"query": q, "count": n}
                           for q, n in sorted(failed.items(), key=lambda x: (-x[1], x[0]))
                           if q][:top_failed],
        },
        "languages": {
            lang: {"sessions": c["sessions"], "views": c["views"], "searches": c["searches"],
                   "no_result_rate": rate(c["no_result"], c["searches"])}
            for lang, c in sorted(by_lang.items())
        },
    }
