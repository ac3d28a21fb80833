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


NESTED = {"data": {"tickets": [
    {"num": 101, "title": "Cannot reset password", "opened": "14.07.2026 15:42",
     "labels": "login;password", "customer": {"email": "anna@example.com"}},
    {"num": 102, "title": "Invoice PDF missing", "customer": {"email": "bob@example.com"},
     "notes": "only here"},
]}}  # fmt: skip


def mapping_error(tmp_path: Path, mapping: str, records: object = NESTED) -> str:
    with pytest.raises(TicketImportError) as caught:
        tickets = write(tmp_path, "t.json", json.dumps(records))
        list(read_tickets(tickets, mapping=write(tmp_path, "m.yml", mapping)))
    return str(caught.value)


def test_mapping_key_paths_missing_from_the_json_records(tmp_path):
    # Before: exit 0, subjects taken from the bodies, dates, tags and requesters dropped.
    mapping = (
        "fields:\n  id: num\n  subject: titel\n  created_at: opend\n  tags: labels\n"
        "  requester: customer.mail\n  body: notes\nrecords: data.tickets\n"
    )
    assert mapping_error(tmp_path, mapping).splitlines() == [
        "m.yml:3: fields.subject names the key 'titel', which the records of t.json do not "
        "have; did you mean 'title'?",
        "m.yml:4: fields.created_at names the key 'opend', which the records of t.json do not "
        "have; did you mean 'opened'?",
        "m.yml:6: fields.requester names the key 'customer.mail', but 'customer' in the records "
        "of t.json has no key 'mail'; did you mean 'customer.email'?",
        "(checked the first 2 records; t.json:data.tickets[0] has the keys 'num', 'title', "
        "'opened', 'labels', 'customer'); fix the key paths",
    ]  # a key only the second record has ('notes') is a sparse key, not a typo


def test_mapping_key_path_through_a_value_or_a_list(tmp_path):
    records = [{"id": 1, "subject": "a", "tags": [{"name": "x"}], "who": "ann"}]
    mapping = "fields:\n  id: id\n  subject: subject\n  tags: tags.name\n  requester: who.email\n"
    assert mapping_error(tmp_path, mapping, records).splitlines()[:2] == [
        "m.yml:4: fields.tags names the key 'tags.name', but 'tags' in the records of t.json is "
        "a list, which has no key 'name'; give an element's index, such as 'tags.0.name'",
        "m.yml:5: fields.requester names the key 'who.email', but 'who' in the records of "
        "t.json is a str, not an object",
    ]


def test_mapping_records_path_that_is_not_in_the_file(tmp_path):
    # Before: "t.json: no tickets in the file; export the tickets again".
    mapping = "fields:\n  id: num\n  subject: title\nrecords: data.ticket\n"
    assert mapping_error(tmp_path, mapping) == (
        "m.yml:4: records is 'data.ticket', but t.json has no array there (arrays in the "
        "file: 'data.tickets'); set records to the key path of the list of tickets"
    )


def test_mapping_without_records_for_nested_tickets(tmp_path):
    # Before: "no ticket could be imported (1 bad record; ... no ticket id in 'num')".
    assert mapping_error(tmp_path, "fields:\n  id: num\n  subject: title\n") == (
        "m.yml: no 'records' key, so kb reads all of t.json as one ticket, and it has no key "
        "'num' (fields.id); the tickets are in the array 'data.tickets': add "
        "'records: data.tickets' to m.yml"
    )


def test_mapping_of_an_empty_records_array_has_no_tickets(tmp_path):
    mapping = "fields:\n  id: num\n  subject: title\nrecords: data.tickets\n"
    message = mapping_error(tmp_path, mapping, {"data": {"tickets": []}})
    assert message == "t.json: no tickets in the file; export the tickets again"


def test_mapping_key_paths_through_null_or_an_empty_list_are_not_typos(tmp_path):
    # Before: the import stopped: "'comments' ... is a list without an element '0'; give an
    # element's index, such as 'comments.0.text'" (the path given), "'customer' ... is
    # null, not an object". Empty comment lists and anonymous requesters are normal.
    records = [
        {"ref": f"R-{n}", "title": f"Title {n}", "comments": [], "customer": None}
        | ({"comments": [{"text": f"Body {n}"}], "customer": {"email": f"c{n}@example.org"}}
           if n >= 25 else {})
        for n in range(30)
    ]  # fmt: skip
    tickets = write(tmp_path, "t.json", json.dumps({"data": records}))
    mapping = write(tmp_path, "m.yml", "records: data\nfields:\n  id: ref\n  subject: title\n"
                    "  body: comments.0.text\n  requester: customer.email\n")  # fmt: skip
    stream = read_tickets(tickets, mapping=mapping)
    imported = list(stream)
    assert len(imported) == 30 and not stream.problems
    assert (imported[-1].body, imported[-1].requester) == ("Body 29", "c29@example.org")
    # The key still counts missing where the path reaches an object: null on the way
    # in other records does not hide the typo.
    records[0]["customer"] = {"mail": "a@example.org"}
    typo = mapping_error(tmp_path, "records: data\nfields:\n  id: ref\n  subject: title\n"
                         "  requester: customer.email\n", {"data": records})  # fmt: skip
    assert typo.splitlines()[0] == (
        "m.yml:5: fields.requester names the key 'customer.email', but 'customer' in the "
        "records of t.json has no key 'email'; did you mean 'customer.mail'?"
    )
