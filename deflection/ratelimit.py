"""Per-visitor event limits: N events a minute, fixed windows (the minute of the clock).

`RateLimiter` counts in the process: enough for SQLite, where one process serves.
`SharedRateLimiter` counts in PostgreSQL's `rate_counts` table, so the limit holds
across every replica sharing the database. Both answer the same way: None when
allowed (and counted), else the seconds until the visitor may send again; a refused
request counts nothing.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from typing import TYPE_CHECKING

import sqlalchemy as sa

from deflection.store_schema import backend_of, insert, rate_counts_table

if TYPE_CHECKING:
    from deflection.store import EventStore


def _retry_after(minute: int, now_s: float) -> float:
    return max(1.0, (minute + 1) * 60 - now_s)


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
                return _retry_after(minute, now_s)
            self._counts[visitor] += n
            return None

    async def allow_async(self, visitor: str, n: int, now_s: float) -> float | None:
        """`allow` for the event loop (in memory: no thread needed)."""
        return self.allow(visitor, n, now_s)


class SharedRateLimiter:
    """Counts in the database, one atomic upsert a request.

    The upsert adds n only while the sum stays within the limit (`ON CONFLICT DO UPDATE
    ... WHERE`), so concurrent requests on different replicas cannot overshoot together.
    Replicas use their own clocks for the minute: keep them in sync (NTP).
    """

    def __init__(self, engine: sa.Engine, per_minute: int) -> None:
        self.engine = engine
        self.per_minute = per_minute
        self._pruned_minute = -1
        table = rate_counts_table
        stmt = insert(engine, table).values(
            visitor=sa.bindparam("visitor"), minute=sa.bindparam("minute"),
            n=sa.bindparam("n"))
        self._upsert = stmt.on_conflict_do_update(
            index_elements=["visitor", "minute"], set_={"n": table.c.n + stmt.excluded.n},
            where=table.c.n + stmt.excluded.n <= sa.bindparam("limit"),
        ).returning(table.c.n)
        self._prune = table.delete().where(table.c.minute < sa.bindparam("before"))

    def allow(self, visitor: str, n: int, now_s: float) -> float | None:
        minute = int(now_s // 60)
        if n > self.per_minute:
            return _retry_after(minute, now_s)
        with self.engine.begin() as conn:
            # a count lost in a crash costs nothing: don't wait for the disk
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            if minute != self._pruned_minute:  # once a minute per replica: drop old windows
                self._pruned_minute = minute
                conn.execute(self._prune, {"before": minute - 1})
            counted = conn.execute(self._upsert, {"visitor": visitor, "minute": minute, "n": n,
                                                  "limit": self.per_minute}).first()
        return None if counted is not None else _retry_after(minute, now_s)

    async def allow_async(self, visitor: str, n: int, now_s: float) -> float | None:
        """`allow` off the event loop: it waits for the database."""
        return await asyncio.to_thread(self.allow, visitor, n, now_s)


def limiter_for(store: EventStore, per_minute: int) -> RateLimiter | SharedRateLimiter:
    """In the database when replicas share it (PostgreSQL), else in the process."""
    if backend_of(store.engine) == "postgresql":
        return SharedRateLimiter(store.engine, per_minute)
    return RateLimiter(per_minute)
