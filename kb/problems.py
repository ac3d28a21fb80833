"""A problem found in the help center: where, how bad, what is wrong, how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the site is wrong for readers: fails `kb check`
    WARNING = "warning"  # needs attention: fails `kb check --strict`
    NOTE = "note"  # worth knowing: never fails

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "note": 2}[self.value]


@dataclass(frozen=True)
class Problem:
    file: str  # relative to docs_dir (or the config file's name for config problems)
    line: int  # 1-based; 0 when the problem concerns the whole file
    severity: Severity
    code: str  # stable identifier, e.g. "broken-link"
    message: str  # what is wrong, naming the bad value
    fix: str  # what to do about it

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.severity.rank, self.code)
