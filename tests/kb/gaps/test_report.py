"""The gaps reports: the JSON contract, hostile ticket text kept inert in every format,
personal data redacted at the output, and the gap rates with their formulas."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from kb.gaps import report
from kb.gaps.model import GapsReport, ImportProblem, TicketLink, Topic
from kb.gaps.report_html import render_html, write_html
from kb.gaps.report_md import md, render_markdown, write_markdown

EMAIL = "jane.doe@example.com"
SCRIPT = "<script>alert(1)</script>"
DAY = dt.timedelta(days=1)
T0 = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def make_report() -> GapsReport:
    charged = Topic(
        label=f"charged twice {SCRIPT}", ticket_ids=["=cmd|' /C calc'!A0", "T-2", "T-3"],
        tickets=12, requesters=9, trend=0.5, verdict="missing", article=None, score=0.12,
        evidence=[f"12 tickets, none answered; {EMAIL} asked twice"],
        language="en",
        subjects=[f"Refund to {EMAIL} please", "Charged twice <marquee>again</marquee>"],
        first=T0, last=T0 + 80 * DAY, priority=9.0)
    export = Topic(
        label="export to *Excel* [link](http://evil.example) @team", ticket_ids=["T-10"],
        tickets=5, requesters=5, trend=-0.2, verdict="update",
        article="en/data-export/export-a-project-to-csv.md", score=0.61,
        evidence=["5 tickets after the article last changed on 2026-09-02"], language="en",
        subjects=["Export to Excel?"], first=T0 + DAY, last=T0 + 20 * DAY, priority=4.0)
    password = Topic(
        label="сброс пароля", ticket_ids=["R-1", "R-2", "R-3"], tickets=3, requesters=3,
        trend=None, verdict="ok", article="ru/account/reset-your-password.md", score=0.8,
        language="ru", first=T0, last=T0, priority=1.0)
    lonely = Topic(label="=HYPERLINK(\"http://x\")", ticket_ids=["T-99"], tickets=1,
                   requesters=1, trend=None, verdict="missing", article=None, score=0.0,
                   priority=0.5)
    tickets = [TicketLink("=cmd|' /C calc'!A0", charged.label, None, 0.12),
               TicketLink("T-10", export.label, export.article, 0.61),
               TicketLink("R-1", password.label, password.article, 0.8),
               TicketLink("T-500", None, None, 0.0)]
    return GapsReport(topics=[password, lonely, export, charged], tickets=tickets,
                      threshold=0.3,
                      problems=[ImportProblem("tickets.csv:7", f"no subject; from {EMAIL}")])


class Page(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.chunks: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def test_the_json_follows_the_contract_ranked_and_redacted():
    data = report.report_dict(make_report())
    json.dumps(data)  # plain JSON types only
    keys = {"label", "ticket_ids", "tickets", "requesters", "trend", "verdict", "article",
            "score", "evidence"}
    assert all(keys <= set(t) for t in data["topics"])
    assert [t["tickets"] for t in data["topics"]] == [12, 5, 3, 1]  # by priority
    assert [t["rank"] for t in data["topics"]] == [1, 2, 3, 4]
    first = data["topics"][0]
    assert first["verdict"] == "missing" and first["article"] is None
    assert first["first"] == "2026-09-01" and first["last"] == "2026-11-20"
    assert {t["id"] for t in data["tickets"]} >= {"T-500", "R-1"}
    assert all(set(t) >= {"id", "topic", "article", "score"} for t in data["tickets"])
    text = json.dumps(data, ensure_ascii=False)
    assert EMAIL not in text and "[email]" in text


def test_gap_rates_count_recurring_topics_only():
    rates = report.gap_rates(make_report())
    # recurring: charged (missing, 12), export (update, 5), password (ok, 3); lonely has 1
    assert (rates.recurring, rates.missing) == (3, 1)
    assert rates.topic_gap_rate == pytest.approx(1 / 3)
    assert rates.ticket_gap_rate == pytest.approx(12 / 20)
    metrics = report.report_dict(make_report())["metrics"]
    assert metrics["topic_gap_rate"] == pytest.approx(1 / 3, abs=1e-6)
    empty = report.gap_rates(GapsReport(topics=[], tickets=[], threshold=0.3))
    assert empty.topic_gap_rate is None and empty.ticket_gap_rate is None


def test_html_keeps_ticket_text_inert_and_redacted(tmp_path):
    path = write_html(make_report(), tmp_path)
    assert path == tmp_path / "gaps.html"
    source = path.read_text(encoding="utf-8")
    page = Page(source)
    assert "script" not in [tag for tag, _ in page.tags]
    assert "marquee" not in [tag for tag, _ in page.tags]  # a subject is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    assert SCRIPT in page.text and "Charged twice <marquee>again</marquee>" in page.text
    assert EMAIL not in source and "[email]" in page.text
    for tag, attrs in page.tags:
        for name in ("src", "href", "xlink:href", "action"):
            assert not re.match(r"\s*(https?:)?//", attrs.get(name) or ""), (tag, attrs)
    csp = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert "default-src 'none'" in csp[0]["content"]


def test_html_prints_both_gap_rates_with_their_formulas(tmp_path):
    text = Page(render_html(make_report(), generated=T0)).text
    assert ("topic gap rate = recurring topics with no matching article ÷ recurring topics "
            "= 1 ÷ 3 = 33.3%") in text
    assert ("ticket-weighted topic gap rate = tickets in recurring topics with no matching "
            "article ÷ tickets in recurring topics = 12 ÷ 20 = 60.0%") in text
    assert "2026-09-01 – 2026-11-20" in text
    assert "=cmd|' /C calc'!A0" in text  # the ticket IDs behind the finding


def test_html_charts_are_inline_svg_in_the_page_colour():
    source = render_html(make_report(), generated=T0)
    tags = [tag for tag, _ in Page(source).tags]
    assert tags.count("svg") == 3  # topics, tickets by language and verdict, trend
    assert "currentColor" in source and "#010203" not in source
    assert "prefers-color-scheme:dark" in source


def test_html_without_topics_says_so():
    source = render_html(GapsReport(topics=[], tickets=[], threshold=0.3), generated=T0)
    page = Page(source)
    assert "No recurring topics" in page.text and "svg" not in [t for t, _ in page.tags]


def commonmark(source: str) -> str:
    """HTML as an issue tracker renders Markdown (CommonMark, GFM tables, strikethrough)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(source)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_cells_cannot_become_formulas(tmp_path):
    paths = report.write_csv(make_report(), tmp_path)
    assert [p.name for p in paths] == ["topics.csv", "tickets.csv"]
    tickets = read_csv(tmp_path / "tickets.csv")
    assert tickets[0]["id"] == "'=cmd|' /C calc'!A0"
    assert tickets[-1] == {"id": "T-500", "topic": "", "article": "", "score": "0.0",
                           "in_period": "yes"}
    topics = read_csv(tmp_path / "topics.csv")
    assert [t["rank"] for t in topics] == ["1", "2", "3", "4"]
    assert topics[0]["ticket_ids"].startswith("'=cmd")
    assert topics[3]["label"] == "'=HYPERLINK(\"http://x\")"
    assert EMAIL not in (tmp_path / "topics.csv").read_text(encoding="utf-8")
    assert float(topics[0]["trend"]) == 0.5 and topics[2]["trend"] == ""


