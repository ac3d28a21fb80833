"""How fast `kb serve-api` takes events, against a bare Falcon app on the same server.

  1. kb: `kb serve-api` (a real uvicorn subprocess) on a copy of the sample help center with
     its own fresh SQLite database. CLIENTS threads, each with one keep-alive connection
     (http.client), post TOTAL events between them: 1-5 events a request, a mix of every
     event type, browser User-Agents, application/json. About 5% of the requests are
     retries: the exact body of an earlier request of the same client, same ids. Visitors
     come through a trusted proxy (X-Forwarded-For), 2-8 requests each, as on a real site.
  2. bare: a Falcon ASGI app on uvicorn (same options) whose one POST responder reads the
     body, json-decodes it and answers 202: no validation, no privacy, no store. The same
     requests, clients and connections.
Reported per server: events acknowledged (202), 4xx/5xx, events/s over the whole load,
request latency p50/p99 and the server's CPU seconds; per round, the median 4 KiB
write + fsync where kb's database lives (kb's latency floor: it answers after the
commit). For kb the database is then read (sqlite3, read-only, while the server still
runs): the stored ids must equal the unique acknowledged ids, with no duplicates.
Target: kb events/s >= 0.6 x bare events/s.

Example:
    .venv/bin/python bench/events.py
    .venv/bin/python bench/events.py --events 20000 --clients 16 --json
    .venv/bin/python bench/events.py --profile /tmp/kb.prof   # kb's server under cProfile
    .venv/bin/python bench/events.py --db-dir /dev/shm        # kb without the disk's fsync
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.6
RETRY_SHARE = 0.05
ORIGIN = "http://127.0.0.1:8000"  # the sample config's site_url
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.81 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.80",
]
QUERIES = {"en": ["reset password", "refund", "invoice pdf", "2fa lost phone", "slack",
                  "export csv", "delete account", "webhook failing", "change plan"],
           "ru": ["забыл пароль", "возврат денег", "счёт", "экспорт данных"],
           "th": ["ลืมรหัสผ่าน", "คืนเงิน", "ใบแจ้งหนี้"]}
TYPE_WEIGHTS = {"view": 45, "search": 25, "result_click": 12, "vote": 8,
                "suggestion_click": 5, "contact_click": 5}


# -- the load: planned up front, so the clients only send ---------------------------------

def make_event(rng: random.Random, paths: list[str]) -> dict:
    kind = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    path = rng.choice(paths)
    lang = path.split("/")[0] if path.split("/")[0] in QUERIES else "en"
    event = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "type": kind,
             "lang": lang}
    if kind in ("search", "result_click", "suggestion_click"):
        event["query"] = rng.choice(QUERIES[lang])
    if kind == "search":
        event["results"] = rng.choice([0, 1, 3, 5, 10])
    elif kind in ("result_click", "suggestion_click"):
        event.update(path=path, rank=rng.randint(1, 5))
    elif kind in ("view", "contact_click"):
        event["path"] = path
    elif kind == "vote":
        event.update(path=path, helpful=rng.random() < 0.7)
        if not event["helpful"]:
            event["reason"] = rng.choice(["outdated", "missing_steps", "hard_to_understand"])
            event["comment"] = rng.choice(["", "The screenshots are old.", "Step 3 fails."])
    return event


def make_plan(total: int, clients: int, paths: list[str], seed: int) -> list[list[tuple]]:
    """Per client, its requests in order: (body, headers, ids, is_retry); `total` events."""
    rng = random.Random(seed)
    plan: list[list[tuple]] = [[] for _ in range(clients)]
    visitors = [0] * clients
    left, c = total, 0
    while left > 0:
        c = (c + 1) % clients
        visitors[c] += 1
        ip = f"10.{c}.{visitors[c] // 250}.{visitors[c] % 250 + 1}"
        headers = {"User-Agent": rng.choice(USER_AGENTS), "Content-Type": "application/json",
                   "Accept": "*/*", "Accept-Language": "en-US,en;q=0.9", "Origin": ORIGIN,
                   "X-Forwarded-For": ip}
        for _ in range(rng.randint(2, 8)):
            if left <= 0:
                break
            earlier = [r for r in plan[c] if not r[3]]
            if earlier and rng.random() < RETRY_SHARE:
                body, old_headers, ids, _ = rng.choice(earlier)
                plan[c].append((body, old_headers, ids, True))
            else:
                events = [make_event(rng, paths) for _ in range(min(rng.randint(1, 5), left))]
                plan[c].append((json.dumps({"events": events}).encode(), headers,
                                tuple(e["id"] for e in events), False))
            left -= len(plan[c][-1][2])
    return plan


def run_load(port: int, plan: list[list[tuple]]) -> dict:
    """Each client sends its requests over one keep-alive connection; all start together."""
    start_line = threading.Barrier(len(plan) + 1)
    results: list[list[tuple[float, int, tuple]]] = [[] for _ in plan]

    def client(requests: list[tuple], out: list) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start_line.wait()
        for body, headers, ids, _retry in requests:
            began = time.perf_counter()
            try:
                conn.request("POST", "/api/events", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()  # counted as a failure; the next request reconnects
                status = 0
            out.append((time.perf_counter() - began, status, ids))
        conn.close()

    threads = [threading.Thread(target=client, args=(reqs, out))
               for reqs, out in zip(plan, results, strict=True)]
    for t in threads:
        t.start()
    start_line.wait()
    began, cpu = time.perf_counter(), time.process_time()
    for t in threads:
        t.join()
    wall, client_cpu = time.perf_counter() - began, time.process_time() - cpu
    rows = [r for out in results for r in out]
    acked = [ids for _, status, ids in rows if status == 202]
    latencies = sorted(s for s, _, _ in rows)
    return {"requests": len(rows), "events_acked": sum(len(ids) for ids in acked),
            "acked_ids": {i for ids in acked for i in ids},
            "4xx": sum(400 <= s < 500 for _, s, _ in rows),
            "5xx": sum(s >= 500 for _, s, _ in rows),
            "failed": sum(s == 0 for _, s, _ in rows), "seconds": round(wall, 3),
            "events_per_s": round(sum(len(ids) for ids in acked) / wall, 1),
            "p50_ms": round(percentile(latencies, 50) * 1000, 2),
            "p99_ms": round(percentile(latencies, 99) * 1000, 2),
            "client_cpu_s": round(client_cpu, 2)}


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# -- the two servers ---------------------------------------------------------------------

def bare_app():
    import falcon
    import falcon.asgi

    class Events:
        async def on_post(self, req, resp) -> None:
            data = json.loads(await req.stream.read())
            resp.status = falcon.HTTP_202
            resp.media = {"accepted": len(data["events"]), "dropped": 0}

    app = falcon.asgi.App()
    app.add_route("/api/events", Events())
    return app


def serve_bare(port: int) -> None:
    import uvicorn

    from deflection.serve import uvicorn_options

    # exactly the server settings of `kb serve-api` (httptools and uvloop when installed)
    uvicorn.run(bare_app(), **uvicorn_options("127.0.0.1", port))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(command: list[str], port: int, plan: list[list[tuple]], log: Path,
            db: Path | None = None) -> dict:
    """Start a server, load it (with its CPU seconds), check the database (kb), stop it."""
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        cpu = cpu_seconds(server.pid)
        result = run_load(port, plan)
        result["server_cpu_s"] = round(cpu_seconds(server.pid) - cpu, 2)
        acked = result.pop("acked_ids")
        if db is not None:
            result.update(check_db(db, acked))
    finally:
        # Ctrl+C: uvicorn shuts down gracefully, then re-raises it (KeyboardInterrupt), which
        # still lets cProfile write its file; after SIGTERM it would die before that
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return result


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) of a running process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fsync_ms(folder: Path, n: int = 50) -> float:
    """The median time of a 4 KiB write + fsync where the database lives: kb answers
    only after its commit reached the disk, so this bounds its latency (the bare
    endpoint never waits for a disk)."""
    path = folder / f"fsync-probe-{os.getpid()}"
    times = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for _ in range(n):
            os.write(fd, b"x" * 4096)
            began = time.perf_counter()
            os.fsync(fd)
            times.append(time.perf_counter() - began)
    finally:
        os.close(fd)
        path.unlink()
    return round(statistics.median(times) * 1000, 3)


def check_db(db: Path, acked: set[str]) -> dict:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM events")}
        rows, = conn.execute("SELECT count(*) FROM events").fetchone()
    return {"stored": rows, "unique_acked": len(acked), "duplicates": rows - len(stored),
            "missing": len(acked - stored), "unexpected": len(stored - acked)}


def make_site(root: Path) -> tuple[Path, list[str]]:
    """A copy of the sample help center, indexed, behind a trusted local proxy."""
    from deflection.site_index import index_site
    from kb.settings import load_site

    shutil.copytree(ROOT / "articles", root / "articles")
    text = (ROOT / "site_config.yml").read_text(encoding="utf-8")
    text = text.replace("tickets: tests/", f"tickets: {ROOT}/tests/", 1)  # the sample export
    assert "  - kb/site:\n" in text, "the sample config has no kb/site plugin entry"
    config = root / "site_config.yml"
    config.write_text(text.replace("  - kb/site:\n", "  - kb/site:\n"
                                   "      trusted_proxies: [127.0.0.1]\n", 1), encoding="utf-8")
    index_site(load_site(config))
    paths = sorted(p.relative_to(root / "articles").as_posix()
                   for p in (root / "articles").rglob("*.md") if not p.name.startswith("_"))
    return config, paths


def run_rounds(args: argparse.Namespace, tmp: Path) -> tuple[list[dict], list[list[tuple]]]:
    """Each round: kb then bare (odd rounds: bare first), the same planned requests."""
    config, paths = make_site(tmp)
    plan = make_plan(args.events, args.clients, paths, args.seed)
    rounds = []
    for r in range(args.rounds):
        one = {}
        for name in ("kb", "bare") if r % 2 == 0 else ("bare", "kb"):
            port, db = free_port(), (args.db_dir or tmp) / f"events-{r}-{os.getpid()}.db"
            if name == "kb":
                command = [str(Path(sys.executable).parent / "kb"), "serve-api", "--config",
                           str(config), "--port", str(port), "--db", f"sqlite:///{db}"]
                if args.profile:
                    command = [sys.executable, "-m", "cProfile", "-o", args.profile, *command]
                one["kb"] = measure(command, port, plan, tmp / "kb.log", db)
            else:
                command = [sys.executable, __file__, "--serve-bare", str(port)]
                one["bare"] = measure(command, port, plan, tmp / "bare.log")
        one["ratio"] = round(one["kb"]["events_per_s"] / one["bare"]["events_per_s"], 3)
        one["fsync_p50_ms"] = fsync_ms(args.db_dir or tmp)
        rounds.append(one)
        if args.db_dir:
            for leftover in args.db_dir.glob(f"events-{r}-{os.getpid()}.db*"):
                leftover.unlink()
    return rounds, plan


def summarize(rounds: list[dict]) -> dict:
    kbs = [r["kb"] for r in rounds]
    ratio = statistics.median(r["ratio"] for r in rounds)
    return {
        "median_ratio": ratio, "ratio_met": ratio >= TARGET_RATIO,
        **{f"median_{name}_{key}": statistics.median(r[name][key] for r in rounds)
           for name in ("kb", "bare") for key in ("events_per_s", "p99_ms", "server_cpu_s")},
        "median_fsync_p50_ms": statistics.median(r["fsync_p50_ms"] for r in rounds),
        "no_server_errors": all(k["5xx"] == 0 and k["failed"] == 0 for k in kbs),
        "stored_equals_acked": all(k["missing"] == k["unexpected"] == 0
                                   and k["stored"] == k["unique_acked"] for k in kbs),
        "no_duplicates": all(k["duplicates"] == 0 for k in kbs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="example:" + __doc__.split("Example:")[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000, help="events in all (10000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="kb/bare pairs; the median ratio is reported (3)")
    parser.add_argument("--seed", type=int, default=13, help="of the planned requests (13)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--db-dir", type=Path, help="folder of kb's database (default: a "
                        "temporary folder); /dev/shm takes the disk out (fsync is free there)")
    parser.add_argument("--profile", metavar="FILE", help="run kb's server under cProfile "
                        "(its event-loop thread; one round), write FILE, print the top")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return
    if args.profile:
        args.rounds = 1
    with tempfile.TemporaryDirectory(prefix="kb-bench-events-") as tmp:
        rounds, plan = run_rounds(args, Path(tmp))
    summary = summarize(rounds)
    retries = sum(r[3] for reqs in plan for r in reqs)
    requests = sum(len(reqs) for reqs in plan)
    if args.json:
        print(json.dumps({"setup": {"events": args.events, "clients": args.clients,
                                    "requests": requests, "retries": retries,
                                    "seed": args.seed}, "rounds": rounds, "summary": summary},
                         indent=2))
    else:
        print(f"{args.events} events in {requests} requests ({retries} retries, "
              f"{retries / requests:.1%}), {args.clients} clients, {args.rounds} round(s)\n")
        columns = {"events_acked": "acked", "4xx": "4xx", "5xx": "5xx", "failed": "failed",
                   "seconds": "s", "events_per_s": "events/s", "p50_ms": "p50 ms",
                   "p99_ms": "p99 ms", "server_cpu_s": "server CPU s",
                   "client_cpu_s": "client CPU s"}
        print("| round | server | " + " | ".join(columns.values()) + " |")
        print("|---:|---|" + "---:|" * len(columns))
        for i, one in enumerate(rounds, 1):
            for name in ("kb", "bare"):
                print(f"| {i} | {name} | " + " | ".join(str(one[name][c]) for c in columns)
                      + " |")
        for i, one in enumerate(rounds, 1):
            k = one["kb"]
            print(f"round {i}: kb/bare {one['ratio']:.2f}, fsync p50 {one['fsync_p50_ms']} ms; "
                  f"database {k['stored']} rows = "
                  f"{k['unique_acked']} unique acknowledged ids, {k['missing']} missing, "
                  f"{k['unexpected']} unexpected, {k['duplicates']} duplicates")
        s = summary
        print(f"\nmedian events/s: kb {s['median_kb_events_per_s']}, bare "
              f"{s['median_bare_events_per_s']}; median p99: kb {s['median_kb_p99_ms']} ms, "
              f"bare {s['median_bare_p99_ms']} ms")
        print(f"median server CPU a request: kb "
              f"{s['median_kb_server_cpu_s'] / requests * 1e6:.0f} us, bare "
              f"{s['median_bare_server_cpu_s'] / requests * 1e6:.0f} us; median fsync "
              f"{s['median_fsync_p50_ms']} ms where kb's database lives")
        print(f"median kb/bare ratio {s['median_ratio']:.2f} (target >= {TARGET_RATIO}): "
              f"{'met' if s['ratio_met'] else 'MISSED'}")
        for name in ("no_server_errors", "stored_equals_acked", "no_duplicates"):
            print(f"  {name}: {'yes' if s[name] else 'NO'}")
    if args.profile:
        import pstats

        pstats.Stats(args.profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
