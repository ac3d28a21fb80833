"""`kb/gaps` in real builds: reports beside the config and never in the site, banners in
`kb serve` only, `--strict` failing on a big missing topic, and bad options named."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import subprocess
import time
from pathlib import Path

import pytest

from kb.build import BuildFailed, build_site
from kb.errors import ConfigError
from kb.settings import load_site
from tests.conftest import ROOT, SAMPLE_EXPORT
from tests.kb.test_serve import fetch, serving

REPORTS = ("gaps.html", "gaps.json", "gaps.md", "topics.csv", "tickets.csv")
EXCEL = [  # no article of the mini help center answers these: a "missing" topic
    "How do I export my tasks to Excel?",
    "Export the board to an Excel spreadsheet",
    "Excel export of all projects",
    "Can I download tasks as an Excel file?",
    "Export to Excel is not in the menu",
    "Need an Excel export for my manager",
    "Excel spreadsheet export of time entries",
    "Where is the export to Excel button",
]
REFUNDS = [  # en/billing/refunds.md answers these, yet they keep coming after its review
    "I was charged twice, refund please",
    "Charged twice for the annual plan, I want a refund",
    "Refund for a duplicate charge",
    "Money back for the annual plan, charged twice",
    "Request a refund: charged twice this month",
    "Refund my annual plan please",
]
SECRET = "ZQX-planted"  # in every ticket body: must never reach site/


def tickets_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "subject", "body", "created_at", "requester", "language"])
    for n, subject in enumerate(EXCEL, 1):
        writer.writerow([f"XL-{n}", subject, f"{SECRET} excel body {n}",
                         f"2026-11-{n + 1:02d}T10:00:00Z", f"xl{n}@example.com", "en"])
    for n, subject in enumerate(REFUNDS, 1):
        writer.writerow([f"RF-{n}", subject, f"{SECRET} refund body {n}",
                         f"2026-11-{n + 10:02d}T10:00:00Z", f"rf{n}@example.com", "en"])
    return out.getvalue()


def with_gaps(make_kb, options: str = "", tickets: bool = True) -> Path:
    """The mini help center with kb/gaps configured (`options`: extra YAML lines)."""
    files = {"tickets.csv": tickets_csv()} if tickets else {}
    config = make_kb(files=files)
    text = config.read_text(encoding="utf-8")
    block = "  - kb/gaps:\n      tickets: tickets.csv\n" + "".join(
        f"      {line}\n" for line in options.splitlines() if line.strip())
    config.write_text(text.replace("plugins:\n", "plugins:\n" + block, 1), encoding="utf-8")
    return config


def commit_articles(config: Path, date: str = "2026-10-01T12:00:00+00:00") -> None:
    """Put the articles in git, last changed on `date`: before every planted ticket, so
    the refunds topic says "update"."""
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "kb",
           "GIT_AUTHOR_EMAIL": "kb@example.com", "GIT_COMMITTER_NAME": "kb",
           "GIT_COMMITTER_EMAIL": "kb@example.com", "PATH": os.environ["PATH"],
           "HOME": str(config.parent)}
    for args in (["init", "-q"], ["add", "articles"], ["commit", "-qm", "articles"]):
        subprocess.run(["git", "-C", str(config.parent), *args], check=True, env=env,
                       capture_output=True)


def all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in folder.rglob("*") if p.is_file())


def test_build_writes_the_reports_beside_the_config_and_nothing_into_the_site(make_kb):
    config = with_gaps(make_kb)
    commit_articles(config)
    site = build_site(config, strict=True)
    reports = config.parent / "reports"
    assert sorted(p.name for p in reports.iterdir()) == sorted(REPORTS)
    assert "XL-1" in (reports / "gaps.md").read_text(encoding="utf-8")
    topics = json.loads((reports / "gaps.json").read_text(encoding="utf-8"))["topics"]
    verdicts = {t["verdict"] for t in topics}
    assert {"missing", "update"} <= verdicts  # a banner would have had something to say
    output = Path(site.config.site_dir)
    assert not {p.name for p in output.rglob("*")} & set(REPORTS)
    text = all_text(output)
    assert SECRET not in text and "XL-1" not in text and "RF-1" not in text
    assert "kb-gaps-banner" not in text
    assert (config.parent / "index" / "current").exists()  # refreshed by the plugin


def test_kb_build_indexing_beside_mkdocs_and_the_plugin_share_the_index(make_kb, run_kb):
    config = with_gaps(make_kb)
    result = run_kb("build", "--strict", "--config", config)
    assert result.exit_code == 0, result.output
    assert (config.parent / "reports" / "gaps.json").is_file()
    assert SECRET not in all_text(config.parent / "site")


def test_strict_fails_on_a_big_missing_topic_and_names_it(make_kb, caplog):
    config = with_gaps(make_kb, "fail_on_missing: 5")
    with caplog.at_level(logging.WARNING, logger="mkdocs"), \
            pytest.raises(BuildFailed, match="strict"):
        build_site(config, strict=True)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("no article answers them" in w and "fail_on_missing: 5" in w for w in warnings)
    assert any("xcel" in w for w in warnings), warnings  # the topic's label names it


@pytest.mark.parametrize("size", [50, 0])  # 0: off
def test_strict_passes_when_missing_topics_are_below_the_size(make_kb, size):
    build_site(with_gaps(make_kb, f"fail_on_missing: {size}"), strict=True)


def test_without_tickets_the_plugin_does_nothing(make_kb):
    config = make_kb()
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("plugins:\n", "plugins:\n  - kb/gaps\n", 1), encoding="utf-8")
    build_site(config, strict=True)
    assert not (config.parent / "reports").exists()


def test_disabled_the_plugin_does_nothing(make_kb):
    config = with_gaps(make_kb, "enabled: false")
    build_site(config, strict=True)
    assert not (config.parent / "reports").exists()


@pytest.mark.parametrize(("options", "words"), [
    ("format: xml", ["option 'format'", "'xml'", "zendesk"]),
    ("on_error: ignore", ["option 'on_error'", "skip, fail"]),
    ("fail_on_missing: lots", ["option 'fail_on_missing'", "whole number"]),
    ("banner: maybe", ["option 'banner'"]),
    ("mapping: nowhere.yml", ["option 'mapping'", "nowhere.yml", "column mapping"]),
])
def test_a_bad_option_is_named_with_its_fix(make_kb, options, words):
    with pytest.raises(ConfigError) as error:
        load_site(with_gaps(make_kb, options))
    for word in words:
        assert word in str(error.value), str(error.value)


def test_a_missing_export_is_named(make_kb):
    with pytest.raises(ConfigError, match=r"option 'tickets'.*tickets\.csv.*export"):
        load_site(with_gaps(make_kb, tickets=False))


def test_a_misspelt_option_gets_a_suggestion_and_fails_strict(make_kb):
    config = with_gaps(make_kb, "fail_on_mising: 3")
    with pytest.raises(ConfigError, match=r"option 'fail_on_mising'.*\(value 3\)\. Did you "
                       "mean 'fail_on_missing'"):
        build_site(config, strict=True)


@pytest.mark.parametrize("folder", ["articles/reports", "articles", "site", "site/internal"])
def test_reports_inside_the_published_folders_are_refused(make_kb, folder, caplog):
    config = with_gaps(make_kb, f"reports_dir: {folder}")
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(BuildFailed):
        build_site(config)
    assert any("option 'reports_dir'" in r.getMessage() and "would be published" in
               r.getMessage() for r in caplog.records), caplog.records
    assert not [p for p in config.parent.rglob("*") if p.name.startswith(("gaps.", "topics."))]


def test_an_export_inside_docs_dir_is_refused(make_kb, caplog):
    config = make_kb(files={"articles/tickets.csv": tickets_csv()})
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("plugins:\n", "plugins:\n  - kb/gaps:\n      tickets: "
                                   "articles/tickets.csv\n", 1), encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(BuildFailed):
        build_site(config)
    assert any("option 'tickets'" in r.getMessage() and "would publish" in r.getMessage()
               for r in caplog.records), caplog.records
    assert not (config.parent / "site" / "tickets.csv").exists()


def test_serve_shows_the_update_banner_with_evidence_and_ticket_ids(make_kb):
    config = with_gaps(make_kb)
    commit_articles(config)
    with serving(config) as url:
        page = fetch(f"{url}/en/billing/refunds/", timeout=90, until="kb-gaps-banner")
        banner = page.split("kb-gaps-banner", 1)[1].split("</div>", 1)[0]
        assert "needs an update" in banner
        assert "since the article last changed on 2026-10-01" in banner  # the evidence
        assert "RF-1" in banner and "RF-6" in banner
        assert "Request a refund" in page  # the article itself is still there
        other = fetch(f"{url}/en/billing/invoices/", timeout=30)
        assert "kb-gaps-banner" not in other
        # a writer saves the article: the preview rebuilds, the banner stays
        article = config.parent / "articles/en/billing/refunds.md"
        article.write_text(article.read_text().replace("pro rata", "pro rata (edited)"))
        page = fetch(f"{url}/en/billing/refunds/", timeout=60, until="(edited)")
        assert "kb-gaps-banner" in page and "RF-1" in page
    assert (config.parent / "reports" / "gaps.html").is_file()
    assert not (config.parent / "site").exists()  # the preview builds into a temporary folder


def test_serve_drops_the_banner_once_the_writer_commits_the_update(make_kb):
    """The verdict reads the article's last commit: committing the fix (no file in docs_dir
    changes) rebuilds the preview, and the banner goes without restarting kb serve."""
    config = with_gaps(make_kb)
    commit_articles(config)
    with serving(config) as url:
        fetch(f"{url}/en/billing/refunds/", timeout=90, until="kb-gaps-banner")
        article = config.parent / "articles/en/billing/refunds.md"
        article.write_text(article.read_text().replace("pro rata", "pro rata (edited)"))
        fetch(f"{url}/en/billing/refunds/", timeout=60, until="(edited)")
        date = "2026-11-30T12:00:00+00:00"  # after every planted ticket
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "HOME": str(config.parent),
               "GIT_AUTHOR_NAME": "kb", "GIT_AUTHOR_EMAIL": "kb@example.com",
               "GIT_COMMITTER_NAME": "kb", "GIT_COMMITTER_EMAIL": "kb@example.com",
               "PATH": os.environ["PATH"]}
        subprocess.run(["git", "-C", str(config.parent), "commit", "-qam", "refunds: update"],
                       check=True, env=env, capture_output=True)
        deadline = time.monotonic() + 60
        while "kb-gaps-banner" in fetch(f"{url}/en/billing/refunds/"):
            assert time.monotonic() < deadline, "the banner outlived the commit"
            time.sleep(0.5)


def test_the_sample_help_center_with_its_sample_export_publishes_no_ticket_text(sample_site):
    """The repository's help center as configured, with its kb/gaps export: reports, and
    not a word of a ticket under site/."""
    export = ROOT / SAMPLE_EXPORT
    assert f"tickets: {SAMPLE_EXPORT}" in sample_site.read_text(encoding="utf-8")
    site = build_site(sample_site, strict=True)
    tickets = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    sources = all_text(sample_site.parent / "articles")
    planted = {t["subject"] for t in tickets if t["subject"] not in sources}
    planted |= {t["requester"] for t in tickets if t.get("requester")}
    published = all_text(Path(site.config.site_dir))
    assert len(planted) > 100
    assert not [phrase for phrase in planted if phrase in published]
    data = json.loads((sample_site.parent / "reports" / "gaps.json").read_text("utf-8"))
    assert len(data["tickets"]) == len(tickets)
    assert {t["verdict"] for t in data["topics"]} >= {"missing", "ok"}


def test_the_banner_escapes_and_redacts_ticket_text():
    from kb.gaps.model import Topic
    from plugins.gaps.findings import BANNER_IDS, banner_html

    topic = Topic(label="<script>alert(1)</script>", ticket_ids=[f"T-{n}" for n in range(30)],
                  tickets=30, requesters=4, trend=None, verdict="update",
                  article="en/billing/refunds.md", score=0.9,
                  evidence=["asked by jane.doe@example.com <img src=x onerror=alert(1)>"])
    html = banner_html([topic], "reports/gaps.html")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "[email]" in html and "jane.doe" not in html
    assert f"T-{BANNER_IDS - 1}" in html and f"T-{BANNER_IDS}," not in html
    assert f"and {30 - BANNER_IDS} more" in html


def test_a_rebuild_in_serve_reads_new_votes_and_reuses_the_report_otherwise(make_kb):
    """`kb serve` keeps the plugin across rebuilds: the report is reused until the tickets,
    the articles or the event store change; a new "No" vote raises the topic's priority."""
    import datetime as dt
    import uuid

    from mkdocs.commands.build import build

    from deflection.events import Event
    from deflection.store import EventStore

    config_file = with_gaps(make_kb)
    commit_articles(config_file)
    store = EventStore(f"sqlite:///{config_file.parent / 'events.db'}")
    store.flush()
    config = load_site(config_file).config
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["kb/gaps"]

    def refunds():
        return next(t for t in plugin.report.topics if t.article == "en/billing/refunds.md")

    try:
        build(config, serve_url="http://127.0.0.1:8000/")
        first = plugin.report
        build(config, serve_url="http://127.0.0.1:8000/")
        assert plugin.report is first, "nothing changed: the report is reused"
        before = refunds().priority
        store.add([Event(id=str(uuid.uuid4()), type="vote", path="en/billing/refunds.md",
                         helpful=False, reason="outdated")], "v" * 32,
                  dt.datetime.now(dt.UTC)).result(timeout=10)
        build(config, serve_url="http://127.0.0.1:8000/")
        assert plugin.report is not first
        assert refunds().priority > before
    finally:
        config.plugins.on_shutdown()
        store.close()
