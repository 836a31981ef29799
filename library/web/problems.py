"""The one place where errors become RFC 9457 problem details (``application/problem+json``).

One table maps each error class to a status and a type URI; anything not in it is a 500 that
reveals no internals. A test pins the shape: ``type``, ``title``, ``status``, ``detail`` plus the
error's facts (``language``, ``supported``, ``line``...).
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from library.content.errors import StaleRevision
from library.errors import ConfigurationError, Conflict, Forbidden, Invalid, LibraryError, NotFound
from library.quality.errors import QualityBlocked
from library.web.i18n import request_translator
from library.workflow.errors import ImportRejected, Localized, NotAuthenticated, RevisionRequired

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://library.example/problems/"
log = logging.getLogger("library.web")

#: Error class -> (HTTP status, problem type slug). The most specific class wins (MRO order).
STATUS_TABLE: dict[type[LibraryError], tuple[int, str]] = {
    NotAuthenticated: (401, "not-authenticated"),
    RevisionRequired: (428, "revision-required"),
    ImportRejected: (422, "import-rejected"),
    StaleRevision: (412, "stale-revision"),
    QualityBlocked: (409, "quality-blocked"),
    NotFound: (404, "not-found"),
    Invalid: (400, "invalid-input"),
    Conflict: (409, "conflict"),
    Forbidden: (403, "forbidden"),
    ConfigurationError: (500, "configuration"),
}

#: Headers some problems must carry: a 401 names the scheme to authenticate with (RFC 9110 11.6.1).
HEADERS: dict[type[LibraryError], dict[str, str]] = {
    NotAuthenticated: {"WWW-Authenticate": 'Bearer realm="library"'},
}


class Problem(msgspec.Struct):
    """RFC 9457 problem details; errors add their facts (``language``, ``supported``...) as members."""

    type: str
    title: str
    status: int
    detail: str


#: Documented error responses of every API route (OpenAPI), so clients know errors are problem details.
PROBLEM_RESPONSES = {
    status: ResponseSpec(data_container=Problem, description=description, media_type=PROBLEM_JSON)
    for status, description in ((400, "Invalid input (problem details)"), (404, "Not found (problem details)"))
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the given error statuses, each a problem detail (400 and 404 always)."""
    from http import HTTPStatus

    extra = {status: ResponseSpec(data_container=Problem, media_type=PROBLEM_JSON,
                                  description=f"{HTTPStatus(status).phrase} (problem details)")
             for status in statuses}
    return {**PROBLEM_RESPONSES, **extra}


def problem_response(status: int, type_slug: str, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": TYPE_BASE + type_slug, "title": title, "status": status, "detail": detail, **extra}
    return Response(body, status_code=status, media_type=PROBLEM_JSON)


def _lookup(error: LibraryError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in STATUS_TABLE:
            return STATUS_TABLE[cls]
    return 500, "internal"


def library_error_handler(request: Request, error: LibraryError) -> Response:
    status, slug = _lookup(error)
    if status >= 500:
        log.error("library error on %s %s: %s", request.method, request.url.path, error)
    detail, facts, headers = _localized(request, error)
    facts = {k: v for k, v in facts.items() if k not in {"type", "title", "status", "detail"}}
    response = problem_response(status, slug, error.title, detail, **facts)
    for cls, extra in HEADERS.items():
        if isinstance(error, cls):
            headers.update(extra)
    response.headers.update(headers)
    return response


def _localized(request: Request, error: LibraryError) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The error's detail and facts in the request's interface language, when the error has a template."""
    translator = request_translator(request) if isinstance(error, Localized) else None
    if translator is None:
        return error.detail, dict(error.facts), {}
    detail, facts = error.localized(translator.gettext)
    return detail, dict(facts), {"Content-Language": translator.language, "Vary": "Accept-Language, Cookie"}


def http_error_handler(request: Request, error: HTTPException) -> Response:
    status = error.status_code
    if isinstance(error, ValidationException):
        extra = {"errors": error.extra} if error.extra else {}
        return problem_response(400, "invalid-input", "Invalid input", str(error.detail), **extra)
    if isinstance(error, NotFoundException):
        return problem_response(404, "not-found", "Not found", f"Nothing is served at {request.url.path}.")
    response = problem_response(status, f"http-{status}", _reason(status), str(error.detail))
    if error.headers:
        response.headers.update(error.headers)
    return response


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def internal_error_handler(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(HTTP_500_INTERNAL_SERVER_ERROR, "internal", "Internal server error",
                            "The server could not complete the request. The error has been logged.")


EXCEPTION_HANDLERS = {
    LibraryError: library_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}

