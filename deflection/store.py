"""The event store: SQLite by default, behind SQLAlchemy Core (PostgreSQL comes next).

Durability: SQLite runs in WAL mode with `synchronous=FULL`, so a committed
(acknowledged) event survives a crash of the process and of the machine.

Writes: one writer thread owns the only writing connection and commits what has
queued up in one transaction (group commit). Requests wait for that commit
before they are answered, so "acknowledged" means "on disk". With one writer
there is no "database is locked", and SQLite 3.40's WAL-reset bug (several
connections writing and checkpointing at once; fixed in 3.51.3) cannot happen:
only the writer writes or checkpoints; readers open the file read-only.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import queue
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from deflection.events import Event
from deflection.metrics import Row
from kb.errors import KBError

MAX_BATCH = 512
SALT_KEEP_DAYS = 2  # today's and yesterday's: a salt is deleted 48 hours after its day began

metadata = sa.MetaData()
events_table = sa.Table(
    "events", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("ts", sa.DateTime, nullable=False),
    sa.Column("visitor", sa.String(32), nullable=False),
    sa.Column("path", sa.String(300)),
    sa.Column("query", sa.String(200)),
    sa.Column("results", sa.Integer),
    sa.Column("rank", sa.Integer),
    sa.Column("helpful", sa.Boolean),
    sa.Column("reason", sa.String(40)),
    sa.Column("comment", sa.String(2000)),
    sa.Column("lang", sa.String(16)),
    sa.Index("events_ts", "ts"),
    sa.Index("events_type_ts", "type", "ts"),
)
salts_table = sa.Table(
    "salts", metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("salt", sa.LargeBinary(32), nullable=False),
)
drops_table = sa.Table(
    "drops", metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("reason", sa.String(60), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)
migrations_table = sa.Table(
    "kb_migrations", metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)


def _m001_events(conn: sa.Connection) -> None:
    for table in (events_table, salts_table, drops_table):
        table.create(conn)  # with its indexes


# Applied in order, each in its own transaction with its record. Never edit one that
# has shipped: add the next.
MIGRATIONS: list[tuple[str, Callable[[sa.Connection], None]]] = [
    ("001_events_salts_drops", _m001_events),
]


class StoreError(KBError):
    pass


def default_url(root: Path) -> str:
    return f"sqlite:///{root / 'events.db'}"


def _engine(url: str, readonly: bool) -> sa.Engine:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"--db {url!r} is not a database URL; write sqlite:///path/events.db"
                         ) from None
    if parsed.get_backend_name() != "sqlite":
        raise StoreError(f"--db {url!r}: only sqlite:/// URLs are supported in this version")
    path = parsed.database or ""
    if not path or path == ":memory:":
        raise StoreError("--db needs a file: sqlite:///path/events.db")
    if readonly:
        if not Path(path).is_file():
            raise StoreError(f"no events database at {path}: start `kb serve-api` to collect "
                             "events, or pass --db")
        engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true",
                                  poolclass=sa.pool.NullPool)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.StaticPool,
                                  connect_args={"check_same_thread": False,
                                                "isolation_level": None})

    @sa_event.listens_for(engine, "connect")
    def _pragmas(dbapi, _record) -> None:
        cursor = dbapi.cursor()
        cursor.execute("PRAGMA busy_timeout = 10000")
        if not readonly:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    if not readonly:
        @sa_event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: sa.Engine) -> list[str]:
    with engine.begin() as conn:
        migrations_table.create(conn, checkfirst=True)
        done = {r[0] for r in conn.execute(sa.select(migrations_table.c.name))}
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with engine.begin() as conn:
            step(conn)
            conn.execute(migrations_table.insert().values(
                name=name, applied_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
        applied.append(name)
    return applied


_STOP = object()
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


class _Rows:
    """An insert job: the writer merges these into one statement per batch."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows


def _rows(events: list[Event], visitor: str, now: dt.datetime) -> _Rows:
    ts = now.strftime(SQLITE_TIME)  # the text SQLAlchemy's DateTime reads back
    return _Rows([{"id": e.id, "type": e.type, "ts": ts, "visitor": visitor, "path": e.path,
                   "query": e.query, "results": e.results, "rank": e.rank,
                   "helpful": e.helpful, "reason": e.reason, "comment": e.comment,
                   "lang": e.lang} for e in events])


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


def _settle(fut, value, failed: bool = False) -> None:
    if isinstance(fut, _LoopFuture):
        def settle(f=fut.future) -> None:
            if not f.done():
                f.set_exception(value) if failed else f.set_result(value)

        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            fut.loop.call_soon_threadsafe(settle)
    elif failed:
        fut.set_exception(value)
    else:
        fut.set_result(value)


