"""`kb deflection`: the JSON contract, the report files, and clear errors."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from deflection.events import Event
from deflection.store import EventStore


def seed(root) -> str:
    url = f"sqlite:///{root / 'events.db'}"
    store = EventStore(url)
    t = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

    def add(visitor, minutes, **fields):
        store.add([Event(id=str(uuid.uuid4()), **fields)], visitor,
                  t + dt.timedelta(minutes=minutes)).result()

    add("a", 0, type="search", query="refund", results=2, lang="en")
    add("a", 1, type="result_click", query="refund", path="en/billing/refunds.md", rank=1)
    add("a", 2, type="view", path="en/billing/refunds.md", lang="en")
    add("a", 3, type="vote", path="en/billing/refunds.md", helpful=True)
    add("b", 0, type="search", query="gantt chart", results=0, lang="en")
    add("b", 1, type="contact_click", query="gantt chart")
    add("c", 0, type="view", path="en/billing/refunds.md", lang="en")
    add("c", 5, type="vote", path="en/billing/refunds.md", helpful=False, reason="outdated",
        comment="<script>alert(1)</script> the prices changed")
    add("c", 9, type="contact_click")
    store.close()
    return url


def test_json_contract(make_kb, run_kb):
    config = make_kb()
    url = seed(config.parent)
    result = run_kb("deflection", "--config", config, "--db", url, "--json",
                    "--tickets-requesters", "2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["events"] == {"contact_click": 2, "result_click": 1, "search": 2, "view": 2,
                              "vote": 2}
    assert data["sessions"] == 3
    assert data["session_deflection_rate"] == 1 / 3
    assert data["self_service_score"] == 1.5
    refunds = data["articles"][0]
    assert refunds == {**refunds, "path": "en/billing/refunds.md", "views": 2, "votes_yes": 1,
                       "votes_no": 1, "helpful_ratio": 0.5, "deflection": 0.5, "sessions": 2}
    assert 0 < refunds["helpful_lower_bound"] < 0.5
    assert data["searches"]["total"] == 2
    assert data["searches"]["no_result_rate"] == 0.5
    assert data["searches"]["top_failed"] == [{"query": "gantt chart", "count": 1}]


def test_since_filters_and_reports_are_written(make_kb, run_kb, tmp_path):
    config = make_kb()
    url = seed(config.parent)
    later = json.loads(run_kb("deflection", "-f", config, "--db", url, "--json",
                              "--since", "2026-11-03").output)
    assert later["sessions"] == 0 and later["events"] == {}
    out = tmp_path / "reports"
    result = run_kb("deflection", "-f", config, "--db", url, "--html", out, "--csv", out)
    assert result.exit_code == 0, result.output
    html = (out / "deflection.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert (out / "articles.csv").read_text().startswith("path,")


def test_missing_database_says_what_to_do(make_kb, run_kb):
    config = make_kb()
    result = run_kb("deflection", "-f", config)
    assert result.exit_code == 1
    assert "no events database at" in result.output and "kb serve-api" in result.output
    bad = run_kb("deflection", "-f", config, "--db", "mysql://x")
    assert bad.exit_code == 1 and "sqlite:///" in bad.output


def test_no_report_is_written_where_the_site_is_built_from_or_to(make_kb, run_kb):
    """The reports quote visitors' comments and searches: published, they would be public."""
    config = make_kb()
    url = seed(config.parent)
    for option, where in (("--html", "site/internal"), ("--csv", "articles/en")):
        result = run_kb("deflection", "--config", config, "--db", url, option,
                        config.parent / where)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"{option}: " in result.output and "would be published" in result.output
    assert not (config.parent / "site/internal").exists()
    assert not list((config.parent / "articles/en").glob("*.csv"))


def test_serve_api_refuses_a_port_out_of_range(make_kb, run_kb):
    result = run_kb("serve-api", "--config", make_kb(), "--port", "99999")
    assert result.exit_code == 2 and "99999 is not in the range 1<=x<=65535" in result.output


def test_a_database_kb_must_not_use_is_named_with_the_way_out(make_kb, run_kb, tmp_path):
    import sqlite3

    config = make_kb()
    newer = seed(config.parent)
    with sqlite3.connect(config.parent / "events.db") as db:
        db.execute("insert into kb_migrations values ('004_future', '2027-01-01')")
    theirs = tmp_path / "theirs.db"
    with sqlite3.connect(theirs) as db:
        db.execute("create table events (id integer primary key, name text)")
    for url, said in [(newer, "this database was migrated by a newer kb (004_future); "
                              "upgrade kb or use another --db"),
                      (f"sqlite:///{theirs}", "it holds another application's events table "
                                              "(kb did not create it); use another --db")]:
        for command in (["deflection", "--json"], ["prune-events", "--older-than", "30"]):
            result = run_kb(*command, "--config", config, "--db", url)
            assert result.exit_code == 1, result.output
            assert said in result.output and "check that the server runs" not in result.output
