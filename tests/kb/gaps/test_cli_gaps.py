"""`kb gaps` and `kb eval-gaps` on the sample help center's index."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, SAMPLE_EXPORT, copy_sample

REFUND = [
    "I want a refund for my subscription",
    "Refund please, we were charged twice this month",
    "how do I get a refund?",
    "requesting a refund for the annual plan",
]
GANTT = [
    "Gantt chart prints blank pages",
    "printing the gantt chart gives blank pages",
    "blank pages when I print a Gantt chart",
    "gantt chart print is blank",
]
ONE_OFF = ["my cat walked on the keyboard"]


def write_export(path, subjects_by_group) -> list[str]:
    ids, lines = [], []
    n = 0
    for subjects in subjects_by_group:
        for subject in subjects:
            n += 1
            ids.append(f"T-{n}")
            lines.append(
                json.dumps(
                    {
                        "id": f"T-{n}",
                        "subject": subject,
                        "body": f"Hello,\n{subject}.\nThanks, jane{n}@example.com",
                        "created_at": f"2026-10-{n:02d}T10:00:00Z",
                        "requester": f"r{n % 3}@example.com",
                    }
                )
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "tickets.ndjson"
    return path, write_export(path, [REFUND, GANTT, ONE_OFF])


def test_json_contract_every_ticket_and_the_verdicts(run_kb, sample_index, export):
    path, ids = export
    result = run_kb("gaps", "--tickets", path, "--config", sample_index.config_file, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [t["id"] for t in data["tickets"]] == ids
    for ticket in data["tickets"]:
        # DESIGN's four, and whether the findings are about it (--since)
        assert set(ticket) == {"id", "topic", "article", "score", "in_period"}
        assert ticket["in_period"] is True  # without --since: the whole export
        assert 0 <= ticket["score"] <= 1
        assert (ticket["article"] is None) == (ticket["score"] < data["threshold"])
    design = {
        "label",
        "ticket_ids",
        "tickets",
        "requesters",
        "trend",
        "verdict",
        "article",
        "score",
        "evidence",
    }
    by_verdict = {}
    for topic in data["topics"]:
        assert design <= set(topic)
        by_verdict.setdefault(topic["verdict"], []).append(topic)
    (missing,) = by_verdict["missing"]
    assert missing["ticket_ids"] == ids[4:8] and missing["article"] is None
    assert "gantt" in missing["label"].lower()
    answered = [t for t in data["topics"] if t["article"] == "en/billing/request-a-refund.md"]
    assert answered and answered[0]["ticket_ids"] == ids[:4]
    assert answered[0]["requesters"] == 3  # r0, r1, r2: counted, never shown
    one_off = next(t for t in data["tickets"] if t["id"] == ids[-1])
    assert one_off["topic"] is None
    assert "example.com" not in result.stdout


def test_reports_are_written(run_kb, sample_index, export, tmp_path):
    path, _ = export
    out = tmp_path / "reports"
    result = run_kb(
        "gaps",
        "--tickets",
        path,
        "--config",
        sample_index.config_file,
        "--csv",
        out,
        "--md",
        out / "gaps.md",
        "--html",
        out,
    )
    assert result.exit_code == 0, result.output
    for name in ("topics.csv", "tickets.csv", "gaps.md", "gaps.html"):
        assert (out / name).is_file(), name
    assert "Gantt" in (out / "gaps.md").read_text(encoding="utf-8") or "gantt" in (
        out / "gaps.md"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(("option", "where"), [
    ("--html", "articles/en/reports"), ("--md", "articles/gaps.md"), ("--csv", "site/reports"),
])
def test_no_report_is_written_where_the_site_is_built_from_or_to(run_kb, sample_index, export,
                                                                 option, where):
    """The reports quote tickets: inside docs_dir or site_dir the next build publishes them."""
    root = sample_index.config_file.parent
    result = run_kb("gaps", "--tickets", export[0], "--config", sample_index.config_file,
                    option, root / where)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{option}: " in result.output and "would be published" in result.output
    assert not (root / where).exists()


def test_text_output_lists_topics_with_evidence(run_kb, sample_index, export):
    path, _ = export
    result = run_kb("gaps", "--tickets", path, "--config", sample_index.config_file)
    assert result.exit_code == 0, result.output
    assert "9 tickets" in result.stdout and "[missing]" in result.stdout
    assert "no article answers them" in result.stdout


def test_a_bad_export_is_a_clear_error(run_kb, sample_index, tmp_path):
    bad = tmp_path / "not-tickets.json"
    bad.write_text('{"hello": "world"}', encoding="utf-8")
    result = run_kb("gaps", "--tickets", bad, "--config", sample_index.config_file)
    assert result.exit_code == 1
    assert result.output.startswith("Error:") and "not-tickets.json" in result.output
    assert "Traceback" not in result.output


def test_without_an_index_it_builds_one_first(run_kb, tmp_path, export):
    copy_sample(tmp_path / "site")
    path, _ = export
    result = run_kb("gaps", "--tickets", path, "--json",
                    "--config", tmp_path / "site" / "site_config.yml")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index" / "current" / "build.json").is_file()
    assert json.loads(result.stdout)["tickets"]


def test_help_has_examples(run_kb):
    for command in ("gaps", "eval-gaps"):
        result = run_kb(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output


def test_eval_gaps_on_the_sample_labels(run_kb, sample_index):
    labels = ROOT / "tests" / "data" / "gaps_eval.jsonl"
    result = run_kb("eval-gaps", labels, "--config", sample_index.config_file, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    lines = labels.read_text(encoding="utf-8").splitlines()
    assert data["all"]["tickets"] == sum(1 for line in lines if line.strip())
    assert data["all"]["accuracy"] >= 0.75
    assert data["all"]["accuracy"] > data["all"]["top1_accuracy"]  # saying "none" pays
    assert {"en", "ru", "th"} <= set(data)
    # with a threshold of 0 nothing is ever "none": the plain top-1 figure
    zero = json.loads(
        run_kb(
            "eval-gaps", labels, "--config", sample_index.config_file, "--json", "--threshold", "0"
        ).output
    )
    assert zero["all"]["accuracy"] == zero["all"]["top1_accuracy"]
    assert zero["all"]["none_recall"] < data["all"]["none_recall"]


def test_eval_gaps_reads_gold_as_an_address_and_reports_unknown_ones(run_kb, sample_index,
                                                                      tmp_path):
    labels = ROOT / "tests" / "data" / "gaps_eval.jsonl"
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    as_paths = json.loads(run_kb("eval-gaps", labels, "--config", sample_index.config_file,
                                 "--json").stdout)
    for row in rows:  # the built page's address: en/billing/refunds.md → /en/billing/refunds/
        if isinstance(row["gold"], str):
            row["gold"] = "/" + row["gold"].removesuffix(".md") + "/"
    rows.append({"subject": "refund please", "gold": "en/billing/no-such-page.md"})
    written = tmp_path / "labels.jsonl"
    written.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                       encoding="utf-8")
    result = run_kb("eval-gaps", written, "--config", sample_index.config_file, "--json")
    assert result.exit_code == 0, result.output
    as_addresses = json.loads(result.stdout)
    assert as_addresses["all"]["tickets"] == as_paths["all"]["tickets"] + 1
    right = as_paths["all"]["accuracy"] * as_paths["all"]["tickets"]
    assert round(as_addresses["all"]["accuracy"] * as_addresses["all"]["tickets"]) == round(right)
    assert f"{written}:{len(rows)}: gold 'en/billing/no-such-page.md' is no article" \
        in result.stderr


def test_eval_gaps_bad_labels_name_the_line(run_kb, sample_index, tmp_path):
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"subject": "refund", "gold": null}\n{"subject": "x"}\n', "utf-8")
    result = run_kb("eval-gaps", labels, "--config", sample_index.config_file)
    assert result.exit_code == 1
    assert "labels.jsonl:2" in result.output and '"gold"' in result.output


def test_no_votes_and_failed_searches_from_the_event_store(run_kb, sample_index, export, tmp_path):
    import datetime as dt
    import uuid

    from deflection.events import Event
    from deflection.store import EventStore

    url = f"sqlite:///{tmp_path / 'events.db'}"
    store = EventStore(url)
    t = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    refund = "en/billing/request-a-refund.md"
    events = [
        Event(id=str(uuid.uuid4()), type="vote", path=refund, helpful=False) for _ in range(4)
    ]
    events.append(Event(id=str(uuid.uuid4()), type="vote", path=refund, helpful=True))
    events += [
        Event(
            id=str(uuid.uuid4()),
            type="search",
            query="gantt chart blank pages",
            results=0,
            lang="en",
        )
        for _ in range(2)
    ]
    for n, event in enumerate(events):
        store.add([event], f"visitor{n}", t + dt.timedelta(minutes=n)).result()
    store.close()
    path, _ = export
    plain = json.loads(
        run_kb("gaps", "--tickets", path, "--config", sample_index.config_file, "--json").stdout
    )
    result = run_kb(
        "gaps", "--tickets", path, "--config", sample_index.config_file, "--db", url, "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    answered = next(t for t in data["topics"] if t["article"] == refund)
    assert answered["verdict"] == "update"
    assert "4 No votes, 1 Yes vote" in answered["evidence"]
    gantt = next(t for t in data["topics"] if t["verdict"] == "missing")
    assert "2 searches on the help center found nothing" in gantt["evidence"]
    before = next(t for t in plain["topics"] if t["verdict"] == "missing")
    assert gantt["priority"] > before["priority"]


def test_a_malformed_record_is_skipped_and_listed_or_fails_the_run(run_kb, sample_index, tmp_path):
    path = tmp_path / "tickets.ndjson"
    ids = write_export(path, [REFUND])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(1, '{"id": "broken", "subject": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = sample_index.config_file
    skipped = run_kb("gaps", "--tickets", path, "--config", config, "--json")
    assert skipped.exit_code == 0, skipped.output
    data = json.loads(skipped.stdout)
    assert [t["id"] for t in data["tickets"]] == ids
    assert [p["where"] for p in data["problems"]] == ["tickets.ndjson:2"]
    assert "tickets.ndjson:2" in skipped.stderr
    failed = run_kb("gaps", "--tickets", path, "--config", config, "--on-error", "fail")
    assert failed.exit_code == 1
    assert "tickets.ndjson:2" in failed.output and "Traceback" not in failed.output


def test_since_reports_on_the_period_and_earlier_tickets_only_count_for_the_trend(
    run_kb, sample_index, export
):
    path, ids = export
    config = sample_index.config_file
    result = run_kb(
        "gaps", "--tickets", path, "--config", config, "--json", "--since", "2026-10-03"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # refunds on Oct 1-4: two before the period, two in it (Oct 3-9), as many as before
    refund = next(t for t in data["topics"] if t["article"] == "en/billing/request-a-refund.md")
    assert refund["ticket_ids"] == ids[2:4] and refund["tickets"] == 2
    assert refund["requesters"] == 2 and refund["first"] == "2026-10-03"
    assert refund["trend"] == 0.0
    assert refund["evidence"][0].startswith("2 tickets matched")
    # every imported ticket is listed; the earlier ones keep their link, not a topic
    assert [t["id"] for t in data["tickets"]] == ids
    earlier = data["tickets"][:2]
    assert all(not t["in_period"] and t["topic"] is None for t in earlier)
    assert all(t["article"] == "en/billing/request-a-refund.md" for t in earlier)
    assert all(t["in_period"] for t in data["tickets"][2:])
    assert data["period"]["since"] == "2026-10-03"
    assert (data["period"]["tickets"], data["period"]["before"]) == (len(ids) - 2, 2)
    text = run_kb("gaps", "--tickets", path, "--config", config, "--since", "2026-10-03")
    assert text.stdout.startswith(
        f"{len(ids) - 2} tickets from 2026-10-03 on (2 before it only count for the trend), "
    )
    assert ": 2 tickets from 2 requesters, en/billing/request-a-refund.md" in text.stdout


def test_since_after_the_last_ticket_says_there_is_none(run_kb, sample_index, export, tmp_path):
    path, ids = export
    config = sample_index.config_file
    args = ("gaps", "--tickets", path, "--config", config, "--since", "2027-06-01")
    result = run_kb(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"No tickets from 2027-06-01 on in the export ({len(ids)} before it).\n"
    data = json.loads(run_kb(*args, "--json").stdout)
    assert data["topics"] == [] and [t["id"] for t in data["tickets"]] == ids
    assert not any(t["in_period"] or t["topic"] for t in data["tickets"])
    assert run_kb(*args, "--md", tmp_path / "gaps.md").exit_code == 0
    markdown = (tmp_path / "gaps.md").read_text(encoding="utf-8")
    assert markdown.count("0 tickets from 2027-06-01 on") == 1
    assert "No tickets from 2027-06-01 on in the export" in markdown


def test_the_summary_counts_in_words_and_leaves_out_unknown_requesters(run_kb, sample_index,
                                                                      tmp_path):
    config = sample_index.config_file
    one = tmp_path / "one.ndjson"
    one.write_text(json.dumps({"id": "T-1", "subject": ONE_OFF[0]}) + "\n", encoding="utf-8")
    result = run_kb("gaps", "--tickets", one, "--config", config)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 ticket, 0 answered by an article")
    assert "0 recurring topics" in result.stdout
    path = tmp_path / "tickets.ndjson"
    lines = [json.dumps({"id": f"G-{n}", "subject": s, "created_at": f"2026-10-0{n}T10:00:00Z"})
             for n, s in enumerate(GANTT, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_kb("gaps", "--tickets", path, "--config", config)
    assert result.exit_code == 0, result.output
    assert "1 recurring topic\n" in result.stdout
    assert ": 4 tickets\n" in result.stdout and "requester" not in result.stdout


def test_since_keeps_only_topics_that_recur_in_the_period(run_kb, sample_index):
    """A topic with one ticket in the period recurred before it, not in it: listed, it
    read as a gap of one ticket, and the headline counted it as recurring."""
    args = ("gaps", "--tickets", ROOT / SAMPLE_EXPORT, "--config", sample_index.config_file,
            "--since", "2026-11-01")
    data = json.loads(run_kb(*args, "--json").stdout)
    assert data["topics"] and min(t["tickets"] for t in data["topics"]) >= 2
    assert data["metrics"]["recurring_topics"] == len(data["topics"])
    assert f"; {len(data['topics'])} recurring topics\n" in run_kb(*args).stdout


def test_the_configs_relative_database_is_the_one_next_to_it(run_kb, tmp_path, export,
                                                             monkeypatch):
    """`database: sqlite:///ev/events.db` is the file `kb serve-api` writes next to the
    config, wherever kb gaps runs from."""
    import datetime as dt
    import uuid

    from deflection.events import Event
    from deflection.site_index import index_site
    from deflection.store import EventStore
    from kb.settings import load_site

    config = copy_sample(tmp_path / "site")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - kb/site:\n", "  - kb/site:\n      database: sqlite:///ev/events.db\n", 1),
        encoding="utf-8")
    index_site(load_site(config))
    (config.parent / "ev").mkdir()
    store = EventStore(f"sqlite:///{config.parent / 'ev/events.db'}")
    refund = "en/billing/request-a-refund.md"
    at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    for n in range(4):
        store.add([Event(id=str(uuid.uuid4()), type="vote", path=refund, helpful=False)],
                  f"visitor{n}", at + dt.timedelta(minutes=n)).result()
    store.close()
    monkeypatch.chdir(tmp_path)  # not the config's folder
    data = json.loads(run_kb("gaps", "--tickets", export[0], "--config", config,
                             "--json").stdout)
    answered = next(t for t in data["topics"] if t["article"] == refund)
    assert "4 No votes, 0 Yes votes" in answered["evidence"]
