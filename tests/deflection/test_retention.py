"""`kb prune-events`: old days folded into daily counts and deleted, on both backends,
while `kb deflection` keeps counting every view and vote."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from deflection.events import Event
from deflection.retention import prune_events
from deflection.store import EventStore, StoreError

NOW = dt.datetime.now(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)


def fill(url: str) -> int:
    """Six days of events, two visitors, votes changed within a day; how many stored."""
    store = EventStore(url)
    n = 0
    for day in range(6):
        base = NOW - dt.timedelta(days=day)
        for visitor in ("a" * 32, "b" * 32):
            events = [
                Event(id=str(uuid.uuid4()), type="view", path="en/refunds.md", lang="en"),
                Event(id=str(uuid.uuid4()), type="view", path="ru/refunds.md", lang="ru"),
                Event(id=str(uuid.uuid4()), type="search", query="refund", results=0),
                Event(id=str(uuid.uuid4()), type="vote", path="en/refunds.md", helpful=True,
                      lang="en")]
            store.add(events, visitor, base).result(timeout=30)
            # the same visitor changes their mind later that day: the last vote counts
            store.add([Event(id=str(uuid.uuid4()), type="vote", path="en/refunds.md",
                             helpful=visitor.startswith("a"), reason="outdated", lang="en")],
                      visitor, base + dt.timedelta(hours=1)).result(timeout=30)
            n += 5
    store.close()
    return n


def figures(run_kb, config, url: str) -> dict:
    result = run_kb("deflection", "--config", config, "--db", url, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_prune_keeps_views_votes_and_counts(backend, make_kb, run_kb):
    config = make_kb()
    stored = fill(backend.url)
    before = figures(run_kb, config, backend.url)
    assert before["articles"][0]["votes_yes"] == 6 and before["articles"][0]["votes_no"] == 6

    pruned = prune_events(backend.url, older_than_days=3, now=NOW)
    # days 4 and 5 back: day 3's events (noon) are after midnight of today − 3
    assert pruned.events == 2 * 10 and pruned.days == 2
    assert pruned.before == (NOW.date() - dt.timedelta(days=3)).isoformat()
    kept = backend.query("select min(ts), count(*) from events")[0]
    assert kept[1] == stored - 20
    assert str(kept[0])[:10] == pruned.before

    after = figures(run_kb, config, backend.url)
    assert after["events"] == before["events"]
    for a, b in zip(after["articles"], before["articles"], strict=True):
        assert (a["path"], a["views"], a["votes_yes"], a["votes_no"], a["helpful_ratio"]) == \
            (b["path"], b["views"], b["votes_yes"], b["votes_no"], b["helpful_ratio"])
    assert after["sessions"] < before["sessions"], "sessions cover the events kept"

    again = prune_events(backend.url, older_than_days=3, now=NOW)
    assert again.events == 0 and figures(run_kb, config, backend.url)["events"] == \
        before["events"]
    later = prune_events(backend.url, older_than_days=1, now=NOW)
    assert later.events == 20
    assert figures(run_kb, config, backend.url)["events"] == before["events"]


def test_since_counts_the_summary_of_those_days_only(backend, make_kb, run_kb):
    config = make_kb()
    fill(backend.url)
    prune_events(backend.url, older_than_days=1, now=NOW)
    since = (NOW.date() - dt.timedelta(days=2)).isoformat()
    result = run_kb("deflection", "--config", config, "--db", backend.url, "--since", since,
                    "--json")
    assert json.loads(result.output)["events"]["view"] == 3 * 4


def test_the_command_prints_what_it_did(backend, make_kb, run_kb):
    config = make_kb()
    fill(backend.url)
    result = run_kb("prune-events", "--config", config, "--db", backend.url,
                    "--older-than", "2", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["events_deleted"] == 30
    plain = run_kb("prune-events", "--config", config, "--db", backend.url,
                   "--older-than", "1")
    assert plain.exit_code == 0 and "Deleted 10 events from before" in plain.output


def test_bad_requests_are_refused_with_what_to_do(tmp_path, make_kb, run_kb):
    config = make_kb()
    missing = run_kb("prune-events", "--config", config, "--db",
                     f"sqlite:///{tmp_path / 'none.db'}", "--older-than", "30")
    assert missing.exit_code == 1 and "no events database" in missing.output
    assert run_kb("prune-events", "--config", config, "--older-than", "0").exit_code == 2
    with pytest.raises(StoreError, match="at least 1 day"):
        prune_events(f"sqlite:///{tmp_path / 'x.db'}", 0)
