"""What kb says about each recurring topic, why, and how urgent it is.

- missing: no article answers the topic: neither its tickets nor the wording they share
  (the evidence names the articles some of them link to one by one).
- update: an article answers them, yet tickets came after its last change in git (at
  least one, and a tenth of the topic), or its readers vote "No", or searches for it
  find nothing.
- ok: an article answers them and nothing says it falls short.

Priority puts the backlog in order: distinct requesters (tickets when the export has
no requester), scaled by the trend (the tickets from `--since`, or from the export's
median date, against as long a period before; clamped to -50 %..+200 %), plus failed
searches and "No" votes, then weighed by the verdict (missing 1.5, update 1.0, ok 0.25:
an answered topic is the least to do).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from kb.gaps.model import Period, Ticket, Topic
from kb.gaps.topics import Group
from kb.reporting import plural

VERDICT_WEIGHT = {"missing": 1.5, "update": 1.0, "ok": 0.25}
MIN_NO_VOTES = 3
NO_SHARE = 0.5  # "No" votes at least this share of the votes say the article falls short
MIN_FAILED = 3
# tickets after the article's last change that make it "update": at least one, and at
# least this share of the topic (a small export holds few; a big one must hold more)
AFTER_SHARE = 0.1


@dataclass
class Signals:
    """What the help center knows besides the tickets."""

    last_changed: dict[str, dt.datetime] = field(default_factory=dict)  # path → last commit
    votes_no: dict[str, int] = field(default_factory=dict)  # path → "No" votes
    votes_yes: dict[str, int] = field(default_factory=dict)
    failed_searches: dict[int, int] = field(default_factory=dict)  # group index → count


def period_of(tickets: Sequence[Ticket], since: dt.datetime | None = None) -> Period | None:
    """The trend's period: from `since` (or the export's median date) to the last ticket.

    The median, not the middle of the first and last dates: one ticket dated years
    before or after the others would put that middle where no ticket is, and every
    topic's trend would compare all of its tickets with none (-100 %, or nothing). From
    the median on lie half the tickets whatever the outliers; the previous period, as
    long, holds the other half when the volume is steady."""
    dates = sorted(t.created_at for t in tickets if t.created_at is not None)
    if not dates:
        return None
    last = dates[-1]
    if since is None:
        low, high = dates[(len(dates) - 1) // 2], dates[len(dates) // 2]
        since = low + (high - low) / 2
    return Period(since, last) if last > since else None


def trend(dates: list[dt.datetime], period: Period | None) -> float | None:
    """Tickets this period ÷ tickets in the previous one − 1; None with no earlier ticket."""
    if period is None:
        return None
    now = sum(1 for d in dates if period.start <= d <= period.end)
    before = sum(1 for d in dates if period.previous_start <= d < period.start)
    return now / before - 1 if before else None


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.2f}" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}–{high:.2f}"


def _linked_one_by_one(
    members: Sequence[int], scores: Sequence[float], bests: Sequence[str | None], threshold: float
) -> dict[str, list[float]]:
    """Article → the scores of the members it answers one by one, the most first."""
    by_article: dict[str, list[float]] = {}
    for i in members:
        if bests and bests[i] is not None and scores[i] >= threshold:
            by_article.setdefault(bests[i], []).append(scores[i])
    return dict(sorted(by_article.items(), key=lambda item: (-len(item[1]), item[0])))


def _one_by_one(by_article: dict[str, list[float]]) -> str:
    """"one by one to a.md (0.49–0.58)", or "one by one: 7 to a.md (…), 2 to b.md (…)"."""
    if len(by_article) == 1:
        ((article, values),) = by_article.items()
        return f"one by one to {article} ({_span(values)})"
    return "one by one: " + ", ".join(
        f"{len(v):,} to {a} ({_span(v)})" for a, v in by_article.items()
    )


def _who(k: int, n: int, every: str) -> str:
    """Who of n tickets link: "it links", "all link" (`every`), "1 of them links"."""
    if k == n:
        return "it links" if n == 1 else f"{every} link"
    return f"{k:,} of them link{'s' if k == 1 else ''}"


def _mean(values: list[float]) -> str:
    return f"{values[0]:.2f}" if len(values) == 1 else f"{sum(values) / len(values):.2f} on average"


def _unanswered(
    group: Group,
    scores: Sequence[float],
    bests: Sequence[str | None],
    threshold: float,
    closest: str | None,
    topic_threshold: float,
) -> str:
    """Why no article answers a topic. When some of its tickets are answered one by one
    (at `threshold`), says so, and what the wording they share links to: the topic's
    verdict follows that wording (at `topic_threshold`, `kb.gaps.run.join_answered`); the
    tickets keep their own links."""
    n = len(group.members)
    linked = _linked_one_by_one(group.members, scores, bests, threshold)
    if not linked:
        return (
            f"{plural(n, 'ticket')}: no article answers {'them' if n > 1 else 'it'} "
            f"(best match {_mean([scores[i] for i in group.members])}, "
            f"threshold {threshold:.2f})" + (f"; closest article {closest}" if closest else "")
        )
    k = sum(len(v) for v in linked.values())
    article, score = group.wording or (None, 0.0)
    if group.wording is None:
        wording = "but they share too few words to link as a topic"
    elif article is None:
        wording = "but their shared wording matches no article"
    elif score < topic_threshold:
        wording = "but their shared wording does not (" + (
            f"{score:.2f} there)" if article == next(iter(linked)) else
            f"its best match is {article} at {score:.2f})"
        )
    else:
        wording = (
            f"and their shared wording links to {article} ({score:.2f}), "
            "which too few of them come near"
        )
    text = (
        f"{plural(n, 'ticket')}, no article answers {'them' if n > 1 else 'it'} as a topic "
        f"(threshold {topic_threshold:.2f}): {_who(k, n, 'all')} {_one_by_one(linked)}, "
        f"{wording}"
    )
    rest = [scores[i] for i in group.members if scores[i] < threshold]
    if rest:
        other = "the other one matches" if len(rest) == 1 else f"the other {len(rest):,} match"
        text += f"; {other} no article (best match {_mean(rest)})"
    return text


def _joined(
    group: Group, scores: Sequence[float], bests: Sequence[str | None], threshold: float
) -> str:
    """The members an article's topic holds through its wording alone, and where those
    that link one by one elsewhere link."""
    if not group.joined:
        return ""
    text = f"; {len(group.joined):,} of them only through their topic's shared wording"
    elsewhere = _linked_one_by_one(sorted(group.joined), scores, bests, threshold)
    elsewhere.pop(group.article or "", None)
    if not elsewhere:
        return text
    k = sum(len(v) for v in elsewhere.values())
    return f"{text}, though {_who(k, len(group.joined), 'they')} {_one_by_one(elsewhere)}"


def judge(
    group: Group,
    index: int,
    tickets: Sequence[Ticket],
    scores: Sequence[float],
    requesters: int,
    signals: Signals,
    period: Period | None,
    threshold: float,
    best: str | None = None,
    history: Sequence[dt.datetime] | None = None,
    bests: Sequence[str | None] = (),
    topic_threshold: float | None = None,
) -> Topic:
    """The Topic for one group: verdict, evidence in plain words, priority.

    `group.members` are the tickets of the report's period; `history`, the dates of all
    of the topic's tickets, earlier ones included, for the trend (default: the members');
    `bests`, each ticket's closest article, which answers it one by one at a score of
    `threshold` or more (the evidence then says where the topic and its tickets differ);
    `topic_threshold` (default `threshold`), what a topic's shared wording must reach."""
    members = [tickets[i] for i in group.members]
    dates = sorted(t.created_at for t in members if t.created_at is not None)
    evidence: list[str] = []
    failed = signals.failed_searches.get(index, 0)
    if group.article is None:
        verdict = "missing"
        score = sum(scores[i] for i in group.members) / len(group.members)
        evidence.append(_unanswered(group, scores, bests, threshold, best,
                                    topic_threshold or threshold))
    else:
        verdict = "ok"
        own = [scores[i] for i in group.members if not bests or bests[i] == group.article]
        score = max(own) if own else group.wording[1] if group.wording else 0.0
        evidence.append(
            f"{plural(len(members), 'ticket')} matched {group.article} (score up to {score:.2f})"
            + _joined(group, scores, bests, threshold)
        )
        changed = signals.last_changed.get(group.article)
        if changed is not None:
            after = sum(1 for d in dates if d > changed)
            if dates:
                evidence.append(
                    f"{plural(after, 'ticket')} since the article last changed on "
                    f"{changed.date().isoformat()}"
                )
            if after >= max(1, math.ceil(AFTER_SHARE * len(members))):
                verdict = "update"
        no, yes = signals.votes_no.get(group.article, 0), signals.votes_yes.get(group.article, 0)
        if no or yes:
            evidence.append(f"{plural(no, 'No vote')}, {plural(yes, 'Yes vote')}")
            if no >= MIN_NO_VOTES and no / (no + yes) >= NO_SHARE:
                verdict = "update"
    if failed:
        evidence.append(f"{plural(failed, 'search')} on the help center found nothing")
        if failed >= MIN_FAILED and verdict == "ok":
            verdict = "update"
    change = trend(dates if history is None else list(history), period)
    if change is not None:
        evidence.append(f"{change:+.0%} tickets vs the previous period")
    base = requesters or len(members)
    growth = 1.0 + min(2.0, max(-0.5, change)) if change is not None else 1.0
    votes_no = signals.votes_no.get(group.article, 0) if group.article else 0
    priority = (base * growth + 0.5 * failed + votes_no) * VERDICT_WEIGHT[verdict]
    return Topic(
        label=group.label,
        ticket_ids=[t.id for t in members],
        tickets=len(members),
        requesters=requesters,
        trend=round(change, 4) if change is not None else None,
        verdict=verdict,
        article=group.article,
        score=round(score, 4),
        evidence=evidence,
        language=group.lang,
        subjects=group.subjects,
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        priority=round(priority, 4),
    )
