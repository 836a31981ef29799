"""Sending reader responses: from the per-process cache when possible, built off the event loop when not.

A hit costs a dictionary lookup and no thread hop; a miss builds the response in a worker thread
(the database is synchronous) and stores it for the next reader. Every response carries a strong
ETag and answers a matching If-None-Match with 304.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

import msgspec
from anyio import to_thread
from litestar import Request, Response

from library.web.cache import CachedResponse, ResponseCache, strong_etag
from library.web.conditional import none_match

JSON = "application/json"


def encode(value: Any, headers: Mapping[str, str], article_id: int | None = None,
           served: str | None = None) -> CachedResponse:
    """A ready-to-send response for ``value`` (a msgspec struct) with its ETag among ``headers``."""
    body = msgspec.json.encode(value)
    etag = strong_etag(body)
    return CachedResponse(body, etag, {**headers, "ETag": etag}, article_id, served)


async def cached(request: Request[Any, Any, Any], key: Hashable,
                 build: Callable[[], CachedResponse]) -> CachedResponse:
    """The cached response for ``key``, or ``build()`` run in a worker thread and cached."""
    cache: ResponseCache = request.app.state.cache
    entry = cache.get(key)
    if entry is None:
        generation = cache.generation
        entry = cache.put(key, await to_thread.run_sync(build), generation)
    return entry


def send(request: Request[Any, Any, Any], entry: CachedResponse) -> Response[Any]:
    """``entry`` as a 200, or a 304 when the request's If-None-Match names its ETag."""
    if none_match(request.headers.get("if-none-match"), entry.etag):
        return Response(b"", status_code=304, headers=entry.headers)
    return Response(entry.body, media_type=JSON, headers=entry.headers)
