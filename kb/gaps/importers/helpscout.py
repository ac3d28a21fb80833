"""Help Scout: Mailbox API 2.0 (HAL `_embedded.conversations`) and the retired API v1
(`{items}` list, `{item}` detail).

The body is the customer's first message: the oldest thread written by the customer
(v1 lists threads newest first; `lineitem` threads are system events without a body
and are skipped), falling back to the first other message, then to `preview`.
2.0 gives tags as objects, the customer as `primaryCustomer`, and `customFields` as
`[{id, name, value, text}]`; a custom field named like "language" gives the language.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kb.gaps.importers._build import Plan, date, make_ticket, plain, text_id
from kb.gaps.importers._io import (
    BadRecord,
    Head,
    json_records,
    ndjson_records,
    single_record,
)
from kb.gaps.model import Ticket, TicketImportError
from kb.gaps.normalise import split_tags

NAME = "helpscout"
_KEYS = {"preview", "number", "createdAt"}
_NOT_MESSAGES = {"lineitem", "note", "forwardparent", "forwardchild", "chat_event"}


def matches(head: Head) -> bool:
    first = head.first or {}
    if head.first_keys == ["item"] and isinstance(first.get("item"), dict):
        first = first["item"]
    return set(first) >= _KEYS or "primaryCustomer" in first


def plan(path: Path, head: Head) -> Plan:
    if head.kind == "ndjson":
        return Plan(NAME, lambda: ndjson_records(path), _from_json)
    if head.kind != "json":
        raise TicketImportError(
            f"{path.name}: Help Scout exports are API JSON; for a CSV use --format generic "
            "or a --mapping file"
        )
    if head.array_at is None:
        if head.first_keys == ["item"]:
            return Plan(NAME, lambda: _item(path), _from_json)
        return Plan(NAME, lambda: single_record(path), _from_json)
    prefix = head.array_at
    label = "conversations" if prefix == "_embedded.conversations" else prefix
    return Plan(NAME, lambda: json_records(path, prefix, label), _from_json)


def _item(path: Path):
    """The `item` of a v1 detail response; of each, when responses follow one another.
    A document without one (an API error saved between responses) is a bad record."""
    for where, document in single_record(path):
        item = document.get("item") if isinstance(document, dict) else None
        if isinstance(item, dict):
            yield where, item
            continue
        if isinstance(document, dict):
            what = "keys: " + (", ".join(repr(str(k)) for k in list(document)[:5]) or "none")
        else:
            what = f"a {type(document).__name__}"
        reason = (
            f"no 'item' object ({what}), so not a Help Scout conversation; if it is an API "
            "error (a rate limit, a timeout) saved in place of a response, fetch that "
            "conversation again; otherwise remove it from the file"
        )
        yield where, BadRecord(reason)


def _threads(record: dict) -> list[dict]:
    threads = record.get("threads")
    embedded = record.get("_embedded")
    if not isinstance(threads, list) and isinstance(embedded, dict):
        threads = embedded.get("threads")
    return [t for t in threads if isinstance(t, dict)] if isinstance(threads, list) else []


def _sort_key(thread: dict) -> dt.datetime:
    try:
        return date(thread.get("createdAt"), "createdAt") or dt.datetime.max.replace(tzinfo=dt.UTC)
    except BadRecord:
        return dt.datetime.max.replace(tzinfo=dt.UTC)


def _first_message(record: dict) -> str | None:
    messages = [
        t
        for t in _threads(record)
        if str(t.get("type", "")).lower() not in _NOT_MESSAGES and (t.get("body") or t.get("text"))
    ]
    messages.sort(key=_sort_key)
    by_customer = [
        t
        for t in messages
        if t.get("type") == "customer" or (t.get("createdBy") or {}).get("type") == "customer"
    ]
    chosen = (by_customer or messages or [None])[0]
    if chosen is None:
        return plain(record.get("preview"))
    return chosen.get("body") or chosen.get("text")


def _language(record: dict) -> str | None:
    for custom in record.get("customFields") or []:
        if isinstance(custom, dict) and "lang" in str(custom.get("name", "")).lower():
            return plain(custom.get("text")) or plain(custom.get("value"))
    return None


def _from_json(record: object, where: str) -> Ticket:
    if not isinstance(record, dict):
        raise BadRecord(f"a {type(record).__name__}, not a Help Scout conversation object")
    customer = record.get("primaryCustomer") or record.get("customer")
    email = None
    if isinstance(customer, dict):
        email = plain(customer.get("email"))
        emails = customer.get("emails")
        if not email and isinstance(emails, list) and emails:
            first = emails[0]
            email = plain(first.get("value") if isinstance(first, dict) else first)
        email = email or plain(customer.get("id"))
    source = record.get("source")
    channel = record.get("type") or (source.get("type") if isinstance(source, dict) else None)
    return make_ticket(
        where,
        id=text_id(record.get("id"), "id"),
        subject=record.get("subject"),
        body=_first_message(record),
        created_at=date(record.get("createdAt"), "createdAt"),
        tags=split_tags(record.get("tags")),
        status=record.get("status"),
        channel=channel,
        language=_language(record),
        requester=email,
    )
