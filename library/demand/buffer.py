"""Reader counts kept in memory between flushes: a request never writes to the database to count.

A read costs two dictionary updates under a lock; the flusher drains the buffer every few seconds
and on shutdown, and adds the counts to the stored ones (`library.demand.store`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Demanded:
    """Reads of one article that wanted ``language`` and got another language, or nothing."""

    count: int
    first_seen: datetime
    last_seen: datetime


@dataclass
class Reads:
    """Counts since the last drain: views per article id, demand per (article id, requested language)."""

    views: dict[int, int] = field(default_factory=dict)
    demand: dict[tuple[int, str], Demanded] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.views or self.demand)


class ReadCounter:
    """Thread-safe tally of article reads for one server process."""

    def __init__(self, clock: Callable[[], datetime] = _utcnow) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._reads = Reads()

    def read(self, article_id: int, requested: str, served: str | None) -> None:
        """Count one read: a view when something was served, demand when it was not ``requested``."""
        with self._lock:
            if served is not None:
                views = self._reads.views
                views[article_id] = views.get(article_id, 0) + 1
            if served != requested:
                self._demand(article_id, requested)

    def _demand(self, article_id: int, language: str) -> None:
        now = self._clock()
        seen = self._reads.demand.get((article_id, language))
        if seen is None:
            self._reads.demand[(article_id, language)] = Demanded(1, now, now)
        else:
            seen.count += 1
            seen.last_seen = now

    def drain(self) -> Reads:
        """The counts since the last drain; the counter starts afresh."""
        with self._lock:
            reads, self._reads = self._reads, Reads()
        return reads
