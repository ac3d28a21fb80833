"""Front matter: parse it with line numbers and check it against kb's schema.

Pure: takes text, returns data and problems; no MkDocs, no file system.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

import yaml

from kb.problems import Problem, Severity
from kb.yamlload import CSafeLoader as _LOADER

_OPEN = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:")

ARTICLE_KEYS = (
    "title",
    "summary",
    "tags",
    "owner",
    "reviewed",
    "review_every",
    "keywords",
    "translation_key",
)
# Keys that MkDocs and Material themselves understand; never reported as unknown.
THEME_KEYS = frozenset(
    {"template", "hide", "search", "icon", "status", "subtitle", "description", "tags",
     "comments", "social", "title", "authors", "date", "draft", "slug", "categories",
     "links", "readtime", "pin", "typeset", "robots"}
)
# A writer may leave these out of an article, though the site is worse for it.
RECOMMENDED_KEYS = ("summary", "tags", "owner", "reviewed", "review_every")
# What `kb new` writes for the summary. A summary starting with its "TODO:" is not written
# yet; one starting with the word alone ("TODO lists in Tasklane…") may well be.
PLACEHOLDER = "TODO: one sentence that says what this article answers."
_UNWRITTEN = PLACEHOLDER.split(" ", 1)[0]


@dataclass
class FrontMatter:
    meta: dict = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # file line on which `body` starts
    key_lines: dict[str, int] = field(default_factory=dict)
    present: bool = False  # the file has a front matter block at all
    error: tuple[int, str] | None = None  # (line, message) when it cannot be read

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def parse(text: str) -> FrontMatter:
    """Split `---` front matter from the body; never raises on bad YAML."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or not _OPEN.match(lines[0]):
        return FrontMatter(body=text)
    end = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i])), None)
    if end is None:
        return FrontMatter(
            body=text,
            present=True,
            error=(1, "front matter opened with '---' on line 1 is never closed"),
        )
    block = "\n".join(lines[1:end])
    key_lines = {}
    for offset, line in enumerate(lines[1:end]):
        match = _KEY_LINE.match(line)
        if match:
            key_lines.setdefault(match.group(1), offset + 2)
    fm = FrontMatter(
        body="\n".join(lines[end + 1 :]), body_line=end + 2, key_lines=key_lines, present=True
    )
    try:
        meta = yaml.load(block, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        fm.error = (line, f"front matter is not valid YAML: {problem}")
        return fm
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        fm.error = (2, f"front matter must be a mapping of keys, got a {type(meta).__name__}")
        return fm
    fm.meta = {str(k): v for k, v in meta.items()}
    return fm


def _problem(file: str, line: int, severity: Severity, code: str, message: str, fix: str):
    return Problem(file, line, severity, code, message, fix)


def validate(file: str, fm: FrontMatter, *, is_index: bool) -> list[Problem]:
    """Check front matter against the schema. Index pages need only a title."""
    if fm.error:
        line, message = fm.error
        return [
            _problem(
                file, line, Severity.ERROR, "front-matter-yaml", message,
                "fix the YAML between the '---' lines (quote values containing ': ' or "
                "starting with '[', '{', '@', '*', '&', '!', '%')",
            )
        ]
    if not fm.present:
        if is_index:
            return []
        return [
            _problem(
                file, 1, Severity.ERROR, "front-matter-missing",
                "the article has no front matter",
                "start the file with a '---' block holding at least title and summary "
                "(`kb new` writes a complete one)",
            )
        ]
    meta = fm.meta
    problems: list[Problem] = []

    def err(key: str, message: str, fix: str, severity: Severity = Severity.ERROR) -> None:
        problems.append(_problem(file, fm.line_of(key), severity, f"front-matter-{key}",
                                 message, fix))

    title = meta.get("title")
    if title is None:
        err("title", "front matter has no 'title'", "add a line 'title: <the article title>'")
    elif not isinstance(title, str) or not title.strip():
        err("title", f"'title' must be text, got {title!r}", "write the title as plain text")

    if not is_index:
        for key in RECOMMENDED_KEYS:
            if key not in meta:
                err(key, f"front matter has no '{key}'", _ADD_HINT[key], Severity.WARNING)
    _check_text(meta, "summary", err)
    summary = meta.get("summary")
    if isinstance(summary, str) and summary.lstrip().startswith(_UNWRITTEN):
        err("summary", f"the summary is still a placeholder ({meta['summary']!r})",
            "write one sentence that says what the article answers: search results and "
            "section pages show it", Severity.WARNING)
    # nothing, or only empty headings (`kb new` writes "## ")
    if not is_index and not any(line.strip("# \t") for line in fm.body.split("\n")):
        problems.append(_problem(
            file, fm.body_line, Severity.WARNING, "empty-article",
            "the article has no text yet, so it would be published empty",
            "write the answer under a '## ' heading, or delete the file and its nav entry"))
    _check_text(meta, "owner", err)
    _check_text(meta, "translation_key", err)
    key_value = meta.get("translation_key")
    if isinstance(key_value, str) and not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", key_value):
        err("translation_key", f"'translation_key' {meta['translation_key']!r} has "
                "spaces or capitals", "use lowercase letters, digits and hyphens, such as "
                "the English article's file name")
    for key in ("tags", "keywords"):
        if key in meta:
            value = meta[key]
            if not isinstance(value, list) or not all(
                isinstance(v, (str, int, float)) and str(v).strip() for v in value
            ):
                err(key, f"'{key}' must be a list of words, got {value!r}",
                    f"write '{key}: [first, second]'")
    if "reviewed" in meta:
        value = meta["reviewed"]
        if isinstance(value, dt.datetime):
            pass
        elif not isinstance(value, dt.date):
            err("reviewed", f"'reviewed' must be a date, got {value!r}",
                "write the date of the last review as YYYY-MM-DD, e.g. 'reviewed: 2026-03-31'")
    if "review_every" in meta:
        value = meta["review_every"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            err("review_every", f"'review_every' must be a number of days, got {value!r}",
                "write a whole number of days, e.g. 'review_every: 180'")

    known = set(ARTICLE_KEYS) | THEME_KEYS
    for key in meta:
        if key in known:
            continue
        close = difflib.get_close_matches(key, ARTICLE_KEYS, n=1, cutoff=0.75)
        if close:
            err(key, f"unknown front matter key '{key}'",
                f"did you mean '{close[0]}'? Rename it", Severity.WARNING)
        else:
            err(key, f"front matter key '{key}' is not one kb uses",
                "leave it if another tool needs it; kb ignores it", Severity.NOTE)
    return problems


def _check_text(meta: dict, key: str, err) -> None:
    if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
        err(key, f"'{key}' must be text, got {meta[key]!r}", f"write '{key}: <text>'")


_ADD_HINT = {
    "summary": "add 'summary: <one sentence>': search results and section pages show it",
    "tags": "add 'tags: [word, word]': related articles are found through shared tags",
    "owner": "add 'owner: <name>': the person who keeps this article true",
    "reviewed": "add 'reviewed: YYYY-MM-DD': the date the content was last checked",
    "review_every": "add 'review_every: <days>': how often the article must be checked",
}


def reviewed_date(meta: dict) -> dt.date | None:
    value = meta.get("reviewed")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
