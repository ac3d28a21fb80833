"""The gaps analysis end to end: import → link → topics → verdicts → GapsReport.

`analyse` is pure over tickets, a linker and the signals; `gaps_for_site` gathers them
for a kb site (its index, git dates, event store) and is what the CLI, the report
writers and the MkDocs plugin call.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

from kb.gaps.link import Linker
from kb.gaps.model import GapsReport, ImportProblem, Ticket, TicketLink
from kb.gaps.report import RECURRING
from kb.gaps.topics import (
    IDF_FLOOR,
    MIN_SIZE,
    Group,
    TicketFrequency,
    find_topics,
    representative_subjects,
    ticket_frequencies,
)
from kb.gaps.verdicts import Signals, judge, period_of

if TYPE_CHECKING:
    from kb.settings import Site

Progress = Callable[[int, int], None]


def analyse(
    tickets: Sequence[Ticket],
    linker: Linker,
    signals: Signals | None = None,
    *,
    failed_queries: Sequence[tuple[str, str | None]] = (),
    since: dt.datetime | None = None,
    min_size: int = MIN_SIZE,
    problems: Sequence[ImportProblem] = (),
    skipped: Sequence[ImportProblem] = (),
    duplicates: int = 0,
    progress: Progress | None = None,
    salt: bytes | None = None,
    timings: dict[str, tuple[float, float]] | None = None,
) -> GapsReport:
    """The report for `tickets`; `failed_queries` are (query, lang) of searches that found
    nothing, from the event store. `timings` receives (wall, CPU) seconds per stage."""
    import time

    from deflection.batch import cpu_seconds
    from kb.gaps.redact import requester_key

    timings = {} if timings is None else timings
    clock = (time.perf_counter(), cpu_seconds())  # with the search's workers (link)

    def lap(stage: str) -> None:
        nonlocal clock
        now = (time.perf_counter(), cpu_seconds())
        timings[stage] = (now[0] - clock[0], now[1] - clock[1])
        clock = now

    signals = signals or Signals()
    total = max(1, len(tickets))

    def step(done: int) -> None:
        if progress:
            progress(done, 2 * total)

    links = linker.link(tickets, progress=lambda done, _: step(done))
    lap("link")
    titles = {
        path: title
        for model in linker.models.values()
        for path, title in zip(model.paths, model.titles, strict=True)
    }
    frequencies = ticket_frequencies(links)
    articles, near = topic_articles(tickets, links, linker, min_size, frequencies)
    groups = find_topics(tickets, links, titles, min_size=min_size, articles=articles,
                         frequencies=frequencies)
    for group in groups:
        group.joined = {i for i in group.members if i in near}
    groups = join_answered(groups, tickets, links, linker, titles, min_size, frequencies)
    step(total + total // 2)
    lap("topics")
    signals.failed_searches = _failed_per_group(groups, links, linker, failed_queries)
    period = period_of(tickets, since)
    # Topics are found over every ticket (more of them word a topic better); the findings
    # are about the period's: earlier ones only count for the trend.
    in_period = [
        since is None or (t.created_at is not None and t.created_at >= since) for t in tickets
    ]
    salt = salt or os.urandom(16)
    scores = [link.score for link in links]
    bests = [link.best for link in links]
    topics = []
    topic_of: dict[int, str] = {}
    for n, whole in enumerate(groups):
        members = [i for i in whole.members if in_period[i]]
        if len(members) < RECURRING:  # a topic before the period, not in it
            continue
        group = whole
        if len(members) < len(whole.members):
            group = replace(
                whole,
                members=members,
                joined=whole.joined & set(members),
                subjects=representative_subjects(tickets, links, members),
            )
        people = {
            requester_key(tickets[i].requester, salt) for i in members if tickets[i].requester
        }
        best = Counter(links[i].best for i in members if links[i].best).most_common(1)
        topics.append(
            judge(
                group,
                n,
                tickets,
                scores,
                len(people),
                signals,
                period,
                linker.threshold,
                best=best[0][0] if best else None,
                history=[d for i in whole.members if (d := tickets[i].created_at) is not None],
                bests=bests,
                topic_threshold=linker.topic_threshold,
            )
        )
        topic_of.update((i, group.label) for i in members)
    report = GapsReport(
        topics=topics,
        tickets=[
            TicketLink(link.id, topic_of.get(i), link.article, link.score, in_period[i])
            for i, link in enumerate(links)
        ],
        threshold=linker.threshold,
        problems=list(problems),
        skipped=list(skipped),
        duplicates=duplicates,
        since=since,
        period=period,
        undated=sum(t.created_at is None for t in tickets) if since else 0,
    )
    lap("verdicts")
    step(2 * total)
    return report


NEAR = 0.6  # a ticket this close to the topics' threshold may join its closest article's topic


def _most_common(counts: Counter, n: int) -> list[tuple[str, int]]:
    """`Counter.most_common`, ties in term order: counted from sets, whose order changes
    from run to run with Python's string hashing, ties would otherwise change the topics."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


