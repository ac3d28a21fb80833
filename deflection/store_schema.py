"""The event store's schema, migrations and connections, for SQLite and PostgreSQL.

One list of migrations serves both backends: each runs in its own transaction with its
record. On PostgreSQL several replicas may start at once, so migrating holds an
advisory lock: one replica migrates, the others wait and then find nothing to do.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from kb.errors import KBError

WAL_AUTOCHECKPOINT = 32_000  # pages of 1 KiB
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # the text SQLAlchemy's DateTime reads back
MIGRATE_LOCK = 0x6B62_6576  # "kbev": pg_advisory_lock key of the migration step

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
    # no other index: each one is more pages to write in every commit (the hot path);
    # reports read by time, and the type filters ride on events_ts
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
# Per-visitor event counts of a minute, shared by the replicas (PostgreSQL); rows of
# past minutes are pruned as the minutes pass.
rate_counts_table = sa.Table(
    "rate_counts", metadata,
    sa.Column("visitor", sa.String(32), primary_key=True),
    sa.Column("minute", sa.BigInteger, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)
# What `kb prune-events` keeps of the events it deletes: per day, type, path and
# language, the events and the votes (one per visitor, article and day, the last wins).
# Empty path and language stand for none, so the key has no NULLs.
daily_summary_table = sa.Table(
    "daily_summary", metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("type", sa.String(20), primary_key=True),
    sa.Column("path", sa.String(300), primary_key=True),
    sa.Column("lang", sa.String(16), primary_key=True),
    sa.Column("events", sa.Integer, nullable=False),
    sa.Column("votes_yes", sa.Integer, nullable=False),
    sa.Column("votes_no", sa.Integer, nullable=False),
)
migrations_table = sa.Table(
    "kb_migrations", metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)


def _m001_events(conn: sa.Connection) -> None:
    for table in (events_table, salts_table, drops_table):
        table.create(conn)  # with its indexes


def _m002_rate_counts_summary(conn: sa.Connection) -> None:
    rate_counts_table.create(conn)
    daily_summary_table.create(conn)


def _m003_drop_events_type_ts(conn: sa.Connection) -> None:
    # Databases made before 003 have this index (001 created the table's indexes then);
    # a new database never had it. Dropped: it cost 6 % of ingestion and served no query.
    conn.exec_driver_sql("DROP INDEX IF EXISTS events_type_ts")


# Applied in order, each in its own transaction with its record. Never edit one that
# has shipped: add the next.
MIGRATIONS: list[tuple[str, Callable[[sa.Connection], None]]] = [
    ("001_events_salts_drops", _m001_events),
    ("002_rate_counts_daily_summary", _m002_rate_counts_summary),
    ("003_drop_events_type_ts", _m003_drop_events_type_ts),
]


class StoreError(KBError):
    pass


# kb's tables and the migration that creates each
CREATED_BY = {table.name: "001_events_salts_drops"
              for table in (events_table, salts_table, drops_table)} | {
    table.name: "002_rate_counts_daily_summary"
    for table in (rate_counts_table, daily_summary_table)}


def check_ours(conn: sa.Connection, url: sa.URL | str) -> None:
    """Refuse, before anything is read or written, a database this kb must not use: one
    a newer kb migrated (a migration this kb does not know: its tables may have another
    shape), or one where another application has a table of the name of one of kb's."""
    tables = set(sa.inspect(conn).get_table_names())
    applied: set[str] = set()
    if migrations_table.name in tables:
        applied = set(conn.execute(sa.select(migrations_table.c.name)).scalars())
    known = {name for name, _ in MIGRATIONS}
    if applied and not applied & known:
        raise StoreError(f"cannot use the events database {shown(url)}: it holds another "
                         f"application's {migrations_table.name} table, not kb's; use "
                         "another --db for kb's events")
    unknown = sorted(applied - known)
    if unknown:
        raise StoreError(f"cannot use the events database {shown(url)}: this database was "
                         f"migrated by a newer kb ({', '.join(unknown)}); upgrade kb or use "
                         "another --db")
    for table, migration in CREATED_BY.items():
        if table in tables and migration not in applied:
            raise StoreError(f"cannot use the events database {shown(url)}: it holds another "
                             f"application's {table} table (kb did not create it); use "
                             "another --db for kb's events")


def default_url(root: Path) -> str:
    return f"sqlite:///{root / 'events.db'}"


def shown(url: sa.URL | str) -> str:
    """A URL fit for a message: never the password."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<not a URL>"


def backend_of(engine: sa.Engine) -> str:
    return engine.dialect.name  # "sqlite" or "postgresql"


def insert(engine_or_conn: sa.Engine | sa.Connection, table: sa.Table):
    """The backend's INSERT, which has ON CONFLICT (both backends speak it)."""
    if engine_or_conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def parse_url(url: str) -> sa.URL:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(f"--db {url!r} is not a database URL; write sqlite:///path/events.db "
                         "or postgresql://user:password@host/dbname") from None
    backend = parsed.get_backend_name()
    if backend == "postgres":  # the scheme libpq and Heroku-style URLs use
        parsed = parsed.set(drivername="postgresql")
        backend = "postgresql"
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"--db {shown(parsed)}: kb stores events in sqlite:/// or "
                         "postgresql:// databases")
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "postgresql"):
            raise StoreError(f"--db {shown(parsed)}: kb talks to PostgreSQL through psycopg 3; "
                             "write postgresql://… or postgresql+psycopg://…")
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


