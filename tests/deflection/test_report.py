"""The deflection report: hostile text stays text, nothing is fetched, CSV cells stay inert."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from deflection import report
from deflection.metrics import Row, compute

T0 = dt.datetime(2026, 10, 1, 9, 0)
HOSTILE = [
    {"ts": "2026-10-01T09:06:00", "path": "en/billing/invoices", "reason": "unclear",
     "comment": "<script>alert(1)</script>", "lang": "en"},
    {"ts": "2026-10-01T09:07:00", "path": "<img src=x onerror=alert(1)>", "reason": "other",
     "comment": "<img src=x onerror=alert(1)>", "lang": "en"},
    {"ts": "2026-10-01T09:08:00", "path": "en/x", "reason": None,
     "comment": '<a href="javascript:alert(1)">more help</a>', "lang": None},
]
RESOURCE_ATTRS = {"src", "href", "xlink:href", "srcset", "action", "formaction", "poster",
                  "data", "background"}


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def make_result(**extra) -> dict:
    reset, invoices, russian = ("en/account/reset-password", "en/billing/invoices",
                                "ru/account/сброс-пароля")
    rows = [
        Row("search", at(0), "a", query="reset password", results=3, lang="en"),
        Row("result_click", at(1), "a", path=reset, rank=1, lang="en"),
        Row("view", at(2), "a", path=reset, lang="en"),
        Row("vote", at(3), "a", path=reset, helpful=True, lang="en"),
        Row("search", at(0), "b", query='=HYPERLINK("http://x")', results=0, lang="en"),
        Row("search", at(1), "b", query="@SUM(1)", results=0, lang="en"),
        # Thai (no glyphs in matplotlib's font) and bad mathtext must not break the charts.
        Row("search", at(2), "b", query="ใบเสร็จ $\\x$ refund", results=0, lang="en"),
        Row("view", at(3), "b", path=invoices, lang="en"),
        Row("contact_click", at(5), "b", lang="en"),
        Row("vote", at(6), "b", path=invoices, helpful=False, lang="en"),
        Row("view", at(0), "c", path=russian, lang="ru"),
        Row("vote", at(1), "c", path=russian, helpful=True, lang="ru"),
    ]
    result = compute(rows, **extra)
    result.update(dropped={"bot": 7, "rate_limit": 2}, since="2026-10-01")
    return result


class Page(HTMLParser):
    """Start tags with their attributes, the text, and the text of each <section id>."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.chunks: list[str] = []
        self.sections: dict[str, str] = {}
        self._section: str | None = None
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == "section":
            self._section = dict(attrs).get("id")
            self.sections[self._section or ""] = ""

    def handle_endtag(self, tag):
        if tag == "section":
            self._section = None

    def handle_data(self, data):
        self.chunks.append(data)
        if self._section is not None:
            self.sections[self._section] += data

    @property
    def text(self) -> str:
        return "".join(self.chunks)


@pytest.fixture
def page(tmp_path) -> tuple[Path, str, Page]:
    path = report.write_html(make_result(), HOSTILE, tmp_path / "reports" / "nested")
    source = path.read_text(encoding="utf-8")
    return path, source, Page(source)


def test_html_is_written_into_a_new_folder_without_leftovers(page, tmp_path):
    path, _, _ = page
    assert path == tmp_path / "reports" / "nested" / "deflection.html"
    assert [p.name for p in path.parent.iterdir()] == ["deflection.html"]


def test_visitor_text_is_text_never_markup(page):
    _, _, parsed = page
    names = [tag for tag, _ in parsed.tags]
    assert "script" not in names
    assert "img" not in names and "a" not in names
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name)
    for comment in HOSTILE:
        assert comment["comment"] in parsed.text
    assert "<img src=x onerror=alert(1)>" in parsed.sections["comments"]  # the path, as text


