"""The event store: SQLite by default, PostgreSQL for several replicas, behind
SQLAlchemy Core (schema and migrations: `store_schema`).

Durability: SQLite runs in WAL mode with `synchronous=NORMAL` by default, so a
committed (acknowledged) event survives a crash of kb and the file cannot be corrupted;
`?synchronous=full` on the URL also makes it survive a power cut, at one fsync per commit
(`store_schema.sqlite_synchronous`). PostgreSQL commits with its own (default)
`synchronous_commit=on`.

Writes: one writer thread per process owns the only writing connection and commits
what has queued up in one transaction (group commit). Requests wait for that commit
before they are answered, so "acknowledged" means "on disk". On SQLite a batch of
only events is one multi-row INSERT in autocommit mode, which SQLite runs as its own
transaction: one call into SQLite a batch, where BEGIN, a step per row and COMMIT each
released and re-took the GIL the event loop needs; and the writer checkpoints the WAL
in its quiet moments (bench/RESULTS.md). With one writer there is no "database is
locked", and SQLite 3.40's WAL-reset bug (several connections writing and
checkpointing at once; fixed in 3.51.3) cannot happen: only the writer writes or
checkpoints; readers open the file read-only. On
PostgreSQL each replica has its writer; inserts are idempotent on the event id
(ON CONFLICT DO NOTHING), so a retry through another replica is a no-op too.

Lifecycle: `open` (the API's lifespan startup) or the first write starts the writer;
`close` (the shutdown) commits what is queued, stops it and closes the connections. A
write after `close` starts a new writer once the old one is done: still one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import queue
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import lru_cache
from operator import itemgetter

import sqlalchemy as sa

from deflection.events import Event
from deflection.metrics import Row
from deflection.store_schema import (
    MIGRATIONS,
    SQLITE_TIME,
    StoreError,
    backend_of,
    check_ours,
    connect_error,
    daily_summary_table,
    default_url,
    drops_table,
    events_table,
    insert,
    migrate,
    open_engine,
    salts_table,
    shown,
)

__all__ = ["MIGRATIONS", "EventStore", "StoreError", "default_url", "migrate", "read_all"]

log = logging.getLogger(__name__)

MAX_BATCH = 512
# SQLite checkpoints (copies the WAL into the database file, with an fsync) when the
# writer has been idle this long, so a burst of events does not wait behind one; under
# unbroken load SQLite's own threshold (store_schema) still bounds the WAL.
IDLE_CHECKPOINT_S = 0.05
TRIES = 3  # a batch PostgreSQL broke a deadlock with runs again, up to this many times
SALT_KEEP_DAYS = 2  # today's and yesterday's: a salt is deleted 48 hours after its day began


_STOP = object()


# the order of the insert's positional parameters; `id` first, so rows sort by id
COLUMNS = ("id", "type", "ts", "visitor", "path", "query", "results", "rank", "helpful",
           "reason", "comment", "lang")


class _Rows:
    """An insert job: the writer merges these into one statement per batch."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows


def _rows(events: list[Event], visitor: str, now: dt.datetime, sqlite: bool) -> _Rows:
    # naive UTC; SQLite gets the text SQLAlchemy's DateTime reads back (the raw driver
    # insert skips SQLAlchemy's own conversion)
    ts: object = now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now
    if sqlite:
        ts = ts.strftime(SQLITE_TIME)
    # tuples in COLUMNS order: the driver binds them without a dict lookup per column
    return _Rows([(e.id, e.type, ts, visitor, e.path, e.query, e.results, e.rank, e.helpful,
                   e.reason, e.comment, e.lang) for e in events])


