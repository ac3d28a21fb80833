"""DESIGN.md's generic schema: one ticket per CSV row, JSON array element or NDJSON line.

`id` and `subject` are required; `body`, `created_at` (ISO 8601), `tags` (a list, or
comma-separated in CSV), `status`, `channel`, `language`, `requester` and
`linked_article` are optional. Column and key names are matched case-insensitively.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kb.gaps.importers._build import Plan, csv_plan, date, json_plan, make_ticket, text_id
from kb.gaps.importers._io import BadRecord, Head, Row
from kb.gaps.model import Ticket, TicketImportError
from kb.gaps.normalise import split_tags

NAME = "generic"
FIELDS = (
    "id", "subject", "body", "created_at", "tags", "status", "channel", "language",
    "requester", "linked_article",
)  # fmt: skip
REQUIRED = ("id", "subject")


def matches(head: Head) -> bool:
    keys = {k.strip().casefold() for k in (head.columns if head.kind == "csv" else head.first_keys)}
    return all(name in keys for name in REQUIRED)


def plan(path: Path, head: Head) -> Plan:
    if head.kind == "csv":
        _require_columns(path, head.columns)
        return csv_plan(NAME, path, head, _from_row)
    return json_plan(NAME, path, head, _from_object)


def _require_columns(path: Path, columns: list[str]) -> None:
    present = {c.strip().casefold() for c in columns}
    missing = [name for name in REQUIRED if name not in present]
    if missing:
        seen = ", ".join(repr(c) for c in columns[:12]) or "none"
        raise TicketImportError(
            f"{path.name}:1: no {' and no '.join(repr(m) for m in missing)} column "
            f"(columns seen: {seen}); a generic CSV needs 'id' and 'subject' columns: "
            "rename them, or describe the layout in a --mapping file"
        )


def _from_row(row: object, where: str) -> Ticket:
    assert isinstance(row, Row)
    tags: list[str] = []
    for value in row.all("tags"):
        tags.extend(value.split(","))
    return _ticket(where, row.get, split_tags(tags))


def _from_object(record: object, where: str) -> Ticket:
    if not isinstance(record, dict):
        raise BadRecord(f"a {type(record).__name__}, not a JSON object with 'id' and 'subject'")
    obj = {str(k).casefold(): v for k, v in record.items()}
    if "subject" not in obj:
        raise BadRecord("no 'subject' key; every ticket needs 'id' and 'subject'")
    return _ticket(where, obj.get, split_tags(obj.get("tags")))


def _ticket(where: str, get: Callable[[str], object], tags: tuple[str, ...]) -> Ticket:
    """The ticket whose FIELDS `get` looks up by name (a row's columns, an object's keys)."""
    return make_ticket(
        where,
        id=text_id(get("id"), "id"),
        subject=get("subject"),
        body=get("body"),
        created_at=date(get("created_at"), "created_at"),
        tags=tags,
        status=get("status"),
        channel=get("channel"),
        language=get("language"),
        requester=get("requester"),
        linked_article=get("linked_article"),
    )
