"""The one place where errors become RFC 9457 problem details (``application/problem+json``).

One table maps each error class to a status and a type URI; anything not in it is a 500 that
reveals no internals. A test pins the shape: ``type``, ``title``, ``status``, ``detail`` plus the
error's facts (``language``, ``supported``, ``line``...). A database outage (`library.storage.availability`),
raised as `DatabaseUnavailable` or met as a driver error anywhere, is a 503 with ``Retry-After``, never a 500.

``title`` and ``detail`` are in the request's message language (`library.web.i18n`): titles per problem
type from `library.web.chrome`; details from the error's own template (`Localized` errors: every
message lives with its error, this module keeps statuses, not words), filled with its facts. Anything
else stays English.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from library.catalogs.runtime import Translator
from library.content.errors import StaleRevision
from library.content.limits import ControlCharacter, JsonTooDeep, TextTooLarge
from library.errors import ConfigurationError, Conflict, Forbidden, Invalid, LibraryError, Localized, NotFound
from library.languages.registry import UnsupportedLanguage
from library.memory.errors import InvalidTmx
from library.quality.errors import QualityBlocked
from library.storage.availability import DatabaseUnavailable, unavailable
from library.web.chrome import PROBLEM_DETAILS, PROBLEM_TITLES, SEND_BEARER_TOKEN, SEND_IF_MATCH
from library.web.guard import BodyTooLarge, UriTooLong
from library.web.i18n import request_translator
from library.web.negotiation import VARY
from library.workflow.errors import ImportRejected, NotAuthenticated, RevisionRequired, TooManySignIns

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://library.example/problems/"
log = logging.getLogger("library.web")

RETRY_AFTER_SECONDS = 5
"""What a 503 tells clients to wait before trying again: a PostgreSQL restart takes a second or two."""

#: Error class -> (HTTP status, problem type slug). The most specific class wins (MRO order).
STATUS_TABLE: dict[type[LibraryError], tuple[int, str]] = {
    NotAuthenticated: (401, "not-authenticated"),
    TooManySignIns: (429, "too-many-sign-ins"),
    RevisionRequired: (428, "revision-required"),
    ImportRejected: (422, "import-rejected"),
    InvalidTmx: (422, "tmx-refused"),
    StaleRevision: (412, "stale-revision"),
    UnsupportedLanguage: (400, "unsupported-language"),
    QualityBlocked: (409, "quality-blocked"),
    NotFound: (404, "not-found"),
    Invalid: (400, "invalid-input"),
    Conflict: (409, "conflict"),
    Forbidden: (403, "forbidden"),
    ConfigurationError: (500, "configuration"),
    DatabaseUnavailable: (503, "database-unavailable"),
    ControlCharacter: (400, "control-character"),
    JsonTooDeep: (400, "json-too-deep"),
    TextTooLarge: (413, "text-too-large"),
    BodyTooLarge: (413, "body-too-large"),
    UriTooLong: (414, "uri-too-long"),
}

#: What an error's detail gains over HTTP: which header carries what the domain says is missing.
HINTS: dict[type[LibraryError], str] = {NotAuthenticated: SEND_BEARER_TOKEN, RevisionRequired: SEND_IF_MATCH}

#: Headers some problems must carry: a 401 names the scheme to authenticate with (RFC 9110 11.6.1), a 429
#: and a 503 when to try again (RFC 6585 4, RFC 9110 10.2.3).
HEADERS: dict[type[LibraryError], Callable[[Any], dict[str, str]]] = {
    NotAuthenticated: lambda e: {"WWW-Authenticate": 'Bearer realm="library"'},
    TooManySignIns: lambda e: {"Retry-After": str(e.facts["retry_after"])},
    DatabaseUnavailable: lambda e: {"Retry-After": str(RETRY_AFTER_SECONDS)},
}


class Problem(msgspec.Struct, kw_only=True):
    """RFC 9457 problem details; besides these members an error adds its facts, such as ``supported``
    (the supported languages) or ``parameter`` (the query parameter at fault)."""

    type: str
    """A URI naming the kind of problem."""
    title: str
    """Short summary of the kind of problem, in the request's language."""
    status: int
    detail: str
    """What went wrong with this request, for a human, in the request's language."""
    language: str | None = None
    supported: list[str] | None = None
    """For an unsupported language: the supported ones."""
    parameter: str | None = None
    """For an invalid query parameter: its name."""
    slug: str | None = None


#: Documented error responses of every API route (OpenAPI), so clients know errors are problem details.
PROBLEM_RESPONSES = {
    status: ResponseSpec(data_container=Problem, description=description, media_type=PROBLEM_JSON)
    for status, description in ((400, "Invalid input (problem details)"), (404, "Not found (problem details)"),
                                (503, "Database temporarily unavailable: try again after Retry-After seconds "
                                      "(problem details)"))
}


