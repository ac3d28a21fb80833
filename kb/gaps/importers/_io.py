"""Reading export files record by record, in constant memory, with clear errors.

`sniff` looks at the head of a file (kind, CSV header, JSON keys) so the detector can
choose a format; `csv_rows`, `json_records` and `ndjson_records` stream the records
with a `where` ("export.csv:12", "export.json:tickets[3]") for every message.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import ijson

from kb.gaps.importers._check import HEAD_BYTES, encoding_error, refuse_other_documents
from kb.gaps.importers._documents import document_lines, follow_documents, not_records
from kb.gaps.model import TicketImportError

# A single CSV field larger than this is refused (an unclosed quote would otherwise read
# the rest of the file into one field); a ticket body is never this long.
CSV_FIELD_LIMIT = 16 * 1024 * 1024
MAX_FIELD_CHARS = 1_000_000  # a longer field makes its record a problem, not a ticket
_REPEAT_SUFFIX = re.compile(r"^(.*)\.(\d+)$")  # pandas renames repeated columns "Labels.1"


class BadRecord(Exception):
    """One record cannot become a ticket; the message says why and what to do."""


class SkipRecord(Exception):
    """One record is deliberately not a ticket (deleted, spam); the message says why.
    `deleted` names the ticket id when the record deletes that ticket (in every version:
    read_tickets drops the id altogether)."""

    def __init__(self, message: str, deleted: str | None = None) -> None:
        super().__init__(message)
        self.deleted = deleted


@dataclass
class Head:
    """What the start of a file looks like."""

    kind: str  # "csv" | "json" | "ndjson"
    delimiter: str = ","  # CSV: "," or the ";" / tab of spreadsheet exports
    columns: list[str] = field(default_factory=list)  # CSV header
    top_keys: list[str] = field(default_factory=list)  # keys of a top-level JSON object
    array_at: str | None = None  # ijson prefix of the record array, "" for a top-level array
    first_keys: list[str] = field(default_factory=list)  # keys of the first record
    first: dict | None = None  # the first record itself (JSON, NDJSON), when small


def open_json(path: Path) -> BinaryIO:
    """`path` opened for ijson, past a UTF-8 byte order mark: ijson reads raw bytes and
    calls the BOM an invalid character, while Windows tools write one."""
    handle = path.open("rb")
    if handle.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
        handle.seek(0)
    return handle


def sniff(path: Path, head: bytes) -> Head:
    """Kind and shape of the export from its first bytes."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    refuse_other_documents(path, text, complete=len(head) < HEAD_BYTES)
    if text.startswith(("{", "[")):
        first_line = text.split("\n", 1)[0].strip()
        if text.startswith("{") and first_line.endswith("}"):
            try:
                first = json.loads(first_line)
            except ValueError:
                pass
            else:
                more = text[len(first_line) :].strip().startswith("{")
                if isinstance(first, dict) and more and not _is_envelope(first):
                    return Head("ndjson", first_keys=list(first), first=first)
        return _sniff_json(path)
    header_line = text.split("\n", 1)[0]
    if "\x00" in header_line:
        raise TicketImportError(f"{path.name}:1: {_NUL} in the CSV header; {_NUL_FIX}")
    # Spreadsheets in many locales (ru among them) save CSV with ";" between columns.
    delimiter = max((",", ";", "\t"), key=header_line.count)
    if not header_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=False)
    try:
        columns = next(reader, [])
    except csv.Error as exc:
        raise TicketImportError(f"{path.name}:1: the CSV header cannot be read ({exc})") from None
    return Head("csv", delimiter=delimiter, columns=[c.strip() for c in columns])


def _lines(text: str) -> Iterator[str]:
    yield from text.splitlines(keepends=True)


# Where exports keep their list of records inside a top-level object.
RECORD_ARRAYS = (
    "tickets", "issues", "items", "conversations", "_embedded.conversations", "data",
    "results", "records", "requests", "values",
)  # fmt: skip
_SINGLE_OBJECT_LIMIT = 50 * 1024 * 1024


def _is_envelope(obj: dict) -> bool:
    """An API page ({"tickets": [...], "next_page": ...}), not a record: no id, and a
    list where exports keep their records. Pages one per line are read as JSON."""
    if "id" in obj:
        return False
    for key_path in RECORD_ARRAYS:
        value: object = obj
        for part in key_path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, list):
            return True
    return False


