"""Any other layout through a YAML mapping file; its mistakes named by line and key."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kb.gaps.importers import read_tickets
from kb.gaps.model import TicketImportError

CSV = (
    "Ticket number;Title;Details;Opened on;Labels;Customer\n"
    "A-1;Счёт с неверным НДС;<p>В счёте неверный НДС</p>;14.07.2025 15:42;billing|vat;"
    "ivan@example.org\n"
    "A-2;Dark mode;Is there one?;15.07.2025 09:00;ui;ann@example.com\n"
).replace(";", ",")
MAPPING = """\
fields:
  id: Ticket number
  subject: Title
  body: Details
  created_at: Opened on
  tags: Labels
  requester: Customer
date_format: "%d.%m.%Y %H:%M"
tag_separator: "|"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_through_a_mapping(tmp_path):
    stream = read_tickets(write(tmp_path, "x.csv", CSV), mapping=write(tmp_path, "m.yml", MAPPING))
    first, second = list(stream)
    assert stream.format == "mapping"
    assert (first.id, first.subject, first.body) == (
        "A-1",
        "Счёт с неверным НДС",
        "В счёте неверный НДС",
    )
    assert first.created_at == dt.datetime(2025, 7, 14, 15, 42, tzinfo=dt.UTC)
    assert first.tags == ("billing", "vat") and first.requester == "ivan@example.org"
    assert second.where == "x.csv:3"


def test_json_through_a_mapping_with_key_paths(tmp_path):
    records = {"data": {"items": [
        {"ref": 7, "title": "Login", "customer": {"email": "a@example.com", "lang": "th-TH"},
         "meta": {"opened": "2025-07-14T15:42:00+07:00"}, "labels": ["a", "b"]},
    ]}}  # fmt: skip
    mapping = (
        "records: data.items\nfields:\n  id: ref\n  subject: title\n  requester: customer.email\n"
        "  language: customer.lang\n  created_at: meta.opened\n  tags: labels\n"
    )
    stream = read_tickets(
        write(tmp_path, "x.json", json.dumps(records)), mapping=write(tmp_path, "m.yml", mapping)
    )
    (ticket,) = stream
    assert (ticket.id, ticket.language, ticket.requester) == ("7", "th", "a@example.com")
    assert ticket.created_at == dt.datetime(2025, 7, 14, 8, 42, tzinfo=dt.UTC)
    assert ticket.tags == ("a", "b") and ticket.where == "x.json:data.items[0]"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("fields:\n  id: a\n", "m.yml:1: fields.subject is missing"),
        ("fields:\n  id: a\n  subjet: b\n", "m.yml:3: fields.subjet is not a ticket field"),
        ("fieldz:\n  id: a\n", "m.yml:1: unknown key 'fieldz'"),
        ("fields: [id, subject]\n", "m.yml:1: 'fields' must map generic fields to columns"),
        ("fields:\n  id: a\n  subject: [b, c]\n", "m.yml:3: fields.subject must be a column"),
        ("fields:\n  id: a\n  subject: b\ndate_format: '%H:%M'\n", "m.yml:4: date_format '%H:%M'"),
        ("fields:\n  id: a\n  subject: b\nhtml: maybe\n", "m.yml:4: html is 'maybe'"),
        ("fields:\n  id: a\n  id: b\n", "m.yml:3: fields.id is given twice"),
        ("fields:\n  id: a\n  subject: 'b\n", "m.yml:"),
        ("- just a list\n", "m.yml: a mapping file is a YAML mapping"),
    ],
)  # fmt: skip
def test_mapping_errors_name_line_and_key(tmp_path, mapping, message):
    with pytest.raises(TicketImportError) as caught:
        read_tickets(write(tmp_path, "x.csv", CSV), mapping=write(tmp_path, "m.yml", mapping))
    assert str(caught.value).startswith(message)


def test_mapping_column_missing_from_the_file(tmp_path):
    mapping = "fields:\n  id: Ticket number\n  subject: Headline\n"
    with pytest.raises(TicketImportError) as caught:
        read_tickets(write(tmp_path, "x.csv", CSV), mapping=write(tmp_path, "m.yml", mapping))
    assert str(caught.value).startswith(
        "m.yml:3: fields.subject names the column 'Headline', which x.csv does not have"
    )


def test_mapping_file_missing(tmp_path):
    with pytest.raises(TicketImportError, match="no such mapping file"):
        read_tickets(write(tmp_path, "x.csv", CSV), mapping=tmp_path / "none.yml")


def test_bad_date_under_a_mapping_names_the_column(tmp_path):
    bad = CSV.replace("15.07.2025 09:00", "July 15")
    stream = read_tickets(write(tmp_path, "x.csv", bad), mapping=write(tmp_path, "m.yml", MAPPING))
    assert [t.id for t in stream] == ["A-1"]
    assert stream.problems[0].where == "x.csv:3"
    assert stream.problems[0].message == (
        "'Opened on': 'July 15' does not match the date format '%d.%m.%Y %H:%M'"
    )
