"""Where a reader's read goes: a streaming read replica when one is set, up and close behind (issue 16).

Readers are most of the traffic and only read published content, so they may be served by a
PostgreSQL hot standby (``LIBRARY_DATABASE_REPLICA_URL``); writes, staff and anyone who has just
written stay on the primary. Three rules keep a reader from ever seeing an error or going back in
time because of the replica:

- **lag**: a check (`ReaderDatabase.check`, every `CHECK_INTERVAL` seconds in each process) compares
  the primary's WAL position with what the replica has replayed. The lag in seconds is how long ago
  the primary was first seen at a position the replica has not reached yet (so an idle library has
  no lag, and a replica that stopped replaying has a growing one). Above ``max_lag`` readers go to
  the primary until it is back under.
- **failure**: a read on the replica that fails because it is unavailable
  (`library.storage.availability`) is answered from the primary at once, and the replica is left
  alone until a check reaches it again: a stopped replica costs no reader an error. Any other
  database error there (a hot standby cancels a statement that conflicts with replay) is answered
  from the primary too, without leaving the replica.
- **freshness**: ``fresh(session)``, when given, is asked on the replica in the same unit of work
  before each read (the web layer checks that the replica has replayed the content version its
  cache already knows of): when the replica is behind it, the read goes to the primary instead.

Who must read the primary (a signed-in editor, a reader right after their own write) is told by
`primary_only`, set per request by the web layer; the rule for choosing is here, in one place.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from library.storage.async_reads import AsyncReads
from library.storage.availability import unavailable
from library.storage.engine import read_only, read_rows, session_scope
from library.storage.prepared import DirectReads, Prepared
from library.storage.types import utcnow

log = logging.getLogger("library.storage")

T = TypeVar("T")

CHECK_INTERVAL = 0.5
"""Seconds between two lag checks of one process (one tiny query on each database)."""

SAMPLES = 600
"""Positions of the primary kept to date the replica's (at `CHECK_INTERVAL`, five minutes' worth)."""

OFF, UP, LAGGING, DOWN = "off", "up", "lagging", "down"

primary_only: ContextVar[bool] = ContextVar("library_primary_only", default=False)
"""True for a request whose reads must see the primary: staff, or a reader right after a write."""


@dataclass(frozen=True)
class ReplicaStatus:
    """The replica as the last check found it (``state`` one of off, up, lagging, down), since when."""

    state: str
    since: datetime
    lag_seconds: float | None = None
    lag_bytes: int | None = None
    max_lag: float | None = None
    reason: str | None = None


_PRIMARY_POSITION = text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
_REPLICA_POSITION = text("SELECT pg_is_in_recovery(), pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint")


class ReaderDatabase:
    """Chooses the database of each reader read; `check` keeps its view of the replica current.

    Safe to use from any thread: the status is one immutable value replaced whole.
    """

    def __init__(self, primary: Engine, replica: Engine | None = None, *, max_lag: float = 5.0,
                 fresh: Callable[[Session], bool] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.primary = primary
        self.direct = DirectReads(primary)
        """The primary's connections kept for prepared reads (`read_statement`)."""
        self.direct_async = AsyncReads(primary) if primary.dialect.name == "postgresql" else None
        """PostgreSQL: the primary's connections for prepared reads awaited on the event loop (`fetch`)."""
        self.fresh = fresh
        self.replica = replica
        self.max_lag = max_lag
        self.clock = clock
        self._samples: deque[tuple[float, int]] = deque(maxlen=SAMPLES)
        self._check_lock = threading.Lock()
        self.status = ReplicaStatus(OFF if replica is None else DOWN, utcnow(), max_lag=None if replica is None
                                    else max_lag, reason=None if replica is None else "not checked yet")
        self.served = {"replica": 0, "primary": 0}
        """Reads answered by each database since start (for the health check and the tests)."""
        self._served_lock = threading.Lock()

    @property
    def use_replica(self) -> bool:
        return self.status.state == UP and not primary_only.get()

    def read(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``function(session, *args, **kwargs)`` in a read-only unit of work on the replica when it may
        answer, else on the primary; a replica that fails is replaced by the primary for this read."""
        fresh = self.fresh
        if self.replica is not None and self.use_replica:
            try:
                with session_scope(self.replica, write=False) as session:
                    if fresh is None or fresh(session):
                        result = function(session, *args, **kwargs)
                        self._count("replica")
                        return result
            except Exception as error:
                if (outage := unavailable(error)) is not None:
                    self._set(DOWN, reason=outage.reason)
                elif not isinstance(error, DBAPIError):
                    raise  # the read's own answer (an article not found...): the primary would say the same
                else:  # a statement cancelled by a conflict with recovery: the primary answers this one
                    log.info("read on the replica failed, answered by the primary: %s", error.orig)
        result = read_only(self.primary, function, *args, **kwargs)
        self._count("primary")
        return result

    def read_rows(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`read` for the hottest reads, which run Core statements and take a plain connection
        (`library.storage.read_rows`) when the primary answers them: no ORM session set up."""
        if self.replica is not None and self.use_replica:
            return self.read(function, *args, **kwargs)
        result = read_rows(self.primary, function, *args, **kwargs)
        self._count("primary")
        return result

    def read_statement(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`read` for the hottest read of all, one prepared statement (`library.storage.prepared`):
        ``function`` is given the primary's `DirectReads`, to read on without a unit of work, when the
        primary answers; a replica's unit of work otherwise."""
        if self.replica is not None and self.use_replica:
            return self.read(function, *args, **kwargs)
        result = function(self.direct, *args, **kwargs)
        self._count("primary")
        return result

    async def fetch(self, prepared: Prepared, /, **values: Any) -> list[Any] | None:
        """The rows of ``prepared`` read on the event loop (`library.storage.async_reads`) when the
        primary answers and is PostgreSQL, for a caller to make its result of them without a thread;
        None when they are to be read the blocking way, `read_statement` (SQLite, whose read waits on
        nothing but the CPU, or a replica, read in a unit of work that checks its freshness first)."""
        if self.direct_async is None or (self.replica is not None and self.use_replica):
            return None
        rows = await self.direct_async.read(prepared, **values)
        self._count("primary")
        return rows

    def _count(self, database: str) -> None:
        with self._served_lock:
            self.served[database] += 1

    def check(self) -> ReplicaStatus:
        """Measure the replica's lag and decide whether readers may use it (run off the event loop)."""
        if self.replica is None:
            return self.status
        with self._check_lock:
            try:
                with self.primary.connect() as connection:
                    position = connection.execute(_PRIMARY_POSITION).scalar_one()
            except Exception as error:
                if unavailable(error) is None:
                    raise
                return self.status  # the primary's own outage is reported elsewhere; nothing to compare
            now = self.clock()
            if not self._samples or self._samples[-1][1] != position:
                self._samples.append((now, position))
            try:
                with self.replica.connect() as connection:
                    recovering, replayed = connection.execute(_REPLICA_POSITION).one()
            except Exception as error:  # unreachable, or refusing us (a wrong database name, a role)
                outage = unavailable(error)
                reason = outage.reason if outage else str(getattr(error, "orig", error)).strip().splitlines()[0]
                return self._set(DOWN, reason=reason)
            if not recovering or replayed is None:
                return self._set(DOWN, reason="not a standby (pg_is_in_recovery() is false)")
            lag = self._lag(replayed, position, now)
            state = UP if lag <= self.max_lag else LAGGING
            return self._set(state, lag_seconds=round(lag, 3), lag_bytes=max(0, position - replayed))

    def _lag(self, replayed: int, position: int, now: float) -> float:
        """Seconds since the primary was first seen beyond ``replayed`` (0 when the replica has caught up)."""
        if replayed >= position:
            while len(self._samples) > 1:  # positions the replica has passed date nothing any more
                self._samples.popleft()
            return 0.0
        for seen, sample in self._samples:
            if sample > replayed:
                return now - seen
        return 0.0

    def _set(self, state: str, *, lag_seconds: float | None = None, lag_bytes: int | None = None,
             reason: str | None = None) -> ReplicaStatus:
        before = self.status
        if before.state != state:
            log.warning("read replica %s -> %s%s", before.state, state, f": {reason}" if reason else "")
        since = before.since if before.state == state else utcnow()
        self.status = ReplicaStatus(state, since, lag_seconds, lag_bytes, self.max_lag, reason)
        return self.status

    def dispose(self) -> None:
        self.direct.close()
        if self.direct_async is not None:
            self.direct_async.close()
        if self.replica is not None:
            self.replica.dispose()
