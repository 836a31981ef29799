"""Hostile input refused before routing: control characters, deep JSON, oversized URLs and bodies (issue 13).

`InputGuard` wraps the app's router inside Litestar's exception handling, so whatever it raises is
answered like any other error: a problem detail under /api, a page in the reader's language elsewhere.
It refuses

- a URL (path and query) longer than `MAX_URL_BYTES`: 414;
- a path, query parameter name or value holding a character `library.content.limits` refuses: 400;
- a JSON or form body larger than `Limits.form_bytes`: 413; other bodies (PO and XLIFF uploads) are
  bounded by Litestar's ``request_max_body_size`` (`Limits.upload_bytes`), answered with a 413 too;
- a JSON body that is not JSON (a lone surrogate included), nested deeper than `limits.MAX_JSON_DEPTH`
  (msgspec raises RecursionError from about 1,000 levels: a 500 before this guard), or with such a
  character in any string, keys included: 400; with a string beyond `Settings.max_text_kb`: 413;
- a form field (sign-in, newsletter, workbench) with such a character: 400.

A body the guard reads is handed on unchanged, so handlers parse it as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

import msgspec
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from library.catalogs.lazy import N_
from library.content import limits
from library.errors import Invalid, LibraryError, Localized
from library.settings import Settings

#: Longest URL (path and query, as sent) the app answers; longer is a 414. Browsers and proxies send
#: and pass 8 KB; uvicorn itself refuses a request head beyond its own limit (see the README).
MAX_URL_BYTES = 8192


class UriTooLong(Localized, LibraryError):
    title = "URI too long"
    template = N_("The address is {size} bytes long; at most {limit} bytes are accepted.")

    def __init__(self, size: int) -> None:
        super().__init__(self.template.format(size=size, limit=MAX_URL_BYTES), size=size, limit=MAX_URL_BYTES)


class BodyTooLarge(Localized, LibraryError):
    title = "Request body too large"
    template = N_("The request body is larger than {limit} KB.")

    def __init__(self, limit_bytes: int) -> None:
        limit = limit_bytes // 1024
        super().__init__(self.template.format(limit=limit), limit=limit)


class MalformedJson(Localized, Invalid):
    title = "Invalid input"
    # Translators: {error} is the JSON parser's own message, in English.
    template = N_("The body is not valid JSON: {error}.")

    def __init__(self, error: str) -> None:
        super().__init__(self.template.format(error=error), error=error)


@dataclass(frozen=True)
class Limits:
    form_bytes: int
    """Largest JSON or form body: a variant's three texts at their limit, escaped, and some room."""
    upload_bytes: int
    """Largest body of any other kind: a PO or XLIFF file carries a whole language's queue."""
    text_kb: int
    """Largest string in a JSON body (`Settings.max_text_kb`)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        text = settings.max_text_kb * 1024
        return cls(form_bytes=4 * text + 64 * 1024, upload_bytes=32 * text, text_kb=settings.max_text_kb)


class InputGuard:
    """ASGI middleware around the router: refuses what the module docstring lists."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # What the router sets for the route it finds; before routing, the app's error handlers and no
        # path parameters (error pages read them).
        ScopeState.from_scope(scope).exception_handlers = scope["litestar_app"].exception_handlers
        scope.setdefault("path_params", {})
        # The ASGI raw_path holds no query, but some servers and test clients leave it there.
        raw_path = (scope.get("raw_path") or scope["path"].encode()).partition(b"?")[0]
        query = scope.get("query_string", b"")
        if len(raw_path) + len(query) + (1 if query else 0) > MAX_URL_BYTES:
            raise UriTooLong(len(raw_path) + len(query) + 1)
        limits.check_text(limits.URL_PATH, scope["path"], multiline=False)
        _check_pairs(parse_qsl(query.decode("latin-1"), keep_blank_values=True), limits.query_parameter,
                     multiline=False)
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        kind = _body_kind(scope)
        body = await _read_body(receive, self.limits.upload_bytes if kind is None else self.limits.form_bytes)
        if kind == "form":
            _check_pairs(parse_qsl(body.decode("utf-8", "surrogateescape"), keep_blank_values=True), limits.field,
                         multiline=True)
        elif kind == "json" or body.lstrip()[:1] in (b"{", b"["):
            # Litestar decodes a JSON body whatever its content type says, so whatever looks like JSON is
            # checked as JSON; other bodies (PO and XLIFF uploads) are checked line by line by their importers.
            check_json(body, self.limits.text_kb)
        await self.app(scope, _replay(body, receive), send)


def _body_kind(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            if media == b"application/json" or media.endswith(b"+json"):
                return "json"
            if media == b"application/x-www-form-urlencoded":
                return "form"
            return None
    return None


def _check_pairs(pairs: list[tuple[str, str]], place: Callable[[str], limits.Place], *, multiline: bool) -> None:
    for name, value in pairs:
        limits.check_text(place(name), name, multiline=False)
        limits.check_text(place(name), value, multiline=multiline)


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def check_json(body: bytes, max_kb: int) -> None:
    """Raise `limits.JsonTooDeep`, `limits.ControlCharacter`, `limits.TextTooLarge` or `MalformedJson` (a lone
    surrogate too: msgspec refuses it) for a JSON body, whether or not the route reads it."""
    limits.check_json_depth(body)
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError as error:
        raise MalformedJson(str(error)) from None
    limits.check_json_value(value, max_kb=max_kb)