#: The answer to a matching If-None-Match, for routes that send an ETag.
NOT_MODIFIED = {304: ResponseSpec(data_container=None, description="Not Modified: the ETag sent in If-None-Match "
                                  "is still current (empty body, same headers)")}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the given error statuses, each a problem detail (400 and 404 always)."""
    extra = {status: ResponseSpec(data_container=Problem, media_type=PROBLEM_JSON,
                                  description=f"{HTTPStatus(status).phrase} (problem details)")
             for status in statuses}
    return {**PROBLEM_RESPONSES, **extra}


def problem_response(status: int, type_slug: str, title: str, detail: str, *, request: Request | None = None,
                     template: tuple[str, dict[str, object]] | None = None, **extra: Any) -> Response:
    """A problem response; with ``request`` its title (and detail, given a ``template``) are translated."""
    headers: dict[str, str] = {}
    translator = _translator(request) if request is not None else None
    if translator is not None:
        title = _gettext(translator, PROBLEM_TITLES.get(type_slug)) or title
        if template is not None:
            detail = _gettext(translator, PROBLEM_DETAILS.get(template[0]), template[1]) or detail
        headers = {"Content-Language": translator.language, "Vary": VARY}
    body = {"type": TYPE_BASE + type_slug, "title": title, "status": status, "detail": detail, **extra}
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _translator(request: Request) -> Translator | None:
    try:
        return request_translator(request)
    except Exception:  # explaining one error must never raise another
        log.exception("no translator for a problem on %s", request.url.path)
        return None


def _gettext(translator: Translator, message: str | None, facts: dict[str, object] | None = None) -> str | None:
    """``message`` translated and filled with ``facts``; None when there is no message or it cannot be filled."""
    if message is None:
        return None
    try:
        return translator.gettext(message).format(**(facts or {}))
    except (KeyError, IndexError, ValueError):  # a translation with a broken placeholder: keep the English
        log.exception("cannot fill the translation of %r", message)
        return None


def _lookup(error: LibraryError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in STATUS_TABLE:
            return STATUS_TABLE[cls]
    return 500, "internal"


def library_error_handler(request: Request, error: LibraryError) -> Response:
    status, slug = _lookup(error)
    if isinstance(error, DatabaseUnavailable):
        log_outage(request, error)
    elif status >= 500:
        log.error("library error on %s %s: %s", request.method, request.url.path, error)
    detail, facts = _localized(request, error)
    if (hint := _hint(request, error)) is not None:
        detail = f"{detail} {hint}"
    facts = {k: v for k, v in facts.items() if k not in {"type", "title", "status", "detail"}}
    response = problem_response(status, slug, error.title, detail, request=request, **facts)
    response.headers.update(headers_of(error))
    return response


def log_outage(request: Request, error: DatabaseUnavailable) -> None:
    """One line, no traceback: an outage is expected to pass, and each request it meets says so."""
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, error.reason)


def headers_of(error: Exception) -> dict[str, str]:
    """Headers the answer to ``error`` must carry, as a problem or as a page (Retry-After, WWW-Authenticate)."""
    headers: dict[str, str] = {}
    for cls, extra in HEADERS.items():
        if isinstance(error, cls):
            headers.update(extra(error))
    return headers


def _hint(request: Request, error: LibraryError) -> str | None:
    """The HTTP how-to for an error (`HINTS`, its exact class: a wrong password needs no header advice),
    in the request's language."""
    hint = HINTS.get(type(error))
    if hint is None:
        return None
    translator = _translator(request)
    return translator.gettext(hint) if translator else hint


def _localized(request: Request, error: LibraryError) -> tuple[str, dict[str, Any]]:
    """The detail and facts of an error that translates itself (`Localized`), else its English ones."""
    translator = _translator(request) if isinstance(error, Localized) else None
    if translator is None:
        return error.detail, dict(error.facts)
    detail, facts = error.localized(translator)
    return detail, dict(facts)


def translated_detail(error: Exception, translator: Translator) -> str | None:
    """The detail of ``error`` in the translator's language, or None when it has no translation (an
    English detail must not reach a page in another language; the page then shows only its heading)."""
    if isinstance(error, Localized):
        return error.localized(translator)[0]
    return None


def http_error_handler(request: Request, error: HTTPException) -> Response:
    status = error.status_code
    if isinstance(error, ValidationException):
        extra = {"errors": error.extra} if error.extra else {}
        return problem_response(400, "invalid-input", "Invalid input", str(error.detail), request=request, **extra)
    if isinstance(error, NotFoundException):
        path = request.url.path
        return problem_response(404, "not-found", "Not found", f"Nothing is served at {path}.", request=request,
                                template=("nothing-served", {"path": path}))
    if isinstance(error, RequestEntityTooLarge):  # a body beyond request_max_body_size (`library.web.guard`)
        return library_error_handler(request, BodyTooLarge(request.app.request_max_body_size or 0))
    response = problem_response(status, f"http-{status}", _reason(status), str(error.detail))
    if error.headers:
        response.headers.update(error.headers)
    return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def internal_error_handler(request: Request, error: Exception) -> Response:
    if (outage := unavailable(error)) is not None:  # a driver error met anywhere: the same 503
        return library_error_handler(request, outage)
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(HTTP_500_INTERNAL_SERVER_ERROR, "internal", "Internal server error",
                            "The server could not complete the request. The error has been logged.",
                            request=request, template=("internal", {}))


EXCEPTION_HANDLERS = {
    LibraryError: library_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}


def status_of(error: Exception) -> int:
    """The HTTP status an error is answered with, wherever it is rendered (problem or page)."""
    error = as_library_error(error)
    if isinstance(error, LibraryError):
        return _lookup(error)[0]
    if isinstance(error, HTTPException):
        return error.status_code
    return HTTP_500_INTERNAL_SERVER_ERROR


def as_library_error(error: Exception) -> Exception:
    """``error``, or the `DatabaseUnavailable` it means when it is a database outage in a driver's words."""
    if isinstance(error, LibraryError):
        return error
    return unavailable(error) or error
