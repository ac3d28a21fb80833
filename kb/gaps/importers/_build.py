"""Turning one export record's values into a normalised `Ticket`, with field-named errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from kb.gaps.importers._io import (
    BadRecord,
    Head,
    csv_rows,
    json_records,
    ndjson_records,
    single_record,
)
from kb.gaps.model import Ticket, TicketImportError
from kb.gaps.normalise import (
    clean_subject,
    clean_text,
    first_words,
    language_code,
    parse_datetime,
)

Records = Generator[tuple[str, object], None, None]


@dataclass
class Plan:
    """How one export is read: its records (re-startable) and the record → Ticket step."""

    format: str
    records: Callable[[], Records]
    convert: Callable[[object, str], Ticket]


def csv_plan(name: str, path: Path, head: Head, convert: Callable[[object, str], Ticket]) -> Plan:
    """The plan for a CSV export: one `Row` per record."""
    return Plan(name, lambda: csv_rows(path, head.delimiter), convert)


def json_plan(
    name: str,
    path: Path,
    head: Head,
    convert: Callable[[object, str], Ticket],
    records: str | None = None,
) -> Plan:
    """The plan for an NDJSON file, a JSON record array, or a single JSON object.

    The array is the one the sniffer found (`head.array_at`) unless `records` names one.
    """
    if head.kind == "ndjson":
        return Plan(name, lambda: ndjson_records(path), convert)
    prefix = records if records is not None else head.array_at
    if prefix is None:
        return Plan(name, lambda: single_record(path), convert)
    return Plan(name, lambda: json_records(path, prefix, prefix or ""), convert)


def require_columns(path: Path, head: Head, product: str, *names: str) -> None:
    """TicketImportError unless the CSV header has every one of `names` (any case)."""
    columns = {c.casefold() for c in head.columns}
    if not {n.casefold() for n in names} <= columns:
        wanted = " and ".join(f"'{n}'" for n in names)
        raise TicketImportError(
            f"{path.name}:1: a {product} CSV export needs the {wanted} columns; "
            f"seen: {', '.join(head.columns[:12])}"
        )


def text_id(value: object, field: str) -> str:
    """A ticket id as text: 12 → "12", 12.0 → "12"; BadRecord when missing."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    if not text:
        raise BadRecord(f"no ticket id in {field!r}; every ticket needs an id")
    return text


def date(value: object, field: str, fmt: str | None = None) -> dt.datetime | None:
    """`parse_datetime`, with the field named in the error."""
    try:
        return parse_datetime(value, fmt)
    except (ValueError, OverflowError, OSError) as exc:
        raise BadRecord(f"{field!r}: {exc}") from None


def plain(value: object) -> str | None:
    """A scalar export value as stripped text, None when blank."""
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def make_ticket(
    where: str,
    *,
    id: str,
    subject: object,
    body: object = None,
    created_at: dt.datetime | None = None,
    tags: tuple[str, ...] = (),
    status: object = None,
    channel: object = None,
    language: object = None,
    requester: object = None,
    linked_article: object = None,
    html: bool | None = None,
    subject_field: str = "subject",
) -> Ticket:
    """A Ticket with subject and body cleaned; a blank subject falls back to the body's
    first words, and a ticket with neither is a BadRecord naming `subject_field`."""
    body_text = clean_text(body, html)
    subject_text = clean_subject(subject)
    if not subject_text:
        if not body_text:
            raise BadRecord(
                f"ticket {id}: no text in {subject_field!r} nor in the body; "
                "a ticket needs a subject"
            )
        subject_text = first_words(body_text)
    status_text = plain(status)
    channel_text = plain(channel)
    return Ticket(
        id=id,
        subject=subject_text,
        body=body_text,
        created_at=created_at,
        tags=tags,
        status=status_text.lower() if status_text else None,
        channel=channel_text.lower() if channel_text else None,
        language=language_code(language),
        requester=plain(requester),
        linked_article=plain(linked_article),
        where=where,
    )
