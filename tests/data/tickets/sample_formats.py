"""The sample tickets written in each helpdesk's own export layout (make_samples.py)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
from pathlib import Path

LANG_NAMES = {"en": "English", "ru": "Russian", "th": "Thai"}


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_html(body: str) -> str:
    """The body as a helpdesk stores an HTML email: paragraphs, a blockquote quote."""
    parts, quote = [], []
    for line in body.split("\n"):
        if line.startswith("> "):
            quote.append(html.escape(line[2:]))
        elif line:
            parts.append(f"<div>{html.escape(line)}</div>")
        else:
            parts.append("<br>")
    if quote:
        parts.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
    return '<div dir="ltr">' + "".join(parts) + "</div>"


def write_ndjson(tickets: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for t in tickets:
            record = {
                "id": str(t["n"]),
                "subject": t["subject"],
                "body": t["body"],
                "created_at": iso(t["when"]),
                "tags": t["tags"],
                "status": t["status"],
                "channel": t["channel"],
                "language": t["lang"],
                "requester": t["who"]["email"],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_zendesk_json(tickets: list[dict], path: Path) -> None:
    rows, users = [], {}
    for t in tickets:
        who = t["who"]
        users[who["id"]] = {
            "id": who["id"],
            "url": f"https://tasklane.zendesk.com/api/v2/users/{who['id']}.json",
            "name": who["name"],
            "email": who["email"],
            "locale": who["locale"],
            "role": "end-user",
            "time_zone": "UTC",
        }
        rows.append(
            {
                "url": f"https://tasklane.zendesk.com/api/v2/tickets/{t['n']}.json",
                "id": t["n"],
                "external_id": None,
                "via": {
                    "channel": t["channel"],
                    "source": {
                        "from": {"address": who["email"], "name": who["name"]},
                        "to": {},
                        "rel": None,
                    },
                },
                "created_at": iso(t["when"]),
                "updated_at": iso(t["when"] + dt.timedelta(hours=5)),
                "type": None,
                "subject": t["subject"],
                "raw_subject": t["subject"],
                "description": t["body"],
                "priority": None,
                "status": t["status"],
                "recipient": "support@tasklane.example.com",
                "requester_id": who["id"],
                "submitter_id": who["id"],
                "assignee_id": None,
                "organization_id": None,
                "group_id": 360001,
                "tags": t["tags"],
                "custom_fields": [],
                "satisfaction_rating": None,
                "brand_id": 360002,
                "generated_timestamp": int(t["when"].timestamp()) + 18000,
            }
        )
    deleted = dict(
        rows[0],
        id=99999,
        subject="SCRUBBED",
        raw_subject="SCRUBBED",
        description="SCRUBBED",
        status="deleted",
        tags=[],
    )
    rows.insert(len(rows) // 2, deleted)
    end_time = max(r["generated_timestamp"] for r in rows)
    body = {
        "tickets": rows,
        "users": list(users.values()),
        "next_page": f"https://tasklane.zendesk.com/api/v2/incremental/tickets.json?start_time={end_time}",
        "count": len(rows),
        "end_of_stream": True,
        "end_time": end_time,
    }
    path.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def write_zendesk_csv(tickets: list[dict], path: Path) -> None:
    header = [
        "Id",
        "Requester",
        "Requester id",
        "Requester external id",
        "Requester email",
        "Requester domain",
        "Submitter",
        "Assignee",
        "Group",
        "Subject",
        "Tags",
        "Status",
        "Priority",
        "Via",
        "Ticket type",
        "Created at",
        "Updated at",
        "Assigned at",
        "Organization",
        "Due date",
        "Solved at",
        "Satisfaction Score",
        "Reopens",
        "Replies",
    ]
    via = {"email": "Mail", "web": "Web form", "chat": "Chat", "api": "Api"}
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for t in tickets:
            who = t["who"]
            stamp = t["when"].strftime("%Y-%m-%d %H:%M:%S +0000")
            writer.writerow(
                [
                    t["n"],
                    who["name"],
                    who["id"],
                    "",
                    who["email"],
                    who["email"].split("@")[1],
                    who["name"],
                    "",
                    "Support",
                    t["subject"],
                    " ".join(t["tags"]),
                    t["status"].capitalize(),
                    "",
                    via[t["channel"]],
                    "Question",
                    stamp,
                    stamp,
                    "",
                    "",
                    "",
                    "",
                    "Not Offered",
                    0,
                    1,
                ]
            )


FD_STATUS = {"open": 2, "pending": 3, "solved": 4, "closed": 5}
FD_SOURCE = {"email": 1, "web": 2, "chat": 7, "api": 2}


def write_freshdesk_json(tickets: list[dict], path: Path) -> None:
    rows = []
    for t in tickets:
        who = t["who"]
        rows.append(
            {
                "cc_emails": [],
                "fwd_emails": [],
                "reply_cc_emails": [],
                "fr_escalated": False,
                "spam": False,
                "email_config_id": None,
                "group_id": 80000374751,
                "priority": 1,
                "requester_id": who["id"],
                "responder_id": None,
                "source": FD_SOURCE[t["channel"]],
                "company_id": None,
                "status": FD_STATUS[t["status"]],
                "subject": t["subject"],
                "to_emails": None,
                "product_id": None,
                "id": t["n"],
                "type": "Question",
                "due_by": iso(t["when"] + dt.timedelta(days=3)),
                "fr_due_by": iso(t["when"] + dt.timedelta(days=1)),
                "is_escalated": False,
                "description": '<div style="font-family:-apple-system, sans-serif; font-size:14px">'
                + to_html(t["body"])
                + "</div>",
                "description_text": t["body"].replace("\n", " ") if t["n"] % 2 else None,
                "custom_fields": {"cf_product_area": None},
                "created_at": iso(t["when"]),
                "updated_at": iso(t["when"] + dt.timedelta(hours=2)),
                "tags": t["tags"],
                "requester": {
                    "id": who["id"],
                    "name": who["name"],
                    "email": who["email"],
                    "mobile": None,
                    "phone": None,
                },
            }
        )
        if rows[-1]["description_text"] is None:
            del rows[-1]["description_text"]  # as in some list responses: only the HTML
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def write_freshdesk_csv(tickets: list[dict], path: Path) -> None:
    header = [
        "Ticket ID",
        "Subject",
        "Description",
        "Status",
        "Priority",
        "Source",
        "Type",
        "Agent",
        "Group",
        "Created time",
        "Due by Time",
        "Resolved time",
        "Closed time",
        "Last update time",
        "Initial response time",
        "Tags",
        "Full name",
        "Email",
        "Contact ID",
    ]
    status = {"open": "Open", "pending": "Pending", "solved": "Resolved", "closed": "Closed"}
    source = {"email": "Email", "web": "Portal", "chat": "Chat", "api": "Portal"}
    # Freshdesk's export: UTF-8 with a BOM, CRLF rows, CRLF inside quoted descriptions.
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for t in tickets:
            who = t["who"]
            stamp = t["when"].strftime("%Y-%m-%d %H:%M:%S")
            writer.writerow(
                [
                    t["n"],
                    t["subject"],
                    t["body"].replace("\n", "\r\n"),
                    status[t["status"]],
                    "Low",
                    source[t["channel"]],
                    "Question",
                    "",
                    "Support",
                    stamp,
                    "",
                    "",
                    "",
                    stamp,
                    "",
                    ",".join(t["tags"]),
                    who["name"],
                    who["email"],
                    who["id"],
                ]
            )


def write_helpscout(tickets: list[dict], path: Path) -> None:
    rows = []
    for t in tickets:
        who = t["who"]
        customer = {
            "id": who["id"],
            "type": "customer",
            "first": who["name"].split()[0],
            "last": who["name"].split()[-1],
            "email": who["email"],
        }
        threads = [
            {
                "id": t["n"] * 10 + 3,
                "type": "message",
                "status": "closed",
                "state": "published",
                "body": "<p>Thanks, we are looking into it.</p>",
                "createdBy": {"id": 1, "type": "user", "email": "agent@example.com"},
                "createdAt": iso(t["when"] + dt.timedelta(hours=1)),
            },
            {
                "id": t["n"] * 10 + 2,
                "type": "lineitem",
                "action": {"type": "manual-workflow", "text": "Assigned"},
                "createdAt": iso(t["when"] + dt.timedelta(minutes=5)),
            },
            {
                "id": t["n"] * 10 + 1,
                "type": "customer",
                "status": "active",
                "state": "published",
                "body": to_html(t["body"]),
                "customer": customer,
                "createdBy": customer,
                "createdAt": iso(t["when"]),
            },
        ]
        rows.append(
            {
                "id": t["n"],
                "number": 5000 + t["n"],
                "threads": 3,
                "type": {"chat": "chat", "api": "email"}.get(t["channel"], "email"),
                "folderId": 1,
                "status": {"solved": "closed"}.get(
                    t["status"], t["status"] if t["status"] != "open" else "active"
                ),
                "state": "published",
                "subject": t["subject"],
                "preview": t["body"][:120].replace("\n", " "),
                "mailboxId": 122867,
                "createdBy": customer,
                "createdAt": iso(t["when"]),
                "userUpdatedAt": iso(t["when"] + dt.timedelta(hours=1)),
                "source": {"type": "email", "via": "customer"},
                "tags": [
                    {"id": 100 + i, "color": "#929499", "tag": tag}
                    for i, tag in enumerate(t["tags"])
                ],
                "cc": [],
                "bcc": [],
                "primaryCustomer": customer,
                "customFields": [
                    {
                        "id": 8001,
                        "name": "Language",
                        "value": LANG_NAMES[t["lang"]],
                        "text": LANG_NAMES[t["lang"]],
                    }
                ],
                "_embedded": {"threads": threads},
                "_links": {
                    "self": {"href": f"https://api.helpscout.net/v2/conversations/{t['n']}"}
                },
            }
        )
    body = {
        "_embedded": {"conversations": rows},
        "_links": {
            "self": {"href": "https://api.helpscout.net/v2/conversations?embed=threads&page=1"}
        },
        "page": {"size": 50, "totalElements": len(rows), "totalPages": 1, "number": 1},
    }
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")


def jira_date(when: dt.datetime) -> str:
    hour = int(when.strftime("%I"))  # Jira: 14/Jul/25 3:42 PM, no leading zero on the hour
    return f"{when.day:02d}/{when.strftime('%b/%y')} {hour}:{when.strftime('%M %p')}"


def write_jira_csv(tickets: list[dict], path: Path) -> None:
    header = [
        "Summary",
        "Issue key",
        "Issue id",
        "Issue Type",
        "Status",
        "Project key",
        "Project name",
        "Priority",
        "Resolution",
        "Assignee",
        "Reporter",
        "Creator",
        "Created",
        "Updated",
        "Last Viewed",
        "Resolved",
        "Labels",
        "Labels",
        "Labels",
        "Description",
        "Environment",
        "Watchers",
        "Watchers",
        "Custom field (Request Type)",
        "Custom field (Request language)",
        "Custom field (Satisfaction rating)",
        "Comment",
        "Comment",
    ]
    status = {
        "open": "Waiting for support",
        "pending": "Waiting for customer",
        "solved": "Resolved",
        "closed": "Closed",
    }
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for t in tickets:
            who = t["who"]
            labels = (t["tags"] + ["", "", ""])[:3]
            body = t["body"]
            if "\n> " in body:  # Jira keeps quoted mail as a {quote} block
                head, _, quoted = body.partition("\n> ")
                body = head + "\n{quote}" + quoted.replace("\n> ", "\n") + "{quote}"
            writer.writerow(
                [
                    t["subject"],
                    f"SUP-{t['n']}",
                    10000 + t["n"],
                    "Get IT help",
                    status[t["status"]],
                    "SUP",
                    "Tasklane Support",
                    "Medium",
                    "",
                    "",
                    who["email"],
                    who["email"],
                    jira_date(t["when"]),
                    jira_date(t["when"] + dt.timedelta(hours=3)),
                    "",
                    "",
                    *labels,
                    body.replace("\n", "\r\n"),
                    "",
                    "agent1",
                    "",
                    "Technical support",
                    LANG_NAMES[t["lang"]],
                    "",
                    f"{jira_date(t['when'] + dt.timedelta(hours=1))};agent1;Looking into it.",
                    "",
                ]
            )


WRITERS = {
    "zendesk_incremental.json": write_zendesk_json,
    "zendesk.csv": write_zendesk_csv,
    "freshdesk.json": write_freshdesk_json,
    "freshdesk.csv": write_freshdesk_csv,
    "helpscout_v2.json": write_helpscout,
    "jira_jsm.csv": write_jira_csv,
}