class EventStore:
    """Writes through one thread with group commit; see the module docstring."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url, readonly=False)
        migrate(self.engine)
        self._queue: queue.Queue = queue.Queue()
        self._salts: dict[str, bytes] = {}
        self._writer = threading.Thread(target=self._write_loop, name="kb-event-writer",
                                        daemon=True)
        self._writer.start()

    # -- writing -------------------------------------------------------------

    def submit(self, job: Callable[[sa.Connection], object]) -> Future:
        future: Future = Future()
        self._queue.put((job, future))
        return future

    def _write_loop(self) -> None:
        from sqlalchemy.dialects import sqlite
        from sqlalchemy.dialects.sqlite import insert

        statement = insert(events_table).on_conflict_do_nothing(index_elements=["id"])
        # compiled once; the hot insert then goes straight to the driver (executemany),
        # parameterised like every statement here
        insert_events = str(statement.compile(dialect=sqlite.dialect(paramstyle="named")))
        with self.engine.connect() as conn:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                batch = [item]
                while len(batch) < MAX_BATCH:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is _STOP:
                        self._queue.put(_STOP)
                        break
                    batch.append(nxt)
                self._commit(conn, batch, insert_events)

    @staticmethod
    def _commit(conn: sa.Connection, batch: list, insert_events) -> None:
        """One transaction for the batch: all event rows in one statement, then the other
        jobs. Waiters hear the outcome only after the commit."""
        live = [(job, fut) for job, fut in batch if _claim(fut)]
        rows = [row for job, _ in live if isinstance(job, _Rows) for row in job.rows]
        results: list[object] = []
        try:
            with conn.begin():
                if rows:
                    cursor = conn.connection.driver_connection.cursor()
                    cursor.executemany(insert_events, rows)
                    cursor.close()
                for job, _ in live:
                    results.append(len(job.rows) if isinstance(job, _Rows) else job(conn))
        except Exception as exc:  # nothing of the batch is stored: every waiter is told
            for _, fut in live:
                _settle(fut, exc, failed=True)
            return
        for (_, fut), result in zip(live, results, strict=True):
            _settle(fut, result)

    def add(self, events: list[Event], visitor: str, now: dt.datetime) -> Future:
        """Store events (a retried id is a no-op); resolves after the commit."""
        future: Future = Future()
        self._queue.put((_rows(events, visitor, now), future))
        return future

    def add_async(self, events: list[Event], visitor: str,
                  now: dt.datetime) -> asyncio.Future:
        """`add` for the event loop: the writer wakes the loop once per batch."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put((_rows(events, visitor, now), _LoopFuture(loop, future)))
        return future

    def count_drop(self, reason: str, n: int, now: dt.datetime) -> Future:
        day = now.date().isoformat()

        def job(conn: sa.Connection) -> None:
            from sqlalchemy.dialects.sqlite import insert

            stmt = insert(drops_table).values(day=day, reason=reason[:60], count=n)
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

        def job(conn: sa.Connection) -> bytes:
            from sqlalchemy.dialects.sqlite import insert

            conn.execute(insert(salts_table).values(day=key, salt=secrets.token_bytes(32))
                         .on_conflict_do_nothing(index_elements=["day"]))
            conn.execute(salts_table.delete().where(salts_table.c.day < oldest))
            return conn.execute(sa.select(salts_table.c.salt)
                                .where(salts_table.c.day == key)).scalar_one()

        self._salts = {key: self.submit(job).result(timeout=30)}
        return self._salts[key]

    def flush(self, timeout: float = 30) -> None:
        """Wait until everything queued so far is committed."""
        self.submit(lambda conn: None).result(timeout=timeout)

    def close(self) -> None:
        """Finish what is queued (every acknowledged event is committed), then stop."""
        self._queue.put(_STOP)
        self._writer.join(timeout=30)
        self.engine.dispose()


def read_all(url: str, since: dt.datetime | None = None,
             max_comments: int = 200) -> tuple[list[Row], dict, list[dict]]:
    """Events, drop counts, and the latest "No" votes' comments, read-only."""
    engine = _engine(url, readonly=True)
    try:
        with engine.connect() as conn:
            query = sa.select(events_table).order_by(events_table.c.ts)
            drops = sa.select(drops_table.c.reason, sa.func.sum(drops_table.c.count)) \
                .group_by(drops_table.c.reason)
            if since is not None:
                query = query.where(events_table.c.ts >= since.replace(tzinfo=None))
                drops = drops.where(drops_table.c.day >= since.date().isoformat())
            rows = [Row(type=r.type, ts=r.ts, visitor=r.visitor, path=r.path, query=r.query,
                        results=r.results, rank=r.rank, helpful=r.helpful, reason=r.reason,
                        lang=r.lang) for r in conn.execute(query)]
            dropped = {reason: int(n) for reason, n in conn.execute(drops)}
            said = sa.select(events_table.c.ts, events_table.c.path, events_table.c.reason,
                             events_table.c.comment, events_table.c.lang) \
                .where(events_table.c.type == "vote", events_table.c.comment.is_not(None),
                       events_table.c.comment != "") \
                .order_by(events_table.c.ts.desc()).limit(max_comments)
            if since is not None:
                said = said.where(events_table.c.ts >= since.replace(tzinfo=None))
            comments = [{"ts": r.ts.isoformat(timespec="seconds"), "path": r.path,
                         "reason": r.reason, "comment": r.comment, "lang": r.lang}
                        for r in conn.execute(said)]
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot read the events database: {exc.orig}") from None
    finally:
        engine.dispose()
    return rows, dropped, comments
