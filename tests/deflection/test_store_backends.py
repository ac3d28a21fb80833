"""SQLite and PostgreSQL give the same results: answers, stored rows, salts, metrics.

Each backend also gets what only several replicas can do to it: stores racing for
today's salt, for the migrations and for the same event ids.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable

import pytest
from falcon import testing

from deflection.events import Event
from deflection.store import EventStore, StoreError
from deflection.store_schema import MIGRATIONS
from tests.deflection.conftest import Backend

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0 Safari/537.36")
COLUMNS = "id, type, path, query, results, rank, helpful, reason, comment, lang"


@pytest.fixture
def both(tmp_path, postgres_server) -> list[Backend]:
    return [Backend("sqlite", f"sqlite:///{tmp_path / 'events.db'}"),
            Backend("postgresql", postgres_server.new_database())]


def uid(n: int) -> str:
    return str(uuid.UUID(int=n, version=4))


def race(calls: list[Callable[[], object]]) -> None:
    """Run each call in its own thread, all released at the same moment; wait for them."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        start.wait()
        call()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def requests() -> list[tuple[bytes, str, str]]:
    """(body, content type, user agent): good, retried, hostile and bot requests."""
    good = {"events": [
        {"id": uid(1), "type": "view", "path": "en/billing/refunds.md", "lang": "en"},
        {"id": uid(2), "type": "search", "query": "  refund  ", "results": 0, "lang": "en"},
        {"id": uid(3), "type": "vote", "path": "en/billing/refunds.md", "helpful": False,
         "reason": "outdated", "comment": "Шаги устарели 😀 <script>x</script>"},
        {"id": uid(4), "type": "result_click", "query": "refund", "path": "en/a.md",
         "rank": 1.0},
        {"id": uid(5), "type": "contact_click"}]}
    event = {"id": uid(6), "type": "view", "path": "en/x.md"}
    out = [(json.dumps(good).encode(), "application/json", BROWSER),
           (json.dumps(good).encode(), "text/plain;charset=UTF-8", BROWSER)]  # a retry
    for bad in ({"path": "a\x00b"}, {"query": "nul\x00"}, {"path": "x" * 301},
                {"type": "pageview"}, {"results": -1}, {"comment": "votes only"},
                {"lang": "english"}, {"extra": 1}):
        out.append((json.dumps({"events": [event, {**event, **bad}]}).encode(),
                    "application/json", BROWSER))
    out += [
        (b'{"events": [{"id": "' + uid(7).encode() + b'", "type": "view", "path": "\\ud800"}]}',
         "application/json", BROWSER),
        (b'{"events": [{"id": "' + uid(8).encode() + b'", "type": "view", "path": "a\\u0000"}]}',
         "application/json", BROWSER),
        (b"{not json", "application/json", BROWSER),
        (b"\xff\xfe", "text/plain", BROWSER),
        (b'{"events": [' + b"x" * 20000 + b"]}", "application/json", BROWSER),
        (b"<events/>", "application/xml", BROWSER),
        (json.dumps({"events": [event]}).encode(), "application/json", "Googlebot/2.1"),
        (json.dumps({"events": [event]}).encode(), "application/json", BROWSER),
    ]
    return out


def test_the_same_requests_get_the_same_answers_and_rows(make_kb, both):
    from deflection.api import create_app
    from deflection.site_index import index_site
    from kb.settings import load_site

    site = load_site(make_kb())
    index_site(site)
    answers, rows = [], []
    for backend in both:
        client = testing.TestClient(create_app(site, db=backend.url))
        answers.append([(r.status_code, r.text, r.headers.get("X-KB-Dropped"))
                        for r in (client.simulate_post(
                            "/api/events", body=body,
                            headers={"Content-Type": kind, "User-Agent": ua})
                            for body, kind, ua in requests())])
        rows.append(backend.query(f"select {COLUMNS} from events order by id"))
        rows.append(backend.query("select reason, count from drops"))
    assert answers[0] == answers[1]
    assert [a[0] for a in answers[0]] == [202, 202] + [422] * 10 + [400, 400, 413, 415,
                                                                    202, 202]
    assert rows[0] == rows[2] and rows[1] == rows[3]
    assert len(rows[0]) == 6, "5 events, stored once despite the retry, then 1 more"
    assert rows[0][1][3] == "refund", "text is stripped the same way"


