"""Bad exports give a plain TicketImportError naming the file, line or field and the fix;
bad records are skipped (recorded with their line) or fail the run, as on_error says."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from kb.gaps.importers import read_tickets
from kb.gaps.importers._io import MAX_FIELD_CHARS
from kb.gaps.model import TicketImportError

GOOD_CSV = "id,subject,body\n1,Login broken,I cannot log in\n2,Invoice,Where is my invoice\n"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def import_all(path: Path, **options) -> list:
    return list(read_tickets(path, **options))


def error_of(path: Path, **options) -> str:
    with pytest.raises(TicketImportError) as caught:
        import_all(path, **options)
    return str(caught.value)


def test_missing_file(tmp_path):
    message = error_of(tmp_path / "nope.csv")
    assert "nope.csv: no such file" in message and "--tickets" in message


def test_folder(tmp_path):
    assert "is a folder" in error_of(tmp_path)


@pytest.mark.parametrize("content", ["", "\n\n  \n", "\ufeff"])
def test_empty_file(tmp_path, content):
    message = error_of(write(tmp_path, "empty.csv", content))
    assert message == "empty.csv: the file is empty; export the tickets again"


def test_header_only_csv_has_no_tickets(tmp_path):
    message = error_of(write(tmp_path, "head.csv", "id,subject\n"))
    assert message == "head.csv: no tickets in the file; export the tickets again"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("export.zip", b"PK\x03\x04\x14\x00\x00\x00rest"),
        ("export.json.gz", gzip.compress(b'[{"id": 1}]')),
        ("export.xlsx", b"\x00\x01\x02binary\x00data"),
    ],
)
def test_binary_file(tmp_path, name, content):
    message = error_of(write(tmp_path, name, content))
    assert message.startswith(f"{name}: a binary file") and "export the tickets as CSV" in message


def test_utf16_file(tmp_path):
    path = write(tmp_path, "excel.csv", GOOD_CSV.encode("utf-16"))
    assert "excel.csv: the file is UTF-16" in error_of(path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        GOOD_CSV,
        "id,subject,body\n1,Не могу войти в аккаунт,Пароль не подходит\n",
        "id,subject\n1,รีเซ็ตรหัสผ่านไม่ได้เลยค่ะ ช่วยด้วย\n",
    ],
)
def test_utf16_without_a_bom(tmp_path, codec, text):
    # Before: Cyrillic or Thai UTF-16 (high bytes 0x04, 0x0E) was called a binary file.
    message = error_of(write(tmp_path, "notepad.csv", text.encode(codec)))
    assert message.startswith("notepad.csv: the file is UTF-16, kb reads UTF-8; save it as UTF-8")


def test_wrong_encoding_names_the_line(tmp_path):
    content = GOOD_CSV + "3,Счёт,Не могу найти счёт\n"
    message = error_of(write(tmp_path, "cp1251.csv", content.encode("cp1251")))
    assert message.startswith("cp1251.csv:4: not UTF-8 (byte 0xD1)")
    assert "export it again as UTF-8" in message


def test_wrong_encoding_beyond_the_head_names_the_line(tmp_path):
    rows = "".join(f"{i},Subject {i},body text number {i}\n" for i in range(3, 20_000))
    content = GOOD_CSV.encode() + rows.encode() + "9,Ошибка,тело\n".encode("cp1251")
    message = error_of(write(tmp_path, "late.csv", content))
    assert message.startswith("late.csv:20001: not UTF-8")


def test_truncated_json(tmp_path):
    records = [{"id": i, "subject": f"Ticket {i}"} for i in range(5)]
    text = json.dumps(records)
    message = error_of(write(tmp_path, "cut.json", text[: len(text) - 30]))
    assert message.startswith("cut.json: the JSON breaks off after record [3]")
    assert "export it again" in message


def test_invalid_json(tmp_path):
    message = error_of(write(tmp_path, "bad.json", "{not json at all"))
    assert message.startswith("bad.json: not valid JSON")


def test_json_that_is_not_tickets(tmp_path):
    path = write(tmp_path, "users.json", json.dumps({"users": [{"id": 1, "name": "Ann"}]}))
    message = error_of(path)
    assert "users.json: a JSON object with the keys 'users' and no list of tickets" in message
    assert "--format" in message and "--mapping" in message


def test_json_array_of_other_objects(tmp_path):
    path = write(tmp_path, "fields.json", json.dumps([{"id": 1, "label": "Status"}]))
    message = error_of(path)
    assert "first object has the keys 'id', 'label'" in message


def test_csv_without_id_and_subject_columns(tmp_path):
    message = error_of(write(tmp_path, "other.csv", "number,title\n1,Hello\n"))
    assert message.startswith("other.csv: a CSV file with the columns 'number', 'title'")


def test_csv_without_subject_column_given_as_generic(tmp_path):
    message = error_of(write(tmp_path, "g.csv", "id,title\n1,x\n"), fmt="generic")
    assert message.startswith("g.csv:1: no 'subject' column (columns seen: 'id', 'title')")
    assert "--mapping" in message


def test_truncated_csv_inside_a_quote_is_a_bad_record(tmp_path):
    path = write(tmp_path, "cut.csv", GOOD_CSV + '3,Export,"I tried to export the')
    stream = read_tickets(path)
    assert [t.id for t in stream] == ["1", "2"]
    assert stream.problems[0].where == "cut.csv:4"
    assert "ends inside a quoted field: it is truncated" in stream.problems[0].message


def test_truncated_csv_row_with_missing_columns(tmp_path):
    stream = read_tickets(write(tmp_path, "short.csv", GOOD_CSV + "3,Only a subject\n"))
    assert [t.id for t in stream] == ["1", "2"]
    assert stream.problems[0].where == "short.csv:4"
    assert stream.problems[0].message.startswith("2 columns where the header has 3")


def test_ten_megabyte_field(tmp_path):
    huge = "x" * (10 * 1024 * 1024)
    stream = read_tickets(write(tmp_path, "big.csv", GOOD_CSV + f'3,Huge,"{huge}"\n4,After,ok\n'))
    assert [t.id for t in stream] == ["1", "2", "4"]
    assert stream.problems[0].where == "big.csv:4"
    assert f"field 'body' is 10,485,760 characters, over kb's limit of {MAX_FIELD_CHARS:,}" in (
        stream.problems[0].message
    )


def test_ten_megabyte_ndjson_line(tmp_path):
    line = json.dumps({"id": 9, "subject": "Huge", "body": "y" * (10 * 1024 * 1024)})
    path = write(tmp_path, "big.ndjson", '{"id": 1, "subject": "a"}\n' + line + "\n")
    path.write_text(path.read_text() + '{"id": 2, "subject": "b"}\n')
    stream = read_tickets(path)
    assert [t.id for t in stream] == ["1", "2"]
    assert stream.problems[0].where == "big.ndjson:2" and "over kb's limit" in (
        stream.problems[0].message
    )


def test_bad_records_skip_or_fail(tmp_path):
    content = (
        '{"id": 1, "subject": "Login", "created_at": "2025-07-14T10:00:00Z"}\n'
        '{"id": 2, "subject": "Bad date", "created_at": "last Tuesday"}\n'
        '{"id": "", "subject": "No id"}\n'
        '{"id": 4, "subject": "Cut\n'
        '{"id": 5, "subject": ""}\n'
        '["not", "an", "object"]\n'
        '{"id": 7, "subject": "Fine"}\n'
    )
    path = write(tmp_path, "mixed.ndjson", content)
    stream = read_tickets(path, on_error="skip")
    assert [t.id for t in stream] == ["1", "7"]
    assert [(p.where, p.message.split(";")[0]) for p in stream.problems] == [
        ("mixed.ndjson:2", "'created_at': 'last Tuesday' is not a date kb reads (ISO 8601 such "
         "as 2025-07-14T15:42:00Z, or Jira's 14/Jul/25 3:42 PM)"),
        ("mixed.ndjson:3", "no ticket id in 'id'"),
        ("mixed.ndjson:4", "not a JSON object (the line is cut short)"),
        ("mixed.ndjson:5", "ticket 5: no text in 'subject' nor in the body"),
        ("mixed.ndjson:6", "a list, not a JSON object with 'id' and 'subject'"),
    ]  # fmt: skip
    message = error_of(path, on_error="fail")
    assert message.startswith("mixed.ndjson:2: 'created_at': 'last Tuesday' is not a date")
    assert message.endswith("(or run with --on-error skip to import the other tickets)")


def test_all_records_bad_is_an_error(tmp_path):
    path = write(tmp_path, "allbad.ndjson", '{"id": 1}\n{"id": 2}\n')
    message = error_of(path, fmt="generic")
    assert message.startswith("allbad.ndjson: no ticket could be imported (2 bad records;")
    assert "allbad.ndjson:1: no 'subject' key" in message


def test_blank_subject_falls_back_to_the_body(tmp_path):
    path = write(tmp_path, "nosub.csv", "id,subject,body\n1,,My invoice shows the wrong VAT\n")
    (ticket,) = import_all(path)
    assert ticket.subject == "My invoice shows the wrong VAT"


def test_a_subject_of_reply_markers_only_falls_back_to_the_body(tmp_path):
    path = write(tmp_path, "re.csv", "id,subject,body\n1,Re: Fwd:,My invoice shows the wrong VAT\n"
                                     "2,RE: invoice wrong,see below\n")
    first, second = import_all(path)
    assert first.subject == "My invoice shows the wrong VAT"
    assert second.subject == "invoice wrong"


def test_unknown_format_and_on_error(tmp_path):
    path = write(tmp_path, "t.csv", GOOD_CSV)
    assert "unknown format 'kayako'" in error_of(path, fmt="kayako")
    assert "unknown on_error 'ignore'" in error_of(path, on_error="ignore")


def test_explicit_format_that_does_not_fit(tmp_path):
    path = write(tmp_path, "t.csv", GOOD_CSV)
    message = error_of(path, fmt="jira")
    assert message.startswith("t.csv:1: a Jira CSV export needs the 'Issue key' and 'Summary'")


def test_problems_reset_on_each_pass(tmp_path):
    stream = read_tickets(write(tmp_path, "t.csv", GOOD_CSV + "3\n"))
    assert len(list(stream)) == 2 and len(list(stream)) == 2
    assert len(stream.problems) == 1 and stream.count == 2


def test_json_cut_inside_its_first_ticket_is_called_truncated_not_unknown(tmp_path):
    path = write(tmp_path, "cut.json", '{"tickets": [ {"id": 1, ')
    message = error_of(path)
    assert "cut.json: not valid JSON" in message and "complete JSON export" in message


def test_deeply_nested_json_is_refused_before_it_eats_memory(tmp_path):
    import tracemalloc

    path = write(tmp_path, "deep.json", "[" * 20_000 + "]" * 20_000)
    tracemalloc.start()
    try:
        message = error_of(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "deep.json: JSON nested more than" in message
    assert peak < 50_000_000  # the unguarded parser needed about 1 GB for this file


def test_an_empty_tag_separator_in_a_mapping_names_its_line(tmp_path):
    mapping = write(tmp_path, "map.yml", 'fields:\n  id: a\n  subject: b\ntag_separator: ""\n')
    message = error_of(write(tmp_path, "t.csv", "a,b\n1,x\n"), mapping=mapping)
    assert message.startswith("map.yml:4: tag_separator is empty")


def test_explicit_format_that_another_helpdesk_recognises(tmp_path):
    # Before: read as Help Scout, a Zendesk export imported with no bodies and no dates.
    ticket = {
        "id": 4, "subject": "Refund", "raw_subject": "Refund", "description": "Money back",
        "via": {"channel": "email"}, "requester_id": 9, "created_at": "2025-07-14T10:00:00Z",
    }  # fmt: skip
    path = write(tmp_path, "zd.json", json.dumps({"tickets": [ticket]}))
    for fmt, label in (("helpscout", "Help Scout"), ("generic", "generic")):
        assert error_of(path, fmt=fmt) == (
            f"zd.json: --format {fmt} was given, but the file is a Zendesk export (keys 'id', "
            "'subject', 'raw_subject', 'description', 'via', 'requester_id', 'created_at'); "
            f"read as {label}, its tickets would lose fields: give --format zendesk or leave "
            "--format out"
        )
    (read,) = import_all(path, fmt="zendesk")
    assert read.body == "Money back"


def test_explicit_format_decides_when_no_helpdesk_is_recognised(tmp_path):
    path = write(tmp_path, "plain.ndjson", '{"id": 1, "subject": "Login", "description": "x"}\n')
    stream = read_tickets(path, fmt="zendesk")
    assert [t.body for t in stream] == ["x"] and stream.format == "zendesk"


def test_a_nul_byte_in_a_csv_spoils_its_record_not_the_file(tmp_path):
    # Before: "nul.csv: a binary file (zip, gzip, PDF or a spreadsheet?)".
    content = GOOD_CSV + '3,"Two\nlines",before\x00after\n4,Fine,ok\n'
    path = write(tmp_path, "nul.csv", content.replace("Login", "Log\x00in"))
    stream = read_tickets(path)
    assert [t.id for t in stream] == ["2", "4"]
    assert [(p.where, p.message) for p in stream.problems] == [
        ("nul.csv:2", "a NUL byte (0x00) on line 2, in the field 'subject'; the file is "
         "damaged there: delete the byte (or the row) in a text editor"),
        ("nul.csv:4", "a NUL byte (0x00) on line 5, in the field 'body'; the file is "
         "damaged there: delete the byte (or the row) in a text editor"),
    ]  # fmt: skip
    assert error_of(path, on_error="fail").startswith("nul.csv:2: a NUL byte (0x00) on line 2")
    header = write(tmp_path, "head.csv", "id,sub\x00ject\n1,a\n")
    assert error_of(header).startswith("head.csv:1: a NUL byte (0x00) in the CSV header")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<!DOCTYPE html>\n<html><body>Login required</body></html>", "an HTML page, not a "
         "ticket export (a sign-in or error page saved in its place?); download the export "
         "again while signed in, or use the helpdesk's API"),
        ("<html><body>Login required</body></html>\n", "an HTML page, not a ticket export"),
        ('<?xml version="1.0"?><tickets/>', "XML or HTML, not a ticket export; export the "
         "tickets as CSV or JSON"),
        ('"hello"\n', 'a single JSON string ("hello"), not a ticket export; a JSON export is '
         "an array of tickets or an object holding one: export the tickets again"),
        ("42", "a single JSON number (42), not a ticket export"),
        ("null", "a single JSON null (null), not a ticket export"),
    ],
)  # fmt: skip
def test_a_web_page_or_a_lone_json_value_is_not_an_export(tmp_path, content, message):
    # Before: "a CSV file with the columns '<html><body>Login required</body></html>'".
    assert error_of(write(tmp_path, "tickets.json", content)).startswith(f"tickets.json: {message}")
