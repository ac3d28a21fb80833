"""The deflection report: one self-contained HTML file with inline SVG charts, and CSV files.

Rendering is pure over what `deflection.metrics.compute` returns (plus "dropped" and
"since"); the only I/O is the atomic write at the end. Visitor-written text (comments,
queries, paths) is escaped everywhere: it never becomes markup, a link or a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from deflection import metrics
from kb.reporting import BLUE as _BLUE
from kb.reporting import CSS, HEAD, ReportError
from kb.reporting import INK as _INK  # noqa: F401  (the tests check charts rewrite it)
from kb.reporting import ORANGE as _ORANGE
from kb.reporting import barh as _barh
from kb.reporting import csv_cell as _cell  # noqa: F401  (kept for callers of the old name)
from kb.reporting import csv_text as _csv_text
from kb.reporting import empty as _empty
from kb.reporting import escape as _e
from kb.reporting import section as _section
from kb.reporting import short_label as _label
from kb.reporting import svg_figure as _svg
from kb.reporting import table as _table
from kb.reporting import write_atomic as _write_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["CSS", "ReportError", "csv_tables", "render_html", "write_csv", "write_html"]
CHART_ROWS = 15


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1%}"


def _of(rate: float | None, whole: int, unit: str) -> str:
    return f"no {unit} yet" if rate is None else f"{rate:.1%} of {whole:,} {unit}"


def _part(rate: float | None, whole: int) -> int:
    return round(rate * whole) if rate is not None else 0


def _rates(ax, rates: Sequence[float | None], notes: Sequence[str], title: str) -> None:
    """A 0–100% panel beside a count panel, room left for "12.5% of 40 searches" labels."""
    _barh(ax, [r or 0 for r in rates], notes, color=_ORANGE)
    ax.set_xlim(0, 1.8)
    ax.set_xticks([0, 0.5, 1], ["0%", "50%", "100%"])
    ax.set_title(title)


def _articles_chart(top: list[dict]) -> str:
    def draw(fig: Figure) -> None:
        left, right = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
        _barh(left, [a["views"] for a in top], [f"{a['views']:,}" for a in top],
              [a["path"] for a in top])
        left.margins(x=0.12)
        left.set_title("views")
        _rates(right, [a["deflection"] for a in top],
               [_of(a["deflection"], a["sessions"], "sessions") for a in top], "deflection")
    return _svg(draw, len(top))


def _helpful_chart(voted: list[dict]) -> str:
    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        _barh(ax, [a["helpful_ratio"] for a in voted],
              [f"{a['votes_yes']} yes / {a['votes_no']} no" for a in voted],
              [a["path"] for a in voted])
        ax.scatter([a["helpful_lower_bound"] for a in voted], range(len(voted)), marker="|",
                   s=220, linewidths=3, color=_ORANGE, zorder=3)
        ax.set_xlim(0, 1.3)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
        ax.set_xlabel("helpful ratio (bar) and its Wilson lower bound, 95% (orange mark)")
    return _svg(draw, len(voted))


def _languages_chart(langs: list[tuple[str, dict]]) -> str:
    def draw(fig: Figure) -> None:
        left, right = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
        y = range(len(langs))
        for offset, key, color in ((-0.2, "sessions", _BLUE), (0.2, "searches", _ORANGE)):
            bars = left.barh([i + offset for i in y], [c[key] for _, c in langs], 0.4,
                             color=color, label=key)
            left.bar_label(bars, padding=3, fontsize=9)
        left.set_yticks(y, [_label(lang) for lang, _ in langs])
        left.invert_yaxis()
        left.margins(x=0.12)
        left.grid(axis="x")
        left.set_axisbelow(True)
        left.set_title("sessions and searches")
        fig.legend(loc="outside lower center", ncols=2)
        _rates(right, [c["no_result_rate"] for _, c in langs],
               [_of(c["no_result_rate"], c["searches"], "searches") for _, c in langs],
               "no-result rate")
    return _svg(draw, 2 * len(langs))


def _failed_chart(failed: list[dict]) -> str:
    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        _barh(ax, [f["count"] for f in failed], [f"{f['count']:,}" for f in failed],
              [f["query"] for f in failed])
        ax.margins(x=0.1)
        ax.set_xlabel("searches with no result")
    return _svg(draw, len(failed))


def _cards(result: dict) -> str:
    s, searches = result["sessions"], result["searches"]
    engaged, total = result["engaged_sessions"], searches["total"]
    with_results = total - _part(searches["no_result_rate"], total)
    score = result["self_service_score"]
    dropped = result.get("dropped") or {}
    cards = [
        ("Sessions", f"{s:,}", f"a gap over {result['idle_minutes']} min starts a new one"),
        ("Engaged sessions", f"{engaged:,}", "searched or viewed an article"),
        ("Session deflection rate", _pct(result["session_deflection_rate"]),
         _of(result["session_deflection_rate"], engaged, "engaged sessions")),
        ("Self-service score", "needs ticket counts" if score is None else f"{score:.2f}",
         "run with --tickets-requesters N" if score is None else
         f"sessions per ticket requester ({s:,} ÷ {round(s / score):,})"),
        ("Searches", f"{total:,}",
         f"{_part(searches['no_result_rate'], total):,} without a result"),
        ("No-result rate", _pct(searches["no_result_rate"]),
         _of(searches["no_result_rate"], total, "searches")),
        ("No-click rate", _pct(searches["no_click_rate"]),
         _of(searches["no_click_rate"], with_results, "searches with results")),
        ("Search → contact rate", _pct(searches["search_to_contact_rate"]),
         _of(searches["search_to_contact_rate"], total, "searches")),
        ("Events dropped", f"{sum(dropped.values()):,}",
         " · ".join(f"{reason}: {n:,}" for reason, n in sorted(dropped.items())) or "none"),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="detail">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div><div class="detail">{_e(detail)}</div></div>'
        for label, value, detail in cards) + "</div>"


def _sections(result: dict) -> list[str]:
    articles, searches = result["articles"], result["searches"]
    viewed = [a for a in articles if a["views"]]
    voted = sorted((a for a in articles if a["votes_yes"] + a["votes_no"]),
                   key=lambda a: (-a["helpful_lower_bound"], -a["votes_yes"], a["path"]))
    langs = sorted(result["languages"].items(), key=lambda kv: (-kv[1]["sessions"], kv[0]))
    failed = searches["top_failed"]
    return [
        _section("articles", "Top articles by views",
                 "Deflection: sessions that viewed the article without a contact click within "
                 f"{result['window_minutes']} min after, of the sessions that viewed it.",
                 _articles_chart(viewed[:CHART_ROWS]) + _table(
                     ("Article", "Views", "Deflection"),
                     ((a["path"], f"{a['views']:,}",
                       _of(a["deflection"], a["sessions"], "sessions")) for a in viewed))
                 if viewed else _empty("No article views yet.")),
        _section("helpful", "Was this helpful?",
                 "Ranked by the Wilson lower bound, so a few votes do not outrank many.",
                 _helpful_chart(voted[:CHART_ROWS]) + _table(
                     ("Article", "Yes", "No", "Helpful ratio", "Wilson lower bound"),
                     ((a["path"], a["votes_yes"], a["votes_no"],
                       _of(a["helpful_ratio"], a["votes_yes"] + a["votes_no"], "votes"),
                       _pct(a["helpful_lower_bound"])) for a in voted))
                 if voted else _empty("No votes yet.")),
        _section("languages", "Languages", "Sessions count once per language they used.",
                 _languages_chart(langs[:CHART_ROWS]) + _table(
                     ("Language", "Sessions", "Views", "Searches", "No-result rate"),
                     ((lang, f"{c['sessions']:,}", f"{c['views']:,}", f"{c['searches']:,}",
                       _of(c["no_result_rate"], c["searches"], "searches"))
                      for lang, c in langs))
                 if langs else _empty("No events with a language yet.")),
        _section("failed", "Top failed searches",
                 f"Queries (lower-cased) that returned nothing; {_pct(searches['no_result_rate'])}"
                 f" of {searches['total']:,} searches had no result.",
                 _failed_chart(failed[:CHART_ROWS]) + _table(
                     ("Query", "Searches"), ((f["query"], f"{f['count']:,}") for f in failed))
                 if failed else _empty("No failed searches yet.")),
    ]


def _definitions() -> str:
    items: list[str] = []
    for line in (metrics.__doc__ or "").splitlines():
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif items and line.startswith("  "):
            items[-1] += " " + line.strip()
    lis = "".join(f"<li>{_e(item)}</li>" for item in items)
    return _section("definitions", "How these are computed",
                    f"Definitions version {metrics.VERSION}. N is the contact window and IDLE "
                    "the session gap, both given above.", f"<ul>{lis}</ul>")


def _comments(comments: list[dict]) -> str:
    if not comments:
        return _empty("No comments on “No” votes in this period.")
    items = []
    for c in comments:
        meta = " · ".join(_e(c.get(k)) for k in ("ts", "reason", "lang") if c.get(k))
        items.append(f'<li><p class="meta"><code>{_e(c.get("path") or "(no path)")}</code> · '
                     f'{meta}</p><p class="comment" dir="auto">{_e(c.get("comment"))}</p></li>')
    return f'<ol class="comments">{"".join(items)}</ol>'


def render_html(result: dict, comments: list[dict], *, generated: dt.datetime) -> str:
    """The whole report as one HTML page: no scripts, no external resources."""
    since = result.get("since")
    period = (f"Events from {since} (UTC)" if since else "All recorded events") + \
        f" up to {generated:%Y-%m-%d %H:%M} UTC"
    settings = (f"Contact window N = {result['window_minutes']} min, session gap IDLE = "
                f"{result['idle_minutes']} min, definitions version {result['version']}.")
    if result["events"]:
        body = "".join(_sections(result))
    else:
        body = _empty("No events yet: nothing was recorded in this period. Once the site "
                      "records searches, views and votes, the charts appear here.")
    comments_html = _section("comments", f"Comments on “No” votes ({len(comments)})",
                             "Latest first, written by visitors: shown as plain text.",
                             _comments(comments))
    return (
        f'<!doctype html>\n<html lang="en"><head>{HEAD}'
        f"<title>Deflection report</title><style>{CSS}</style></head>\n<body>"
        f'<header><h1>Help center deflection</h1><p class="muted">{_e(period)}. '
        f"{_e(settings)}</p></header>\n{_cards(result)}\n{body}\n{_definitions()}\n"
        f"{comments_html}\n</body></html>\n"
    )


def write_html(result: dict, comments: list[dict], out_dir: str | Path) -> Path:
    """Write OUT_DIR/deflection.html; return its path."""
    page = render_html(result, comments, generated=dt.datetime.now(dt.UTC))
    return _write_atomic(Path(out_dir) / "deflection.html", page)


def csv_tables(result: dict) -> dict[str, str]:
    """File name → CSV text of the articles, failed searches, languages and summary."""
    searches = result["searches"]
    total = searches["total"]
    article_keys = ("path", "views", "sessions", "votes_yes", "votes_no", "helpful_ratio",
                    "helpful_lower_bound", "deflection")
    summary = [
        *((key, result.get(key)) for key in (
            "version", "since", "window_minutes", "idle_minutes", "sessions", "engaged_sessions",
            "session_deflection_rate", "self_service_score")),
        ("searches", total),
        ("searches_with_results", total - _part(searches["no_result_rate"], total)),
        *((key, searches[key]) for key in ("no_result_rate", "no_click_rate",
                                            "search_to_contact_rate")),
        *((f"events.{kind}", n) for kind, n in result["events"].items()),
        *((f"dropped.{reason}", n) for reason, n in sorted((result.get("dropped") or {}).items())),
    ]
    return {
        "articles.csv": _csv_text(article_keys,
                                  ([a[k] for k in article_keys] for a in result["articles"])),
        "searches.csv": _csv_text(("query", "count"),
                                  ((f["query"], f["count"]) for f in searches["top_failed"])),
        "languages.csv": _csv_text(
            ("lang", "sessions", "views", "searches", "no_result_rate"),
            ((lang, c["sessions"], c["views"], c["searches"], c["no_result_rate"])
             for lang, c in result["languages"].items())),
        "summary.csv": _csv_text(("metric", "value"), summary),
    }


def write_csv(result: dict, out_dir: str | Path) -> list[Path]:
    """Write articles.csv, searches.csv, languages.csv and summary.csv; return their paths."""
    folder = Path(out_dir)
    return [_write_atomic(folder / name, text) for name, text in csv_tables(result).items()]

