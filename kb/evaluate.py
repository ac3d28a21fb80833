"""Search quality on labeled questions: recall@k, MRR, and silence on unanswerable ones.

Pure: takes labeled questions and a search function, returns numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import KBError

KS = (1, 5, 10)


class LabelsError(KBError):
    pass


@dataclass
class Question:
    query: str
    gold: list[str]
    lang: str | None = None
    line: int = 0


@dataclass
class Scores:
    questions: int = 0  # with a gold article
    unanswerable: int = 0  # with empty gold
    hits: dict[int, int] = field(default_factory=lambda: {k: 0 for k in KS})
    reciprocal: float = 0.0
    silent_on_unanswerable: int = 0
    failures: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        n = self.questions
        return {
            "questions": n,
            **{f"recall@{k}": round(self.hits[k] / n, 4) if n else None for k in KS},
            "mrr": round(self.reciprocal / n, 4) if n else None,
            "unanswerable": self.unanswerable,
            "nothing_returned_rate": round(self.silent_on_unanswerable / self.unanswerable, 4)
            if self.unanswerable else None,
        }


def json_lines(file: Path, error: type[KBError], shape: str) -> Iterator[tuple[int, object]]:
    """(line number, parsed JSON) for each non-blank line of a labels file.

    `error` is raised for a file that cannot be read or a line that is not JSON, with
    `shape` (what a line must look like) as the fix.
    """
    try:
        lines = file.read_text(encoding="utf-8-sig").split("\n")
    except OSError as exc:
        raise error(f"cannot read {file}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{file} is not UTF-8; save it as UTF-8") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise error(f"{file}:{number}: not JSON ({exc.msg}); {shape}") from None
        yield number, data


def read_labels(file: Path) -> list[Question]:
    questions = []
    shape = 'each line must be {"query": "...", "gold": ["path.md"]}'
    for number, data in json_lines(file, LabelsError, shape):
        if not isinstance(data, dict) or not isinstance(data.get("query"), str) \
                or not isinstance(data.get("gold", []), list):
            raise LabelsError(f"{file}:{number}: needs \"query\" (text) and \"gold\" (a list "
                              "of article paths, empty when no article answers it)")
        questions.append(Question(data["query"], [str(g) for g in data.get("gold", [])],
                                  data.get("lang"), number))
    if not questions:
        raise LabelsError(f"{file} holds no questions")
    return questions


def evaluate(questions: Iterable[Question],
             search: Callable[[Question], tuple[str, list[str]]]) -> dict[str, Scores]:
    """Scores per language and under "all"; `search` returns (language, result paths)."""
    scores: dict[str, Scores] = {"all": Scores()}
    for q in questions:
        lang, paths = search(q)
        for bucket in (scores["all"], scores.setdefault(lang, Scores())):
            if not q.gold:
                bucket.unanswerable += 1
                if not paths:
                    bucket.silent_on_unanswerable += 1
                else:
                    bucket.failures.append({"line": q.line, "query": q.query,
                                            "expected": [], "got": paths[:3]})
                continue
            bucket.questions += 1
            rank = next((i for i, p in enumerate(paths[:max(KS)], 1) if p in q.gold), None)
            for k in KS:
                if rank is not None and rank <= k:
                    bucket.hits[k] += 1
            if rank:
                bucket.reciprocal += 1 / rank
            if rank != 1:
                bucket.failures.append({"line": q.line, "query": q.query, "expected": q.gold,
                                        "got": paths[:3]})
    return scores