def test_kb_deflection_gives_identical_figures(both, make_kb, run_kb):
    config = make_kb()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=5)
    outputs = []
    for backend in both:
        store = EventStore(backend.url)
        for i in range(40):
            at = now + dt.timedelta(minutes=7 * i)
            visitor = f"{i % 5:032x}"
            events = [Event(id=uid(1000 + 3 * i), type="search", query=f"q{i % 4}",
                            results=i % 3, lang="en"),
                      Event(id=uid(1001 + 3 * i), type="view", path=f"en/{i % 3}.md",
                            lang="ru" if i % 7 == 0 else "en")]
            if i % 4 == 0:
                events.append(Event(id=uid(1002 + 3 * i), type="contact_click"))
            elif i % 4 == 1:
                events.append(Event(id=uid(1002 + 3 * i), type="vote", path=f"en/{i % 3}.md",
                                    helpful=i % 3 == 0, reason=None if i % 3 == 0 else "other",
                                    comment=f"comment {i}"))
            store.add(events, visitor, at).result(timeout=30)
        store.add([Event(id=uid(1000), type="view", path="en/dup.md")], "0" * 32,
                  now).result(timeout=30)  # a retried id stays the first event
        store.count_drop("user-agent:bot", 3, now).result(timeout=30)
        store.close()
        result = run_kb("deflection", "--config", config, "--db", backend.url, "--json")
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.output))
    assert outputs[0] == outputs[1]
    assert outputs[0]["events"]["search"] == 40 and outputs[0]["dropped"] == {
        "user-agent:bot": 3}


def test_replicas_racing_for_todays_salt_get_one(backend):
    stores = [EventStore(backend.url) for _ in range(3)]
    day = dt.date(2026, 11, 22)
    salts: list[bytes] = []
    race([lambda s=s: salts.append(s.salt(day)) for s in stores])
    for store in stores:
        store.close()
    assert len(salts) == 3 and len(set(salts)) == 1
    assert backend.query("select count(*) from salts") == [(1,)]


def test_replicas_migrating_at_once_apply_each_migration_once(backend):
    errors: list[Exception] = []
    stores: list[EventStore] = []

    def open_store() -> None:
        try:
            stores.append(EventStore(backend.url))
        except Exception as exc:  # reported below
            errors.append(exc)

    race([open_store] * 3)
    for store in stores:
        store.close()
    assert errors == []
    names = [r[0] for r in backend.query("select name from kb_migrations order by name")]
    assert names == [name for name, _ in MIGRATIONS]


def test_an_event_id_is_stored_once_whichever_replica_gets_it(backend):
    stores = [EventStore(backend.url) for _ in range(2)]
    now = dt.datetime.now(dt.UTC)
    events = [Event(id=uid(n), type="view", path="en/a.md") for n in range(20)]
    futures = [store.add(events[i::2] + events[:10], "v" * 32, now)
               for i, store in enumerate(stores)]
    for future in futures:
        future.result(timeout=30)
    for store in stores:
        store.close()
    assert backend.query("select count(*), count(distinct id) from events") == [(20, 20)]


def test_unreachable_and_unknown_databases_are_explained(postgres_server):
    from tests.browser.conftest import free_port

    closed = f"postgresql://kb:s3cret@127.0.0.1:{free_port()}/kb"
    with pytest.raises(StoreError, match="cannot use the events database") as caught:
        EventStore(closed)
    assert "s3cret" not in str(caught.value) and "check that the server runs" in str(
        caught.value)
    with pytest.raises(StoreError, match="does not exist"):
        EventStore(postgres_server.url("no_such_database"))
    with pytest.raises(StoreError, match="sqlite:/// or postgresql://"):
        EventStore("mysql://kb@localhost/kb")
    with pytest.raises(StoreError, match="not a database URL"):
        EventStore("events.db")


