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

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
from sample_formats import WRITERS, write_ndjson  # noqa: E402
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
