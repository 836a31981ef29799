"""Reader counts kept in memory between flushes: a request never writes to the database to count.

A read costs two dictionary updates under a lock; the flusher drains the buffer every few seconds
and on shutdown, and adds the counts to the stored ones (`library.demand.store`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


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


def merge_reads(batches: list[Reads]) -> Reads:
    """Several drained `Reads` added up into one (the earliest first and the latest last time)."""
    merged = Reads()
    for batch in batches:
        for article_id, n in batch.views.items():
            merged.views[article_id] = merged.views.get(article_id, 0) + n
        for key, d in batch.demand.items():
            seen = merged.demand.get(key)
            merged.demand[key] = d if seen is None else Demanded(
                seen.count + d.count, min(seen.first_seen, d.first_seen), max(seen.last_seen, d.last_seen))
    return merged


class ReadCounter:
    """Thread-safe tally of article reads for one server process.

    Times are kept as ``clock()`` seconds (the epoch) and become UTC datetimes only when drained:
    the read path stays a few dictionary operations.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._views: dict[int, int] = {}
        self._demand: dict[tuple[int, str], list] = {}  # [count, first seen, last seen]

    def read(self, article_id: int, requested: str, served: str | None) -> None:
        """Count one read: a view when something was served, demand when it was not ``requested``."""
        with self._lock:
            if served is not None:
                self._views[article_id] = self._views.get(article_id, 0) + 1
            if served != requested:
                self._count_demand(article_id, requested)

    def wanted(self, article_id: int, requested: str) -> None:
        """Count demand without a view: a search found the article only in another language (issue 17)."""
        with self._lock:
            self._count_demand(article_id, requested)

    def _count_demand(self, article_id: int, requested: str) -> None:
        """One more request for ``requested`` (the caller holds the lock)."""
        now = self._clock()
        seen = self._demand.get((article_id, requested))
        if seen is None:
            self._demand[(article_id, requested)] = [1, now, now]
        else:
            seen[0] += 1
            seen[2] = now

    def drain(self) -> Reads:
        """The counts since the last drain; the counter starts afresh."""
        with self._lock:
            views, demand = self._views, self._demand
            self._views, self._demand = {}, {}
        return Reads(views, {key: Demanded(count, _utc(first), _utc(last))
                             for key, (count, first, last) in demand.items()})


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class SearchMissCount:
    """Searches in ``language`` for ``query`` that found nothing in any language, since the last drain."""

    language: str
    query: str
    count: int
    first_seen: datetime
    last_seen: datetime


MAX_MISSES_KEPT = 10_000
"""Distinct missed queries a process keeps between flushes; more are not counted (a flood of random
queries must not grow memory without bound)."""


class SearchMisses:
    """Thread-safe tally of searches that found nothing, per (language, query); counts only."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], list] = {}

    def missed(self, language: str, query: str) -> None:
        with self._lock:
            now = self._clock()
            seen = self._counts.get((language, query))
            if seen is not None:
                seen[0] += 1
                seen[2] = now
            elif len(self._counts) < MAX_MISSES_KEPT:
                self._counts[(language, query)] = [1, now, now]

    def drain(self) -> list[SearchMissCount]:
        with self._lock:
            counts, self._counts = self._counts, {}
        return [SearchMissCount(language, query, count, _utc(first), _utc(last))
                for (language, query), (count, first, last) in counts.items()]
