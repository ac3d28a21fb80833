"""What kb's reports share: escaping, inline SVG charts, CSV cells, atomic writes.

The deflection report and the gaps report both render one self-contained HTML page
(no script, no request, light and dark) and CSV files a spreadsheet opens safely.
Pure helpers; the only I/O is `write_atomic`. matplotlib loads on the first chart.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import tempfile
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import KBError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LABEL_CHARS = 48
# Text and axes are drawn in this sentinel colour, then rewritten to currentColor so the
# charts follow the page's light or dark text colour.
INK = "#010203"
BLUE, ORANGE, RED = "#4e8fd6", "#f08a3c", "#d9534f"  # mid-tones that read on white and black
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;
--card:#151b23}}
body{margin:0 auto;max-width:1100px;padding:1.5rem;font:15px/1.5 system-ui,sans-serif;
background:var(--bg);color:var(--fg)}h1{margin:0}h2{margin-top:2.5rem;border-bottom:1px solid
var(--line)}.muted,.detail,.meta{color:var(--muted);font-size:.9rem}.value{font-size:1.5rem;
font-weight:600}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));
gap:.75rem}.card{background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:.6rem .8rem}figure{margin:1rem 0}figure svg{display:block;width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th+th,td+td{text-align:right}td:first-child{overflow-wrap:anywhere}.comments li{margin:0 0 .8rem}
.empty{padding:1rem;border:1px dashed var(--line);border-radius:8px;color:var(--muted)}
.comment{white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext;margin:.2rem 0}
"""

# Defence in depth behind the escaping: no script, no request, whatever the data.
HEAD = (
    '<meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width,initial-scale=1">'
    '<meta name="color-scheme" content="light dark">'
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    'style-src \'unsafe-inline\'; img-src data:">'
    '<meta name="referrer" content="no-referrer">'
)


class ReportError(KBError):
    """The report could not be written."""


def clean(value: object) -> str:
    """Text without control characters (but newline and tab) or lone surrogates."""
    text = "" if value is None else str(value)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")


def plural(n: int, word: str) -> str:
    """"1 ticket", "2 tickets", "3 searches": the count with its word."""
    many = word + ("es" if word.endswith(("ch", "sh", "s", "x")) else "s")
    return f"{n:,} {word if n == 1 else many}"


def escape(value: object) -> str:
    """Text safe anywhere in HTML: in an element or a quoted attribute."""
    return html.escape(clean(value), quote=True)


def short_label(value: object) -> str:
    """One line of at most LABEL_CHARS characters, for a chart axis."""
    text = " ".join(clean(value).split()) or "(empty)"
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def svg_figure(draw: Callable[[Figure], None], rows: int) -> str:
    """A <figure> of inline SVG drawn by `draw`, its text and axes in currentColor."""
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no global backend, no GUI

    rc = {"svg.fonttype": "none", "text.parse_math": False, "font.size": 10,
          "text.color": INK, "axes.labelcolor": INK, "axes.edgecolor": INK,
          "xtick.color": INK, "ytick.color": INK, "grid.color": INK, "grid.alpha": 0.2,
          "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False}
    buffer = io.StringIO()
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        # Text stays text (svg.fonttype none): the browser finds the fonts for Thai and the
        # like, so matplotlib's own font lacking them does not matter.
        warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
        fig = Figure(figsize=(10.5, 1.2 + 0.3 * max(rows, 2)), layout="constrained")
        draw(fig)
        fig.savefig(buffer, format="svg", transparent=True,
                    metadata=dict.fromkeys(("Creator", "Date", "Format", "Type")))
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):].replace(INK, "currentColor")  # inline: no XML prolog
    # Drop the ids every chart repeats ("axes_1"); the hashed ones that <use> and clip-path
    # refer to stay.
    return "<figure>" + re.sub(r' id="[A-Za-z0-9.]+_[0-9]+"', "", svg) + "</figure>"


def barh(ax, values: Sequence[float], notes: Sequence[str], labels: Sequence[str] = (),
         color: str | Sequence[str] = BLUE) -> None:
    """Horizontal bars, each annotated with its note, labels top to bottom."""
    y = range(len(values))
    ax.bar_label(ax.barh(y, values, color=color), notes, padding=4, fontsize=9)
    if labels:
        ax.set_yticks(y, [short_label(x) for x in labels])
        ax.invert_yaxis()
    ax.grid(axis="x")
    ax.set_axisbelow(True)


def table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def section(anchor: str, title: str, intro: str, body: str) -> str:
    return (f'<section id="{anchor}"><h2>{escape(title)}</h2><p class="muted">{escape(intro)}'
            f"</p>{body}</section>")


def empty(message: str) -> str:
    return f'<p class="empty">{escape(message)}</p>'


def write_atomic(path: Path, text: str) -> Path:
    """Write through a temporary file in the same folder, so readers never see half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide a report meant to be shared
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}; choose a folder you "
                          "can write to") from None
    return path


def csv_cell(value: object) -> object:
    """A CSV cell: numbers stay numbers; text never starts like a spreadsheet formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(value, 6) if isinstance(value, float) else value
    text = clean(value)  # drops a leading "\r": what was there before counts too
    guard = str(value).startswith(FORMULA_START) or text.startswith(FORMULA_START)
    return "'" + text if guard else text


def csv_text(head: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(h) for h in head])
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue()
