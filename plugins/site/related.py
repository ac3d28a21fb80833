"""Related articles: same language, shared tags, rare tags weigh more. Pure."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

# Stop collecting candidates once this many are seen, so a tag on every
# article cannot make the work grow with the square of the help center.
CANDIDATE_CAP = 200


@dataclass(frozen=True)
class Item:
    key: str  # the article's path
    lang: str
    section: str
    tags: tuple[str, ...]
    title: str


def related(items: list[Item], limit: int) -> dict[str, list[str]]:
    """For each article key, up to `limit` related keys, best first."""
    if limit <= 0:
        return {}
    by_tag: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        for tag in item.tags:
            by_tag[(item.lang, tag)].append(item)
    out: dict[str, list[str]] = {}
    for item in items:
        tags = sorted(item.tags, key=lambda t: len(by_tag[(item.lang, t)]))  # rarest first
        scores: dict[str, float] = defaultdict(float)
        others: dict[str, Item] = {}
        for tag in tags:
            group = by_tag[(item.lang, tag)]
            weight = 1.0 / math.log(1 + len(group))
            for other in group[:CANDIDATE_CAP]:
                if other.key != item.key:
                    scores[other.key] += weight
                    others[other.key] = other
            if len(scores) >= CANDIDATE_CAP:
                break
        ranked = sorted(
            scores,
            key=lambda k: (-scores[k], others[k].section != item.section, others[k].title),
        )
        out[item.key] = ranked[:limit]
    return out
