"""Zendesk Support: API v2 JSON (every list envelope, incremental export) and the CSV export.

JSON: tickets under `tickets` whatever the pagination envelope (time-based or cursor
incremental export, cursor or offset pagination), a top-level array of tickets, or
`{"ticket": {...}}`. The incremental export repeats tickets across pages (dropped by
id) and returns deleted tickets with the subject SCRUBBED (skipped with the reason).
The ticket has no language: side-loaded `users` (`include=users`) give the requester's
`locale` and email. `description` is the plain text of the first comment.

CSV (Reporting > Export): human headers such as "Id", "Subject", "Requester email",
"Via", "Created at"; tags separated by spaces.
"""

from __future__ import annotations

from pathlib import Path

import ijson

from kb.gaps.importers._build import (
    Plan,
    csv_plan,
    date,
    make_ticket,
    plain,
    require_columns,
    text_id,
)
from kb.gaps.importers._io import (
    BadRecord,
    Head,
    Row,
    SkipRecord,
    json_records,
    ndjson_records,
    open_json,
    single_record,
)
from kb.gaps.model import Ticket, TicketImportError
from kb.gaps.normalise import split_tags

NAME = "zendesk"
_SIGNATURE_KEYS = {"via", "requester_id", "raw_subject"}
_CSV_COLUMNS = {"id", "subject", "requester", "via"}


def matches(head: Head) -> bool:
    if head.kind == "csv":
        columns = {c.casefold() for c in head.columns}
        return columns >= _CSV_COLUMNS or {"id", "subject", "requester email"} <= columns
    if "ticket" in head.first_keys and isinstance((head.first or {}).get("ticket"), dict):
        return True
    return len(_SIGNATURE_KEYS & set(head.first_keys)) >= 2


def plan(path: Path, head: Head) -> Plan:
    if head.kind == "csv":
        require_columns(path, head, "Zendesk", "Id", "Subject")
        return csv_plan(NAME, path, head, _from_row)
    users = _side_loaded_users(path) if head.array_at == "tickets" else {}

    def convert(record: object, where: str) -> Ticket:
        return _from_json(record, where, users)

    if head.kind == "ndjson":  # the Admin Center's "JSON export": one ticket a line
        return Plan(NAME, lambda: ndjson_records(path), convert)

    if head.array_at is None:
        return Plan(NAME, lambda: _single(path), convert)
    if head.array_at not in ("", "tickets"):
        raise TicketImportError(
            f"{path.name}: no 'tickets' list (the records are under {head.array_at!r}); "
            "this does not look like a Zendesk export: check --format"
        )
    prefix = head.array_at
    return Plan(NAME, lambda: json_records(path, prefix, prefix or ""), convert)


def _single(path: Path):
    for where, record in single_record(path):
        yield where, record.get("ticket", record) if isinstance(record, dict) else record


def _side_loaded_users(path: Path) -> dict[object, tuple[str | None, str | None]]:
    """requester id → (locale, email) from a side-loaded `users` list, anywhere in the file."""
    users: dict[object, tuple[str | None, str | None]] = {}
    try:
        with open_json(path) as handle:
            users_items = ijson.items(handle, "users.item", use_float=True, multiple_values=True)
            for user in users_items:
                if isinstance(user, dict) and "id" in user:
                    users[user["id"]] = (plain(user.get("locale")), plain(user.get("email")))
    except ijson.JSONError:
        pass  # the tickets pass reports the broken JSON with its position
    return users


def _from_json(
    record: object, where: str, users: dict[object, tuple[str | None, str | None]]
) -> Ticket:
    if not isinstance(record, dict):
        raise BadRecord(f"a {type(record).__name__}, not a Zendesk ticket object")
    ticket_id = text_id(record.get("id"), "id")
    status = plain(record.get("status"))
    if status == "deleted" or record.get("subject") == "SCRUBBED":
        raise SkipRecord(f"ticket {ticket_id} is deleted (Zendesk scrubs it); not imported",
                         deleted=ticket_id)
    via = record.get("via")
    channel = via.get("channel") if isinstance(via, dict) else None
    requester_id = record.get("requester_id")
    locale, email = users.get(requester_id, (None, None))
    return make_ticket(
        where,
        id=ticket_id,
        subject=record.get("subject") or record.get("raw_subject"),
        body=record.get("description"),
        html=False,  # the plain text of the first comment; HTML is only in comments
        created_at=date(record.get("created_at"), "created_at"),
        tags=split_tags(record.get("tags")),
        status=status,
        channel=channel,
        language=locale,
        requester=email or plain(requester_id),
    )


def _from_row(row: object, where: str) -> Ticket:
    assert isinstance(row, Row)
    tags: list[str] = []
    for value in row.all("Tags"):
        tags.extend(value.replace(",", " ").split())
    status = row.get("Status")
    ticket_id = text_id(row.get("Id"), "Id")
    if status and status.casefold() == "deleted":
        raise SkipRecord(f"ticket {ticket_id} is deleted; not imported", deleted=ticket_id)
    return make_ticket(
        where,
        id=ticket_id,
        subject=row.get("Subject"),
        body=row.get("Description"),
        html=False,
        created_at=date(row.get("Created at"), "Created at"),
        tags=split_tags(tags),
        status=status,
        channel=row.get("Via"),
        language=row.get("Requester locale", "Requester language", "Language", "Locale"),
        requester=row.get("Requester email", "Requester id", "Requester"),
        subject_field="Subject",
    )