class _LoopFuture:
    """An asyncio future resolved from the writer thread."""

    __slots__ = ("loop", "future")

    def __init__(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
        self.loop = loop
        self.future = future


def _claim(fut) -> bool:
    """False for a waiter that gave up (a cancelled request): its job is skipped."""
    if isinstance(fut, _LoopFuture):
        return not fut.future.cancelled()
    return fut.set_running_or_notify_cancel()


def _settle_all(outcomes: list[tuple[object, object, bool]]) -> None:
    """Tell every waiter of a batch its outcome (future, value, failed). Event-loop
    waiters are woken with one call per loop, not one per request: each wake-up is a
    write to the loop's self-pipe and a pass of the loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list] = {}
    for fut, value, failed in outcomes:
        if isinstance(fut, _LoopFuture):
            by_loop.setdefault(fut.loop, []).append((fut.future, value, failed))
        elif fut.done():
            continue  # told already (a batch failed after part of it was settled)
        elif failed:
            fut.set_exception(value)
        else:
            fut.set_result(value)
    for loop, waiting in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            loop.call_soon_threadsafe(_settle_futures, waiting)


def _settle_futures(waiting: list) -> None:
    for future, value, failed in waiting:
        if not future.done():
            future.set_exception(value) if failed else future.set_result(value)


class _Insert:
    """The events insert, compiled once with positional parameters in COLUMNS order; the
    hot path hands tuples straight to the driver, parameterised like every statement here.

    `many` inserts one row per execution (executemany: PostgreSQL pipelines it);
    `rows(n)` is SQLite's statement for n rows at once."""

    def __init__(self, engine: sa.Engine) -> None:
        from sqlalchemy.dialects import postgresql, sqlite

        statement = insert(engine, events_table) \
            .values({c: sa.bindparam(c) for c in COLUMNS}) \
            .on_conflict_do_nothing(index_elements=["id"])
        dialect = sqlite.dialect(paramstyle="qmark") if engine.dialect.name == "sqlite" \
            else postgresql.psycopg.dialect(paramstyle="format")
        compiled = statement.compile(dialect=dialect)
        if tuple(compiled.positiontup or ()) != COLUMNS:
            raise StoreError(f"the events insert binds {compiled.positiontup}, not {COLUMNS}")
        self.many = str(compiled)
        head, values, tail = re.fullmatch(r"(.* VALUES )(\([^)]*\))( .*)", self.many,
                                          re.DOTALL).groups()
        self._parts = head, values, tail
        # the recent sizes only, as the driver's own statement cache: a busy server sees
        # thousands of batch sizes, and a statement of n rows is n × 30 characters
        self.rows = lru_cache(maxsize=128)(self._statement)

    def _statement(self, n: int) -> str:
        head, values, tail = self._parts
        return head + ", ".join([values] * n) + tail


def _transient(exc: Exception) -> bool:
    """A deadlock or serialization failure (PostgreSQL): the same batch can run again."""
    state = getattr(exc, "sqlstate", None) or getattr(getattr(exc, "orig", None), "sqlstate",
                                                      None)
    return state in ("40P01", "40001")


def _drop_if_broken(conn: sa.Connection) -> None:
    """After the server went away (PostgreSQL restarted), the next batch reconnects."""
    with contextlib.suppress(sa.exc.DBAPIError):  # still down: the next batch says so
        driver = conn.connection.driver_connection
        if getattr(driver, "broken", False) or getattr(driver, "closed", False):
            conn.invalidate()


def _checkpoint(conn: sa.Connection) -> None:
    """Copy the WAL's pages into the database file (PASSIVE: readers are not waited for).
    Only the writer does it, on its own connection (the WAL-reset bug needs a second one)."""
    try:
        conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite3.Error:  # the next quiet moment, or SQLite's own threshold, tries again
        log.warning("the event store's checkpoint failed; it will be tried again",
                    exc_info=True)


def _only_rows(batch: list) -> bool:
    return all(isinstance(job, _Rows) for job, _ in batch)


def _sorted_rows(live: list) -> list[tuple]:
    # In id order, so two replicas inserting the same retried ids take their row locks in
    # the same order and cannot deadlock each other (by the id alone: two rows of one id
    # may hold None and text in the same column)
    return sorted((row for job, _ in live if isinstance(job, _Rows) for row in job.rows),
                  key=itemgetter(0))


class EventStore:
    """Writes through one thread with group commit; see the module docstring."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = open_engine(url)
        self.backend = backend_of(self.engine)
        try:
            migrate(self.engine)
        except sa.exc.DBAPIError as exc:
            raise connect_error(url, exc) from None
        finally:
            # the writer connects when it starts: a store made but never used holds no
            # connection, and a process forked after making it shares none
            self.engine.dispose()
        self._insert = _Insert(self.engine)  # here, not in the writer: a bug fails loudly
        self._salts: dict[str, bytes] = {}
        # the running writer's queue (None: closed) and the last writer; changed under the
        # lock, so no job is queued behind a _STOP
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue | None = None
        self._writer: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------

    def open(self) -> None:
        """Start the writer unless it runs; every write does too, also after `close`."""
        with self._lock:
            self._open()

    def _open(self) -> queue.SimpleQueue:
        if self._queue is None:
            self._queue = queue.SimpleQueue()  # unbounded, in C
            self._writer = threading.Thread(
                target=self._write_loop, args=(self._queue, self._writer),
                name="kb-event-writer", daemon=True)
            self._writer.start()
        return self._queue

    def close(self, timeout: float = 30) -> None:
        """Finish what is queued (every acknowledged event is committed), stop the writer
        and close the connections. The store can be used again: the next write reopens it."""
        with self._lock:
            jobs, writer, self._queue = self._queue, self._writer, None
            if jobs is not None:
                jobs.put(_STOP)
        if writer is not None:
            writer.join(timeout)
            if writer.is_alive():  # its connection must not be closed under it
                log.warning("the event writer did not stop within %s s; its connection "
                            "stays open until it does", timeout)
                return
        with self._lock:
            if self._queue is None:  # not reopened meanwhile: its writer owns a connection
                self.engine.dispose()

    def _put(self, item: tuple) -> None:
        with self._lock:
            self._open().put(item)

    # -- writing -------------------------------------------------------------

    def submit(self, job: Callable[[sa.Connection], object]) -> Future:
        future: Future = Future()
        self._put((job, future))
        return future

    def _write_loop(self, jobs: queue.SimpleQueue, previous: threading.Thread | None) -> None:
        if previous is not None:
            previous.join()  # one writer at a time, also when reopened while closing
        insert_events = self._insert
        written = False  # since the last checkpoint
        conn: sa.Connection | None = None  # made for the first batch, then kept
        try:
            while True:
                try:
                    item = jobs.get(timeout=IDLE_CHECKPOINT_S if written else None)
                except queue.Empty:  # a quiet moment: move the WAL into the database now
                    _checkpoint(conn)
                    written = False
                    continue
                if item is _STOP:
                    return
                batch = [item]
                while len(batch) < MAX_BATCH:
                    try:
                        nxt = jobs.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is _STOP:
                        jobs.put(_STOP)
                        break
                    batch.append(nxt)
                if conn is None:
                    try:
                        conn = self.engine.connect()
                    except sa.exc.DBAPIError as exc:  # the server is down: the next batch
                        _settle_all([(fut, exc, True) for _, fut in batch])  # tries again
                        continue
                written = self.backend == "sqlite"
                try:
                    if self.backend == "sqlite" and _only_rows(batch):
                        self._commit_rows(conn, batch, insert_events)
                    else:
                        self._commit(conn, batch, insert_events)
                except Exception as exc:  # a bug, not the database: fail this batch only
                    log.exception("the event writer failed a batch; it goes on")
                    _settle_all([(fut, exc, True) for _, fut in batch])
        finally:
            if conn is not None:
                conn.close()

    @staticmethod
    def _commit_rows(conn: sa.Connection, batch: list, insert_events: _Insert) -> None:
        """SQLite, a batch of events only: one INSERT of every row, its own transaction
        (the connection is in autocommit mode). All rows are stored or none."""
        live = [(job, fut) for job, fut in batch if _claim(fut)]
        rows = _sorted_rows(live)
        driver = conn.connection.driver_connection
        per_statement = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(COLUMNS)
        chunks = [rows[i:i + per_statement] for i in range(0, len(rows), per_statement)]
        try:
            if len(chunks) > 1:  # more rows than one statement binds: one transaction
                driver.execute("BEGIN IMMEDIATE")
            for chunk in chunks:
                driver.execute(insert_events.rows(len(chunk)), [v for row in chunk for v in row])
            if len(chunks) > 1:
                driver.execute("COMMIT")
        except Exception as exc:  # nothing of the batch is stored
            if driver.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    driver.execute("ROLLBACK")
            _settle_all([(fut, exc, True) for _, fut in live])
            return
        _settle_all([(fut, len(job.rows), False) for job, fut in live])

    @staticmethod
    def _commit(conn: sa.Connection, batch: list, insert_events: _Insert) -> None:
        """One transaction for the batch: all event rows in one statement, then the other
        jobs. Waiters hear the outcome only after the commit."""
        live = [(job, fut) for job, fut in batch if _claim(fut)]
        rows = _sorted_rows(live)
        for attempt in range(1, TRIES + 1):
            results: list[object] = []
            try:
                with conn.begin():
                    if rows:
                        cursor = conn.connection.driver_connection.cursor()
                        cursor.executemany(insert_events.many, rows)
                        cursor.close()
                    for job, _ in live:
                        results.append(len(job.rows) if isinstance(job, _Rows) else job(conn))
                break
            except Exception as exc:  # nothing of the batch is stored
                if attempt < TRIES and _transient(exc):
                    continue  # PostgreSQL chose this transaction to break a deadlock
                _settle_all([(fut, exc, True) for _, fut in live])  # every waiter is told
                _drop_if_broken(conn)
                return
        _settle_all([(fut, result, False)
                     for (_, fut), result in zip(live, results, strict=True)])

    def add(self, events: list[Event], visitor: str, now: dt.datetime) -> Future:
        """Store events (a retried id is a no-op); resolves after the commit."""
        future: Future = Future()
        self._put((_rows(events, visitor, now, self.backend == "sqlite"), future))
        return future

    def add_async(self, events: list[Event], visitor: str,
                  now: dt.datetime) -> asyncio.Future:
        """`add` for the event loop: the writer wakes the loop once per batch."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._put((_rows(events, visitor, now, self.backend == "sqlite"),
                   _LoopFuture(loop, future)))
        return future

    def count_drop(self, reason: str, n: int, now: dt.datetime) -> Future:
        day = now.date().isoformat()

        def job(conn: sa.Connection) -> None:
            stmt = insert(conn, drops_table).values(day=day, reason=reason[:60], count=n)
            conn.execute(stmt.on_conflict_do_update(
                index_elements=["day", "reason"],
                set_={"count": drops_table.c.count + stmt.excluded.count}))

        return self.submit(job)

    def cached_salt(self, day: dt.date) -> bytes | None:
        return self._salts.get(day.isoformat())

    def salt(self, day: dt.date) -> bytes:
        """The day's salt, made on first use; salts older than 48 hours are deleted."""
        key = day.isoformat()
        if key in self._salts:
            return self._salts[key]
        oldest = (day - dt.timedelta(days=SALT_KEEP_DAYS - 1)).isoformat()

        # Race-free across replicas: whoever inserts first wins, every replica then reads
        # the one stored salt, so all of them hash a visitor the same way.
        def job(conn: sa.Connection) -> bytes:
            conn.execute(insert(conn, salts_table).values(day=key, salt=secrets.token_bytes(32))
                         .on_conflict_do_nothing(index_elements=["day"]))
            conn.execute(salts_table.delete().where(salts_table.c.day < oldest))
            return conn.execute(sa.select(salts_table.c.salt)
                                .where(salts_table.c.day == key)).scalar_one()

        self._salts = {key: self.submit(job).result(timeout=30)}
        return self._salts[key]

    def flush(self, timeout: float = 30) -> None:
        """Wait until everything queued so far is committed (a closed store opens)."""
        self.submit(lambda conn: None).result(timeout=timeout)


