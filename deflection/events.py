"""Validating what browsers post to /api/events. Pure: bytes in, events or an error out.

Validation happens once, here, before any store: the same rules for SQLite and
PostgreSQL (which, unlike SQLite, refuses NUL characters).
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

MAX_BODY_BYTES = 16 * 1024
MAX_EVENTS = 50
TYPES = frozenset({"search", "result_click", "view", "vote", "contact_click",
                   "suggestion_click"})
REASONS = ("not_what_i_needed", "hard_to_understand", "outdated", "incorrect",
           "missing_steps", "other")
CAPS = {"path": 300, "query": 200, "comment": 2000, "lang": 16, "reason": 40}
REQUIRED = {
    "search": ("query", "results"),
    "result_click": ("query", "path", "rank"),
    "view": ("path",),
    "vote": ("path", "helpful"),
    "contact_click": (),
    "suggestion_click": ("query", "path", "rank"),
}
FIELDS = frozenset({"id", "type", "path", "query", "results", "rank", "helpful", "reason",
                    "comment", "lang"})
# Nested values never get this far: every field must be text, a number or a boolean.
UUID4_PATTERN = ("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-"
                 "[0-9a-fA-F]{12}$")
LANG_PATTERN = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
_UUID4 = re.compile(UUID4_PATTERN)
_LANG = re.compile(LANG_PATTERN)


class EventError(Exception):
    """A request that cannot be accepted; `status` is the HTTP status to answer."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail


class Event(NamedTuple):
    """One validated event. A named tuple: built once a request per event, it is the
    cheapest immutable record Python has (a frozen dataclass costs ~3x to construct)."""

    id: str
    type: str
    path: str | None = None
    query: str | None = None
    results: int | None = None
    rank: int | None = None
    helpful: bool | None = None
    reason: str | None = None
    comment: str | None = None
    lang: str | None = None


def _invalid(detail: str) -> EventError:
    return EventError(422, "Invalid event", detail)


def parse(body: bytes, content_type: str | None) -> list[Event]:
    """The events of a request body, or EventError (400, 413, 415 or 422)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in ("application/json", "text/plain"):
        raise EventError(415, "Unsupported media type",
                         "send application/json, or text/plain from navigator.sendBeacon")
    if len(body) > MAX_BODY_BYTES:
        raise EventError(413, "Payload too large",
                         f"the body is {len(body)} bytes; the limit is {MAX_BODY_BYTES}")
    try:
        text = body.decode("utf-8")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise EventError(400, "Malformed JSON", f"the body is not UTF-8 JSON ({exc})") from None
    except RecursionError:  # json gives up past ~1,000 levels; no event has more than 3
        raise _invalid(f"{_nested_field(text)} is nested too deeply: an event's fields are "
                       "text, numbers or booleans") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise _invalid('the body must be an object {"events": [...]}')
    if set(data) - {"events"}:
        raise _invalid(f"unknown top-level field(s): {', '.join(sorted(set(data) - {'events'}))}")
    events = data["events"]
    if not 1 <= len(events) <= MAX_EVENTS:
        raise _invalid(f"send between 1 and {MAX_EVENTS} events, not {len(events)}")
    return [_event(i, raw) for i, raw in enumerate(events)]


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')
_TOO_DEEP = 32


def _nested_field(text: str) -> str:
    """The field of a JSON text where nesting first goes deeper than _TOO_DEEP levels, as
    `events[i].name`, or "the body". Only for a body json refused as too deep: it walks
    the text, as json could not."""
    path: list[str | int] = []  # the key or index of each open container but the root
    stack: list[list] = []  # per open container: [kind, key or index, expecting a key]
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("{", "["):
            if stack:
                path.append(stack[-1][1])
            if len(stack) == _TOO_DEEP:
                break
            stack.append([token, 0 if token == "[" else "", token == "{"])
        elif token in ("}", "]"):
            if stack:
                stack.pop()
            if path:
                path.pop()
        elif token == ",":
            if stack and stack[-1][0] == "[":
                stack[-1][1] += 1
            elif stack:
                stack[-1][2] = True
        elif stack and stack[-1][2]:  # a string where a key is expected
            try:
                stack[-1][1] = json.loads(token)
            except ValueError:
                stack[-1][1] = token[1:-1]
            stack[-1][2] = False
    else:
        return "the body"
    # {"events": [{"name": ...}]}: the top-level field, the event, its field
    if not path or not isinstance(path[0], str):
        return "the body"
    if path[0] != "events" or len(path) < 2 or not isinstance(path[1], int):
        return path[0]
    field = f".{path[2]}" if len(path) > 2 and isinstance(path[2], str) else ""
    return f"events[{path[1]}]{field}"


def _event(i: int, raw: object) -> Event:
    # The hot path of every request: each field is checked once, by hand, and the
    # message (naming events[i].field) is only built for a refusal.
    if not isinstance(raw, dict):
        raise _invalid(f"events[{i}] must be an object")
    if not FIELDS.issuperset(raw):
        unknown = ", ".join(sorted(str(k) for k in set(raw) - FIELDS))
        raise _invalid(f"events[{i}] has unknown field(s): {unknown}")
    get = raw.get
    kind = get("type")
    if not isinstance(kind, str) or kind not in TYPES:
        raise _invalid(f"events[{i}].type {kind!r} is not one of {', '.join(sorted(TYPES))}")
    event_id = get("id")
    if not isinstance(event_id, str) or not _UUID4.match(event_id):
        raise _invalid(f"events[{i}].id must be a UUID version 4 string")
    for name in REQUIRED[kind]:
        if get(name) is None:
            raise _invalid(f"events[{i}]: a {kind} event needs '{name}'")
    path, query, lang = get("path"), get("query"), get("lang")
    if path is not None:
        path = _text(i, "path", path)
    if query is not None:
        query = _text(i, "query", query)
    if lang is not None:
        lang = _text(i, "lang", lang)
        if not _LANG.match(lang):
            raise _invalid(f"events[{i}].lang must be a language code such as en or pt-BR")
    results, rank = get("results"), get("rank")
    if results is not None:
        results = _number(i, "results", results)
    if rank is not None:
        rank = _number(i, "rank", rank)
    helpful, reason, comment = get("helpful"), get("reason"), get("comment")
    if helpful is not None and not isinstance(helpful, bool):
        raise _invalid(f"events[{i}].helpful must be true or false")
    if reason is not None:
        reason = _text(i, "reason", reason)
        if reason not in REASONS:
            raise _invalid(f"events[{i}].reason must be one of {', '.join(REASONS)}")
    if comment is not None:
        comment = _text(i, "comment", comment)
    if kind != "vote" and (helpful is not None or reason or comment):
        raise _invalid(f"events[{i}]: helpful, reason and comment belong to vote events")
    return Event(event_id.lower(), kind, path, query, results, rank, helpful, reason,
                 comment, lang)


def _number(i: int, name: str, value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 3.0 is a whole number in JSON
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise _invalid(f"events[{i}].{name} must be a whole number from 0 to 10000")
    return value


def _text(i: int, name: str, value: object) -> str:
    if not isinstance(value, str):
        raise _invalid(f"events[{i}].{name} must be text")
    if len(value) > CAPS[name]:
        raise _invalid(f"events[{i}].{name} is {len(value)} characters; the limit is "
                       f"{CAPS[name]}")
    if "\x00" in value:
        raise _invalid(f"events[{i}].{name} contains a NUL character")
    if not value.isascii():  # only non-ASCII text can hold a lone surrogate
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _invalid(f"events[{i}].{name} contains a lone surrogate") from None
    return value.strip()
