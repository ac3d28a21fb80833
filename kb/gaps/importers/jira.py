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
from pathlib import Path

from kb.gaps.importers._build import Plan, date, make_ticket, plain, text_id
from kb.gaps.importers._io import (
    BadRecord,
    Head,
    Row,
    csv_rows,
    json_records,
    ndjson_records,
    single_record,
)
from kb.gaps.model import Ticket, TicketImportError
from kb.gaps.normalise import split_tags

NAME = "jira"
_LANGUAGE_COLUMNS = (
    "Custom field (Request language)", "Custom field (Language)", "Request language",
    "Language",
)  # fmt: skip
_CHANNEL_COLUMNS = ("Custom field (Channel)", "Custom field (Source)", "Channel", "Source")
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
        columns = {c.casefold() for c in head.columns}
        if "issue_key" in columns:
            return Plan(NAME, lambda: csv_rows(path, head.delimiter), _from_pipeline_row)
        if not {"issue key", "summary"} <= columns:
            raise TicketImportError(
                f"{path.name}:1: a Jira CSV export needs the 'Issue key' and 'Summary' "
                f"columns; seen: {', '.join(head.columns[:12])}"
            )
        return Plan(NAME, lambda: csv_rows(path, head.delimiter), _from_row)
    if head.kind == "ndjson":
        return Plan(NAME, lambda: ndjson_records(path), _from_json)
    if head.array_at is None:
        return Plan(NAME, lambda: single_record(path), _from_json)
    prefix = head.array_at
    return Plan(NAME, lambda: json_records(path, prefix, prefix or ""), _from_json)


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


def _from_row(row: object, where: str) -> Ticket:
    assert isinstance(row, Row)
    description = row.get("Description")
    return make_ticket(
        where,
        id=text_id(row.get("Issue key", "Issue id"), "Issue key"),
        subject=row.get("Summary"),
        body=wiki_text(description) if description else None,
        html=False,
        created_at=date(row.get("Created"), "Created"),
        tags=split_tags(row.all("Labels")),
        status=row.get("Status"),
        channel=row.get(*_CHANNEL_COLUMNS),
        language=row.get(*_LANGUAGE_COLUMNS),
        requester=row.get("Reporter Id", "Reporter", "Creator Id", "Creator"),
        subject_field="Summary",
    )


def _from_pipeline_row(row: object, where: str) -> Ticket:
    assert isinstance(row, Row)
    description = row.get("description")
    return make_ticket(
        where,
        id=text_id(row.get("issue_key", "issue_id"), "issue_key"),
        subject=row.get("summary"),
        body=wiki_text(description) if description else None,
        html=False,
        created_at=date(row.get("created_date", "created"), "created_date"),
        tags=split_tags(row.get("labels")),
        status=row.get("status"),
        language=row.get("language", "request_language"),
        requester=row.get("reporter_id", "creator_id"),
        subject_field="summary",
    )