def test_charts_are_inline_svg_and_nothing_is_fetched(page):
    _, source, parsed = page
    assert sum(tag == "svg" for tag, _ in parsed.tags) == 4
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            if name in RESOURCE_ATTRS:
                assert not re.match(r"\s*(https?:)?//", value or "", re.I), (tag, name, value)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", source, re.I)
    assert "@import" not in source
    csp = [dict(attrs) for tag, attrs in parsed.tags
           if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_charts_follow_the_page_colour_and_have_no_background():
    svg = report._failed_chart([{"query": "refund", "count": 3}])
    assert "currentColor" in svg and report._INK not in svg
    assert "<?xml" not in svg and "<metadata" not in svg
    assert "#ffffff" not in svg.lower()  # no white figure or axes background


def test_numbers_come_with_their_denominators(page):
    _, _, parsed = page
    text = " ".join(parsed.text.split())
    assert "66.7% of 3 engaged sessions" in text  # b clicked contact after viewing
    assert "75.0% of 4 searches" in text  # no-result rate: 3 of 4
    assert "0.0% of 1 searches with results" in text
    assert "0.0% of 1 sessions" in text  # invoices: viewed once, then contact
    assert "100.0% of 1 votes" in text and "0.0% of 1 votes" in text
    assert "needs ticket counts" in text
    assert "bot: 7 · rate_limit: 2" in text


def test_self_service_score_shows_its_parts(tmp_path):
    path = report.write_html(make_result(ticket_requesters=2), [], tmp_path)
    text = " ".join(Page(path.read_text(encoding="utf-8")).text.split())
    assert "1.50" in text and "(3 ÷ 2)" in text
    assert "needs ticket counts" not in text


def test_definitions_come_from_the_metrics_module(page):
    _, _, parsed = page
    definitions = parsed.sections["definitions"]
    assert "Wilson" in definitions
    assert "self-service score = sessions ÷ distinct ticket requesters" in definitions
    assert "after a view of the article (any of its views in the session)" in definitions
    assert "Definitions version 2" in definitions


def test_no_events_says_so_instead_of_empty_charts(tmp_path):
    result = compute([])
    result.update(dropped={}, since=None)
    path = report.write_html(result, [], tmp_path)
    parsed = Page(path.read_text(encoding="utf-8"))
    assert "No events yet" in parsed.text
    assert "svg" not in [tag for tag, _ in parsed.tags]
    assert "Wilson" in parsed.sections["definitions"]
    paths = report.write_csv(result, tmp_path)
    assert all(p.exists() for p in paths)
    assert (tmp_path / "articles.csv").read_text(encoding="utf-8").count("\n") == 1


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_cells_cannot_become_formulas_and_numbers_stay_numbers(tmp_path):
    paths = report.write_csv(make_result(), tmp_path / "csv")
    assert {p.name for p in paths} >= {"articles.csv", "searches.csv", "summary.csv"}
    searches = {row["query"]: row["count"] for row in read_csv(tmp_path / "csv" / "searches.csv")}
    assert searches['\'=hyperlink("http://x")'] == "1"
    assert searches["'@sum(1)"] == "1"
    assert "ใบเสร็จ $\\x$ refund" in searches
    articles = {row["path"]: row for row in read_csv(tmp_path / "csv" / "articles.csv")}
    invoices = articles["en/billing/invoices"]
    assert int(invoices["views"]) == 1 and int(invoices["votes_no"]) == 1
    assert float(invoices["helpful_ratio"]) == 0.0 and float(invoices["deflection"]) == 0.0
    assert 0 < float(articles["en/account/reset-password"]["helpful_lower_bound"]) < 1
    summary = {row["metric"]: row["value"] for row in read_csv(tmp_path / "csv" / "summary.csv")}
    assert float(summary["session_deflection_rate"]) == pytest.approx(2 / 3, abs=1e-6)
    assert summary["sessions"] == "3" and summary["dropped.bot"] == "7"
    assert summary["self_service_score"] == ""


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@A1", "\tx", "\r=1", "\rx"])
def test_every_formula_start_is_guarded(text):
    assert str(report._cell(text)).startswith("'")


@pytest.mark.parametrize("value", [-1, 0.5, 3])
def test_numbers_are_not_guarded(value):
    assert report._cell(value) == value


def test_a_failed_write_keeps_the_previous_report(tmp_path, monkeypatch):
    path = report.write_html(make_result(), [], tmp_path)
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(report.ReportError, match="No space left on device"):
        report.write_html(make_result(), HOSTILE, tmp_path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["deflection.html"]


def test_importing_the_report_does_no_work():
    code = "import sys, deflection.report; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])
