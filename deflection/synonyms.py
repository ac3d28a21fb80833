"""Synonyms writers keep per language: `<docs_dir>/_synonyms/<lang>.yml`.

    # Words customers use for the same thing: one group per line.
    - [sign in, log in, login]
    - [2fa, two-factor, mfa]

The folder is never published (kb/site leaves it out of the site).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from deflection import analysis
from kb.errors import KBError


class SynonymsError(KBError):
    pass


@dataclass(frozen=True)
class Synonyms:
    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()  # each member analysed to terms

    def expand(self, query_terms: list[str]) -> list[tuple[tuple[int, ...], tuple[str, ...]]]:
        """(positions of a member in the query, another member of its group), for
        every group with a member among the query's terms."""
        out = []
        for group in self.groups:
            for member in group:
                at = _find(query_terms, member)
                if at is not None:
                    out += [(at, other) for other in group if other != member]
        return out


def _find(terms: list[str], phrase: tuple[str, ...]) -> tuple[int, ...] | None:
    n = len(phrase)
    for i in range(len(terms) - n + 1):
        if tuple(terms[i:i + n]) == phrase:
            return tuple(range(i, i + n))
    return None


def load(folder: Path, lang: str) -> Synonyms:
    file = folder / f"{lang}.yml"
    if not file.is_file():
        return Synonyms()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SynonymsError(f"{file}{line}: not valid YAML ({getattr(exc, 'problem', exc)}); "
                            "write one group per line: - [sign in, log in]") from None
    if not isinstance(data, list):
        raise SynonymsError(f"{file}: must be a list of groups, e.g. - [sign in, log in]")
    groups = []
    for number, group in enumerate(data, 1):
        if not isinstance(group, list) or len(group) < 2:
            raise SynonymsError(f"{file}: group {number} ({group!r}) must list two or more "
                                "words, e.g. - [invoice, receipt, bill]")
        analysed = tuple(dict.fromkeys(
            t for t in (tuple(analysis.terms(str(m), lang)) for m in group) if t))
        if len(analysed) > 1:
            groups.append(analysed)
    return Synonyms(tuple(groups))
