"""Real exports written by the helpdesks themselves (../shared/ticket-exports): every
layout detected and imported, field by field on known records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.gaps.importers import read_tickets

EXPORTS = Path(__file__).resolve().parents[4] / "shared" / "ticket-exports"
pytestmark = [
    pytest.mark.corpora,
    pytest.mark.skipif(not EXPORTS.is_dir(), reason="../shared/ticket-exports is not here"),
]
UTC = dt.UTC
ZAMMAD_ZD = "zendesk-zammad-cassette/responses"
ZENPY = "zendesk-zenpy-betamax/responses"
FRESH = "freshdesk-zammad-cassette/responses"
HS = "helpscout-python-helpscout-cassettes/responses"
JIRA = "jira-jira-ruby-mock-responses/mock_responses"


def tickets_of(relative: str, fmt: str = "auto"):
    stream = read_tickets(EXPORTS / relative, fmt)
    return {t.id: t for t in stream}, stream


def test_zendesk_incremental_export():
    tickets, stream = tickets_of(
        f"{ZAMMAD_ZD}/003_GET_api_v2_incremental_tickets_start_time_1.json"
    )
    assert stream.format == "zendesk" and stream.count == 143 and not stream.problems
    assert [p.message for p in stream.skipped] == [
        "ticket 73 is deleted (Zendesk scrubs it); not imported"
    ]
    twitter = tickets["4"]
    assert twitter.subject == "Twitter" and twitter.channel == "twitter" and twitter.status == "new"
    assert twitter.created_at == dt.datetime(2015, 7, 28, 11, 31, 38, tzinfo=UTC)
    assert twitter.requester == "1205578992"  # no side-loaded users in this page
    assert twitter.body.startswith("@DesafioCaracol sh q acaso")


def test_zendesk_tags_and_later_page():
    tickets, _ = tickets_of(
        f"{ZAMMAD_ZD}/306_GET_api_v2_incremental_tickets_json_start_time_1650523685.json"
    )
    assert tickets["143"].tags == ("other", "yet-another")
    assert tickets["143"].channel == "facebook"


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("TicketsIncrementalTest.test_get_values__00_GET_api_v2_incremental_tickets_json_"
         "start_time_0.json", 86),
        ("TicketsIncrementalTest.test_get_values__01_GET_api_v2_incremental_tickets_cursor_json_"
         "start_time_0.json", 86),
        ("TestTicketsPagination.test_values__02_GET_api_v2_tickets_json_page_5Bsize_5D_100.json",
         91),
        ("TestTicketsPagination.test_values__05_GET_api_v2_tickets_json.json", 91),
    ],
)  # fmt: skip
def test_zendesk_four_pagination_envelopes(name, count):
    tickets, stream = tickets_of(f"{ZENPY}/{name}")
    assert stream.format == "zendesk" and stream.count == count
    sample = next(t for t in tickets.values() if t.channel == "sample_ticket")
    assert sample.subject == "Sample ticket: Meet the ticket"
    assert sample.tags == ("sample", "support", "zendesk")
    # "Hi there," on its own line is a greeting; "Thanks,\n The Customer" a signature
    assert sample.body.startswith("I’m sending an email because")
    assert "The Customer" not in sample.body


def test_freshdesk_list_and_detail():
    listed, stream = tickets_of(
        f"{FRESH}/010_GET_tickets_order_by_updated_at_order_type_asc_page_1_per_page_100_updated_since_1970_01_01.json"
    )
    assert stream.format == "freshdesk" and stream.count == 13
    ogg = listed["8"]
    assert (ogg.subject, ogg.status, ogg.channel) == (
        "ogg format seems to be off",
        "pending",
        "email",
    )
    assert ogg.body == ""  # the list endpoint has no body
    detail, stream = tickets_of(f"{FRESH}/048_GET_tickets_13.json")
    (ticket,) = detail.values()
    assert stream.format == "freshdesk"
    assert ticket.body == "Inline images in the first article might not be working, see following:"
    assert (ticket.status, ticket.channel) == ("open", "phone")
    assert ticket.created_at == dt.datetime(2021, 5, 14, 12, 29, 27, tzinfo=UTC)


def test_freshdesk_html_description_without_text():
    detail, _ = tickets_of(f"{FRESH}/035_GET_tickets_1.json")
    (ticket,) = detail.values()
    assert "<" not in ticket.body and "font-family" not in ticket.body


def test_helpscout_v1_list_and_detail():
    listed, stream = tickets_of(
        f"{HS}/conversations_list__GET_v1_mailboxes_122867_conversations_json.json"
    )
    assert stream.format == "helpscout" and stream.count == 22
    first = listed["486569340"]
    assert first.subject == "Celebrate successful conversation."
    assert (first.status, first.channel, first.requester) == ("active", "email", "test@example.com")
    assert first.body == "Test conversation."  # the preview: lists carry no threads
    detail, _ = tickets_of(f"{HS}/conversations_get__GET_v1_conversations_448848612_json.json")
    conversation = detail["448848612"]
    assert conversation.body == "api test"  # the customer's thread, not the lineitems
    assert conversation.tags == ("green",) and conversation.requester == "147223415"


def test_jira_search_and_single_issue():
    issues, stream = tickets_of(f"{JIRA}/issue.json")
    assert stream.format == "jira" and stream.count == 11
    issue = issues["SAMPLEPROJECT-13"]
    assert issue.subject == "blarg from in example.rb"
    assert issue.created_at == dt.datetime(2011, 12, 15, 2, 35, 6, tzinfo=UTC)  # +1300
    assert (issue.status, issue.requester) == ("open", "admin@example.com")
    single, _ = tickets_of(f"{JIRA}/issue/10002.json")
    assert list(single) == ["SAMPLEPROJECT-1"]


@pytest.mark.parametrize(
    "relative",
    [
        f"{ZAMMAD_ZD}/001_GET_api_v2_incremental_users_start_time_1.json",
        f"{FRESH}/009_GET_ticket_fields_page_1_per_page_100.json",
        f"{HS}/customers_list__GET_v1_customers_json.json",
        f"{JIRA}/status.json",
    ],
)
def test_files_that_are_not_tickets_are_refused_with_what_was_seen(relative):
    from kb.gaps.model import TicketImportError

    with pytest.raises(TicketImportError, match="kb cannot tell which helpdesk wrote it"):
        read_tickets(EXPORTS / relative)