def read_all(url: str, since: dt.datetime | None = None,
             max_comments: int = 200) -> tuple[list[Row], dict, list[dict]]:
    """Events, drop counts, and the latest "No" votes' comments, read-only."""
    engine = open_engine(url, readonly=True)
    try:
        with engine.connect() as conn:
            check_ours(conn, url)
            if not sa.inspect(conn).has_table("events"):
                raise StoreError(f"no events in {shown(url)} yet: start `kb serve-api --db "
                                 "URL` to collect events, or pass another --db")
            # ts, then id: the same order on both backends when times are equal
            query = sa.select(events_table).order_by(events_table.c.ts, events_table.c.id)
            drops = sa.select(drops_table.c.reason, sa.func.sum(drops_table.c.count)) \
                .group_by(drops_table.c.reason).order_by(drops_table.c.reason)
            if since is not None:
                query = query.where(events_table.c.ts >= _naive(since))
                drops = drops.where(drops_table.c.day >= since.date().isoformat())
            rows = [Row(type=r.type, ts=r.ts, visitor=r.visitor, path=r.path, query=r.query,
                        results=r.results, rank=r.rank, helpful=r.helpful, reason=r.reason,
                        lang=r.lang) for r in conn.execute(query)]
            dropped = {reason: int(n) for reason, n in conn.execute(drops)}
            said = sa.select(events_table.c.ts, events_table.c.path, events_table.c.reason,
                             events_table.c.comment, events_table.c.lang) \
                .where(events_table.c.type == "vote", events_table.c.comment.is_not(None),
                       events_table.c.comment != "") \
                .order_by(events_table.c.ts.desc(), events_table.c.id.desc()) \
                .limit(max_comments)
            if since is not None:
                said = said.where(events_table.c.ts >= _naive(since))
            comments = [{"ts": r.ts.isoformat(timespec="seconds"), "path": r.path,
                         "reason": r.reason, "comment": r.comment, "lang": r.lang}
                        for r in conn.execute(said)]
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"cannot read the events database {shown(url)}: "
                         f"{str(exc.orig).strip()}") from None
    finally:
        engine.dispose()
    return rows, dropped, comments


def events_version(url: str) -> tuple | None:
    """What changes whenever events are stored or pruned (counts and the latest time),
    read-only: a cache of anything computed from the store can be checked against it.
    None when the database has no events table yet."""
    engine = open_engine(url, readonly=True)
    try:
        with engine.connect() as conn:
            check_ours(conn, url)
            tables = sa.inspect(conn).get_table_names()
            if "events" not in tables:
                return None
            events = conn.execute(sa.select(sa.func.count(), sa.func.max(events_table.c.ts))
                                  ).one()
            pruned = conn.execute(sa.select(sa.func.count(),
                                            sa.func.sum(daily_summary_table.c.events))
                                  ).one() if "daily_summary" in tables else (0, None)
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"cannot read the events database {shown(url)}: "
                         f"{str(exc.orig).strip()}") from None
    finally:
        engine.dispose()
    return (*events, *pruned)


def _naive(moment: dt.datetime) -> dt.datetime:
    """Stored times are naive UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=None)
