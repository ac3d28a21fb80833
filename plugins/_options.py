"""Config warnings shared by kb's plugins: an unknown option gets its value and the fix."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence


def with_hints(
    warnings: Sequence[tuple[str, str]], options: Mapping[str, object], known: Sequence[str]
) -> list[tuple[str, str]]:
    """MkDocs' (key, message) config warnings, each with the value given and the closest
    known option name (or all of them)."""
    improved = []
    for key, message in warnings:
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else f" Known options: {', '.join(known)}."
        improved.append((key, f"{message} (value {options.get(key)!r}).{hint}"))
    return improved
