"""The last version of a ticket wins, a deleted ticket never reaches a report, and "No"
votes are counted as `kb deflection` counts them."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
import uuid

import pytest

from kb.gaps.importers import read_tickets
from kb.gaps.model import TicketImportError


def zendesk(n: int, subject: str, **extra) -> dict:
    return {
        "id": n,
        "subject": subject,
        "raw_subject": subject,
        "description": f"{subject}. Thanks, jane{n}@example.com",
        "status": "open",
        "via": {"channel": "email"},
        "requester_id": 500 + n,
        "created_at": "2026-10-01T10:00:00Z",
        "tags": [],
    } | extra


def incremental(tmp_path, tickets: list[dict]):
    path = tmp_path / "incremental.json"
    body = {"tickets": tickets, "count": len(tickets), "end_of_stream": True, "end_time": 1}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_a_ticket_deleted_in_a_later_version_is_not_imported(tmp_path):
    path = incremental(
        tmp_path,
        [
            zendesk(1, "My card number is 4111 1111 1111 1111"),
            zendesk(2, "Refund please"),
            zendesk(1, "SCRUBBED", status="deleted", description="SCRUBBED"),
        ],
    )
    stream = read_tickets(path)
    assert [t.id for t in stream] == ["2"]
    assert [(p.where, p.message) for p in stream.skipped] == [
        ("incremental.json:tickets[2]", "ticket 1 is deleted (Zendesk scrubs it); not imported")
    ]
    assert stream.count == 1


def test_the_last_version_of_a_ticket_wins(tmp_path):
    path = incremental(
        tmp_path,
        [zendesk(1, "Old subject"), zendesk(2, "Other"), zendesk(1, "New subject")],
    )
    stream = read_tickets(path)
    tickets = {t.id: t for t in stream}
    assert tickets["1"].subject == "New subject" and stream.duplicates == 1
    assert len(tickets) == 2


def test_deleted_first_stays_deleted(tmp_path):
    path = incremental(
        tmp_path,
        [zendesk(1, "x", status="deleted"), zendesk(1, "Back again"), zendesk(2, "Kept")],
    )
    assert [t.id for t in read_tickets(path)] == ["2"]


def test_an_error_comes_after_the_tickets_read_before_it(tmp_path):
    path = tmp_path / "t.ndjson"
    path.write_text(
        '{"id": "1", "subject": "one"}\n{"id": "2", "subject": "two"}\n{"id": "3", "subj',
        encoding="utf-8",
    )
    stream = iter(read_tickets(path, on_error="fail"))
    assert [next(stream).id, next(stream).id] == ["1", "2"]
    with pytest.raises(TicketImportError, match="t.ndjson:3"):
        next(stream)


def test_memory_stays_flat_with_repeated_tickets(tmp_path):
    """Every ticket repeated: still only a few hundred bytes a record in memory."""
    peaks = []
    for rows in (1_000, 4_000):
        tickets = [
            zendesk(i % (rows // 2), f"T {i}", description="body " * 200) for i in range(rows)
        ]
        path = incremental(tmp_path, tickets)
        tracemalloc.start()
        count = sum(1 for _ in read_tickets(path))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert count == rows // 2
    assert peaks[1] - peaks[0] < 3_000 * 400


def test_kb_gaps_lists_the_skipped_and_duplicates(run_kb, sample_index, tmp_path):
    path = incremental(
        tmp_path,
        [
            zendesk(1, "Secret: my password is hunter2"),
            zendesk(2, "I want a refund for my subscription"),
            zendesk(2, "I want a refund for my annual subscription"),
            zendesk(1, "SCRUBBED", status="deleted"),
        ],
    )
    config = sample_index.config_file
    result = run_kb("gaps", "--tickets", path, "--config", config, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [t["id"] for t in data["tickets"]] == ["2"]
    assert "hunter2" not in result.stdout
    assert data["skipped"] == [
        {
            "where": "incremental.json:tickets[3]",
            "message": "ticket 1 is deleted (Zendesk scrubs it); not imported",
        }
    ]
    assert data["duplicates"] == 1
    text = run_kb("gaps", "--tickets", path, "--config", config)
    assert "incremental.json:tickets[3]" in text.stderr and "ticket 1 is deleted" in text.stderr
    assert "1 earlier version of repeated tickets replaced" in text.stderr


def _store(url, events):
    from deflection.events import Event
    from deflection.store import EventStore

    store = EventStore(url)
    for visitor, when, fields in events:
        store.add([Event(id=str(uuid.uuid4()), **fields)], visitor, when).result()
    store.close()


def test_no_votes_count_once_per_visitor_article_and_day(sample_index, tmp_path):
    from kb.gaps.run import site_signals

    refund = "en/billing/request-a-refund.md"
    t = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    url = f"sqlite:///{tmp_path / 'events.db'}"
    vote = {"type": "vote", "path": refund}
    _store(
        url,
        [
            ("v1", t, vote | {"helpful": False}),
            ("v1", t + dt.timedelta(minutes=1), vote | {"helpful": False}),
            ("v1", t + dt.timedelta(minutes=2), vote | {"helpful": False}),
            ("v2", t, vote | {"helpful": False}),
            ("v2", t + dt.timedelta(minutes=1), vote | {"helpful": True}),  # changed her mind
            ("v3", t, {"type": "search", "query": "gantt", "results": 0, "lang": "en"}),
        ],
    )
    signals, failed = site_signals(sample_index, url, None)
    assert signals.votes_no == {refund: 1}
    assert signals.votes_yes == {refund: 1}
    assert failed == [("gantt", "en")]


def test_votes_of_pruned_days_still_count(sample_index, tmp_path):
    from deflection.retention import prune_events
    from kb.gaps.run import site_signals

    refund = "en/billing/request-a-refund.md"
    old = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
    url = f"sqlite:///{tmp_path / 'events.db'}"
    vote = {"type": "vote", "path": refund, "helpful": False}
    _store(url, [("v1", old, vote), ("v1", old, vote), ("v2", old, vote)])
    prune_events(url, 30, now=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    signals, _ = site_signals(sample_index, url, None)
    assert signals.votes_no == {refund: 2}
