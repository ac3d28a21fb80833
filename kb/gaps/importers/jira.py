"""Jira and Jira Service Management: REST search JSON, "Export CSV (all fields)", and the
data pipeline's issues CSV.

JSON (`/rest/api/2/search`, or one issue): everything under `fields`; `status` is an
object (take `.name`); `description` is wiki markup (v2) or an ADF document (v3);
dates like `2011-12-15T15:35:06.000+1300`. The id is the issue key.

"Export CSV (all fields)" repeats column names (`Labels,Labels`, `Comment,Comment`):
every repeat is read; dates look like `14/Jul/25 3:42 PM`; JSM's
`Custom field (Request language)` gives the language.

The data pipeline CSV has snake_case columns (`issue_key`, `summary`, `created_date`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kb.gaps.importers._build import (
    Plan,
    csv_plan,
    date,
    json_plan,
    make_ticket,
    plain,
    require_columns,
    text_id,
)
from kb.gaps.importers._io import BadRecord, Head, Row
from kb.gaps.model import Ticket
from kb.gaps.normalise import split_tags

NAME = "jira"


@dataclass(frozen=True)
class _Columns:
    """Where one CSV layout keeps each field; errors name the first column given."""

    id: tuple[str, ...]
    summary: str
    description: str
    created: tuple[str, ...]
    labels: str
    repeated_labels: bool  # one label per repeated column, not one comma-separated value
    status: str
    channel: tuple[str, ...]
    language: tuple[str, ...]
    requester: tuple[str, ...]


_EXPORT = _Columns(  # "Export CSV (all fields)"
    id=("Issue key", "Issue id"),
    summary="Summary",
    description="Description",
    created=("Created",),
    labels="Labels",
    repeated_labels=True,
    status="Status",
    channel=("Custom field (Channel)", "Custom field (Source)", "Channel", "Source"),
    language=(
        "Custom field (Request language)",
        "Custom field (Language)",
        "Request language",
        "Language",
    ),
    requester=("Reporter Id", "Reporter", "Creator Id", "Creator"),
)
_PIPELINE = _Columns(  # the data pipeline's issues CSV
    id=("issue_key", "issue_id"),
    summary="summary",
    description="description",
    created=("created_date", "created"),
    labels="labels",
    repeated_labels=False,
    status="status",
    channel=(),
    language=("language", "request_language"),
    requester=("reporter_id", "creator_id"),
)
# Wiki markup that is not words: {quote}...{quote} is an earlier message.
_WIKI_QUOTE = re.compile(r"\{quote\}.*?\{quote\}", re.DOTALL)
_WIKI_MARKUP = re.compile(r"\{(?:code|noformat|color|panel)(?::[^}]*)?\}|\[~[^\]]*\]|!\S+?!")
_WIKI_LINK = re.compile(r"\[([^|\]]+)\|[^\]]+\]")


def matches(head: Head) -> bool:
    if head.kind == "csv":
        columns = {c.casefold() for c in head.columns}
        return ("issue key" in columns and "summary" in columns) or (
            "issue_key" in columns and "summary" in columns
        )
    first = head.first or {}
    return isinstance(first.get("fields"), dict) and "key" in first


def plan(path: Path, head: Head) -> Plan:
    if head.kind == "csv":
        if "issue_key" in {c.casefold() for c in head.columns}:
            return csv_plan(NAME, path, head, partial(_from_row, _PIPELINE))
        require_columns(path, head, "Jira", "Issue key", "Summary")
        return csv_plan(NAME, path, head, partial(_from_row, _EXPORT))
    return json_plan(NAME, path, head, _from_json)


def _adf_text(node: object) -> str:
    """The text of an Atlassian Document Format node, one line per block."""
    if isinstance(node, list):
        return "".join(_adf_text(child) for child in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind in ("blockquote", "codeBlock", "media", "mediaSingle"):
        return ""
    inner = _adf_text(node.get("content", []))
    block = kind in ("paragraph", "heading", "listItem", "tableRow", "rule", "panel")
    return inner + "\n" if block else inner


def wiki_text(text: str) -> str:
    """Jira wiki markup made plain: quotes dropped, macros and mentions removed."""
    text = _WIKI_QUOTE.sub("\n", text)
    text = _WIKI_LINK.sub(r"\1", text)
    text = _WIKI_MARKUP.sub(" ", text)
    return "\n".join(line for line in text.splitlines() if not line.startswith("bq. "))


def _description(value: object) -> str | None:
    if isinstance(value, dict):
        return _adf_text(value)
    if isinstance(value, str):
        return wiki_text(value)
    return None


def _name(value: object) -> str | None:
    if isinstance(value, dict):
        return plain(value.get("name") or value.get("value"))
    return plain(value)


def _from_json(record: object, where: str) -> Ticket:
    if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
        raise BadRecord("not a Jira issue (no 'fields' object)")
    fields = record["fields"]
    reporter = fields.get("reporter")
    requester = None
    if isinstance(reporter, dict):
        requester = (
            reporter.get("emailAddress") or reporter.get("accountId") or reporter.get("name")
        )
    return make_ticket(
        where,
        id=text_id(record.get("key") or record.get("id"), "key"),
        subject=fields.get("summary"),
        body=_description(fields.get("description")),
        html=False,
        created_at=date(fields.get("created"), "fields.created"),
        tags=split_tags(fields.get("labels")),
        status=_name(fields.get("status")),
        channel=None,
        language=None,
        requester=plain(requester),
        subject_field="fields.summary",
    )


def _from_row(columns: _Columns, row: object, where: str) -> Ticket:
    assert isinstance(row, Row)
    description = row.get(columns.description)
    labels = row.all(columns.labels) if columns.repeated_labels else row.get(columns.labels)
    return make_ticket(
        where,
        id=text_id(row.get(*columns.id), columns.id[0]),
        subject=row.get(columns.summary),
        body=wiki_text(description) if description else None,
        html=False,
        created_at=date(row.get(*columns.created), columns.created[0]),
        tags=split_tags(labels),
        status=row.get(columns.status),
        channel=row.get(*columns.channel),  # no names: None
        language=row.get(*columns.language),
        requester=row.get(*columns.requester),
        subject_field=columns.summary,
    )
