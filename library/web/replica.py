"""Which database a request reads: the reader routes may read the replica (`library.storage.replica`),
but not a signed-in editor or translator (a bearer token or the session cookie), nor a visitor just
after a write of their own.

A successful write (any POST, PUT, PATCH or DELETE answered below 400, forms' 303 included) sets a
short-lived cookie, `WROTE_COOKIE`, for as long as the replica may lag behind before readers leave it
(``LIBRARY_REPLICA_MAX_LAG``, plus a second); while it is there the visitor reads the primary and
skips the per-process response cache, so their next page shows what they just did whichever host
answers it. It holds no secret and is set only when a replica is configured.
"""

from __future__ import annotations

import math
from typing import Any

from litestar import Request
from litestar.types import Message, Scope

from library.storage.replica import primary_only
from library.web.auth import SESSION_COOKIE

WROTE_COOKIE = "library_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_primary(request: Request[Any, Any, Any]) -> bool:
    """True when this request must see the primary."""
    cookies = request.cookies
    return (WROTE_COOKIE in cookies or SESSION_COOKIE in cookies
            or "authorization" in request.headers)


async def choose_database(request: Request[Any, Any, Any]) -> None:
    """A ``before_request`` hook: the request's reads (in this context and its worker threads) use the
    primary when `reads_primary` says so."""
    if reads_primary(request):
        primary_only.set(True)


def remember_writes(max_lag: float):
    """A ``before_send`` hook setting `WROTE_COOKIE` on a successful write's response."""
    cookie = (f"{WROTE_COOKIE}=1; Max-Age={math.ceil(max_lag) + 1}; Path=/; HttpOnly; SameSite=Lax"
              .encode("latin-1"))

    async def remember(message: Message, scope: Scope) -> None:
        if (message["type"] == "http.response.start" and scope.get("method", "GET") not in SAFE_METHODS
                and message["status"] < 400):
            message["headers"] = [*message.get("headers", ()), (b"set-cookie", cookie)]

    return remember
