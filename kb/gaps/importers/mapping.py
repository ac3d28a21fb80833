"""Any other export layout, described by a small YAML file (`kb gaps --mapping FILE`).

    fields:                      # generic field: CSV column, or JSON key path (a.b.c)
      id: Ticket number
      subject: Title
      body: Details
      created_at: Opened on
      tags: Labels
      requester: customer.email
    date_format: "%d.%m.%Y %H:%M"   # strptime format; default: ISO 8601
    tag_separator: ";"              # default ","
    records: data.tickets           # JSON only: where the list of tickets is
    html: auto                      # is the body HTML? auto | true | false

`id` and `subject` are required; the other fields of DESIGN.md's generic schema are
optional. Errors name the mapping file, its line and the key. Every column must be in
the CSV header, and `records` must name an array of the file. A JSON key path is a typo
when none of the first records has it and some show it wrong (an object without the
key, a plain value where the path goes on); null or a short list on the way only says
that a record has no value there, as with empty comment lists or anonymous requesters.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.gaps.importers._build import Plan, csv_plan, date, json_plan, make_ticket, text_id
from kb.gaps.importers._io import BadRecord, Head, Row, json_arrays, json_records
from kb.gaps.importers.generic import FIELDS
from kb.gaps.model import Ticket, TicketImportError
from kb.gaps.normalise import split_tags

NAME = "mapping"
KEYS = ("fields", "date_format", "tag_separator", "records", "html")
# A key path none of the first records has is a typo, not a sparse optional key.
SAMPLE_RECORDS = 20


@dataclass
class Mapping:
    """A validated mapping file."""

    fields: dict[str, str]
    date_format: str | None = None
    tag_separator: str = ","
    records: str | None = None
    html: bool | None = None
    lines: dict[str, int] = field(default_factory=dict)  # "fields.subject" → line


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; TicketImportError names the line and key."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TicketImportError(f"{path}: no such mapping file; check --mapping") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TicketImportError(f"{path}: the mapping file cannot be read ({exc})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or exc
        raise TicketImportError(f"{name}{line}: not valid YAML ({reason})") from None
    if not isinstance(node, yaml.MappingNode):
        raise TicketImportError(
            f"{name}: a mapping file is a YAML mapping with a 'fields' key; see "
            "\"Gaps from tickets\" in kb's README for an example"
        )
    top = _entries(name, node, "")
    lines: dict[str, int] = {}
    for key, (_, line) in top.items():
        lines[key] = line
        if key not in KEYS:
            raise TicketImportError(f"{name}:{line}: unknown key {key!r}; use {', '.join(KEYS)}")
    if "fields" not in top:
        raise TicketImportError(f"{name}: no 'fields' key; map at least id and subject")
    fields_node, fields_line = top["fields"]
    if not isinstance(fields_node, yaml.MappingNode):
        raise TicketImportError(
            f"{name}:{fields_line}: 'fields' must map generic fields to columns, "
            "e.g. 'subject: Title'"
        )
    fields: dict[str, str] = {}
    for key, (value, line) in _entries(name, fields_node, "fields.").items():
        lines[f"fields.{key}"] = line
        if key not in FIELDS:
            raise TicketImportError(
                f"{name}:{line}: fields.{key} is not a ticket field; use {', '.join(FIELDS)}"
            )
        if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
            raise TicketImportError(
                f"{name}:{line}: fields.{key} must be a column name or a JSON key path"
            )
        fields[key] = str(value.value).strip()
    for required in ("id", "subject"):
        if required not in fields:
            raise TicketImportError(
                f"{name}:{fields_line}: fields.{required} is missing; every ticket needs an "
                "id and a subject"
            )
    mapping = Mapping(fields=fields, lines=lines)
    mapping.date_format = _scalar(name, top, "date_format")
    if mapping.date_format is not None:
        _check_date_format(name, top["date_format"][1], mapping.date_format)
    separator = _scalar(name, top, "tag_separator")
    if separator is not None:
        if not separator.strip():
            raise TicketImportError(
                f"{name}:{top['tag_separator'][1]}: tag_separator is empty; write the "
                'character between tags, such as "," or ";"')
        mapping.tag_separator = separator
    mapping.records = _scalar(name, top, "records")
    html = _scalar(name, top, "html")
    if html is not None:
        choices = {"auto": None, "true": True, "false": False, "yes": True, "no": False}
        if html.lower() not in choices:
            raise TicketImportError(
                f"{name}:{top['html'][1]}: html is {html!r}; use auto, true or false"
            )
        mapping.html = choices[html.lower()]
    return mapping


def _entries(name: str, node: yaml.MappingNode, prefix: str) -> dict[str, tuple[yaml.Node, int]]:
    entries: dict[str, tuple[yaml.Node, int]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in entries:
            raise TicketImportError(f"{name}:{line}: {prefix}{key} is given twice")
        entries[key] = (value_node, line)
    return entries


def _scalar(name: str, top: dict[str, tuple[yaml.Node, int]], key: str) -> str | None:
    if key not in top:
        return None
    node, line = top[key]
    if not isinstance(node, yaml.ScalarNode):
        raise TicketImportError(f"{name}:{line}: {key} must be a single value")
    return str(node.value)


def _check_date_format(name: str, line: int, fmt: str) -> None:
    sample = dt.datetime(2025, 7, 14, 15, 42, 9)
    try:
        parsed = dt.datetime.strptime(sample.strftime(fmt), fmt)
    except ValueError as exc:
        raise TicketImportError(
            f"{name}:{line}: date_format {fmt!r} is not a strptime format ({exc}); "
            "e.g. '%d.%m.%Y %H:%M'"
        ) from None
    if parsed.date() != sample.date():
        raise TicketImportError(
            f"{name}:{line}: date_format {fmt!r} loses the day, month or year; "
            "include %d, %m (or %b) and %Y"
        )


def plan(path: Path, head: Head, mapping_path: Path) -> Plan:
    mapping = load_mapping(mapping_path)
    if head.kind == "csv":
        index = {c.strip().casefold() for c in head.columns}
        for key, column in mapping.fields.items():
            if column.casefold() not in index:
                shown = ", ".join(repr(c) for c in head.columns[:15])
                raise TicketImportError(
                    f"{mapping_path.name}:{mapping.lines[f'fields.{key}']}: fields.{key} names "
                    f"the column {column!r}, which {path.name} does not have (columns: {shown})"
                )
        return csv_plan(NAME, path, head, lambda row, at: _from_row(mapping, row, at))

    def convert(record: object, where: str) -> Ticket:
        return _from_object(mapping, record, where)

    records_plan = json_plan(NAME, path, head, convert, records=mapping.records)
    _check_key_paths(path, head, mapping, mapping_path, records_plan)
    return records_plan


def _check_key_paths(
    path: Path, head: Head, mapping: Mapping, mapping_path: Path, records_plan: Plan
) -> None:
    """TicketImportError unless the records are where `records` says and no mapped key
    path is shown wrong by the first SAMPLE_RECORDS records (CSV's column check)."""
    sample: list[tuple[str, dict]] = []
    records = records_plan.records()
    try:
        for where, record in records:
            if isinstance(record, dict):
                sample.append((where, record))
            if len(sample) >= SAMPLE_RECORDS:
                break
    finally:
        records.close()
    name = mapping_path.name
    if not sample:
        if mapping.records is None or head.kind == "ndjson":
            return  # the stream says "no tickets in the file"
        arrays = json_arrays(path)
        if mapping.records in arrays:
            return  # an empty array: the stream says "no tickets in the file"
        raise TicketImportError(
            f"{name}:{mapping.lines['records']}: records is {mapping.records!r}, but "
            f"{path.name} has no array there ({_arrays_seen(arrays)}); set records to the "
            "key path of the list of tickets"
        )
    missing = [key for key, key_path in mapping.fields.items() if _is_typo(sample, key_path)]
    if not missing:
        return
    if head.kind == "json" and mapping.records is None and head.array_at is None:
        _suggest_records(path, mapping, name, missing)
    lines = [_missing_key(name, mapping, key, sample, path.name) for key in missing]
    first_where, first = sample[0]
    keys = ", ".join(repr(k) for k in list(first)[:20]) or "none"
    checked = f"the first {len(sample)} records" if len(sample) > 1 else "the first record"
    lines.append(f"(checked {checked}; {first_where} has the keys {keys}); fix the key paths")
    raise TicketImportError("\n".join(lines))


def _has(record: object, key_path: str) -> bool:
    return _walk(record, key_path)[0] == key_path.count(".") + 1


def _is_typo(sample: list[tuple[str, dict]], key_path: str) -> bool:
    """No sampled record has `key_path`, and at least one shows it wrong."""
    if any(_has(record, key_path) for _, record in sample):
        return False
    return any(_wrong_at(record, key_path) is not None for _, record in sample)


def _wrong_at(record: object, key_path: str) -> int | None:
    """How many parts of `key_path` `record` has before it shows the path wrong: an
    object without the next key, a list given a name rather than an index, a plain value
    with parts left. None when the record has the path, or stops at null or a list too
    short for the index: it has no value there, which says nothing about the path."""
    depth, _ = _walk(record, key_path)
    parts = key_path.split(".")
    if depth == len(parts):
        return None
    container = _walk(record, ".".join(parts[:depth]))[1]
    if container is None or (isinstance(container, list) and parts[depth].isdigit()):
        return None
    return depth


def _suggest_records(path: Path, mapping: Mapping, name: str, missing: list[str]) -> None:
    """Without `records`, a JSON object is read as one ticket: when it has no id but an
    array in it holds objects that do, TicketImportError naming that array."""
    if "id" not in missing:
        return  # the object is a ticket with a mistyped key: _missing_key says which
    arrays = json_arrays(path)
    for prefix in arrays[:10]:
        records = json_records(path, prefix, prefix)
        try:
            first = next((r for _, r in records), None)
        finally:
            records.close()
        if isinstance(first, dict) and _has(first, mapping.fields["id"]):
            raise TicketImportError(
                f"{name}: no 'records' key, so kb reads all of {path.name} as one ticket, and "
                f"it has no key {mapping.fields['id']!r} (fields.id); the tickets are in the "
                f"array {prefix!r}: add 'records: {prefix}' to {name}"
            )
    raise TicketImportError(
        f"{name}: no 'records' key, so kb reads all of {path.name} as one ticket, and it has "
        f"no key {mapping.fields['id']!r} (fields.id); add 'records: <key path>' naming the "
        f"list of tickets ({_arrays_seen(arrays)})"
    )


def _arrays_seen(arrays: list[str]) -> str:
    if not arrays:
        return "the file has no arrays"
    shown = ", ".join(repr(a) if a else "the top-level array" for a in arrays[:10])
    return f"arrays in the file: {shown}"


def _missing_key(
    name: str, mapping: Mapping, key: str, sample: list[tuple[str, dict]], file: str
) -> str:
    """One line saying where a mapped key path stops matching, with the likely fix."""
    key_path = mapping.fields[key]
    parts = key_path.split(".")
    # Of the records that show the path wrong, the one where it gets furthest shows what
    # is there instead.
    depth, record = max(
        ((at, r) for _, r in sample if (at := _wrong_at(r, key_path)) is not None),
        key=lambda found: found[0],
    )
    text = f"{name}:{mapping.lines[f'fields.{key}']}: fields.{key} names the key {key_path!r}"
    reached = ".".join(parts[:depth])
    container = _walk(record, reached)[1]
    if isinstance(container, list):  # a name where an index belongs: insert one
        return (
            f"{text}, but {reached!r} in the records of {file} is a list, which has no key "
            f"{parts[depth]!r}; give an element's index, such as "
            f"{'.'.join([*parts[:depth], '0', *parts[depth:]])!r}"
        )
    if not isinstance(container, dict):
        kind = f"a {type(container).__name__}"
        return f"{text}, but {reached!r} in the records of {file} is {kind}, not an object"
    if depth:
        text += f", but {reached!r} in the records of {file} has no key {parts[depth]!r}"
    else:
        text += f", which the records of {file} do not have"
    known = [str(k) for k in container]
    guess = [k for k in known if k.casefold() == parts[depth].casefold()]
    guess = guess or difflib.get_close_matches(parts[depth], known, n=1, cutoff=0.6)
    if guess:
        fixed = ".".join([*parts[:depth], guess[0], *parts[depth + 1 :]])
        return text + f"; did you mean {fixed!r}?"
    if depth:
        return text + f" (its keys: {', '.join(repr(k) for k in known[:15]) or 'none'})"
    return text


def _walk(record: object, key_path: str) -> tuple[int, object]:
    """How many parts of the dotted `key_path` are found in `record`, and the value at
    the end (None when a part is missing); list elements are addressed by index."""
    current = record
    parts = key_path.split(".") if key_path else []
    for depth, part in enumerate(parts):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return depth, None
    return len(parts), current


def _build(mapping: Mapping, where: str, get) -> Ticket:
    fields = mapping.fields

    def value(key: str) -> object:
        return get(fields[key]) if key in fields else None

    tags = value("tags")
    if isinstance(tags, list):
        tags = [part for item in tags for part in str(item).split(mapping.tag_separator)]
    return make_ticket(
        where,
        id=text_id(value("id"), fields["id"]),
        subject=value("subject"),
        body=value("body"),
        html=mapping.html,
        created_at=date(value("created_at"), fields.get("created_at", ""), mapping.date_format),
        tags=split_tags(tags, mapping.tag_separator),
        status=value("status"),
        channel=value("channel"),
        language=value("language"),
        requester=value("requester"),
        linked_article=value("linked_article"),
        subject_field=fields["subject"],
    )


def _from_row(mapping: Mapping, row: object, where: str) -> Ticket:
    assert isinstance(row, Row)
    tags_column = mapping.fields.get("tags")

    def get(column: str) -> object:
        # Repeated tag columns (Jira's "Labels,Labels") each hold some of the tags.
        return row.all(column) if column == tags_column else row.get(column)

    return _build(mapping, where, get)


def _from_object(mapping: Mapping, record: object, where: str) -> Ticket:
    if not isinstance(record, dict):
        raise BadRecord(f"a {type(record).__name__}, not a JSON object")

    def get(key_path: str) -> object:
        return _walk(record, key_path)[1]

    return _build(mapping, where, get)
