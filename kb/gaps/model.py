"""The plain data of kb gaps: tickets in the generic schema, and what the analysis finds.

Importers produce `Ticket`s; the analysis turns them into `TicketLink`s and `Topic`s;
the reports and the MkDocs plugin read a `GapsReport`. Nothing here imports mkdocs,
the search engine or a web framework.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from kb.errors import KBError

Verdict = Literal["missing", "update", "ok"]


class TicketImportError(KBError):
    """A ticket export cannot be read; the message names the file, line and the fix."""


@dataclass(frozen=True, slots=True)
class Ticket:
    """One ticket in DESIGN.md's generic schema, already normalised.

    `subject` and `body` are plain text: HTML stripped, quoted replies and
    signatures dropped. They are NOT redacted yet: linking needs the words, and
    every excerpt a report shows goes through `kb.gaps.redact`. `requester` is the
    raw identity from the export (email, user id); the analysis only ever keeps
    a salted hash of it.
    """

    id: str
    subject: str
    body: str = ""
    created_at: dt.datetime | None = None  # timezone-aware, UTC
    tags: tuple[str, ...] = ()
    status: str | None = None
    channel: str | None = None
    language: str | None = None  # two-letter code when the export knows it
    requester: str | None = None
    linked_article: str | None = None
    where: str = ""  # "export.csv:12": where the ticket came from, for messages


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A record that could not be imported (skipped under --on-error skip)."""

    where: str  # "tickets.csv:57"
    message: str  # what is wrong and what to do


@dataclass(slots=True)
class TicketLink:
    """The article that answers one ticket, or None below the stated threshold.

    A ticket before the report's period (or undated, when the period has a start) keeps
    its link, but no topic: the findings are about the period, and a topic names only
    tickets its finding lists."""

    id: str
    topic: str | None
    article: str | None  # path relative to docs_dir
    score: float
    in_period: bool = True


@dataclass(frozen=True)
class Period:
    """The period a trend is about, and the previous one of equal length."""

    start: dt.datetime
    end: dt.datetime

    @property
    def previous_start(self) -> dt.datetime:
        return self.start - (self.end - self.start)


@dataclass(slots=True)
class Topic:
    """A recurring ticket topic and what kb says about it."""

    label: str
    ticket_ids: list[str]
    tickets: int
    requesters: int
    trend: float | None  # tickets this period / previous period - 1; None without history
    verdict: Verdict
    article: str | None
    score: float
    evidence: list[str] = field(default_factory=list)  # plain-words reasons, redacted
    language: str | None = None
    subjects: list[str] = field(default_factory=list)  # representative, redacted
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    priority: float = 0.0


@dataclass(slots=True)
class GapsReport:
    topics: list[Topic]
    tickets: list[TicketLink]
    threshold: float
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)  # e.g. deleted tickets, why
    duplicates: int = 0  # records replaced by a later version of the same ticket
    since: dt.datetime | None = None  # the report's period starts here; None: whole export
    period: Period | None = None  # the trend's: from `since` or the median date
    undated: int = 0  # tickets out of the period for want of a date (only with `since`)

    def in_period(self) -> list[TicketLink]:
        """The tickets the findings are about (all of them without `since`)."""
        return [t for t in self.tickets if t.in_period]
