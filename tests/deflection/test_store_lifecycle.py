"""The event store follows the app's lifespan: its writer thread and connections exist
between a startup and a shutdown only, nothing queued is lost when it closes, and it
opens again for the next startup or for a request that arrives after the shutdown.

Falcon's TestClient runs a whole lifespan around every request, so each `simulate_*`
call below is a startup, a request and a shutdown. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
import uuid

import psutil
import pytest
from falcon import testing

from deflection.api import create_app
from deflection.events import Event
from deflection.store import EventStore
from tests.deflection.conftest import Backend
from tests.deflection.servers import BROWSER


@pytest.fixture
def site(make_kb):
    from deflection.site_index import index_site
    from kb.settings import load_site

    site = load_site(make_kb())
    index_site(site)
    return site


def writers() -> int:
    return sum(t.name == "kb-event-writer" for t in threading.enumerate())


def held(backend: Backend) -> list[str]:
    """What of the database this process holds open: SQLite files, PostgreSQL sessions."""
    if backend.name == "sqlite":
        folder = str(backend.files[0])
        return [f.path for f in psutil.Process().open_files() if f.path.startswith(folder)]
    deadline = time.monotonic() + 5
    while True:  # a server process ends a moment after its client has said goodbye
        sessions = [f"session {pid}" for pid, in backend.query(
            "select pid from pg_stat_activity where datname = current_database() "
            "and pid <> pg_backend_pid()")]
        if not sessions or time.monotonic() > deadline:
            return sessions
        time.sleep(0.02)


def stored(backend: Backend) -> int:
    return backend.query("select count(*) from events")[0][0]


def body() -> dict:
    return {"events": [{"id": str(uuid.uuid4()), "type": "view",
                        "path": "en/billing/refunds.md", "lang": "en"}]}


HEADERS = {"User-Agent": BROWSER}


def test_each_shutdown_closes_the_store_and_each_startup_opens_it(site, backend):
    before = writers()
    client = testing.TestClient(create_app(site, db=backend.url))
    for n in (1, 2, 3):
        assert client.simulate_post("/api/events", json=body(),
                                    headers=HEADERS).status_code == 202
        assert writers() == before, f"request {n}: the writer thread outlived the shutdown"
        assert held(backend) == [], f"request {n}: the database is still held open"
    assert stored(backend) == 3


def test_a_request_after_the_shutdown_is_stored(site, backend):
    before = writers()
    app = create_app(site, db=backend.url)

    async def scenario() -> list[int]:
        async with testing.ASGIConductor(app) as conductor:  # startup … shutdown
            first = await conductor.simulate_post("/api/events", json=body(),
                                                  headers=HEADERS)
        # no lifespan around this one: it comes after the shutdown
        late = await testing.ASGIConductor(app).simulate_post("/api/events", json=body(),
                                                              headers=HEADERS)
        async with testing.ASGIConductor(app):  # the next lifespan closes it again
            pass
        return [first.status_code, late.status_code]

    assert asyncio.run(scenario()) == [202, 202]
    assert stored(backend) == 2
    assert writers() == before and held(backend) == []


def test_close_commits_everything_queued_and_a_later_write_opens_the_store(backend):
    before = writers()
    store = EventStore(backend.url)
    assert writers() == before and held(backend) == [], "nothing runs before the first use"
    now = dt.datetime.now(dt.UTC)

    def add() -> object:
        return store.add([Event(id=str(uuid.uuid4()), type="view", path="en/a.md")],
                         "0" * 32, now)

    queued = [add() for _ in range(300)]  # not waited for
    store.close()
    assert all(f.done() and f.exception() is None for f in queued)
    assert stored(backend) == 300
    assert writers() == before and held(backend) == []
    assert add().result(timeout=10) == 1, "a write after close opens the store again"
    store.close()
    assert stored(backend) == 301
    assert writers() == before and held(backend) == []


def test_a_writer_that_cannot_connect_fails_the_batch_and_connects_for_the_next(tmp_path):
    import sqlalchemy as sa

    store = EventStore(f"sqlite:///{tmp_path / 'events.db'}")
    connect, calls = store.engine.connect, []

    def down_once() -> sa.Connection:
        calls.append(1)
        if len(calls) == 1:
            raise sa.exc.OperationalError("connect", {}, Exception("the server is down"))
        return connect()

    store.engine.connect = down_once
    event = Event(id=str(uuid.uuid4()), type="view", path="en/a.md")
    try:
        with pytest.raises(sa.exc.OperationalError, match="the server is down"):
            store.add([event], "0" * 32, dt.datetime.now(dt.UTC)).result(timeout=10)
        assert store.add([event], "0" * 32, dt.datetime.now(dt.UTC)).result(timeout=10) == 1
    finally:
        store.close()
