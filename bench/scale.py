"""Replicas: three `kb serve-api` processes on one PostgreSQL behind nginx, against one.

Both set-ups run in the same invocation, on the same machine, through the same nginx
(deflection/deploy/nginx.conf, Debian's nginx), each on a fresh database of one
throwaway PostgreSQL 15 started with its default durability (fsync on,
synchronous_commit on), or on `--db postgresql://...` (each set-up then gets a new
database created next to the one named, so the URL's user needs CREATEDB).
The load is bench/events.py's: CLIENTS threads with keep-alive connections post TOTAL
events, 1-5 a request, every event type, browser User-Agents; about 5% of the requests
are retries of an earlier body (same ids) which, behind nginx, may reach another replica.
Visitors differ by X-Forwarded-For (the client is a trusted proxy here, like a CDN).

Reported per set-up: events acknowledged (202), 4xx/5xx/failed requests, events/s over
the whole load, request p50/p99, and from the database: stored rows == unique
acknowledged ids, 0 duplicates.

`--db sqlite` runs the one-replica set-up only, on SQLite (several replicas cannot
share an SQLite file: see `kb serve-api --workers`).

Example:
    .venv/bin/python bench/scale.py
    .venv/bin/python bench/scale.py --events 30000 --clients 24 --replicas 3 --json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from events import free_port, make_plan, make_site, run_load  # noqa: E402

from tests.browser.conftest import wait_for  # noqa: E402
from tests.deflection.conftest import throwaway_postgres  # noqa: E402
from tests.deflection.proxy import NGINX, nginx  # noqa: E402

KB = Path(sys.executable).parent / "kb"


def new_database(base_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


def check_db(url: str, acked: set[str]) -> dict:
    import sqlalchemy as sa

    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            stored = {row[0] for row in conn.exec_driver_sql("SELECT id FROM events")}
            rows = conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
    finally:
        engine.dispose()
    return {"stored": rows, "unique_acked": len(acked), "duplicates": rows - len(stored),
            "missing": len(acked - stored), "unexpected": len(stored - acked)}


def run_setup(replicas: int, url: str, config: Path, site_root: Path, plan: list,
              work: Path) -> dict:
    """`replicas` kb processes on `url` behind nginx; the load; the database check."""
    ports = [free_port() for _ in range(replicas)]
    servers = []
    try:
        for port in ports:
            with (work / f"replica-{port}.log").open("w") as log:
                servers.append(subprocess.Popen(
                    [str(KB), "serve-api", "--config", str(config), "--port", str(port),
                     "--db", url], stdout=log, stderr=subprocess.STDOUT))
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/api/health", timeout=120)
        proxy_port = free_port()
        with nginx(work / f"nginx-{replicas}", site_root,
                   [f"127.0.0.1:{p}" for p in ports], proxy_port):
            result = run_load(proxy_port, plan)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)  # graceful: everything acknowledged is kept
        for server in servers:
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    acked = result.pop("acked_ids")
    result.update(check_db(url, acked))
    result["replicas"] = replicas
    result.pop("client_cpu_s", None)
    return result


@contextlib.contextmanager
def databases(db: str) -> Iterator[Callable[[str], str]]:
    """A function naming a fresh database URL per set-up."""
    if db == "sqlite":
        with tempfile.TemporaryDirectory(prefix="kb-bench-scale-db-") as tmp:
            yield lambda name: f"sqlite:///{Path(tmp) / name}.db"
    elif db == "auto":
        with throwaway_postgres(durable=True) as server:
            yield lambda name: new_database(server.url(), name)
    else:
        yield lambda name: new_database(db, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="example:" + __doc__.split("Example:")[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=30_000, help="events in all (30000)")
    parser.add_argument("--clients", type=int, default=24, help="concurrent clients (24)")
    parser.add_argument("--replicas", type=int, default=3, help="replicas of the scaled "
                        "set-up (3)")
    parser.add_argument("--db", default="auto", help="auto (a throwaway PostgreSQL 15), "
                        "postgresql://... (a server to create databases on), or sqlite")
    parser.add_argument("--seed", type=int, default=13, help="of the planned requests (13)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if NGINX is None:
        sys.exit("nginx is not installed: apt-get install nginx (Debian), then run again")
    setups = [1] if args.db == "sqlite" else [1, args.replicas]
    with tempfile.TemporaryDirectory(prefix="kb-bench-scale-") as tmp, \
            databases(args.db) as fresh:
        work = Path(tmp)
        config, paths = make_site(work)
        site_root = work / "site"
        site_root.mkdir()
        (site_root / "index.html").write_text("<!doctype html><title>kb</title>")
        plan = make_plan(args.events, args.clients, paths, args.seed)
        results = [run_setup(n, fresh(f"kb_scale_{n}"), config, site_root, plan, work)
                   for n in setups]
    requests = sum(len(reqs) for reqs in plan)
    retries = sum(r[3] for reqs in plan for r in reqs)
    summary = {
        "no_server_errors": all(r["5xx"] == 0 and r["failed"] == 0 for r in results),
        "stored_equals_unique_ids": all(r["missing"] == r["unexpected"] == 0
                                        and r["stored"] == r["unique_acked"]
                                        for r in results),
        "no_duplicates": all(r["duplicates"] == 0 for r in results),
    }
    if len(results) == 2:
        summary["speedup"] = round(results[1]["events_per_s"] / results[0]["events_per_s"], 2)
    if args.json:
        print(json.dumps({"setup": {"events": args.events, "clients": args.clients,
                                    "requests": requests, "retries": retries,
                                    "db": args.db, "seed": args.seed},
                          "results": results, "summary": summary}, indent=2))
        return
    print(f"{args.events} events in {requests} requests ({retries} retries, "
          f"{retries / requests:.1%}), {args.clients} clients, db {args.db}, behind nginx\n")
    columns = ["replicas", "events_acked", "4xx", "5xx", "failed", "seconds", "events_per_s",
               "p50_ms", "p99_ms", "stored", "unique_acked", "duplicates", "missing"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---:|" * len(columns))
    for r in results:
        print("| " + " | ".join(str(r[c]) for c in columns) + " |")
    print()
    for name, ok in summary.items():
        print(f"  {name}: {ok if name == 'speedup' else ('yes' if ok else 'NO')}")


if __name__ == "__main__":
    main()
