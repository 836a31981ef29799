"""Health check for load balancers and operators: is the app up and is its database reachable?"""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.datastructures import State

from library import __version__
from library.storage.migrate import current_revision


class Health(msgspec.Struct):
    status: str
    version: str
    database: str
    schema_revision: str | None


@get("/health", summary="Health of the app and its database", tags=["operations"], sync_to_thread=True)
def health(state: State) -> Health:
    engine = state.engine
    return Health(status="ok", version=__version__, database=engine.dialect.name,
                  schema_revision=current_revision(engine))


class Pong(msgspec.Struct):
    status: str


@get("/ping", summary="Liveness only: the process answers (no database involved)", tags=["operations"])
async def ping() -> Pong:
    return Pong(status="ok")
