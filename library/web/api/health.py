"""Health check for load balancers and operators: is the app up and is its database reachable?

A database that cannot be reached makes the check a 503 problem detail (`database-unavailable`, with
Retry-After) naming the database as the cause, so a load balancer takes the process out of rotation
until the database is back; `/ping` stays 200 as long as the process answers.
"""

from __future__ import annotations

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


class Health(msgspec.Struct):
    status: str
    version: str
    database: str
    schema_revision: str | None
    cache: CacheFigures | None = None


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
    cache = state.cache
    return Health(status="ok", version=__version__, database=engine.dialect.name, schema_revision=revision,
                  cache=CacheFigures(len(cache), cache.size, cache.max_bytes, cache.hits, cache.misses))


class Pong(msgspec.Struct):
    status: str


@get("/ping", summary="Liveness only: the process answers (no database involved)", tags=["operations"])
async def ping() -> Pong:
    return Pong(status="ok")
