"""Write the sample ticket exports of tests/data/tickets/ (deterministic for a given git
history of articles/): `.venv/bin/python tests/data/tickets/make_samples.py`.

Every ticket goes into `tickets.ndjson` (DESIGN.md's generic schema, ids "1".."N"), and
each ticket also goes into one of six helpdesk-format files, in that helpdesk's real
layout, with the same number as its id (Jira: "SUP-<n>"). `planted.yml` is the ground
truth: per topic its language, article, expected verdict and ticket ids; the one-off
noise tickets; the personal data planted in bodies.

Dates span two quarters. Tickets of an "update" topic keep coming after the article's
last git change; tickets of an "ok" topic stop before it.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import random
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
from sample_texts import (  # noqa: E402
    CARDS,
    CLOSINGS,
    GREETINGS,
    IPS,
    NAMES,
    NOISE,
    PHONES,
    PII_SENTENCES,
    TOPICS,
)

SEED = 20261122
FIXED_END = dt.datetime(2026, 11, 22, 14, 0, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=182)
FORMAT_FILES = (
    "zendesk_incremental.json",
    "zendesk.csv",
    "freshdesk.json",
    "freshdesk.csv",
    "helpscout_v2.json",
    "jira_jsm.csv",
)
CHANNELS = ("email", "web", "chat", "api")
LANG_NAMES = {"en": "English", "ru": "Russian", "th": "Thai"}
LOCALES = {"en": "en-US", "ru": "ru", "th": "th"}


def last_change(article: str) -> dt.datetime:
    out = subprocess.run(
        ["git", "log", "-1", "--format=%cI", "--", f"articles/{article}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not out:
        raise SystemExit(f"articles/{article} has no git history; commit it first")
    return dt.datetime.fromisoformat(out).astimezone(dt.UTC)


def spread(rng: random.Random, start: dt.datetime, end: dt.datetime, rising: bool) -> dt.datetime:
    u = rng.random()
    if rising:
        u = u**0.5  # density grows towards the end: a rising trend
    return start + (end - start) * u


def person(lang: str, n: int) -> dict:
    """Requester number `n` of a language: the same n is the same person everywhere."""
    name = NAMES[lang][n % len(NAMES[lang])]
    first, last = name.split()[0].lower(), name.split()[-1].lower()
    if lang == "ru":
        first, last = f"user{n}", "ru"
    domain = {"en": "com", "ru": "org", "th": "net"}[lang]
    email = f"{first}.{last}{n % 37}@example.{domain}"
    base = {"en": 910000, "ru": 920000, "th": 930000}[lang]
    return {"id": base + n * 7, "name": name, "email": email, "locale": LOCALES[lang]}


def compose(rng: random.Random, lang: str, text: str, who: dict, pii: list[str]) -> str:
    """A realistic plain-text body: greeting, the question, maybe personal data, a
    signature, sometimes a quoted earlier message."""
    lines = []
    greeting = rng.choice(GREETINGS[lang])
    if greeting:
        lines += [greeting, ""]
    lines.append(text)
    if rng.random() < 0.3:
        template, kind = rng.choice(PII_SENTENCES[lang])
        value = {
            "phone": rng.choice(PHONES[lang]),
            "email": f"backup{rng.randint(1, 99)}@example.com",
            "card": rng.choice(CARDS),
            "ip": rng.choice(IPS),
        }[kind]
        pii.append(value)
        lines.append(template.format(**{kind: value}))
    lines += ["", rng.choice(CLOSINGS[lang]), who["name"]]
    roll = rng.random()
    if roll < 0.15:
        lines += [
            "",
            "Sent from my iPhone"
            if lang == "en"
            else "Отправлено с iPhone"
            if lang == "ru"
            else "ส่งจาก iPhone ของฉัน",
        ]
    elif roll < 0.3:
        quote = {
            "en": "On Mon, 3 Aug 2026 at 10:02, Tasklane Support <support@example.com> wrote:",
            "ru": "3 авг. 2026 г., в 10:02, Tasklane Support <support@example.com> пишет:",
            "th": "เมื่อ วันจันทร์ที่ 3 ส.ค. 2569 10:02 Tasklane Support <support@example.com> เขียนว่า:",
        }[lang]
        lines += ["", quote, "> Thanks for contacting Tasklane support.", "> Ticket closed."]
    return "\n".join(lines)


def build_tickets() -> tuple[list[dict], dict]:
    rng = random.Random(SEED)
    changes = {t["article"]: last_change(t["article"]) for t in TOPICS if t["article"]}
    end = max([FIXED_END] + [c + dt.timedelta(hours=2) for c in changes.values()])
    start = end - SPAN
    drafts: list[dict] = []
    for topic in TOPICS:
        change = changes.get(topic["article"])
        rising = topic["trend"] == "rising"
        for i in range(topic["count"]):
            subject, body = topic["texts"][i % len(topic["texts"])]
            if topic["verdict"] == "update" and i % 3 == 0:
                when = change + (end - change) * rng.uniform(0.05, 0.95)
            elif topic["verdict"] in ("ok", "update"):
                when = spread(rng, start, change - dt.timedelta(days=2), rising)
            else:
                when = spread(rng, start, end, rising)
            drafts.append(
                {
                    "topic": topic["key"],
                    "lang": topic["language"],
                    "subject": subject,
                    "text": body,
                    "when": when,
                    "tags": list(topic["tags"]),
                }
            )
    for lang, items in NOISE.items():
        for uses in (0, 1):
            for k, (subject, body) in enumerate(items):
                if uses and k % 3 == 2:
                    continue  # two in three one-offs get a follow-up from the same person
                prefix = (
                    {"en": "Follow-up: ", "ru": "Повторно: ", "th": "ติดตาม: "}[lang] if uses else ""
                )
                drafts.append(
                    {
                        "topic": None,
                        "lang": lang,
                        "subject": prefix + subject,
                        "text": body,
                        "when": spread(rng, start, end, False),
                        "tags": [],
                    }
                )
    rng.shuffle(drafts)
    drafts.sort(key=lambda d: d["when"])
    tickets, pii = [], {}
    for n, draft in enumerate(drafts, 1):
        who = person(draft["lang"], rng.randint(1, 400))
        planted: list[str] = []
        body = compose(rng, draft["lang"], draft["text"], who, planted)
        if planted:
            pii[str(n)] = planted
        subject = draft["subject"]
        if rng.random() < 0.1:
            subject = subject.lower()
        tickets.append(
            {
                **draft,
                "n": n,
                "subject": subject,
                "body": body,
                "who": who,
                "when": draft["when"].replace(microsecond=0),
                "channel": rng.choice(CHANNELS),
                "status": rng.choice(("open", "pending", "solved", "closed")),
            }
        )
    return tickets, {"pii": pii, "start": start, "end": end, "changes": changes}


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


def main() -> None:
    tickets, meta = build_tickets()
    write_ndjson(tickets, HERE / "tickets.ndjson")
    files = {"tickets.ndjson": {"format": "generic", "tickets": len(tickets), "id": "<n>"}}
    for i, name in enumerate(FORMAT_FILES):
        part = [t for t in tickets if t["n"] % len(FORMAT_FILES) == i]
        WRITERS[name](part, HERE / name)
        fmt = name.split("_")[0].split(".")[0]
        files[name] = {
            "format": fmt,
            "tickets": len(part),
            "id": "SUP-<n>" if fmt == "jira" else "<n>",
        }
    topics = []
    for topic in TOPICS:
        ids = [str(t["n"]) for t in tickets if t["topic"] == topic["key"]]
        change = meta["changes"].get(topic["article"])
        topics.append(
            {
                "key": topic["key"],
                "language": topic["language"],
                "article": topic["article"],
                "verdict": topic["verdict"],
                "trend": topic["trend"],
                "article_last_change": change.isoformat() if change else None,
                "after_last_change": sum(
                    1
                    for t in tickets
                    if t["topic"] == topic["key"] and change and t["when"] > change
                ),
                "ticket_ids": ids,
            }
        )
    planted = {
        "about": "Ground truth of the sample exports; written by make_samples.py. Ticket ids are "
        "those of tickets.ndjson; in the other files the same ticket has the same number "
        "(Jira: SUP-<n>).",
        "period": {"start": meta["start"].isoformat(), "end": meta["end"].isoformat()},
        "files": files,
        "topics": topics,
        "noise_ticket_ids": [str(t["n"]) for t in tickets if t["topic"] is None],
        "pii": meta["pii"],
    }
    (HERE / "planted.yml").write_text(
        yaml.safe_dump(planted, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )
    print(f"{len(tickets)} tickets, {len(topics)} planted topics, written to {HERE}")


if __name__ == "__main__":
    main()