MAX_PREFIX = 1000  # characters of a JSON path ("tickets.item.via.source.from...")


def _sniff_json(path: Path) -> Head:
    """Top-level keys and the first record, from a bounded number of parse events."""
    head = Head("json")
    builder: ijson.ObjectBuilder | None = None
    item_prefix = ""
    try:
        with open_json(path) as handle:
            # small buffer: see MAX_PREFIX
            events = ijson.parse(handle, use_float=True, multiple_values=True, buf_size=4096)
            for count, (prefix, event, value) in enumerate(events):
                if len(prefix) > MAX_PREFIX:
                    # ijson keeps every level's path: deep nesting would eat memory
                    raise TicketImportError(
                        f"{path.name}: JSON nested more than {MAX_PREFIX // 5} levels deep; "
                        "no helpdesk export looks like this: check the file")
                if builder is not None:
                    builder.event(event, value)
                    if prefix == item_prefix and event == "end_map":
                        head.first = builder.value
                        break
                elif count > 500_000:
                    break
                elif prefix == "" and event == "map_key":
                    head.top_keys.append(value)
                elif event == "start_array" and (prefix == "" or prefix in RECORD_ARRAYS):
                    if head.array_at is None:
                        head.array_at = prefix
                elif event == "start_map" and head.array_at is not None:
                    expected = f"{head.array_at}.item" if head.array_at else "item"
                    if prefix == expected:
                        item_prefix = prefix
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                elif prefix == "" and event == "end_map":
                    break
    except ijson.JSONError as exc:
        if head.first is None:  # broken before the first whole record: say so, not "unknown"
            raise TicketImportError(
                f"{path.name}: not valid JSON ({_json_reason(exc)}); check the file is a "
                "complete JSON export"
            ) from None
    if head.first is None and head.array_at is None and head.top_keys:
        head.first = _single_object(path)  # Freshdesk detail, Jira issue, Help Scout {item}
    head.first_keys = list(head.first) if isinstance(head.first, dict) else []
    return head


def _single_object(path: Path) -> dict | None:
    if path.stat().st_size > _SINGLE_OBJECT_LIMIT:
        return None
    try:
        with open_json(path) as handle:
            obj = next(ijson.items(handle, "", use_float=True, multiple_values=True))
    except (ijson.JSONError, StopIteration) as exc:
        raise TicketImportError(
            f"{path.name}: not valid JSON ({_json_reason(exc)}); check the file is complete"
        ) from None
    return obj if isinstance(obj, dict) else None


def json_arrays(path: Path, limit: int = 5_000_000) -> list[str]:
    """The key paths ("data.tickets") of the arrays a mapping's `records` can name: those
    not inside another array, in file order, from at most `limit` parse events."""
    found: list[str] = []
    depth = 0  # arrays open around the current event
    try:
        with open_json(path) as handle:
            events = ijson.parse(handle, use_float=True, multiple_values=True)
            for count, (prefix, event, _) in enumerate(events):
                if event == "start_array":
                    if depth == 0 and prefix not in found:
                        found.append(prefix)
                    depth += 1
                elif event == "end_array":
                    depth -= 1
                elif count > limit:
                    break
    except ijson.JSONError:
        pass  # reading the records reports the broken JSON with its position
    return found


def _json_reason(exc: Exception) -> str:
    """The first line of an ijson error, as text (the C backend gives bytes)."""
    detail = exc.args[0] if exc.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", errors="replace")
    lines = str(detail).strip().splitlines()
    text = lines[0].strip() if lines else type(exc).__name__
    if "invalid bytes in UTF8" in text:
        return "not UTF-8: export the file again as UTF-8"
    return text[:200]


class Row:
    """One CSV record addressed by column name; repeated columns keep every value."""

    __slots__ = ("_index", "values")

    def __init__(self, index: dict[str, list[int]], values: list[str]) -> None:
        self._index = index
        self.values = values

    def all(self, *names: str) -> list[str]:
        """Every non-blank value under any of `names` (case-insensitive), in column order."""
        found: list[str] = []
        for name in names:
            for i in self._index.get(name.casefold(), ()):
                if i < len(self.values) and (value := self.values[i].strip()):
                    found.append(value)
        return found

    def get(self, *names: str) -> str | None:
        """The first non-blank value under any of `names`, or None."""
        values = self.all(*names)
        return values[0] if values else None


