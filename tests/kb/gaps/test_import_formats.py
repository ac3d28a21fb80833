"""Layout details of each helpdesk beyond the samples: envelopes, duplicates, codes,
documents, delimiters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.gaps.importers import read_tickets
from kb.gaps.model import TicketImportError


def write_json(tmp_path: Path, name: str, body: object, lines: bool = False) -> Path:
    path = tmp_path / name
    if lines:
        text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in body)
    else:
        text = json.dumps(body, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def zendesk_ticket(n: int, **extra) -> dict:
    ticket = {
        "id": n,
        "subject": f"Ticket {n}",
        "raw_subject": f"Ticket {n}",
        "description": "Help",
        "status": "open",
        "via": {"channel": "email"},
        "requester_id": 500 + n,
        "created_at": "2025-07-14T15:42:00Z",
        "tags": [],
    }
    return ticket | extra


def test_zendesk_incremental_pages_repeat_the_last_ticket(tmp_path):
    # end_time is inclusive: a ticket comes back on the next page; joined pages repeat it.
    body = {
        "tickets": [zendesk_ticket(1), zendesk_ticket(2), zendesk_ticket(2)],
        "users": [{"id": 501, "locale": "ru", "email": "ivan@example.org"}],
        "end_of_stream": True,
        "end_time": 1,
        "count": 3,
    }
    stream = read_tickets(write_json(tmp_path, "z.json", body))
    tickets = list(stream)
    assert [t.id for t in tickets] == ["1", "2"] and stream.duplicates == 1
    assert (tickets[0].language, tickets[0].requester) == ("ru", "ivan@example.org")
    assert tickets[1].requester == "502"  # not side-loaded: the id


def test_zendesk_users_after_tickets_are_still_read(tmp_path):
    body = {
        "count": 1,
        "tickets": [zendesk_ticket(1)],
        "users": [{"id": 501, "locale": "th", "email": "nok@example.net"}],
    }
    (ticket,) = read_tickets(write_json(tmp_path, "z.json", body))
    assert ticket.language == "th"


def test_zendesk_show_endpoint_and_full_json_export(tmp_path):
    (single,) = read_tickets(write_json(tmp_path, "one.json", {"ticket": zendesk_ticket(7)}))
    assert single.id == "7"
    rows = [zendesk_ticket(1), zendesk_ticket(2, status="deleted", subject="SCRUBBED")]
    stream = read_tickets(write_json(tmp_path, "full.json", rows, lines=True))
    assert [t.id for t in stream] == ["1"] and stream.format == "zendesk"
    assert stream.skipped[0].where == "full.json:2"


def test_freshdesk_custom_status_and_unknown_source(tmp_path):
    ticket = {
        "id": 3,
        "subject": "Q",
        "status": 8,
        "source": 99,
        "priority": 1,
        "requester_id": 1,
        "fr_due_by": "2025-07-15T00:00:00Z",
        "created_at": "2025-07-14T15:42:00Z",
        "description": "<p>Hello <b>there</b></p>",
    }
    (parsed,) = read_tickets(write_json(tmp_path, "f.json", [ticket]))
    assert (parsed.status, parsed.channel, parsed.body) == ("status 8", "source 99", "Hello there")


def test_jira_cloud_adf_description(tmp_path):
    adf = {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "Export fails"},
                    {"type": "hardBreak"},
                    {"type": "text", "text": "with 500"},
                ],
            },
            {
                "type": "blockquote",
                "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": "old reply"}]}
                ],
            },
        ],
    }
    issue = {
        "key": "SUP-9",
        "fields": {
            "summary": "Export",
            "description": adf,
            "created": "2025-07-14T15:42:00.000+0700",
            "labels": ["export"],
            "status": {"name": "Open"},
            "reporter": {"accountId": "5b10a2844c20165700ede21g"},
        },
    }
    stream = read_tickets(write_json(tmp_path, "j.json", {"issues": [issue], "total": 1}))
    (ticket,) = stream
    assert stream.format == "jira"
    assert (ticket.body, ticket.requester) == ("Export fails with 500", "5b10a2844c20165700ede21g")


def test_jira_wiki_markup_description(tmp_path):
    issue = {
        "key": "SUP-1",
        "fields": {
            "summary": "Login",
            "description": "Can't log in, see [the page|https://x.example.com].\n{quote}old{quote}\n{code}trace{code}",
        },
    }
    (ticket,) = read_tickets(write_json(tmp_path, "j.json", issue))
    assert ticket.body == "Can't log in, see the page. trace"


def test_helpscout_v2_single_conversation(tmp_path):
    conversation = {
        "id": 42,
        "number": 7,
        "subject": "Refund",
        "status": "active",
        "createdAt": "2025-07-14T15:42:00Z",
        "type": "email",
        "primaryCustomer": {"id": 9, "email": "ann@example.com"},
        "tags": [{"id": 1, "tag": "billing"}],
        "preview": "short",
        "customFields": [{"id": 1, "name": "Customer language", "value": "ru", "text": "ru"}],
        "_embedded": {
            "threads": [
                {"type": "note", "body": "internal", "createdAt": "2025-07-14T15:00:00Z"},
                {
                    "type": "customer",
                    "body": "<p>Money back?</p>",
                    "createdAt": "2025-07-14T15:42:00Z",
                    "createdBy": {"type": "customer"},
                },
            ]
        },
    }
    stream = read_tickets(write_json(tmp_path, "h.json", conversation))
    (ticket,) = stream
    assert stream.format == "helpscout"
    assert (ticket.body, ticket.tags, ticket.language) == ("Money back?", ("billing",), "ru")
    assert ticket.requester == "ann@example.com"


def test_semicolon_csv_from_a_spreadsheet(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        '\ufeffid;subject;body;tags\n1;Счёт;"Где счёт; за июль?";billing,vat\n', encoding="utf-8"
    )
    (ticket,) = read_tickets(path)
    assert (ticket.subject, ticket.body) == ("Счёт", "Где счёт; за июль?")
    assert ticket.tags == ("billing", "vat")


def test_json_with_a_utf8_bom_is_read_like_json_without(tmp_path):
    # Windows tools (PowerShell's Out-File, Notepad) write a BOM; ijson reads raw bytes.
    def with_bom(name: str, body: object) -> Path:
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + json.dumps(body).encode())
        return path

    generic = [{"id": 1, "subject": "Login"}, {"id": 2, "subject": "Invoice"}]
    assert [t.id for t in read_tickets(with_bom("array.json", generic))] == ["1", "2"]
    (single,) = read_tickets(with_bom("single.json", {"id": 3, "subject": "Refund"}))
    assert single.subject == "Refund"
    zendesk = {
        "tickets": [zendesk_ticket(1)],
        "users": [{"id": 501, "locale": "th", "email": "nok@example.net"}],
    }
    (ticket,) = read_tickets(with_bom("zendesk.json", zendesk))
    assert (ticket.language, ticket.requester) == ("th", "nok@example.net")
    item = {"item": {"id": 4, "number": 4, "subject": "Hi", "preview": "Hello",
                     "createdAt": "2025-07-14T15:42:00Z"}}  # fmt: skip
    (helpscout,) = read_tickets(with_bom("item.json", item))
    assert helpscout.body == "Hello"


def test_api_pages_saved_one_after_another_or_one_per_line(tmp_path):
    # Before: "the JSON breaks off after record tickets[1] (parse error: trailing garbage)"
    # for pages joined with cat, and "kb cannot tell which helpdesk wrote it" one per line.
    pages = [
        {"tickets": [zendesk_ticket(1), zendesk_ticket(2)], "next_page": "p2", "count": 2},
        {"tickets": [zendesk_ticket(2, subject="Ticket 2, later"), zendesk_ticket(3)],
         "users": [{"id": 503, "locale": "ru", "email": "ivan@example.org"}],
         "next_page": None, "count": 2},
    ]  # fmt: skip
    joined = tmp_path / "joined.json"
    joined.write_text("".join(json.dumps(page) for page in pages), encoding="utf-8")
    for path in (joined, write_json(tmp_path, "pages.ndjson", pages, lines=True)):
        stream = read_tickets(path)
        tickets = list(stream)
        assert stream.format == "zendesk" and [t.id for t in tickets] == ["1", "2", "3"]
        assert tickets[1].subject == "Ticket 2, later" and stream.duplicates == 1
        assert (tickets[2].language, tickets[2].where) == ("ru", f"{path.name}:tickets[3]")
    freshdesk = [
        [{"id": n, "subject": f"Ticket {n}", "status": 2, "source": 1, "description_text": "x",
          "created_at": "2025-07-14T15:42:00Z"}]
        for n in (1, 2)
    ]  # fmt: skip
    stream = read_tickets(write_json(tmp_path, "fd.ndjson", freshdesk, lines=True))
    assert [t.id for t in stream] == ["1", "2"] and stream.format == "freshdesk"
    shows = tmp_path / "shows.json"
    shows.write_text(json.dumps({"ticket": zendesk_ticket(7)}) + json.dumps(
        {"ticket": zendesk_ticket(8)}), encoding="utf-8")  # fmt: skip
    assert [t.where for t in read_tickets(shows)] == ["shows.json:1", "shows.json:document 2"]


def test_a_page_cut_short_after_whole_pages_is_still_an_error(tmp_path):
    path = tmp_path / "cut.json"
    page = json.dumps({"tickets": [zendesk_ticket(1)]})
    path.write_text(page + page[:40], encoding="utf-8")
    stream = read_tickets(path)
    with pytest.raises(TicketImportError, match=r"cut.json: the JSON breaks off after record "
                       r"tickets\[0\] .*truncated or invalid"):  # fmt: skip
        list(stream)


def test_a_document_without_the_records_is_a_bad_record_naming_it(tmp_path):
    # Before: the rate-limit error between the pages was dropped without a word, and an
    # object after a top-level array quietly lost its ticket.
    rate = tmp_path / "rate.json"
    rate.write_text(
        '{"tickets":[{"id":1,"subject":"x"}],"next_page":null}\n{"error":"APIRateLimitExceeded"}'
        '\n{"tickets":[{"id":2,"subject":"y"}],"next_page":null}', encoding="utf-8")  # fmt: skip
    stream = read_tickets(rate)
    assert [t.where for t in stream] == ["rate.json:tickets[0]", "rate.json:tickets[1]"]
    (problem,) = stream.problems
    assert problem.where == "rate.json:2" and problem.message.startswith(
        "document 2 is an object with the key 'error', not an object with the records in "
        "'tickets'; nothing in it is imported. If it is an API error (a rate limit, a "
        "timeout) saved in place of a page, fetch that page again"
    )
    with pytest.raises(TicketImportError, match=r"^rate.json:2: document 2 is an object"):
        list(read_tickets(rate, on_error="fail"))
    mixed = tmp_path / "mixed.json"
    mixed.write_text('[{"id":"1","subject":"a"}]\n{"id":"2","subject":"b"}', encoding="utf-8")
    stream = read_tickets(mixed)
    assert [t.id for t in stream] == ["1"]
    assert [(p.where, p.message.split(";")[0]) for p in stream.problems] == [
        ("mixed.json:2", "document 2 is an object with the keys 'id', 'subject', not an array "
                         "of records")]  # fmt: skip


def test_documents_are_counted_across_pretty_printed_pages(tmp_path):
    """Pages of a few hundred KB (past ijson's read buffer), indented, between them an
    error and a null: each bad document is named by its number and first line."""
    pages = [{"tickets": [zendesk_ticket(p * 1000 + n) for n in range(300)]} for p in (1, 2)]
    parts = [json.dumps(pages[0], indent=2), '{"error": "timeout",\n "status": 504}',
             json.dumps(pages[1], indent=2), "null"]  # fmt: skip
    path = tmp_path / "pages.json"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    error_line, null_line = lines.index('{"error": "timeout",') + 1, lines.index("null") + 1
    stream = read_tickets(path)
    tickets = list(stream)
    assert len(tickets) == 600 and stream.duplicates == 0
    assert tickets[300].where == "pages.json:tickets[300]"
    assert [(p.where, p.message.split(",")[0]) for p in stream.problems] == [
        (f"pages.json:{error_line}", "document 2 is an object with the keys 'error'"),
        (f"pages.json:{null_line}", "document 4 is null"),
    ]


def test_help_scout_responses_one_after_another_name_one_without_an_item(tmp_path):
    # Before: the error between the two v1 detail responses was dropped without a word.
    def item(n: int) -> str:
        return json.dumps({"item": {"id": n, "number": n, "subject": "Hi", "preview": "Hello",
                                    "createdAt": "2025-07-14T15:42:00Z"}})  # fmt: skip

    path = tmp_path / "items.json"
    path.write_text(item(1) + '{"error": "Too Many Requests"}' + item(2), encoding="utf-8")
    stream = read_tickets(path)
    assert [t.where for t in stream] == ["items.json:1", "items.json:document 3"]
    assert [(p.where, p.message.split(";")[0]) for p in stream.problems] == [
        ("items.json:document 2", "no 'item' object (keys: 'error'), so not a Help Scout "
                                  "conversation")]  # fmt: skip
