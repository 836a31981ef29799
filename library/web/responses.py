"""Sending reader responses: from the per-process cache when possible, built off the event loop when not.

A hit costs a dictionary lookup and no thread hop; a miss builds the response in a worker thread
(the database is synchronous) and stores it for the next reader. Every response carries a strong
ETag and answers a matching If-None-Match with 304.

A cached response is kept as its ASGI messages, built once: Litestar's `Response` would merge and
encode the headers again on every request, which cost a cache hit as much as the rest of the request
(issue 6 asks for a read at 80% of a trivial route's throughput).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

import msgspec
from anyio import to_thread
from litestar import Request, Response

from library.storage.replica import primary_only
from library.web.cache import CachedResponse, ResponseCache, strong_etag
from library.web.conditional import none_match

JSON = "application/json"


class RawResponse:
    """An ASGI response whose start message and body were encoded once; safe to send many times."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes = b"") -> None:
        self.status = status
        self.headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
        if status != 304:
            self.headers.append((b"content-length", str(len(body)).encode()))
        self.body = body

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


class Prepared(Response):
    """A Litestar `Response` that hands Litestar a `RawResponse` instead of building one per request.

    Handlers keep their ``Response[Struct]`` annotation, so the OpenAPI document still shows the schema.
    """

    def __init__(self, raw: RawResponse) -> None:  # Response.__init__ is skipped on purpose: nothing to set up
        self.raw = raw

    def to_asgi_response(self, app: Any, request: Any, **kwargs: Any) -> Any:
        return self.raw


def encode(value: Any, headers: Mapping[str, str], article_id: int | None = None,
           served: str | None = None) -> CachedResponse:
    """A ready-to-send response for ``value`` (a msgspec struct) with its ETag among ``headers``."""
    body = msgspec.json.encode(value)
    etag = strong_etag(body)
    headers = {**headers, "ETag": etag}
    return CachedResponse(body, etag, headers, article_id, served,
                          ok=RawResponse(200, {"Content-Type": JSON, **headers}, body),
                          not_modified=RawResponse(304, headers))


async def cached(request: Request[Any, Any, Any], key: Hashable,
                 build: Callable[[], CachedResponse]) -> CachedResponse:
    """The cached response for ``key``, or ``build()`` run in a worker thread and cached.

    A hit counts again the interface strings its rendering missed, as building it did. A request that
    must see the primary (`library.web.replica`: a visitor right after their own write) is built afresh
    and not stored: this process may not have heard of that write yet.
    """
    if primary_only.get():
        return await to_thread.run_sync(build)
    state = request.app.state
    cache: ResponseCache = state.cache
    entry = cache.get(key)
    if entry is None:
        generation = cache.generation
        entry = cache.put(key, await to_thread.run_sync(build), generation)
    elif entry.misses:
        state.catalogs.misses.replay(entry.misses)
    return entry


def send(request: Request[Any, Any, Any], entry: CachedResponse) -> Response[Any]:
    """``entry`` as a 200, or a 304 when the request's If-None-Match names its ETag."""
    if none_match(header(request, b"if-none-match"), entry.etag):
        return Prepared(entry.not_modified)
    return Prepared(entry.ok)


def header(request: Request[Any, Any, Any], name: bytes) -> str | None:
    """One request header (``name`` in lower case) read straight from the ASGI scope.

    Litestar's ``request.headers`` builds a headers object per request; the hot path needs two values.
    """
    for key, value in request.scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None
