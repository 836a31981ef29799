"""Health check for load balancers and operators: is the app up and is its database reachable?

It also says how this process hears of content changes (``invalidation``: ``listening`` by
LISTEN/NOTIFY or ``polling``, since when, and why it polls) and, with a read replica, the replica's
state and lag and how many reader reads each database answered (``replica``).

A database that cannot be reached makes the check a 503 problem detail (`database-unavailable`, with
Retry-After) naming the database as the cause, so a load balancer takes the process out of rotation
until the database is back; `/ping` stays 200 as long as the process answers.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import get
from litestar.datastructures import State

from library import __version__
from library.storage.availability import DatabaseUnavailable, unavailable
from library.storage.migrate import current_revision
from library.web.problems import PROBLEM_RESPONSES


class CacheFigures(msgspec.Struct):
    """This process's response cache (each server process has its own)."""

    entries: int
    bytes: int
    max_bytes: int
    hits: int
    misses: int


class Invalidation(msgspec.Struct):
    mode: str
    """``listening`` (LISTEN/NOTIFY) or ``polling`` (the content version, every 0.4 s)."""
    since: datetime
    reason: str | None = None
    """Why this process polls (SQLite, listening turned off, the connection lost and why)."""


class Replica(msgspec.Struct):
    state: str
    """``up`` (readers read it), ``lagging`` (behind by more than ``max_lag``: readers read the primary),
    ``down`` (unreachable or not a standby: readers read the primary)."""
    since: datetime
    lag_seconds: float | None
    lag_bytes: int | None
    max_lag: float | None
    reason: str | None
    reads: dict[str, int]
    """Reader reads answered by ``replica`` and by ``primary`` since this process started."""


class Health(msgspec.Struct):
    status: str
    version: str
    database: str
    schema_revision: str | None
    cache: CacheFigures | None = None
    invalidation: Invalidation | None = None
    replica: Replica | None = None


@get("/health", summary="Health of the app and its database", tags=["operations"], sync_to_thread=True,
     responses={503: PROBLEM_RESPONSES[503]})
def health(state: State) -> Health:
    engine = state.engine
    try:
        revision = current_revision(engine)
    except Exception as error:
        if (outage := unavailable(error)) is None:
            raise
        raise DatabaseUnavailable(outage.reason, cause="database", database=engine.dialect.name,
                                  version=__version__) from error
    listen = state.watch.state
    readers = state.readers
    replica = None
    if readers.replica is not None:
        seen = readers.status
        replica = Replica(seen.state, seen.since, seen.lag_seconds, seen.lag_bytes, seen.max_lag, seen.reason,
                          dict(readers.served))
    cache = state.cache
    return Health(status="ok", version=__version__, database=engine.dialect.name, schema_revision=revision,
                  cache=CacheFigures(len(cache), cache.size, cache.max_bytes, cache.hits, cache.misses),
                  invalidation=Invalidation(listen.mode, listen.since, listen.reason), replica=replica)


class Pong(msgspec.Struct):
    status: str


@get("/ping", summary="Liveness only: the process answers (no database involved)", tags=["operations"])
async def ping() -> Pong:
    return Pong(status="ok")
