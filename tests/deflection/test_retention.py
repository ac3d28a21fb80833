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


@pytest.fixture(autouse=True)
def _today():
    """Noon of the day each test runs: `kb prune-events` counts days from the real today,
    and a run that crosses midnight after collecting the tests had shifted them by one."""
    global NOW
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


def test_a_busy_day_moves_per_range_of_visitors(backend, make_kb, run_kb, monkeypatch):
    import deflection.retention as retention

    config = make_kb()
    fill(backend.url)
    before = figures(run_kb, config, backend.url)
    monkeypatch.setattr(retention, "DAY_CHUNK", 3)  # every day is "busy": 10 events
    pruned = prune_events(backend.url, older_than_days=1, now=NOW)
    assert (pruned.events, pruned.days) == (40, 4)
    after = figures(run_kb, config, backend.url)
    assert after["events"] == before["events"]
    assert [(a["path"], a["views"], a["votes_yes"], a["votes_no"]) for a in after["articles"]] \
        == [(b["path"], b["views"], b["votes_yes"], b["votes_no"]) for b in before["articles"]]


def test_bad_requests_are_refused_with_what_to_do(tmp_path, make_kb, run_kb):
    config = make_kb()
    missing = run_kb("prune-events", "--config", config, "--db",
                     f"sqlite:///{tmp_path / 'none.db'}", "--older-than", "30")
    assert missing.exit_code == 1 and "no events database" in missing.output
    assert run_kb("prune-events", "--config", config, "--older-than", "0").exit_code == 2
    with pytest.raises(StoreError, match="at least 1 day"):
        prune_events(f"sqlite:///{tmp_path / 'x.db'}", 0)


@pytest.mark.parametrize("days", ["36501", "1000000", "99999999999"])
def test_days_beyond_a_century_are_refused_naming_the_option(tmp_path, make_kb, run_kb, days):
    config = make_kb()
    url = f"sqlite:///{tmp_path / 'events.db'}"
    EventStore(url).close()
    result = run_kb("prune-events", "--config", config, "--db", url, "--older-than", days)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--older-than'" in result.output and "1<=x<=36500" in \
        result.output
    with pytest.raises(StoreError, match=f"--older-than {days}: give at most 36500 days"):
        prune_events(url, int(days))


def test_a_century_is_accepted(tmp_path):
    url = f"sqlite:///{tmp_path / 'events.db'}"
    fill(url)
    assert prune_events(url, 36_500).events == 0


def test_the_servers_writer_is_not_locked_out_while_pruning(tmp_path):
    """SQLite: the prune reads outside the write lock and moves a day per short
    transaction, so the running server's writer (busy_timeout 10 s) never waits long."""
    import sqlite3
    import threading
    import time

    url = f"sqlite:///{tmp_path / 'events.db'}"
    store = EventStore(url)  # the server's writer, running throughout
    days, per_day = 20, 10_000
    first = dt.datetime.combine(NOW.date() - dt.timedelta(days=days + 5), dt.time())
    step = dt.timedelta(days=1) / per_day
    rows = [(str(uuid.uuid4()), "vote" if i % 10 == 0 else "view",
             (first + (i // per_day) * dt.timedelta(days=1) + (i % per_day) * step)
             .strftime("%Y-%m-%d %H:%M:%S.%f"), f"{i % 500:032x}", f"p{i % 50}.md",
             None, None, None, i % 20 == 0 if i % 10 == 0 else None, None, None, "en")
            for i in range(days * per_day)]
    direct = sqlite3.connect(tmp_path / "events.db")
    direct.executemany("insert into events values (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    direct.commit()
    direct.close()

    outcome: dict = {}
    pruning = threading.Thread(target=lambda: outcome.update(
        pruned=prune_events(url, older_than_days=3, now=NOW)))
    waits = []
    try:
        pruning.start()
        while pruning.is_alive():
            start = time.monotonic()
            store.add([Event(id=str(uuid.uuid4()), type="view", path="new.md")], "c" * 32,
                      NOW).result(timeout=15)
            waits.append(time.monotonic() - start)
            time.sleep(0.02)
        pruning.join()
    finally:
        store.close()

    assert max(waits) < 2, f"the writer waited {max(waits):.1f} s for the prune's lock"
    assert len(waits) >= 3, "the adds ran while the prune did"
    pruned = outcome["pruned"]
    assert (pruned.events, pruned.days) == (days * per_day, days)
    summary = sqlite3.connect(tmp_path / "events.db")
    try:
        assert summary.execute("select sum(events), count(distinct day) from daily_summary"
                               ).fetchone() == (days * per_day, days)
        assert summary.execute("select count(*) from events where path = 'new.md'"
                               ).fetchone() == (len(waits),)
    finally:
        summary.close()
