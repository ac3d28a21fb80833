"""Linking accuracy on labeled tickets: the right article, or rightly none.

Each line of a labels file: {"id"?, "subject", "body"?, "lang"?, "gold": "path.md" | null}
(gold may also list several acceptable articles). A search labels file ({"query", "gold"},
as `kb eval-search` reads) works too: each question is a ticket's subject. Pure: takes
the linker's answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.errors import KBError
from kb.evaluate import json_lines
from kb.gaps.link import Linked
from kb.gaps.model import Ticket
from kb.gaps.normalise import clean_subject, clean_text


class GapsLabelsError(KBError):
    """A labeled-tickets file cannot be read."""


@dataclass
class Labeled:
    ticket: Ticket
    gold: tuple[str, ...]  # empty: no article answers it
    line: int


def read_labeled(file: Path) -> list[Labeled]:
    shape = (
        'each line must be {"subject": "...", "body": "...", "gold": "path.md"} '
        "(gold null when no article answers it)"
    )
    out = []
    for number, data in json_lines(file, GapsLabelsError, shape):
        if isinstance(data, dict) and "subject" not in data and isinstance(data.get("query"), str):
            data = {**data, "subject": data["query"]}
        if not isinstance(data, dict) or not isinstance(data.get("subject"), str):
            raise GapsLabelsError(f'{file}:{number}: needs "subject" (text); {shape}')
        if "gold" not in data:
            raise GapsLabelsError(
                f'{file}:{number}: needs "gold" (an article path, or null '
                "when no article answers it)"
            )
        gold = data["gold"]
        if gold is None:
            gold = ()
        elif isinstance(gold, str):
            gold = (gold,)
        elif isinstance(gold, list) and all(isinstance(g, str) for g in gold):
            gold = tuple(gold)
        else:
            raise GapsLabelsError(
                f'{file}:{number}: "gold" is {gold!r}; give an article path '
                "relative to docs_dir, a list of them, or null"
            )
        body, lang = data.get("body") or "", data.get("lang")
        if not isinstance(body, str) or not (lang is None or isinstance(lang, str)):
            raise GapsLabelsError(f'{file}:{number}: "body" and "lang" must be text')
        ticket = Ticket(  # cleaned as an import cleans it: HTML, quotes and signatures go
            id=str(data.get("id", number)),
            subject=clean_subject(data["subject"]),
            body=clean_text(body),
            language=lang,
            where=f"{file.name}:{number}",
        )
        out.append(Labeled(ticket, gold, number))
    if not out:
        raise GapsLabelsError(f"{file} holds no labeled tickets; {shape}")
    return out


@dataclass
class LinkScores:
    tickets: int = 0
    correct: int = 0
    top1_correct: int = 0  # the best article, never "none": the plain-search baseline
    gold_none: int = 0
    said_none: int = 0
    rightly_none: int = 0

    def as_dict(self) -> dict:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "tickets": self.tickets,
            "accuracy": ratio(self.correct, self.tickets),
            "top1_accuracy": ratio(self.top1_correct, self.tickets),
            "none_precision": ratio(self.rightly_none, self.said_none),
            "none_recall": ratio(self.rightly_none, self.gold_none),
            "unanswerable": self.gold_none,
        }


def score(labeled: list[Labeled], links: list[Linked]) -> tuple[dict[str, LinkScores], list]:
    """Scores per language and under "all", and the failures (line, expected, got)."""
    scores: dict[str, LinkScores] = {"all": LinkScores()}
    failures = []
    for item, link in zip(labeled, links, strict=True):
        right = link.article in item.gold if item.gold else link.article is None
        top1 = link.best in item.gold if item.gold else link.best is None
        for s in (scores["all"], scores.setdefault(link.lang, LinkScores())):
            s.tickets += 1
            s.correct += right
            s.top1_correct += top1
            s.gold_none += not item.gold
            s.said_none += link.article is None
            s.rightly_none += not item.gold and link.article is None
        if not right:
            failures.append(
                {
                    "line": item.line,
                    "subject": item.ticket.subject[:80],
                    "expected": list(item.gold) or None,
                    "got": link.article,
                    "score": link.score,
                }
            )
    return scores, failures