def _shared_terms(
    links, members: list[int], df: TicketFrequency, least: int = 2
) -> dict[str, int]:
    """A group's wording: the subject terms that set its tickets apart, used by many of them
    and few others (`df`: the language's tickets), with how many use each. The commonest
    terms would be the product's name and the words of every ticket ("tasklane", "sign"):
    with subjects in customers' own words, they linked whole topics to the wrong article
    (bench/gaps.py --own-words, ARI 0.681 → 0.836). A group of most of the language's
    tickets has no others to differ from: its wording is its commonest terms."""
    words = Counter(t for i in members for t in set(links[i].terms[: links[i].subject_terms]))
    n = df.total_docs
    alone = 2 * len(members) > df.tickets
    weight = {t: c * (1.0 if alone else math.log((1 + n) / (1 + df.get(t, 0))) + IDF_FLOOR)
              for t, c in words.items() if c >= least}
    chosen = sorted(weight, key=lambda t: (-weight[t], t))[:MAX_GROUP_TERMS]
    return {t: words[t] for t in chosen}


def topic_articles(
    tickets: Sequence[Ticket],
    links,
    linker: Linker,
    min_size: int,
    frequencies: Callable[[str], TicketFrequency] | None = None,
) -> tuple[list[str | None], set[int]]:
    """Which article's topic each ticket belongs to, checked at the topic's level.

    The tickets linked to an article form its topic only when their shared wording links
    to that article too: a word in common ("Google" Calendar, "Google" Drive) links
    single tickets, not a whole topic. Those that came near it (confidence at least
    NEAR × the topics' threshold, no better article) join only when the wording of all of them
    still links there: a topic no article answers, written near one, stays apart and
    leaves that article's own topic whole. A topic that fails the check goes back to be
    grouped by wording; its tickets keep their own links."""
    articles: list[str | None] = [link.article for link in links]
    near: set[int] = set()
    by_article: dict[tuple[str, str], list[int]] = {}
    for i, link in enumerate(links):
        if link.best is not None and (
            link.article is not None or link.score >= NEAR * linker.topic_threshold
        ):
            by_article.setdefault((link.lang, link.best), []).append(i)
    frequencies = frequencies or ticket_frequencies(links)

    def answers(lang: str, article: str, members: list[int]) -> bool:
        shared = _shared_terms(links, members, frequencies(lang))
        best, score = linker.link_terms(lang, shared) if shared else (None, 0.0)
        return best == article and score >= linker.topic_threshold

    for (lang, article), members in by_article.items():
        linked = [i for i in members if links[i].article is not None]
        if not linked or len(members) < min_size:
            continue
        # the linked tickets' wording decides for them when they are enough to have one
        core = linked if len(linked) >= min_size else members
        if not answers(lang, article, core):
            for i in linked:
                articles[i] = None
            continue
        if core is linked and len(linked) < len(members) and not answers(lang, article, members):
            continue  # the near ones stay apart
        for i in members:
            if articles[i] is None:
                articles[i] = article
                near.add(i)
    return articles, near


MAJORITY = 0.6  # share of a cluster's tickets whose closest article must agree
MAX_GROUP_TERMS = 8  # a cluster's wording: its most shared subject terms


def join_answered(
    groups: list[Group],
    tickets: Sequence[Ticket],
    links,
    linker: Linker,
    titles: dict[str, str],
    min_size: int,
    frequencies: Callable[[str], TicketFrequency] | None = None,
) -> list[Group]:
    """A cluster of tickets grouped by wording whose shared wording an article answers is
    that article's topic when the tickets agree one by one, either way:

    - most of them came near it (most closest to it, the median at least NEAR ×
      the topics' threshold): customers write around a subject in many ways, each one too short;
    - most of them are answered one by one, by their words at least, though by another
      article: their topic was refused there because what they share links here
      ("password" of "I forgot my password" answered by "Reset your password", each
      ticket by "Can't log in" by its words, until the meaning says "Can't log in" is not
      the one). Both levels say an article answers them; the topic's wording says which.
      A topic whose wording links nowhere stays missing, however its tickets link one by
      one (the "Google" of Google Calendar links single tickets to Google Drive, not the
      topic).

    Every cluster keeps what its wording links to (`Group.wording`), for the evidence."""
    by_article = {(g.lang, g.article): g for g in groups if g.article}
    frequencies = frequencies or ticket_frequencies(links)
    out = []
    for group in groups:
        if group.article is None:
            size = len(group.members)
            common = _shared_terms(links, group.members, frequencies(group.lang), min_size)
            group.wording = linker.link_terms(group.lang, common) if common else None
            article, score = group.wording or (None, 0.0)
            [(closest, count)] = Counter(links[i].best for i in group.members).most_common(1)
            came_near = (
                closest == article
                and count >= MAJORITY * size
                and median([links[i].score for i in group.members]) >= NEAR * linker.topic_threshold
            )
            # answered by words at least: the meaning lowers a ticket's score where the
            # article it came closest to is not the one (deflection.semantic, STANDOUT)
            answered = sum(max(links[i].score, links[i].words or 0.0) >= linker.topic_threshold
                           for i in group.members)
            if (
                article is not None
                and score >= linker.topic_threshold
                and (came_near or answered >= MAJORITY * size)
            ):
                target = by_article.get((group.lang, article))
                if target is None:
                    target = Group(
                        group.lang,
                        [],
                        article,
                        label=titles.get(article) or group.label,
                        subjects=group.subjects,
                        wording=group.wording,
                    )
                    by_article[(group.lang, article)] = target
                    out.append(target)
                target.members = sorted(target.members + group.members)
                target.joined |= set(group.members)
                continue
        out.append(group)
    return out


