"""Retention: old events folded into a daily summary, then deleted (`kb prune-events`).

Whole days only: everything before midnight UTC of (today − DAYS) goes, one day per
transaction, so a day is either still in `events` or wholly in `daily_summary` (a day
of more than DAY_CHUNK events goes per range of visitors, each wholly moved). Each day
is read and summarised outside any write transaction (on SQLite a write transaction
holds the write lock the server's writer waits for); its transaction then only adds the
summary rows and deletes those events: short (about 60 ms for 4,000 events), and safe
to run again. The summary keeps per day, type, path and language the number of events
and the votes (yes/no after the one-vote-per-visitor-article-and-day rule, the last
vote wins), so `kb deflection` still counts every view and vote. Session figures
(sessions, deflection rates, search rates, languages) need the single events: they
cover the events still kept.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from deflection.metrics import SummaryRow
from deflection.store_schema import (
    StoreError,
    backend_of,
    check_ours,
    connect_error,
    daily_summary_table,
    events_table,
    insert,
    migrate,
    open_engine,
    parse_url,
    shown,
)

CHUNK = 10_000
# `--older-than` up to a century: further back is before any event kb stored, and far
# enough back has no date at all (datetime's year 1)
MAX_DAYS = 36_500
# A day with more events than this moves in 16 transactions, one per range of visitors
# (their keys are hex digests). The votes that count are per visitor, article and day,
# so the figures of a day stay right while part of its visitors are moved.
DAY_CHUNK = 20_000
_HEX = "0123456789abcdef"
VISITOR_SLICES = [(_HEX[i] if i else None, _HEX[i + 1] if i < 15 else None)
                  for i in range(16)]


@dataclass(frozen=True)
class Pruned:
    before: str  # the first day kept (YYYY-MM-DD): every event before it was summarised
    events: int  # events deleted
    days: int  # days they spanned
    summary_rows: int  # summary rows written or added to

    def as_dict(self) -> dict:
        return {"before": self.before, "events_deleted": self.events, "days": self.days,
                "summary_rows": self.summary_rows}


def _summarise(rows) -> tuple[Counter, Counter, Counter]:
    """Counts per (day, type, path, lang), and the votes that count, from rows in (ts, id)
    order: the last vote of a visitor on an article in a day wins, as in the metrics."""
    events: Counter = Counter()
    last_vote: dict[tuple[str, str, str], tuple[tuple, bool]] = {}
    for row in rows:
        day = row.ts.date().isoformat()
        key = (day, row.type, row.path or "", row.lang or "")
        events[key] += 1
        if row.type == "vote" and row.path:
            last_vote[(row.visitor, row.path, day)] = (key, bool(row.helpful))
    yes: Counter = Counter()
    no: Counter = Counter()
    for key, helpful in last_vote.values():
        (yes if helpful else no)[key] += 1
    return events, yes, no


def prune_events(url: str, older_than_days: int, now: dt.datetime | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Pruned:
    """Summarise and delete the events of the days before today − `older_than_days`.
    `progress(done, total)` hears how far the reading went."""
    if older_than_days < 1:
        raise StoreError("--older-than must be at least 1 day: today's events stay")
    if older_than_days > MAX_DAYS:
        raise StoreError(f"--older-than {older_than_days}: give at most {MAX_DAYS} days (100 "
                         "years); no event is older")
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        raise StoreError(f"no events database at {parsed.database}: check --db")
    now = now or dt.datetime.now(dt.UTC)
    first_kept = now.astimezone(dt.UTC).date() - dt.timedelta(days=older_than_days)
    cutoff = dt.datetime.combine(first_kept, dt.time())
    engine = open_engine(url)
    if backend_of(engine) == "sqlite":
        _no_checkpoints(engine)
    events: Counter = Counter()
    deleted = 0
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                raise StoreError(f"no events in {shown(url)}: nothing to prune")
        migrate(engine)  # the summary table arrived with migration 002
        # Reads go outside any write transaction: on SQLite every write transaction holds
        # the write lock (BEGIN IMMEDIATE), and the server's writer waits at most
        # busy_timeout (10 s) for it; a read-only connection takes none. PostgreSQL's
        # reads block no writer: its pooled engine serves both.
        sqlite = backend_of(engine) == "sqlite"
        reader = open_engine(url, readonly=True) if sqlite else engine
        try:
            old = events_table.c.ts < cutoff
            with reader.connect() as conn:
                total = conn.execute(sa.select(sa.func.count()).where(old)).scalar_one()
            done = 0
            day = _next_day(reader, dt.datetime.min, cutoff)
            while day is not None:
                end = min(day + dt.timedelta(days=1), cutoff)
                with reader.connect() as conn:
                    in_day = conn.execute(sa.select(sa.func.count()).where(
                        events_table.c.ts >= day, events_table.c.ts < end)).scalar_one()
                for visitors in VISITOR_SLICES if in_day > DAY_CHUNK else [(None, None)]:
                    where = _where(day, end, visitors)
                    day_events, yes, no = _read(reader, where)
                    deleted += _move(engine, day, where, day_events, yes, no)
                    events.update(day_events)
                    done += sum(day_events.values())
                    if progress:
                        progress(done, total)
                day = _next_day(reader, end, cutoff)
        finally:
            if sqlite:
                reader.dispose()
    except sa.exc.OperationalError as exc:  # unreachable, locked, disk full
        raise connect_error(url, exc) from None
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"cannot prune the events in {shown(url)}: {str(exc.orig).strip()}; "
                         "the days already moved stay moved, the others are unchanged: run "
                         "the command again") from None
    finally:
        engine.dispose()
    return Pruned(before=first_kept.isoformat(), events=deleted,
                  days=len({k[0] for k in events}), summary_rows=len(events))


def _next_day(reader: sa.Engine, since: dt.datetime, cutoff: dt.datetime) -> dt.datetime | None:
    """Midnight of the first day with events in [since, cutoff); None when there is none."""
    with reader.connect() as conn:
        first = conn.execute(sa.select(sa.func.min(events_table.c.ts))
                             .where(events_table.c.ts >= since, events_table.c.ts < cutoff)
                             ).scalar_one()
    if first is None:
        return None
    if isinstance(first, str):  # SQLite's min() comes back as the stored text
        first = dt.datetime.strptime(first[:10], "%Y-%m-%d")
    return dt.datetime.combine(first.date(), dt.time())


def _where(day: dt.datetime, end: dt.datetime, visitors: tuple[str | None, str | None]):
    """The events of [day, end) whose visitor is in [low, high) (None: unbounded)."""
    low, high = visitors
    where = [events_table.c.ts >= day, events_table.c.ts < end]
    if low is not None:
        where.append(events_table.c.visitor >= low)
    if high is not None:
        where.append(events_table.c.visitor < high)
    return sa.and_(*where)


def _read(reader: sa.Engine, where) -> tuple[Counter, Counter, Counter]:
    """The summary of a day (or of a range of its visitors), read in chunks without a
    write lock."""
    query = sa.select(events_table.c.type, events_table.c.ts, events_table.c.visitor,
                      events_table.c.path, events_table.c.lang, events_table.c.helpful) \
        .where(where).order_by(events_table.c.ts, events_table.c.id)
    with reader.connect() as conn:
        result = conn.execute(query, execution_options={"yield_per": CHUNK})
        return _summarise(row for chunk in result.partitions() for row in chunk)


def _move(engine: sa.Engine, day: dt.datetime, where, events: Counter, yes: Counter,
          no: Counter) -> int:
    """One short transaction: the summary rows in, the same events out; both or neither,
    so no event is counted twice or lost, and running again is safe."""
    with engine.begin() as conn:
        if events:
            stmt = insert(conn, daily_summary_table)
            table = daily_summary_table
            conn.execute(stmt.on_conflict_do_update(
                index_elements=["day", "type", "path", "lang"],
                set_={"events": table.c.events + stmt.excluded.events,
                      "votes_yes": table.c.votes_yes + stmt.excluded.votes_yes,
                      "votes_no": table.c.votes_no + stmt.excluded.votes_no}),
                [{"day": k[0], "type": k[1], "path": k[2], "lang": k[3], "events": n,
                  "votes_yes": yes[k], "votes_no": no[k]} for k, n in events.items()])
        deleted = conn.execute(events_table.delete().where(where)).rowcount
        if deleted != sum(events.values()):  # events never arrive in the past
            raise StoreError(f"read {sum(events.values())} events of {day.date()} but "
                             f"deleted {deleted}: those were left unchanged (the days "
                             "before are pruned); run the command again")
    return deleted


def _no_checkpoints(engine: sa.Engine) -> None:
    """Leave checkpoints to the server's writer: SQLite 3.40's WAL-reset bug needs two
    connections writing and checkpointing at once."""

    @sa.event.listens_for(engine, "connect")
    def _pragma(dbapi, _record) -> None:
        dbapi.execute("PRAGMA wal_autocheckpoint = 0")


def read_summary(url: str, since: dt.datetime | None = None) -> list[SummaryRow]:
    """The daily summary rows (from `since`'s day on), read-only; none before any prune."""
    engine = open_engine(url, readonly=True)
    try:
        with engine.connect() as conn:
            check_ours(conn, url)
            if not sa.inspect(conn).has_table("daily_summary"):
                return []
            table = daily_summary_table
            query = sa.select(table).order_by(table.c.day, table.c.type, table.c.path,
                                               table.c.lang)
            if since is not None:
                query = query.where(table.c.day >= since.date().isoformat())
            return [SummaryRow(day=r.day, type=r.type, path=r.path or None,
                               lang=r.lang or None, events=r.events, votes_yes=r.votes_yes,
                               votes_no=r.votes_no) for r in conn.execute(query)]
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"cannot read the events database {shown(url)}: "
                         f"{str(exc.orig).strip()}") from None
    finally:
        engine.dispose()
