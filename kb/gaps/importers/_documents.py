"""Several JSON documents in one file, followed through ijson's parse events.

API pages are saved one after another (joined with cat, or one per line), and so is
whatever else the API answered between them: a rate-limit error, say. json_records
passes its events through `follow_documents`, which notes each document that holds no
records, so that none is dropped without a word; `document_lines` then finds the line a
noted document starts on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import ijson

_OPENS = ("start_map", "start_array")
_CLOSES = ("end_map", "end_array")
_KEYS_SHOWN = 5
_SCALARS = {"string": "a string", "number": "a number", "boolean": "true or false", "null": "null"}

Event = tuple[str, str, object]


def follow_documents(
    events: Iterator[Event], prefix: str, bad: list[tuple[int, str]]
) -> Iterator[Event]:
    """`events` (of ijson.parse with multiple_values) passed through unchanged; each
    top-level document without an array at `prefix` ("" = the document is the array) is
    appended to `bad` as (its number, counted from 1, and what it is instead) when it
    ends."""
    number = 0
    kind = ""
    keys: list[str] = []
    found = False
    for event in events:
        at, name, value = event
        if not at:  # top level: a document starts or ends, or a key of its own
            if name == "map_key":
                if len(keys) <= _KEYS_SHOWN:
                    keys.append(str(value))
            elif name not in _CLOSES:
                number += 1
                kind, keys, found = name, [], False
        if at == prefix and name == "start_array":
            found = True
        if not at and not found and name != "map_key" and name not in _OPENS:
            bad.append((number, _shape(kind, keys)))
        yield event


def _shape(kind: str, keys: list[str]) -> str:
    if kind == "start_array":
        return "an array"
    if kind != "start_map":
        return _SCALARS.get(kind, kind)
    if not keys:
        return "an empty object"
    shown = ", ".join(repr(key) for key in keys[:_KEYS_SHOWN])
    more = ", …" if len(keys) > _KEYS_SHOWN else ""
    return f"an object with the key{'s' if len(keys) > 1 else ''} {shown}{more}"


def not_records(number: int, shape: str, prefix: str) -> str:
    """Why document `number` gave no records, and what to do."""
    wanted = f"an object with the records in {prefix!r}" if prefix else "an array of records"
    put = f"under {prefix!r}" if prefix else "in an array"
    return (
        f"document {number} is {shape}, not {wanted}; nothing in it is imported. If it is "
        "an API error (a rate limit, a timeout) saved in place of a page, fetch that page "
        f"again; otherwise put its records {put} or remove it"
    )


def document_lines(handle: BinaryIO) -> Iterator[int]:
    """The line each top-level JSON document in `handle` starts on, in order, up to
    where the JSON is broken. It reads a line at a time, slower than json_records,
    so json_records advances it only as far as a bad document."""
    reader = _LineReader(handle)
    try:
        for at, name, _ in ijson.parse(reader, multiple_values=True):
            if not at and name != "map_key" and name not in _CLOSES:
                yield reader.line
    except (ijson.JSONError, UnicodeDecodeError):
        return


class _LineReader:
    """`handle` read a line at a time (at most `size` bytes), knowing the line it gave
    last: ijson hands out the events of one read before it reads on, so the event of a
    document's first token comes while `line` is that token's line."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._next = 1
        self.line = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.readline(size)
        self.line = self._next
        if chunk.endswith(b"\n"):
            self._next += 1
        return chunk
