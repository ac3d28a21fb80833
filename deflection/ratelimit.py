"""Per-visitor event limits in one process: N events a minute, fixed windows."""

from __future__ import annotations

import threading
from collections import defaultdict


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._minute = -1
        self._counts: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def allow(self, visitor: str, n: int, now_s: float) -> float | None:
        """None when allowed (and counted); else seconds until the visitor may send again."""
        minute = int(now_s // 60)
        with self._lock:
            if minute != self._minute:  # a new window: forget the old one entirely
                self._minute = minute
                self._counts.clear()
            if self._counts[visitor] + n > self.per_minute:
                return max(1.0, (minute + 1) * 60 - now_s)
            self._counts[visitor] += n
            return None