def column_index(columns: list[str]) -> dict[str, list[int]]:
    """Column positions by case-folded name; "Labels.1" also counts as "Labels"."""
    index: dict[str, list[int]] = {}
    for i, column in enumerate(columns):
        key = column.strip().lstrip("\ufeff").casefold()
        match = _REPEAT_SUFFIX.match(key)
        if match and match.group(1) in index:
            key = match.group(1)
        index.setdefault(key, []).append(i)
    return index


def csv_rows(path: Path, delimiter: str = ",") -> Iterator[tuple[str, Row | BadRecord]]:
    """(where, Row) per CSV record after the header, or (where, BadRecord) for a broken one.

    `where` names the line the record starts on. Blank lines are skipped.
    """
    csv.field_size_limit(CSV_FIELD_LIMIT)
    name = path.name
    with path.open("rb") as handle:
        reader = csv.reader(_decoded_lines(handle, name), delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise TicketImportError(f"{name}:1: the CSV header cannot be read ({exc})") from None
        if any("\x00" in column for column in header):
            raise TicketImportError(f"{name}:1: {_NUL} in the CSV header; {_NUL_FIX}")
        index = column_index(header)
        width = len(header)
        start = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield f"{name}:{start}", BadRecord(_csv_reason(exc, start, reader.line_num))
                start = reader.line_num + 1
                continue
            where, first_line = f"{name}:{start}", start
            start = reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != width:
                yield (
                    where,
                    BadRecord(
                        f"{len(values)} columns where the header has {width}: the row is cut "
                        "short (a truncated file?) or a field has an unquoted comma or quote; "
                        "fix the row or export again"
                    ),
                )
                continue
            if nul := _nul_in(values, header, first_line):
                yield where, BadRecord(nul)
                continue
            longest = max(values, key=len)
            if len(longest) > MAX_FIELD_CHARS:
                column = header[values.index(longest)]
                yield (
                    where,
                    BadRecord(
                        f"field {column!r} is {len(longest):,} characters, over kb's limit of "
                        f"{MAX_FIELD_CHARS:,}; shorten it or remove the row"
                    ),
                )
                continue
            yield where, Row(index, values)


_NUL = "a NUL byte (0x00)"
_NUL_FIX = "the file is damaged there: delete the byte (or the row) in a text editor"


def _nul_in(values: list[str], header: list[str], first_line: int) -> str | None:
    """The problem with a record holding a NUL byte, naming its line and column."""
    for i, value in enumerate(values):
        if (at := value.find("\x00")) >= 0:
            line = first_line + sum(v.count("\n") for v in values[:i]) + value.count("\n", 0, at)
            return f"{_NUL} on line {line}, in the field {header[i]!r}; {_NUL_FIX}"
    return None


def _decoded_lines(handle: BinaryIO, name: str) -> Iterator[str]:
    """The lines of a binary file as text, so a decoding error names its exact line."""
    for number, raw in enumerate(handle, 1):
        try:
            yield (raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise encoding_error(name, number, exc) from None


def _csv_reason(exc: csv.Error, start: int, end: int) -> str:
    message = str(exc)
    if "unexpected end of data" in message:
        return (
            "the file ends inside a quoted field: it is truncated or a quote is never "
            "closed; export the file again or close the quote"
        )
    if "field larger than field limit" in message:
        return (
            f"a field runs past {CSV_FIELD_LIMIT // (1024 * 1024)} MB (lines {start}-{end}): "
            "a quote is probably never closed; fix the quoting"
        )
    return f"the CSV row cannot be read ({message}); fix its quoting"


def json_records(path: Path, prefix: str, label: str) -> Iterator[tuple[str, object]]:
    """(where, record) for each element of the array at `prefix` ("" = top level).

    A file of several JSON documents (API pages saved one after another, or one per
    line) gives the records of each in turn, numbered on across them; a document
    without that array (an API error saved between pages) is a BadRecord naming it and
    its line. Truncated or invalid JSON raises TicketImportError naming the last good
    record.
    """
    count = 0
    try:
        # The usual export is one document: ijson builds its records in C, three times
        # as fast as _documents, which follows every parse event in Python.
        with open_json(path) as handle:
            records = ijson.items(handle, f"{prefix}.item" if prefix else "item", use_float=True)
            for count, record in enumerate(records, 1):
                yield f"{path.name}:{label}[{count - 1}]", record
        return
    except (ijson.JSONError, UnicodeDecodeError):
        pass  # a second document or broken JSON: _documents reads again and tells which
    yield from _documents(path, prefix, label, given=count)


def _documents(path: Path, prefix: str, label: str, given: int) -> Iterator[tuple[str, object]]:
    """json_records for a file of several documents, past the `given` first records."""
    name = path.name
    count = 0
    bad: list[tuple[int, str]] = []  # documents without records, as follow_documents notes
    lines = _document_lines(path)  # advanced only to name a bad document's line
    lines_given = 0

    def bad_records() -> Iterator[tuple[str, BadRecord]]:
        nonlocal lines_given
        for number, shape in bad:
            line = next(itertools.islice(lines, number - lines_given - 1, None), None)
            lines_given = number
            where = f"{name}:{line}" if line else f"{name}:document {number}"
            yield where, BadRecord(not_records(number, shape, prefix))
        bad.clear()

    try:
        with open_json(path) as handle:
            events = ijson.parse(handle, use_float=True, multiple_values=True)
            item_prefix = f"{prefix}.item" if prefix else "item"
            for record in ijson.items(follow_documents(events, prefix, bad), item_prefix):
                yield from bad_records()  # ended before this record's document
                count += 1
                if count > given:
                    yield f"{name}:{label}[{count - 1}]", record
        yield from bad_records()
    except ijson.JSONError as exc:
        yield from bad_records()
        reason = _json_reason(exc)
        if reason.startswith("not UTF-8"):
            raise TicketImportError(
                f"{name}: after record {label}[{count - 1}]: {reason}"
            ) from None
        raise TicketImportError(
            f"{name}: the JSON breaks off after record {label}[{count - 1}] "
            f"({reason}): the file is truncated or invalid; export it again"
        ) from None
    except UnicodeDecodeError as exc:
        yield from bad_records()
        raise TicketImportError(
            f"{name}: not UTF-8 after record {label}[{count - 1}] (byte "
            f"0x{exc.object[exc.start]:02X}); export the file again as UTF-8"
        ) from None
    finally:
        lines.close()


def _document_lines(path: Path) -> Iterator[int]:
    with open_json(path) as handle:
        yield from document_lines(handle)


def single_record(path: Path) -> Iterator[tuple[str, object]]:
    """The top-level JSON object of `path` as a record; each one, when the file holds
    several documents."""
    number = 0
    try:
        with open_json(path) as handle:
            documents = ijson.items(handle, "", use_float=True, multiple_values=True)
            for number, record in enumerate(documents, 1):
                yield f"{path.name}:{1 if number == 1 else f'document {number}'}", record
    except ijson.JSONError as exc:
        after = f" after document {number}" if number else ""
        raise TicketImportError(
            f"{path.name}: not valid JSON{after} ({_json_reason(exc)}); export it again"
        ) from None


def ndjson_records(path: Path) -> Iterator[tuple[str, object]]:
    """(where, object) per non-blank line; a line that is not JSON is a BadRecord."""
    name = path.name
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            where = f"{name}:{number}"
            if len(raw) > MAX_FIELD_CHARS * 4:
                yield (
                    where,
                    BadRecord(
                        f"the line is {len(raw):,} bytes, over kb's limit of "
                        f"{MAX_FIELD_CHARS * 4:,}; shorten the ticket or remove the line"
                    ),
                )
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise encoding_error(name, number, exc) from None
            try:
                yield where, json.loads(text)
            except ValueError as exc:
                cut = text.lstrip().startswith("{") and not text.rstrip().endswith("}")
                reason = "the line is cut short" if cut else str(exc)
                yield where, BadRecord(f"not a JSON object ({reason}); fix or remove the line")
