"""Sending reader responses: from the per-process cache when possible, built when not.

A hit costs a dictionary lookup and no thread hop; a miss builds the response and stores it for the
next reader. Where a miss is built is `Settings.builder_threads` (`off_the_loop`): on the event loop
itself on SQLite, whose read waits on nothing but the CPU, so a thread would only add hand-offs of the
GIL; in a few threads of their own on PostgreSQL, whose read waits on the network. Never anyio's
forty: only one thread runs Python at a time, and forty of them spent more on handing the GIL round
than on the reads. An article (its API read and its page) is built on the loop on PostgreSQL too:
its one statement is awaited there (`built`, `library.web.article_reads`). Bodies are kept gzip-compressed and
sent so to every client that accepts gzip, with ``Content-Encoding: gzip`` and ``Vary:
Accept-Encoding``; other clients get them decompressed (`library.web.encoding`). Every API response
carries a strong ETag, another for each of the two representations, and answers a matching
If-None-Match with 304.

A cached response keeps its headers encoded for ASGI, built once, and is sent as raw ASGI messages:
Litestar's `Response` would merge and encode the headers again on every request, which cost a cache
hit as much as the rest of the request (issue 6 asks for a read at 80% of a trivial route's
throughput).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping
from typing import Any, TypeVar

import msgspec
from anyio import CapacityLimiter, to_thread
from litestar import Request, Response

from library.storage.replica import primary_only
from library.web.cache import SHARED_HEADERS, CachedResponse, ResponseCache, shared_header, strong_etag
from library.web.conditional import none_match
from library.web.edge import surrogate_keys
from library.web.encoding import GZIP, Segment, accepts_gzip, gzip, gzip_etag
from library.web.security import READER_HEADERS

JSON = "application/json"
GZIP_HEADER = (b"content-encoding", GZIP.encode())


Headers = tuple[tuple[bytes, bytes], ...]
"""Response headers encoded for ASGI, lower-case names."""



def encode_headers(headers: Mapping[str, str]) -> Headers:
    """``headers`` encoded once for a response kept ready to send (`RawResponse` adds the security
    headers every response gets, `library.web.security`, which are not kept in each cached entry).
    A header whose value many responses share (the content type, the caching policy, a language) is
    one object."""
    encoded = []
    for name, value in headers.items():
        pair = (name.lower().encode("latin-1"), value.encode("latin-1"))
        if pair[0] in SHARED_HEADERS:
            pair = shared_header(pair)
        encoded.append(pair)
    return tuple(encoded)


class RawResponse:
    """An ASGI response whose headers were encoded once (`encode_headers`), with the security headers."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: Headers, body: bytes = b"", *extra: tuple[bytes, bytes]) -> None:
        self.status = status
        self.headers = [*headers, *READER_HEADERS, *extra]
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
    """A ready-to-send response for ``value`` (a msgspec struct), compressed, with its ETag; tagged with
    the surrogate keys its ``headers`` name for the caches in front (`library.web.edge.shared`)."""
    body = msgspec.json.encode(value)
    headers = {"Content-Type": JSON, **headers, "Vary": vary(headers)}
    return CachedResponse(gzip((Segment(body),)), strong_etag(body), encode_headers(headers), article_id, served,
                          tags=surrogate_keys(headers))


def vary(headers: Mapping[str, str]) -> str:
    """The ``Vary`` of a response whose body is sent compressed or not as the client accepts."""
    named = headers.get("Vary")
    return f"{named}, Accept-Encoding" if named else "Accept-Encoding"


T = TypeVar("T")


async def off_the_loop(state: Any, build: Callable[..., T], /, *args: Any) -> T:
    """``build(*args)`` in one of the reader threads (`Settings.builder_threads`), waiting for one to be
    free; on the event loop itself when there are none."""
    limiter = getattr(state, "reader_limiter", None)
    if limiter is None:  # created on the event loop, once per app
        threads = state.settings.builder_threads
        limiter = state.reader_limiter = CapacityLimiter(threads) if threads else False
    if limiter is False:
        return build(*args)
    return await to_thread.run_sync(build, *args, limiter=limiter)


async def cached(request: Request[Any, Any, Any], key: Hashable, build: Callable[..., CachedResponse],
                 fetch: Callable[[], Awaitable[Any]] | None = None) -> CachedResponse:
    """The cached response for ``key``, or built (`built`) and cached.

    A hit counts again the interface strings its rendering missed, as building it did. A request that
    must see the primary (`library.web.replica`: a visitor right after their own write) is built afresh
    and not stored: this process may not have heard of that write yet.
    """
    state = request.app.state
    if primary_only.get():
        return await built(state, build, fetch)
    cache: ResponseCache = state.cache
    entry = cache.get(key)
    if entry is None:
        generation = cache.generation
        entry = cache.put(key, await built(state, build, fetch), generation)
    elif entry.misses:
        state.catalogs.misses.replay(entry.misses)
    return entry


async def built(state: Any, build: Callable[..., T], fetch: Callable[[], Awaitable[Any]] | None) -> T:
    """``build()`` run by `off_the_loop`; with ``fetch``, ``build(rows)`` of the rows it awaited on the
    event loop (`library.web.article_reads`), run on the loop too, for what is left is CPU (and the
    parts kept per content version, read once a version), or ``build(None)`` by `off_the_loop` when
    ``fetch`` gave None (the rows are to be read the blocking way)."""
    if fetch is None:
        return await off_the_loop(state, build)
    rows = await fetch()
    if rows is None:
        return await off_the_loop(state, build, None)
    return build(rows)


def send(request: Request[Any, Any, Any], entry: CachedResponse) -> Response[Any]:
    """``entry`` as a 200, or a 304 when the request's If-None-Match names the ETag of the
    representation it would get: gzip, or the identity body when the client does not accept gzip."""
    zipped = accepts_gzip(header(request, b"accept-encoding"))
    etag = gzip_etag(entry.etag) if zipped else entry.etag
    tags = ((b"etag", etag.encode("latin-1")), *([GZIP_HEADER] if zipped else []))
    if none_match(header(request, b"if-none-match"), etag):
        return Prepared(RawResponse(304, entry.headers, b"", *tags))
    return Prepared(RawResponse(200, entry.headers, entry.body if zipped else entry.content(), *tags))


def send_page(request: Request[Any, Any, Any], entry: CachedResponse) -> Response[Any]:
    """A cached page (no ETag: its calendar is put in as it is sent), compressed when the client accepts it."""
    if accepts_gzip(header(request, b"accept-encoding")):
        return Prepared(RawResponse(200, entry.headers, entry.gzip(), GZIP_HEADER))
    return Prepared(RawResponse(200, entry.headers, entry.content()))


def header(request: Request[Any, Any, Any], name: bytes) -> str | None:
    """One request header (``name`` in lower case) read straight from the ASGI scope.

    Litestar's ``request.headers`` builds a headers object per request; the hot path needs two values.
    """
    for key, value in request.scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None