def test_a_lost_server_connection_fails_one_batch_and_the_next_reconnects(postgres_server):
    backend = Backend("postgresql", postgres_server.new_database())
    store = EventStore(backend.url)
    now = dt.datetime.now(dt.UTC)
    store.add([Event(id=uid(1), type="view", path="en/a.md")], "v" * 32, now).result(30)
    database = backend.url.rsplit("/", 1)[1]
    backend.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = "
                  f"'{database}' and pid <> pg_backend_pid()")
    outcomes = []
    for n in range(2, 5):
        try:
            store.add([Event(id=uid(n), type="view", path="en/a.md")], "v" * 32,
                      now).result(30)
            outcomes.append("stored")
        except Exception:  # the batch on the dead connection: its waiter is told
            outcomes.append("failed")
    store.close()
    assert outcomes == ["failed", "stored", "stored"], "unacknowledged, then reconnected"
    stored = {r[0] for r in backend.query("select id from events")}
    assert stored == {uid(1)} | {uid(n) for n, o in zip(range(2, 5), outcomes, strict=True)
                                 if o == "stored"}


@pytest.mark.parametrize(("query", "pragma"), [("", 1), ("?synchronous=normal", 1),
                                               ("?synchronous=full", 2)])
def test_sqlite_durability_is_chosen_on_the_url(tmp_path, query, pragma):
    store = EventStore(f"sqlite:///{tmp_path / 'events.db'}{query}")
    try:
        mode = store.submit(lambda conn: conn.exec_driver_sql("PRAGMA synchronous")
                            .scalar()).result(timeout=10)
        store.add([Event(id=uid(1), type="view", path="en/a.md", lang="en")], "v",
                  dt.datetime.now(dt.UTC)).result(timeout=10)
    finally:
        store.close()
    assert mode == pragma


@pytest.mark.parametrize(("query", "named"), [("?synchronous=off", "synchronous='off'"),
                                              ("?journal=wal", "unknown option 'journal'")])
def test_a_bad_sqlite_option_is_named(tmp_path, query, named):
    with pytest.raises(StoreError, match=named):
        EventStore(f"sqlite:///{tmp_path / 'events.db'}{query}")
    assert not (tmp_path / "events.db").exists()


def test_a_database_made_before_003_loses_the_type_index_and_keeps_its_events(backend):
    """001 and 002 as they ran when 001 still created events_type_ts; then today's store."""
    import sqlalchemy as sa

    from deflection.store_schema import migrations_table, open_engine

    engine = open_engine(backend.url)
    with engine.begin() as conn:
        migrations_table.create(conn)
        for name, step in MIGRATIONS[:2]:
            step(conn)
            conn.execute(sa.text("insert into kb_migrations (name, applied_at) "
                                 "values (:n, :t)"), {"n": name, "t": dt.datetime(2026, 11, 1)})
        conn.exec_driver_sql("CREATE INDEX events_type_ts ON events (type, ts)")
        conn.execute(sa.text("insert into events (id, type, ts, visitor) values "
                             "(:id, 'view', :ts, 'v')"),
                     {"id": uid(7), "ts": dt.datetime(2026, 11, 1)})
    engine.dispose()

    EventStore(backend.url).close()
    engine = open_engine(backend.url)
    try:
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("events")}
    finally:
        engine.dispose()
    assert "events_type_ts" not in indexes and "events_ts" in indexes
    assert backend.query("select id from events") == [(uid(7),)]


def test_a_new_sqlite_file_gets_small_pages(tmp_path):
    """Every commit writes each page it touched to the WAL; the random ids touch one
    index page per row, so small pages mean fewer bytes a commit (bench/events.py)."""
    store = EventStore(f"sqlite:///{tmp_path / 'events.db'}")
    try:
        size = store.submit(lambda conn: conn.exec_driver_sql("PRAGMA page_size").scalar()
                            ).result(timeout=10)
    finally:
        store.close()
    assert size == 1024


def test_one_request_holding_an_id_twice_stores_it_once_and_the_writer_goes_on(backend):
    """Rows of one id may differ (None against text): the batch is ordered by id alone."""
    store = EventStore(backend.url)
    now = dt.datetime.now(dt.UTC)
    try:
        store.add([Event(id=uid(1), type="view", path=None, lang="en"),
                   Event(id=uid(1), type="view", path="en/a.md", lang="en")],
                  "v" * 32, now).result(timeout=10)
        store.add([Event(id=uid(2), type="view", path="en/b.md")], "v" * 32,
                  now).result(timeout=10)
    finally:
        store.close()
    assert backend.query("select count(*), count(distinct id) from events") == [(2, 2)]


