"""A visitor's events-per-minute limit, in one process and across replicas sharing
PostgreSQL (three real `kb serve-api` processes)."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from deflection.ratelimit import RateLimiter, SharedRateLimiter, limiter_for
from deflection.store import EventStore
from tests.browser.conftest import free_port, wait_for

KB = Path(sys.executable).parent / "kb"
BROWSER = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like "
           "Gecko) Version/17.5 Safari/605.1.15")
LIMIT = 60
T0 = 1_800_000_000.0  # the start of a minute (divisible by 60)


def limiters(backend, per_minute: int) -> list:
    """Two limiters as two replicas would have them; and their stores, to close."""
    stores = [EventStore(backend.url) for _ in range(2)]
    return [limiter_for(store, per_minute) for store in stores], stores


def test_the_limiter_counts_what_it_allows_and_nothing_it_refuses(backend):
    (first, second), stores = limiters(backend, 10)
    expected = SharedRateLimiter if backend.name == "postgresql" else RateLimiter
    assert isinstance(first, expected)
    v = "f" * 32
    assert first.allow(v, 3, T0) is None and first.allow(v, 3, T0 + 1) is None
    assert first.allow(v, 3, T0 + 2) is None
    assert first.allow(v, 3, T0 + 10) == 50.0, "refused: 9 + 3 > 10; retry at the next minute"
    assert first.allow(v, 1, T0 + 11) is None, "the refused 3 were not counted"
    assert first.allow(v, 1, T0 + 12) is not None
    assert first.allow("e" * 32, 10, T0 + 12) is None, "another visitor has their own count"
    assert first.allow(v, 11, T0 + 70) is not None, "more than the limit in one request"
    assert first.allow(v, 10, T0 + 70) is None, "a new minute starts from zero"
    if backend.name == "postgresql":  # the replicas share one count
        assert second.allow(v, 1, T0 + 71) is not None
        assert first.allow(v, 1, T0 + 200) is None
        minutes = {r[0] for r in backend.query("select minute from rate_counts")}
        assert min(minutes) >= int(T0 // 60) + 2, "past minutes are pruned"
    for store in stores:
        store.close()


def test_concurrent_replicas_never_overshoot(postgres_server):
    from tests.deflection.conftest import Backend

    backend = Backend("postgresql", postgres_server.new_database())
    stores = [EventStore(backend.url) for _ in range(3)]
    shared = [limiter_for(store, 100) for store in stores]
    now = T0 + 600
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda i: shared[i % 3].allow("c" * 32, 1 + i % 3, now),
                                range(300)))
    allowed = sum(1 + i % 3 for i, a in enumerate(answers) if a is None)
    for store in stores:
        store.close()
    assert 98 <= allowed <= 100, "no overshoot; at most a request's worth left unused"
    assert backend.query(f"select n from rate_counts where minute = {int(now // 60)}") == [
        (allowed,)]


@pytest.fixture
def replicas(make_kb, postgres_server):
    """Three `kb serve-api` processes on one PostgreSQL database; their ports."""
    from deflection.site_index import index_site
    from kb.settings import load_site

    url = postgres_server.new_database()
    config = make_kb()
    config.write_text(config.read_text().replace(
        "languages: [en, ru]", f"languages: [en, ru]\n      events_per_minute: {LIMIT}\n"
        f"      database: {json.dumps(url)}"))
    index_site(load_site(config))
    ports = [free_port() for _ in range(3)]
    servers = [subprocess.Popen([str(KB), "serve-api", "--config", str(config), "--port",
                                 str(port)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE) for port in ports]
    try:
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/api/health")
        yield ports, url
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
            server.stderr.close()


def test_a_limit_holds_across_three_replicas(replicas):
    from tests.deflection.conftest import Backend

    ports, url = replicas
    second = time.time() % 60
    if second > 40:  # the whole burst must fall in one minute
        time.sleep(60 - second + 0.2)
    counts = {"accepted": 0, "limited": 0, "other": 0}
    lock = threading.Lock()

    def client(worker: int) -> None:
        conns = {port: http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                 for port in ports}
        for i in range(worker, 3 * LIMIT, 6):
            port = ports[i % 3]  # the visitor's requests spread over every replica
            events = [{"id": str(uuid.uuid4()), "type": "view", "path": "en/a.md"}]
            conns[port].request("POST", "/api/events", body=json.dumps({"events": events}),
                                headers={"Content-Type": "application/json",
                                         "User-Agent": BROWSER})
            answer = conns[port].getresponse()
            answer.read()
            with lock:
                if answer.status == 202:
                    counts["accepted"] += 1
                elif answer.status == 429 and int(answer.getheader("Retry-After")) >= 1:
                    counts["limited"] += 1
                else:
                    counts["other"] += 1
        for conn in conns.values():
            conn.close()

    started = time.time()
    threads = [threading.Thread(target=client, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert int(started // 60) == int(time.time() // 60), "the burst crossed a minute"
    assert counts["other"] == 0, counts
    assert abs(counts["accepted"] - LIMIT) <= LIMIT * 0.10, counts
    assert counts["accepted"] + counts["limited"] == 3 * LIMIT
    stored = Backend("postgresql", url).query("select count(*), count(distinct visitor) "
                                              "from events")
    assert stored == [(counts["accepted"], 1)], "one visitor key on every replica"
