"""The committed sample exports (tests/data/tickets/) import field by field, and their
ground truth (planted.yml) holds what it promises."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import yaml

from kb.gaps.importers import read_tickets
from kb.gaps.model import Ticket

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "tests" / "data" / "tickets"
PLANTED = yaml.safe_load((SAMPLES / "planted.yml").read_text(encoding="utf-8"))


def _truth() -> dict[str, dict]:
    lines = (SAMPLES / "tickets.ndjson").read_text(encoding="utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


TRUTH = _truth()


def _imported(name: str, fmt: str = "auto") -> tuple[list[Ticket], object]:
    stream = read_tickets(SAMPLES / name, fmt)
    return list(stream), stream


def test_generic_ndjson_round_trips_every_field():
    tickets, stream = _imported("tickets.ndjson")
    assert stream.format == "generic" and stream.count == len(TRUTH) >= 300
    assert not stream.problems
    for ticket in tickets:
        raw = TRUTH[ticket.id]
        assert ticket.subject == raw["subject"]
        assert ticket.created_at == dt.datetime.fromisoformat(raw["created_at"])
        assert ticket.created_at.tzinfo is dt.UTC
        assert list(ticket.tags) == raw["tags"]
        assert (ticket.status, ticket.channel) == (raw["status"], raw["channel"])
        assert ticket.language == raw["language"]
        assert ticket.requester == raw["requester"]
        assert ticket.where == f"tickets.ndjson:{ticket.id}"  # one ticket per line, in order
        # The body keeps the question and loses greeting-free signature, quote and phone sig.
        assert ticket.body and "wrote:" not in ticket.body and "пишет:" not in ticket.body
        assert "Sent from my iPhone" not in ticket.body and "> " not in ticket.body
        assert raw["body"].split("\n")[-1] not in ticket.body or raw["body"].endswith(ticket.body)


# file, format, the id prefix, whether the export carries body / language / requester
FORMATS = [
    ("zendesk_incremental.json", "zendesk", "", True, True, True),
    ("zendesk.csv", "zendesk", "", False, False, True),
    ("freshdesk.json", "freshdesk", "", True, False, True),
    ("freshdesk.csv", "freshdesk", "", True, False, True),
    ("helpscout_v2.json", "helpscout", "", True, True, True),
    ("jira_jsm.csv", "jira", "SUP-", True, True, True),
]


@pytest.mark.parametrize(("name", "fmt", "prefix", "body", "language", "requester"), FORMATS)
def test_helpdesk_sample_matches_the_generic_truth(name, fmt, prefix, body, language, requester):
    tickets, stream = _imported(name)
    assert stream.format == fmt
    assert not stream.problems
    assert stream.count == PLANTED["files"][name]["tickets"] >= 40
    generic = {t.id: t for t in read_tickets(SAMPLES / "tickets.ndjson")}
    for ticket in tickets:
        assert ticket.id.startswith(prefix)
        truth = generic[ticket.id.removeprefix(prefix)]
        assert ticket.subject == truth.subject, ticket.where
        # Jira's CSV dates have minutes only; the others keep seconds.
        expected = truth.created_at.replace(second=0) if fmt == "jira" else truth.created_at
        assert ticket.created_at == expected, ticket.where
        assert ticket.tags == truth.tags, ticket.where
        if body:
            assert ticket.body == truth.body, ticket.where
        else:
            assert ticket.body == ""
        assert ticket.language == (truth.language if language else None), ticket.where
        if requester:
            assert ticket.requester == truth.requester, ticket.where
        assert ticket.status and ticket.where.startswith(name)


def test_zendesk_sample_side_loaded_users_deleted_ticket_and_channels():
    tickets, stream = _imported("zendesk_incremental.json")
    assert [p.message for p in stream.skipped] == [
        "ticket 99999 is deleted (Zendesk scrubs it); not imported"
    ]
    assert {t.channel for t in tickets} <= {"email", "web", "chat", "api"}
    assert {t.language for t in tickets} == {"en", "ru", "th"}  # from the users' locale


def test_freshdesk_codes_become_names():
    tickets, _ = _imported("freshdesk.json")
    assert {t.status for t in tickets} <= {"open", "pending", "resolved", "closed"}
    assert {t.channel for t in tickets} <= {"email", "portal", "chat"}
    csv_tickets, _ = _imported("freshdesk.csv")
    assert {t.status for t in csv_tickets} <= {"open", "pending", "resolved", "closed"}


def test_freshdesk_csv_has_bom_and_crlf_inside_quoted_fields():
    raw = (SAMPLES / "freshdesk.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n\r\n" in raw
    tickets, _ = _imported("freshdesk.csv")
    assert all("\r" not in t.body and "\n" not in t.body for t in tickets)


def test_jira_csv_repeated_columns_all_read():
    header = (SAMPLES / "jira_jsm.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.count("Labels") == 3 and header.count("Comment") == 2
    tickets, _ = _imported("jira_jsm.csv")
    assert any(len(t.tags) == 2 for t in tickets)
    assert all("{quote}" not in t.body for t in tickets)


def test_planted_ground_truth_is_complete():
    topics = PLANTED["topics"]
    ids = [i for topic in topics for i in topic["ticket_ids"]] + PLANTED["noise_ticket_ids"]
    assert sorted(ids, key=int) == sorted(TRUTH, key=int)  # every ticket exactly once
    assert len(PLANTED["noise_ticket_ids"]) >= 0.3 * len(TRUTH)
    assert {t["language"] for t in topics} == {"en", "ru", "th"}
    verdicts = [t["verdict"] for t in topics]
    assert verdicts.count("missing") >= 3 and verdicts.count("update") >= 1
    assert 4 <= sum(1 for t in topics if t["article"]) <= 6
    for topic in topics:
        assert all(TRUTH[i]["language"] == topic["language"] for i in topic["ticket_ids"])
        if topic["article"]:
            assert (ROOT / "articles" / topic["article"]).is_file()


def _last_change(article: str) -> dt.datetime | None:
    out = subprocess.run(
        ["git", "log", "-1", "--format=%cI", "--", f"articles/{article}"],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    return dt.datetime.fromisoformat(out) if out else None


@pytest.mark.parametrize("topic", [t for t in PLANTED["topics"] if t["article"]], ids=str)
def test_update_topics_keep_coming_after_the_article_changed(topic):
    change = _last_change(topic["article"])
    if change is None:
        pytest.skip("no git history here")
    dates = [dt.datetime.fromisoformat(TRUTH[i]["created_at"]) for i in topic["ticket_ids"]]
    after = sum(1 for d in dates if d > change)
    if topic["verdict"] == "update":
        assert after >= 5, "run tests/data/tickets/make_samples.py: the article changed since"
    else:
        assert after == 0


def test_generator_is_deterministic(tmp_path):
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    saved = list(sys.path)
    try:
        spec.loader.exec_module(module)  # it puts its own folder on sys.path
    finally:
        sys.path[:] = saved
    tickets, _ = module.build_tickets()
    module.write_ndjson(tickets, tmp_path / "again.ndjson")
    assert (tmp_path / "again.ndjson").read_bytes() == (SAMPLES / "tickets.ndjson").read_bytes()


def test_planted_personal_data_is_kept_by_import_and_removed_by_redact():
    from kb.gaps.redact import redact

    pii = PLANTED["pii"]
    assert len(pii) >= 50
    kinds = {"@": 0, "+": 0}
    tickets = {t.id: t for t in read_tickets(SAMPLES / "tickets.ndjson")}
    for ticket_id, values in pii.items():
        body = tickets[ticket_id].body
        for value in values:
            assert value in body  # linking needs the words: import does not redact
            assert value not in redact(body), (ticket_id, value)
            kinds["@"] += "@" in value
            kinds["+"] += value.startswith("+")
    assert kinds["@"] and kinds["+"]
