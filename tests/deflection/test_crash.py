"""Acknowledged means on disk: `kb serve-api` killed with SIGKILL loses no acknowledged event.

A client thread posts events without a pause (and, like a browser, retries a request
that got no answer, with the same ids) while the server is killed at 10 random moments
and restarted on the same database. After each restart and at the end, every id that was
answered 202 must be in the database, and SQLite must find the file intact.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from tests.browser.conftest import free_port, wait_for
from tests.deflection.servers import BROWSER, KB, loadable_site

KILLS = 10
SEED = 20261122


@pytest.fixture
def site(make_kb):
    return loadable_site(make_kb)


class Client(threading.Thread):
    """Posts 1-5 events a request over a keep-alive connection; records what got a 202."""

    def __init__(self, port: int, seed: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.acked: set[str] = set()
        self.sent: set[str] = set()
        self.unexpected: list[str] = []  # answers other than 202 (a 5xx is a bug)
        self.stop = threading.Event()

    def body(self) -> tuple[bytes, list[str]]:
        events = []
        for _ in range(self.rng.randint(1, 5)):
            event = {"id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
                     "type": "view", "path": "en/billing/refunds.md", "lang": "en"}
            if self.rng.random() < 0.3:
                event = {**event, "type": "search", "query": "refund", "results": 2}
                del event["path"]
            events.append(event)
        return json.dumps({"events": events}).encode(), [e["id"] for e in events]

    def run(self) -> None:
        conn = None
        pending = None  # a request without an answer: sent again, unchanged
        while not self.stop.is_set():
            body, ids = pending or self.body()
            with self.lock:
                self.sent.update(ids)
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("POST", "/api/events", body=body, headers={
                    "Content-Type": "application/json", "User-Agent": BROWSER,
                    "Origin": f"http://127.0.0.1:{self.port}"})  # a page of the site
                response = conn.getresponse()
                text = response.read()
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn, pending = None, (body, ids)
                time.sleep(0.02)  # the server is down: try again shortly
                continue
            pending = None
            if response.status == 202:
                with self.lock:
                    self.acked.update(ids)
            else:
                self.unexpected.append(f"{response.status} {text[:200]!r}")
        if conn is not None:
            conn.close()

    def snapshot(self) -> set[str]:
        with self.lock:
            return set(self.acked)


def start(config: Path, port: int, db: Path) -> subprocess.Popen:
    log = db.parent / "serve-api.log"
    with log.open("a") as out:
        server = subprocess.Popen(
            [str(KB), "serve-api", "--config", str(config), "--port", str(port),
             "--db", f"sqlite:///{db}"], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", timeout=20)
    except AssertionError:
        server.kill()
        server.wait()
        raise AssertionError(f"kb serve-api did not start:\n{log.read_text()[-2000:]}"
                             ) from None
    return server


def check(db: Path, acked: set[str], sent: set[str], when: str) -> int:
    """Every acknowledged id is stored, nothing unknown is, and the file is intact."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], when
        stored = {row[0] for row in conn.execute("SELECT id FROM events")}
    missing = acked - stored
    assert not missing, f"{when}: {len(missing)} acknowledged ids lost, e.g. {min(missing)}"
    assert stored <= sent, f"{when}: ids that were never sent are stored"
    return len(stored)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_acknowledged_events_survive_sigkill(site, tmp_path):
    rng = random.Random(SEED)
    db, port = tmp_path / "events.db", free_port()
    server = start(site, port, db)
    client = Client(port, SEED)
    client.start()
    try:
        for kill in range(1, KILLS + 1):
            before = len(client.snapshot())
            wait_until(lambda before=before: len(client.snapshot()) > before, 10,
                       f"no event acknowledged after start {kill}: {client.unexpected[:3]}")
            time.sleep(rng.uniform(0.05, 1.0))  # a random moment, often mid-commit
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
            acked = client.snapshot()  # everything answered before the kill
            server = start(site, port, db)
            stored = check(db, acked, client.sent, f"after restart {kill}")
            assert stored >= len(acked)
        wait_until(lambda: len(client.snapshot()) > len(acked), 10,
                   "no event acknowledged after the last restart")
    finally:
        client.stop.set()
        client.join(timeout=15)
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert not client.unexpected, client.unexpected[:5]
    final = client.snapshot()
    check(db, final, client.sent, "at the end")
    assert len(final) > 100  # the test did post a real load
