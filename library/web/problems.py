"""The one place where errors become RFC 9457 problem details (``application/problem+json``).

One table maps each error class to a status and a type URI; anything not in it is a 500 that
reveals no internals. A test pins the shape: ``type``, ``title``, ``status``, ``detail`` plus the
error's facts (``language``, ``supported``, ``line``...).

``title`` and ``detail`` are in the request's negotiated language: titles per problem type and detail
templates per kind of error come from `library.web.chrome` (marked for the catalogs), filled with the
error's facts. An error without a template keeps its English ``detail``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from library.content.errors import SectionNotFound, StaleRevision
from library.errors import ConfigurationError, Conflict, Forbidden, Invalid, LibraryError, NotFound
from library.languages.registry import UnsupportedLanguage
from library.reading.errors import ArticleUnavailable, InvalidQuery
from library.web.chrome import PROBLEM_DETAILS, PROBLEM_TITLES
from library.web.negotiation import VARY, problem_language

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://library.example/problems/"
log = logging.getLogger("library.web")

#: Error class -> (HTTP status, problem type slug). The most specific class wins (MRO order).
STATUS_TABLE: dict[type[LibraryError], tuple[int, str]] = {
    StaleRevision: (412, "stale-revision"),
    UnsupportedLanguage: (400, "unsupported-language"),
    NotFound: (404, "not-found"),
    Invalid: (400, "invalid-input"),
    Conflict: (409, "conflict"),
    Forbidden: (403, "forbidden"),
    ConfigurationError: (500, "configuration"),
}

#: Error class -> its detail template (a key of `PROBLEM_DETAILS`) and the facts that fill it.
DETAIL_TABLE: dict[type[LibraryError], Callable[[Any], tuple[str, dict[str, object]]]] = {
    UnsupportedLanguage: lambda e: ("unsupported-language", {"code": e.code, "supported": ", ".join(e.supported)}),
    ArticleUnavailable: lambda e: (
        "article-unpublished" if e.article_id is not None else "article-not-found", {"slug": e.slug}),
    SectionNotFound: lambda e: ("section-not-found", {"slug": e.facts["slug"]}),
    InvalidQuery: lambda e: (e.kind, {"name": e.parameter, **e.bounds}),
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


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI ``responses=`` for a handler: each status documented as a problem detail."""
    return {
        status: ResponseSpec(data_container=Problem, media_type=PROBLEM_JSON,
                             description=f"{HTTPStatus(status).phrase} (problem details)")
        for status in statuses
    }


#: Documented error responses of most API routes (OpenAPI), so clients know errors are problem details.
PROBLEM_RESPONSES = problem_responses(400, 404)

#: The answer to a matching If-None-Match, for routes that send an ETag.
NOT_MODIFIED = {304: ResponseSpec(data_container=None, description="Not Modified: the ETag sent in If-None-Match "
                                  "is still current (empty body, same headers)")}


def problem_response(status: int, type_slug: str, title: str, detail: str, *, request: Request | None = None,
                     template: tuple[str, dict[str, object]] | None = None, **extra: Any) -> Response:
    """A problem response; with ``request`` its title (and detail, given a ``template``) are translated."""
    headers = {}
    if request is not None:
        translated = _translate(request, type_slug, template)
        if translated is not None:
            language, title_text, detail_text = translated
            title, detail = title_text or title, detail_text or detail
            headers = {"Content-Language": language, "Vary": VARY}
    body = {"type": TYPE_BASE + type_slug, "title": title, "status": status, "detail": detail, **extra}
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _translate(request: Request, type_slug: str, template: tuple[str, dict[str, object]] | None):
    """(language, title, detail) in the request's language; None or empty parts where there is no text."""
    try:
        language = problem_language(request)
        translator = request.app.state.catalogs.translator(language)
        title = translator.gettext(PROBLEM_TITLES[type_slug]) if type_slug in PROBLEM_TITLES else None
        detail = None
        if template is not None and template[0] in PROBLEM_DETAILS:
            detail = translator.gettext(PROBLEM_DETAILS[template[0]]).format(**template[1])
        return language, title, detail
    except Exception:  # a translation problem must never turn an error response into a 500
        log.exception("could not translate problem %s", type_slug)
        return None


def _lookup(error: LibraryError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in STATUS_TABLE:
            return STATUS_TABLE[cls]
    return 500, "internal"


def _template(error: LibraryError) -> tuple[str, dict[str, object]] | None:
    for cls in type(error).__mro__:
        if cls in DETAIL_TABLE:
            return DETAIL_TABLE[cls](error)
    return None


def library_error_handler(request: Request, error: LibraryError) -> Response:
    status, slug = _lookup(error)
    if status >= 500:
        log.error("library error on %s %s: %s", request.method, request.url.path, error)
    facts = {k: v for k, v in error.facts.items() if k not in {"type", "title", "status", "detail"}}
    return problem_response(status, slug, error.title, error.detail, request=request, template=_template(error),
                            **facts)


def http_error_handler(request: Request, error: HTTPException) -> Response:
    status = error.status_code
    if isinstance(error, ValidationException):
        extra = {"errors": error.extra} if error.extra else {}
        return problem_response(400, "invalid-input", "Invalid input", str(error.detail), request=request, **extra)
    if isinstance(error, NotFoundException):
        path = request.url.path
        return problem_response(404, "not-found", "Not found", f"Nothing is served at {path}.", request=request,
                                template=("nothing-served", {"path": path}))
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
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(HTTP_500_INTERNAL_SERVER_ERROR, "internal", "Internal server error",
                            "The server could not complete the request. The error has been logged.",
                            request=request, template=("internal", {}))


EXCEPTION_HANDLERS = {
    LibraryError: library_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
