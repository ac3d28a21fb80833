"""Freshdesk: API v2 JSON (ticket list or detail) and the CSV export with human headers.

JSON: `status` and `source` are integers, mapped with Freshdesk's default choices
(custom statuses stay numeric, as "status 8"). The body is `description_text`, or the
HTML `description` stripped; the list endpoint has neither. The requester is the
embedded `requester` (`include=requester`), else `email`, else `requester_id`.

CSV (Tickets > Export): "Ticket ID", "Subject", "Description", "Status", "Source",
"Created time", "Tags", and the contact's "Email"/"Contact ID"; labels are already words.
"""

from __future__ import annotations

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

NAME = "freshdesk"
# Freshdesk's default choices (GET /ticket_fields); custom statuses start at 6.
STATUS = {
    2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed", 6: "Waiting on Customer",
    7: "Waiting on Third Party",
}  # fmt: skip
SOURCE = {
    1: "Email", 2: "Portal", 3: "Phone", 4: "Forum", 5: "Twitter", 6: "Facebook", 7: "Chat",
    8: "MobiHelp", 9: "Feedback Widget", 10: "Outbound Email", 11: "Ecommerce", 12: "Bot",
    13: "Whatsapp",
}  # fmt: skip
_JSON_KEYS = {"fr_due_by", "fr_escalated", "description_text", "requester_id", "to_emails"}


def matches(head: Head) -> bool:
    if head.kind == "csv":
        columns = {c.casefold() for c in head.columns}
        return "ticket id" in columns and "subject" in columns
    keys = set(head.first_keys)
    return "subject" in keys and (
        len(_JSON_KEYS & keys) >= 2
        or isinstance((head.first or {}).get("status"), int)
        and isinstance((head.first or {}).get("source"), int)
    )


def plan(path: Path, head: Head) -> Plan:
    if head.kind == "csv":
        require_columns(path, head, "Freshdesk", "Ticket ID", "Subject")
        return csv_plan(NAME, path, head, _from_row)
    return json_plan(NAME, path, head, _from_json)


def _label(value: object, names: dict[int, str], field: str) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return names.get(int(value), f"{field} {int(value)}")
    return plain(value)


def _from_json(record: object, where: str) -> Ticket:
    if not isinstance(record, dict):
        raise BadRecord(f"a {type(record).__name__}, not a Freshdesk ticket object")
    requester = record.get("requester")
    email = requester.get("email") if isinstance(requester, dict) else None
    language = requester.get("language") if isinstance(requester, dict) else None
    text = record.get("description_text")
    return make_ticket(
        where,
        id=text_id(record.get("id"), "id"),
        subject=record.get("subject"),
        body=text if text else record.get("description"),
        html=None if text else True,
        created_at=date(record.get("created_at"), "created_at"),
        tags=split_tags(record.get("tags")),
        status=_label(record.get("status"), STATUS, "status"),
        channel=_label(record.get("source"), SOURCE, "source"),
        language=language,
        requester=email or plain(record.get("email")) or plain(record.get("requester_id")),
    )


def _from_row(row: object, where: str) -> Ticket:
    assert isinstance(row, Row)
    return make_ticket(
        where,
        id=text_id(row.get("Ticket ID"), "Ticket ID"),
        subject=row.get("Subject"),
        body=row.get("Description"),
        created_at=date(row.get("Created time", "Created at"), "Created time"),
        tags=split_tags(row.get("Tags")),
        status=row.get("Status"),
        channel=row.get("Source"),
        language=row.get("Language", "Contact language"),
        requester=row.get("Email", "Requester email", "Contact ID", "Requester ID"),
        subject_field="Subject",
    )