def test_sqlite_stores_a_batch_wider_than_one_statement_whole_or_not_at_all(tmp_path):
    """On SQLite a batch of events is one INSERT; past SQLite's bound-parameter limit it is
    several, in one transaction: a bad row late in the batch leaves none of it stored."""
    store = EventStore(f"sqlite:///{tmp_path / 'events.db'}")
    now = dt.datetime.now(dt.UTC)

    def narrow(conn) -> None:  # 3 rows a statement
        conn.connection.driver_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 36)

    def count() -> int:
        return store.submit(lambda conn: conn.exec_driver_sql(
            "select count(*) from events").scalar()).result(timeout=10)

    try:
        store.submit(narrow).result(timeout=10)
        good = [Event(id=uid(n), type="view", path=f"en/{n}.md") for n in range(1, 11)]
        assert store.add(good, "v" * 32, now).result(timeout=10) == 10
        assert count() == 10
        bad = [Event(id=uid(n), type="view", path=f"en/{n}.md") for n in range(11, 18)]
        bad.append(Event(id=uid(99), type=None, path="en/x.md"))  # NOT NULL: fails last
        with pytest.raises(sqlite3.IntegrityError):
            store.add(bad, "v" * 32, now).result(timeout=10)
        assert count() == 10, "a failed batch leaves nothing behind"
        assert store.add([Event(id=uid(20), type="view")], "v" * 32,
                         now).result(timeout=10) == 1, "the writer goes on"
    finally:
        store.close()


@pytest.mark.parametrize("idle_s, copied", [(0.05, True), (3600, False)])
def test_sqlite_checkpoints_when_the_writer_is_idle(tmp_path, monkeypatch, idle_s, copied):
    """Between bursts the writer copies the WAL into the database file, so no burst waits
    behind a checkpoint; with no quiet moment the pages stay in the WAL."""
    import time

    import deflection.store

    monkeypatch.setattr(deflection.store, "IDLE_CHECKPOINT_S", idle_s)
    path = tmp_path / "events.db"
    store = EventStore(f"sqlite:///{path}")
    try:
        store.flush()
        time.sleep(0.3)  # the migrations' own writes are checkpointed (or not) first
        before = path.stat().st_size
        events = [Event(id=uid(n), type="view", path=f"en/{n}.md") for n in range(1, 301)]
        store.add(events, "v" * 32, dt.datetime.now(dt.UTC)).result(timeout=10)
        time.sleep(0.5)
        grew = path.stat().st_size > before
    finally:
        store.close()
    assert grew is copied


def _tables_and_migrations(backend: Backend) -> tuple[set[str], list[tuple]]:
    import sqlalchemy as sa

    from deflection.store_schema import open_engine

    engine = open_engine(backend.url, readonly=True)
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    names = backend.query("select name from kb_migrations order by name") \
        if "kb_migrations" in tables else []
    return tables, names


def _every_opening_refuses(url: str, match: str) -> None:
    """The server's store, the reports' readers and the prune all say `match`."""
    from deflection.retention import prune_events, read_summary
    from deflection.store import events_version, read_all

    for open_it in (EventStore, read_all, read_summary, events_version,
                    lambda u: prune_events(u, 30)):
        with pytest.raises(StoreError, match=match):
            open_it(url)


def test_a_database_a_newer_kb_migrated_is_refused_with_nothing_written(backend):
    EventStore(backend.url).close()
    backend.query("insert into kb_migrations (name, applied_at) values "
                  "('004_future', '2027-01-01 00:00:00')")
    before = _tables_and_migrations(backend)

    _every_opening_refuses(backend.url, r"this database was migrated by a newer kb "
                           r"\(004_future\); upgrade kb or use another --db")
    assert _tables_and_migrations(backend) == before


def test_another_applications_events_table_is_refused_with_nothing_written(backend):
    if backend.name == "sqlite":
        backend.files[0].mkdir()
    backend.query("create table events (id integer primary key, name text)")
    backend.query("insert into events (id, name) values (1, 'theirs')")
    mode = backend.query("pragma journal_mode") if backend.name == "sqlite" else None

    _every_opening_refuses(backend.url, "it holds another application's events table "
                           r"\(kb did not create it\); use another --db")
    assert _tables_and_migrations(backend) == ({"events"}, [])
    assert backend.query("select id, name from events") == [(1, "theirs")]
    if backend.name == "sqlite":
        assert backend.query("pragma journal_mode") == mode == [("delete",)], "not WAL'd"