# SQLite's durability, chosen per database URL (`sqlite:///events.db?synchronous=full`).
# In WAL mode both survive a crash of kb itself (tested with SIGKILL) and neither can
# corrupt the file; "full" also survives a power cut or a kernel crash at the cost of
# one fsync per commit (about half the throughput on this machine's disk: see
# bench/RESULTS.md); "normal" may lose the last commits then.
SYNCHRONOUS = ("normal", "full")


def sqlite_synchronous(parsed: sa.URL) -> str:
    unknown = sorted(set(parsed.query) - {"synchronous"})
    if unknown:
        raise StoreError(f"--db {shown(parsed)}: unknown option {unknown[0]!r}; SQLite URLs "
                         "take only ?synchronous=normal or ?synchronous=full")
    value = parsed.query.get("synchronous", "normal")
    if value not in SYNCHRONOUS:
        raise StoreError(f"--db {shown(parsed)}: synchronous={value!r} is not one of "
                         f"{', '.join(SYNCHRONOUS)}; write ?synchronous=full to fsync every "
                         "commit")
    return value


def _wal(cursor) -> None:
    """Switch a new database file to WAL. The switch needs the file to itself and SQLite
    answers "database is locked" at once, without waiting out busy_timeout, while
    another process is opening the same new file: wait a little and try again."""
    for attempt in range(100):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.05)


def _sqlite_engine(parsed: sa.URL, readonly: bool) -> sa.Engine:
    synchronous = sqlite_synchronous(parsed)
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
        if Path(path).is_file():
            # checked read-only first: opening for writing switches the file to WAL, a
            # write into a file that may be another application's
            _check_file(parsed)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.StaticPool,
                                  connect_args={"check_same_thread": False,
                                                "isolation_level": None})

    @sa_event.listens_for(engine, "connect")
    def _pragmas(dbapi, _record) -> None:
        cursor = dbapi.cursor()
        cursor.execute("PRAGMA busy_timeout = 10000")
        if not readonly:
            # small pages for a new file: each commit writes every page it touched to the
            # WAL, and the random event ids touch a different index page per row
            cursor.execute("PRAGMA page_size = 1024")
            _wal(cursor)
            cursor.execute(f"PRAGMA synchronous = {synchronous.upper()}")  # validated above
            # the writer checkpoints when idle (deflection/store.py); this bound (about
            # 33 MB of WAL) holds only under unbroken load
            cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT}")
        cursor.close()

    if not readonly:
        @sa_event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _check_file(parsed: sa.URL) -> None:
    reader = _sqlite_engine(parsed, readonly=True)
    try:
        with reader.connect() as conn:
            check_ours(conn, parsed)
    except sa.exc.DBAPIError as exc:  # not a database, say
        raise connect_error(parsed, exc) from None
    finally:
        reader.dispose()


def _postgres_engine(parsed: sa.URL, readonly: bool) -> sa.Engine:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError("PostgreSQL needs psycopg 3: pip install 'kb-helpcenter[postgres]'"
                         ) from None
    if readonly:
        return sa.create_engine(parsed, poolclass=sa.pool.NullPool,
                                connect_args={"connect_timeout": 10})
    # the writer holds one connection; the shared rate limiter borrows the others
    return sa.create_engine(parsed, pool_size=8, max_overflow=8, pool_pre_ping=True,
                            connect_args={"connect_timeout": 10})


def open_engine(url: str, readonly: bool = False) -> sa.Engine:
    """An engine for `url` (sqlite:///… or postgresql://…); StoreError names what is wrong."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "postgresql":
        return _postgres_engine(parsed, readonly)
    return _sqlite_engine(parsed, readonly)


def connect_error(url: sa.URL | str, exc: sa.exc.DBAPIError) -> StoreError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return StoreError(f"cannot use the events database {shown(url)}: {reason}; check that the "
                      "server runs and the URL (user, password, host, database) is right")


def migrate(engine: sa.Engine) -> list[str]:
    """Apply the migrations not yet recorded; the names applied. A database kb must not
    use (`check_ours`) is refused with nothing written."""
    if backend_of(engine) != "postgresql":  # one process, one writer: nothing to race
        return _migrate(engine)
    with engine.connect() as lock:  # one replica migrates at a time
        lock.execute(sa.select(sa.func.pg_advisory_lock(MIGRATE_LOCK)))
        lock.commit()  # a session lock: it outlives the transaction
        try:
            return _migrate(engine)
        finally:
            lock.execute(sa.select(sa.func.pg_advisory_unlock(MIGRATE_LOCK)))
            lock.commit()


def _migrate(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        check_ours(conn, engine.url)
    # Each step checks its record inside its own transaction: on SQLite that transaction
    # holds the write lock (BEGIN IMMEDIATE), so a second process cannot apply it too.
    applied = []
    for name, step in MIGRATIONS:
        with engine.begin() as conn:
            migrations_table.create(conn, checkfirst=True)
            done = conn.execute(sa.select(migrations_table.c.name)
                                .where(migrations_table.c.name == name)).first()
            if done:
                continue
            step(conn)
            conn.execute(migrations_table.insert().values(
                name=name, applied_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
        applied.append(name)
    return applied