def _failed_per_group(
    groups: list[Group], links, linker: Linker, failed_queries: Sequence[tuple[str, str | None]]
) -> dict[int, int]:
    """Failed searches per topic: by their closest article for an article's topic, by
    shared wording for a missing one."""
    if not failed_queries:
        return {}
    queries = [
        Ticket(id=str(i), subject=q, language=lang) for i, (q, lang) in enumerate(failed_queries)
    ]
    found = linker.link(queries)
    by_article = {g.article: n for n, g in enumerate(groups) if g.article}
    words: list[tuple[int, set[str]]] = []
    for n, group in enumerate(groups):
        if group.article is None:
            counts = Counter(t for i in group.members for t in set(links[i].terms))
            words.append((n, {t for t, _ in _most_common(counts, 10)}))
    out: Counter = Counter()
    for link in found:
        if link.best in by_article:
            out[by_article[link.best]] += 1
            continue
        terms = set(link.terms)
        for n, common in words:
            if terms and len(terms & common) >= min(2, len(terms)):
                out[n] += 1
                break
    return dict(out)


def events_url(site: Site, db_url: str | None = None) -> str | None:
    """The event store gaps reads: the one given, the config's, or events.db next to the
    config when it exists (None: no store, no votes or failed searches)."""
    if not (db_url or site.options.database):
        default = site.root / "events.db"
        return f"sqlite:///{default}" if default.is_file() else None
    from deflection.api import database_url

    return database_url(site, db_url)  # the same file `kb serve-api` writes


def site_signals(
    site: Site, db_url: str | None, since: dt.datetime | None
) -> tuple[Signals, list[tuple[str, str | None]]]:
    """Git dates of the articles, and votes and failed searches from the event store (the
    one given, the config's, or events.db next to the config when it exists)."""
    from kb.gitdates import last_commit_dates

    docs = site.docs_dir.resolve()
    signals = Signals(
        last_changed={
            path.relative_to(docs).as_posix(): when
            for path, when in last_commit_dates(docs).items()
            if docs in path.parents
        }
    )
    url = events_url(site, db_url)
    if url is None:
        return signals, []
    from deflection.retention import read_summary
    from deflection.store import read_all

    rows, _, _ = read_all(url, since)  # the store has no reader by event type
    failed = [
        (row.query, row.lang)
        for row in rows
        if row.type == "search" and row.results == 0 and row.query
    ]
    signals.votes_yes, signals.votes_no = article_votes(
        [row for row in rows if row.type == "vote"], read_summary(url, since)
    )
    return signals, failed


def article_votes(votes, summary) -> tuple[dict[str, int], dict[str, int]]:
    """Yes and No votes per article as `kb deflection` counts them: one per visitor,
    article and day (the last one wins), plus the pruned days' summary. Through the
    metrics module itself, so both always agree."""
    from deflection.metrics import compute

    yes: dict[str, int] = {}
    no: dict[str, int] = {}
    for article in compute(votes, summary=summary)["articles"]:
        if article["votes_yes"]:
            yes[article["path"]] = article["votes_yes"]
        if article["votes_no"]:
            no[article["path"]] = article["votes_no"]
    return yes, no


def open_linker(site: Site, threshold: float | None = None) -> Linker:
    from deflection.site_index import engine_for, index_root, synonyms_dir
    from kb.gaps.link import DEFAULT_THRESHOLD

    return Linker.open(
        index_root(site),
        site.languages,
        synonyms_dir(site),
        DEFAULT_THRESHOLD if threshold is None else threshold,
        engine_for(site),
    )


def gaps_for_site(
    site: Site,
    tickets_path: str | Path,
    fmt: str = "auto",
    mapping: str | Path | None = None,
    on_error: str = "skip",
    db_url: str | None = None,
    progress: Progress | None = None,
    since: dt.datetime | None = None,
    threshold: float | None = None,
) -> GapsReport:
    """The gaps report of a ticket export against a kb site's articles."""
    from kb.gaps.importers import read_tickets

    stream = read_tickets(
        Path(tickets_path), fmt=fmt, on_error=on_error, mapping=Path(mapping) if mapping else None
    )
    tickets = list(stream)
    linker = open_linker(site, threshold)
    signals, failed = site_signals(site, db_url, since)
    return analyse(
        tickets,
        linker,
        signals,
        failed_queries=failed,
        since=since,
        problems=stream.problems,
        skipped=stream.skipped,
        duplicates=stream.duplicates,
        progress=progress,
    )