def test_markdown_renders_ticket_text_literally():
    source = render_markdown(make_report())
    html = commonmark(source)
    page = Page(html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "a", "em", "marquee", "img"}
    assert SCRIPT in page.text
    assert "export to *Excel* [link](http://evil.example) @team" in page.text
    assert "\\*Excel\\*" in source and "http\\://evil" in source and "\\@team" in source
    assert EMAIL not in source and "[email]" in page.text
    assert "table" in tags  # the ranked backlog


def test_markdown_is_a_ranked_backlog_with_everything_a_finding_needs(tmp_path):
    path = write_markdown(make_report(), tmp_path / "gaps.md")
    source = path.read_text(encoding="utf-8")
    headings = re.findall(r"^### (\d+)\. (.*)$", source, re.M)
    assert [n for n, _ in headings] == ["1", "2", "3", "4"]
    assert headings[0][1].startswith("charged twice")
    first = source.split("### 1.")[1].split("### 2.")[0]
    assert "missing" in first and "**Tickets:** 12 from 9 requesters" in first
    assert "2026-09-01 – 2026-11-20" in first
    assert "none (its tickets' best matches: 0.12 on average)" in first
    assert "`` =cmd|' /C calc'!A0 ``" not in first  # one backtick fence is enough
    assert "` =cmd|' /C calc'!A0 `" in first and "` T-2 `" in first
    second = source.split("### 2.")[1]
    assert "` en/data-export/export-a-project-to-csv.md `" in second
    assert "= 1 ÷ 3 = **33.3%**" in source


