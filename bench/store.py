"""The event store on its two backends: ingestion, size on disk, pruning, shared limiter.

For SQLite (a fresh file, WAL, synchronous=FULL) and PostgreSQL (a throwaway server with
default durability, fsync on, started like the tests' fixture; or --pg URL):
  1. ingest: CLIENTS threads call EventStore.add (5 events a call, the writer's group
     commit) until TOTAL events are stored; 5% of the calls are retries of an earlier
     call (same ids). Reported: events/s, p50/p99 of a call (until its commit), and
     stored == unique ids.
  2. size: bytes on disk per stored event (SQLite: the file after a checkpoint;
     PostgreSQL: pg_total_relation_size of events, indexes included).
  3. prune: the events spread over 100 days; `prune_events --older-than 50` folds and
     deletes half of them in one transaction: seconds, and rows left in the summary.
  4. limiter (PostgreSQL only): SharedRateLimiter.allow from one thread, p50/p99.

Example:
    .venv/bin/python bench/store.py
    .venv/bin/python bench/store.py --events 20000 --clients 16 --json
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deflection.events import Event  # noqa: E402
from deflection.ratelimit import SharedRateLimiter  # noqa: E402
from deflection.retention import prune_events  # noqa: E402
from deflection.store import EventStore  # noqa: E402

TYPES = ["view", "view", "view", "search", "result_click", "vote", "contact_click"]


def events(rng: random.Random, n: int) -> list[Event]:
    out = []
    for _ in range(n):
        kind = rng.choice(TYPES)
        path = f"en/section-{rng.randrange(20)}/article-{rng.randrange(50)}.md"
        out.append(Event(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), type=kind,
            path=path if kind in ("view", "vote", "result_click") else None,
            query="how do I export time entries" if kind in ("search", "result_click")
            else None, results=rng.randrange(6) if kind == "search" else None,
            rank=1 if kind == "result_click" else None,
            helpful=rng.random() < 0.7 if kind == "vote" else None, lang="en"))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ingest(url: str, total: int, clients: int, seed: int) -> dict:
    store = EventStore(url)
    start_day = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)
    lock = threading.Lock()
    latencies: list[float] = []
    sent_ids: set[str] = set()
    per_client = total // clients // 5

    def client(n: int) -> None:
        rng = random.Random(seed + n)
        history: list[tuple[list[Event], str, dt.datetime]] = []
        mine: list[float] = []
        ids = set()
        for i in range(per_client):
            if history and rng.random() < 0.05:
                batch, visitor, at = rng.choice(history)  # a retry: same ids
            else:
                batch = events(rng, 5)
                visitor = f"{rng.getrandbits(128):032x}"
                at = start_day + dt.timedelta(days=100 * i / per_client,
                                              seconds=rng.randrange(3600))
                history.append((batch, visitor, at))
            began = time.perf_counter()
            store.add(batch, visitor, at).result(timeout=60)
            mine.append(time.perf_counter() - began)
            ids.update(e.id for e in batch)
        with lock:
            latencies.extend(mine)
            sent_ids.update(ids)

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    store.close()
    return {"calls": len(latencies), "unique_events": len(sent_ids),
            "events_per_s": round(len(sent_ids) / elapsed),
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 2), "ids": sent_ids}


def stored_ids(url: str) -> list[str]:
    import sqlalchemy as sa

    from deflection.store_schema import open_engine

    engine = open_engine(url, readonly=True)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.text("select id from events"))]
    engine.dispose()
    return ids


def size_per_event(url: str, n: int) -> float:
    import sqlalchemy as sa

    from deflection.store_schema import open_engine, parse_url

    engine = open_engine(url, readonly=True)
    if engine.dialect.name == "sqlite":  # the store is closed: its WAL was checkpointed
        size = Path(parse_url(url).database).stat().st_size
    else:
        with engine.connect() as conn:
            size = conn.execute(sa.text("select pg_total_relation_size('events')")).scalar_one()
    engine.dispose()
    return round(size / n, 1)


def limiter_latency(url: str, calls: int = 2000) -> dict:
    store = EventStore(url)
    limiter = SharedRateLimiter(store.engine, 10**9)
    now = time.time()
    times = []
    for i in range(calls):
        began = time.perf_counter()
        limiter.allow(f"{i % 200:032x}", 1, now)
        times.append(time.perf_counter() - began)
    store.close()
    return {"p50_ms": round(percentile(times, 0.5) * 1000, 3),
            "p99_ms": round(percentile(times, 0.99) * 1000, 3)}


def run_backend(name: str, url: str, args) -> dict:
    result = ingest(url, args.events, args.clients, args.seed)
    ids = stored_ids(url)
    result["stored"] = len(ids)
    result["duplicates"] = len(ids) - len(set(ids))
    result["stored_equals_unique"] = set(ids) == result.pop("ids")
    result["bytes_per_event"] = size_per_event(url, len(ids))
    began = time.perf_counter()
    pruned = prune_events(url, older_than_days=50)
    result["prune"] = {"events_deleted": pruned.events, "summary_rows": pruned.summary_rows,
                       "seconds": round(time.perf_counter() - began, 2)}
    if name == "postgresql":
        result["limiter"] = limiter_latency(url)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--pg", help="an empty PostgreSQL database URL (default: a throwaway "
                        "server)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    results = {}
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        results["sqlite"] = run_backend("sqlite", f"sqlite:///{tmp}/events.db", args)
        url = args.pg
        if url is None:
            from tests.deflection.conftest import throwaway_postgres

            url = stack.enter_context(throwaway_postgres(durable=True)).new_database()
        results["postgresql"] = run_backend("postgresql", url, args)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{args.events} events, {args.clients} client threads, 5 events a call, 5% retries")
    print(f"{'backend':<11} {'events/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'stored':>7} "
          f"{'dups':>5} {'B/event':>8} {'prune s':>8}")
    for name, r in results.items():
        print(f"{name:<11} {r['events_per_s']:>9} {r['p50_ms']:>8} {r['p99_ms']:>8} "
              f"{r['stored']:>7} {r['duplicates']:>5} {r['bytes_per_event']:>8} "
              f"{r['prune']['seconds']:>8}")
    for name, r in results.items():
        print(f"{name}: stored == unique ids: {r['stored_equals_unique']}; prune deleted "
              f"{r['prune']['events_deleted']} into {r['prune']['summary_rows']} summary rows")
    limiter = results["postgresql"]["limiter"]
    print(f"shared rate limiter (PostgreSQL), one call: p50 {limiter['p50_ms']} ms, "
          f"p99 {limiter['p99_ms']} ms")


if __name__ == "__main__":
    main()
