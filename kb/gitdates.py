"""When each file last changed in git: one `git log` for the whole folder.

Asking git once per file costs a process per article; one pass over the log
keeps `kb build` linear in the size of the help center.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def last_commit_dates(folder: Path) -> dict[Path, dt.datetime]:
    """Absolute path → time of the last commit touching it; {} outside a git work tree."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True,
            text=True, check=True,
        ).stdout.strip()
        log = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--no-renames", "--format=%x00%ct",
             "--name-only", "--", "."],
            cwd=folder, capture_output=True, text=True, check=True, encoding="utf-8",
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    root = Path(top)
    dates: dict[Path, dt.datetime] = {}
    when: dt.datetime | None = None
    for line in log.split("\n"):
        if line.startswith("\x00"):
            when = dt.datetime.fromtimestamp(int(line[1:]), tz=dt.UTC)
        elif line and when is not None:
            dates.setdefault(root / line, when)
    return dates


def head(folder: Path) -> tuple[str, Path] | None:
    """The commit checked out in `folder`'s work tree, and the reflog git appends to on every
    commit, checkout or reset (a preview watches it); None outside git or before a commit."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD", "--git-path", "logs/HEAD"], cwd=folder,
            capture_output=True, text=True, check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return None
    return out[0], folder / out[1]