@pytest.mark.parametrize("text", ["# heading", "[x](y)", "![i](http://x/i.png)", "a|b",
                                  "<img src=x>", "&lt;b&gt;", "`code`", "~~gone~~",
                                  "www.example.com", "$x$", "**bold** _it_"])
def test_markdown_escaping_round_trips_to_the_same_words(text):
    html = commonmark(md(text))
    page = Page(html)
    assert [tag for tag, _ in page.tags] == ["p"], html
    assert page.text == text


def test_write_all_writes_every_format_outside_nothing_else(tmp_path):
    paths = report.write_all(make_report(), tmp_path / "reports")
    assert sorted(p.name for p in paths) == sorted(report.FILES)
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == sorted(report.FILES)


def test_importing_the_reports_does_no_work():
    code = ("import sys, kb.gaps.report, kb.gaps.report_html, kb.gaps.report_md; "
            "assert 'matplotlib' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[3])


def test_counts_read_as_words_and_unknown_requesters_are_not_shown():
    one = Topic(label="one", ticket_ids=["T-1"], tickets=1, requesters=1, trend=12.0,
                verdict="missing", article=None, score=0.1, first=T0, last=T0)
    nobody = Topic(label="nobody", ticket_ids=["T-2", "T-3"], tickets=2, requesters=0,
                   trend=None, verdict="missing", article=None, score=0.1, first=T0, last=T0)
    with_people = GapsReport(topics=[one], tickets=[TicketLink("T-1", "one", None, 0.1)],
                             threshold=0.4)
    source = render_markdown(with_people)
    assert "1 ticket, 1 topic: " in source and "**Tickets:** 1 from 1 requester, " in source
    assert "+1200% vs the previous period" in source
    page = Page(render_html(with_people, generated=T0)).text
    assert "1 ticket from 1 requester, " in page and "1 tickets" not in page

    anonymous = GapsReport(topics=[nobody], tickets=[TicketLink("T-2", "nobody", None, 0.1),
                                                     TicketLink("T-3", "nobody", None, 0.1)],
                           threshold=0.4)
    source = render_markdown(anonymous)
    assert "requester" not in source and "**Tickets:** 2, " in source
    assert "| 1 | nobody | missing | 2 | – |" in source
    page = Page(render_html(anonymous, generated=T0))
    assert "0 requesters" not in page.text and "2 tickets, 2026-09-01 · " in page.text
    assert "Requesters" not in page.chunks  # no column of dashes


def test_a_period_counts_its_own_tickets_and_says_what_the_others_are_for(tmp_path):
    dated = make_report()
    dated.tickets[-1].in_period = False  # T-500: before the period
    dated.tickets.append(TicketLink("T-501", None, None, 0.0, in_period=False))
    dated.since, dated.undated = T0, 1
    data = report.report_dict(dated)
    assert data["period"] == {"since": "2026-09-01", "tickets": 3, "before": 1, "undated": 1,
                              "trend": None}
    assert [t["in_period"] for t in data["tickets"]] == [True, True, True, False, False]
    source = render_markdown(dated)
    assert ("3 tickets from 2026-09-01 on (1 before it only counts for the trend; 1 without a "
            "date left out), 4 topics: ") in source
    page = Page(render_html(dated, generated=T0)).text
    assert "Tickets 3 from 2026-09-01 on (1 before it only counts for the trend; 1 without" in page
    report.write_csv(dated, tmp_path)
    assert [t["in_period"] for t in read_csv(tmp_path / "tickets.csv")][-2:] == ["no", "no"]
