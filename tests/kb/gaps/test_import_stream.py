"""Detection by content, and streaming: tickets come before the file is read whole, and
memory stays flat however many records there are."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from kb.gaps.importers import FORMATS, read_tickets
from kb.gaps.model import TicketImportError

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "tickets"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("tickets.ndjson", "generic"),
        ("zendesk_incremental.json", "zendesk"),
        ("zendesk.csv", "zendesk"),
        ("freshdesk.json", "freshdesk"),
        ("freshdesk.csv", "freshdesk"),
        ("helpscout_v2.json", "helpscout"),
        ("jira_jsm.csv", "jira"),
    ],
)
def test_detected_by_content_not_by_name(tmp_path, name, fmt):
    renamed = tmp_path / "export.dat"
    renamed.write_bytes((SAMPLES / name).read_bytes())
    assert read_tickets(renamed).format == fmt
    assert read_tickets(renamed, fmt).format == fmt
    assert fmt in FORMATS


def test_generic_json_array_and_csv(tmp_path):
    array = tmp_path / "a.json"
    array.write_text(json.dumps([{"ID": 1, "Subject": "Hi", "Tags": "a, b"}]), encoding="utf-8")
    (ticket,) = read_tickets(array)
    assert (ticket.id, ticket.tags, ticket.where) == ("1", ("a", "b"), "a.json:[0]")
    crlf = tmp_path / "c.csv"
    crlf.write_bytes(
        b'\xef\xbb\xbfid,subject,body\r\n1,Hello,"line one\r\nline two"\r\n2,Next,x\r\n'
    )
    first, second = read_tickets(crlf)
    assert (first.body, second.where) == ("line one line two", "c.csv:4")


def test_jira_data_pipeline_csv(tmp_path):
    path = tmp_path / "issues_job1.csv"
    path.write_text(
        "issue_id,instance_url,issue_key,url,project_key,summary,issue_type,status,"
        "reporter_id,created_date,updated_date\n"
        "10001,https://jira.example.com,SUP-1,https://jira.example.com/browse/SUP-1,SUP,"
        "Cannot log in,Task,Open,JIRAUSER10100,2025-07-14T15:42:00.000+0700,"
        "2025-07-14T16:00:00.000+0700\n",
        encoding="utf-8",
    )
    stream = read_tickets(path)
    (ticket,) = stream
    assert stream.format == "jira"
    assert (ticket.id, ticket.subject, ticket.requester) == (
        "SUP-1",
        "Cannot log in",
        "JIRAUSER10100",
    )
    assert ticket.created_at.isoformat() == "2025-07-14T08:42:00+00:00"


def _write_ndjson(path: Path, rows: int) -> None:
    body = "Я не могу войти. " * 20 + "ลืมรหัสผ่าน " * 10
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            record = {
                "id": i,
                "subject": f"Ticket {i}",
                "body": body,
                "tags": ["a", "b"],
                "created_at": "2025-07-14T15:42:00Z",
                "requester": f"u{i}@example.org",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _write_csv(path: Path, rows: int) -> None:
    body = '"Line one of the body,\r\nline two ""quoted"" ' + "x" * 500 + '"'
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("id,subject,body,created_at\r\n")
        for i in range(rows):
            out.write(f"{i},Ticket {i},{body},2025-07-14 15:42:00\r\n")


def _write_json(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('{"tickets": [')
        for i in range(rows):
            record = {
                "id": i,
                "subject": f"T {i}",
                "description": "body " * 100,
                "via": {"channel": "web"},
                "requester_id": i,
                "raw_subject": f"T {i}",
            }
            out.write(("," if i else "") + json.dumps(record))
        out.write(f'], "count": {rows}}}')


def _write_pages(path: Path, rows: int) -> None:
    """API pages of 100 tickets, one per line: several JSON documents, each followed."""
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, rows, 100):
            tickets = [
                {"id": i, "subject": f"T {i}", "description": "body " * 100, "raw_subject": "x"}
                for i in range(start, min(start + 100, rows))
            ]
            out.write(json.dumps({"tickets": tickets, "next_page": None}) + "\n")


@pytest.mark.parametrize("writer", [_write_ndjson, _write_csv, _write_json, _write_pages])
def test_first_ticket_comes_before_the_file_is_read_whole(tmp_path, writer):
    """The file ends in bytes that are not UTF-8: a reader that loads the whole file
    fails before the first ticket; a streaming one yields tickets, then names the line."""
    path = tmp_path / "big.export"
    writer(path, 3_000)
    with path.open("ab") as out:
        out.write(b"\xff\xfe broken tail\n")
    stream = iter(read_tickets(path))
    assert next(stream).id == "0"
    with pytest.raises(TicketImportError, match="not UTF-8|JSON breaks off"):
        for _ in stream:
            pass


@pytest.mark.parametrize("writer", [_write_ndjson, _write_csv, _write_json, _write_pages])
def test_memory_stays_flat(tmp_path, writer):
    """Peak memory while importing 4x the records grows by far less than the file does."""
    peaks = []
    for rows in (1_000, 4_000):
        path = tmp_path / f"e{rows}.export"
        writer(path, rows)
        tracemalloc.start()
        count = sum(1 for _ in read_tickets(path))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count == rows
        peaks.append((peak, path.stat().st_size))
    (small_peak, small_size), (big_peak, big_size) = peaks
    # Only the ids seen are kept (to drop duplicates): a few hundred bytes a record,
    # against the kilobyte or so each record adds to the file.
    assert big_peak - small_peak < 3_000 * 400
    assert big_peak - small_peak < (big_size - small_size) / 4
