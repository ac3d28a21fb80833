"""Benchmark: ticket import alone (read → normalise), per export layout: wall and CPU
seconds (CPU time is the steadier figure on a shared machine), tickets per CPU second,
and the peak memory of a process that imports the whole file.

The records are the sample exports' tickets (tests/data/tickets/tickets.ndjson: real
greetings, quoted replies, signatures and personal data in en/ru/th) repeated with new
ids up to --tickets, written in five layouts. Each import runs in a fresh process so its
peak RSS is its own.

    .venv/bin/python bench/gaps_import.py                  # 100,000 tickets per layout
    .venv/bin/python bench/gaps_import.py --tickets 20000
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "tickets" / "tickets.ndjson"


def records(count: int) -> Iterator[dict]:
    base = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    for i in range(count):
        yield dict(base[i % len(base)], id=str(i + 1))


def html(body: str) -> str:
    return "".join(f"<div>{line}</div>" if line else "<br>" for line in body.split("\n"))


def write_ndjson(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for r in records(count):
            out.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_generic_csv(path: Path, count: int) -> None:
    fields = ["id", "subject", "body", "created_at", "tags", "status", "channel", "language",
              "requester"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(fields)
        for r in records(count):
            r = dict(r, tags=",".join(r["tags"]), body=r["body"].replace("\n", "\r\n"))
            writer.writerow([r[f] for f in fields])


def write_zendesk(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('{"tickets":[')
        for i, r in enumerate(records(count)):
            ticket = {"id": int(r["id"]), "subject": r["subject"], "raw_subject": r["subject"],
                      "description": r["body"], "status": r["status"], "tags": r["tags"],
                      "via": {"channel": r["channel"], "source": {"from": {}, "to": {}}},
                      "created_at": r["created_at"], "requester_id": i % 5000,
                      "custom_fields": [], "priority": None}  # fmt: skip
            out.write(("," if i else "") + json.dumps(ticket, ensure_ascii=False))
        users = [{"id": u, "email": f"u{u}@example.com", "locale": "en-US"} for u in range(5000)]
        out.write('],"users":' + json.dumps(users) + f',"count":{count},"end_of_stream":true}}')


def write_freshdesk(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for i, r in enumerate(records(count)):
            ticket = {"id": int(r["id"]), "subject": r["subject"], "description": html(r["body"]),
                      "status": 2, "source": 1, "priority": 1, "requester_id": i % 5000,
                      "fr_due_by": r["created_at"], "created_at": r["created_at"],
                      "tags": r["tags"]}  # fmt: skip
            out.write(("," if i else "") + json.dumps(ticket, ensure_ascii=False))
        out.write("]")


def write_jira_csv(path: Path, count: int) -> None:
    header = ["Summary", "Issue key", "Issue id", "Status", "Created", "Labels", "Labels",
              "Description", "Custom field (Request language)", "Reporter"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for r in records(count):
            tags = (r["tags"] + ["", ""])[:2]
            writer.writerow([r["subject"], f"SUP-{r['id']}", r["id"], "Open", "14/Jul/26 3:42 PM",
                             *tags, r["body"].replace("\n", "\r\n"), r["language"],
                             r["requester"]])  # fmt: skip


LAYOUTS: dict[str, tuple[str, Callable[[Path, int], None]]] = {
    "generic NDJSON": ("tickets.ndjson", write_ndjson),
    "generic CSV": ("tickets.csv", write_generic_csv),
    "Zendesk JSON (+users)": ("zendesk.json", write_zendesk),
    "Freshdesk JSON (HTML)": ("freshdesk.json", write_freshdesk),
    "Jira JSM CSV": ("jira.csv", write_jira_csv),
}


def child(path: str) -> None:
    """Import one file; print count, seconds and this process's peak RSS in MB."""
    sys.path.insert(0, str(ROOT))
    from kb.gaps.importers import read_tickets

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_start = time.process_time()
    start = time.perf_counter()
    stream = read_tickets(Path(path))
    count = sum(1 for _ in stream)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"count": count, "seconds": seconds, "cpu": cpu, "peak_mb": peak,
                      "base_mb": base_rss, "format": stream.format}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    print(f"{args.tickets:,} tickets per layout")
    print(f"{'layout':<24}{'file MB':>9}{'format':>11}{'wall s':>8}{'CPU s':>7}"
          f"{'tickets/CPU s':>15}{'peak RSS MB':>13}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for label, (name, writer) in LAYOUTS.items():
            path = Path(tmp) / name
            writer(path, args.tickets)
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            result = json.loads(out)
            assert result["count"] == args.tickets, result
            size = path.stat().st_size / 1e6
            rate = result["count"] / result["cpu"]
            print(f"{label:<24}{size:>9.1f}{result['format']:>11}{result['seconds']:>8.2f}"
                  f"{result['cpu']:>7.2f}{rate:>15,.0f}{result['peak_mb']:>13.0f}")  # fmt: skip
            path.unlink()


if __name__ == "__main__":
    main()
