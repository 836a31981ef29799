"""Error pages in the reader's language, for every path outside the JSON API.

The API answers errors with problem details (`library.web.problems`); a reader following a bad
link gets a page in their language with the site's menu, never JSON and never a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from litestar import Request, Response

from library.languages.registry import UnsupportedLanguage
from library.storage.availability import DatabaseUnavailable
from library.web import chrome
from library.web.negotiation import request_language
from library.web.problems import as_library_error, headers_of, log_outage, status_of, translated_detail
from library.workflow.errors import NotAuthenticated

log = logging.getLogger("library.web")

#: Page heading per status; any other error is "Something went wrong".
HEADINGS = {403: chrome.NOT_ALLOWED, 404: chrome.PAGE_NOT_FOUND, 503: chrome.TEMPORARILY_UNAVAILABLE}


def _error_language(request: Request) -> str:
    registry = request.app.state.languages
    first = request.url.path.strip("/").split("/", 1)[0]
    if first in registry:
        return first
    try:
        return request_language(request).language
    except UnsupportedLanguage:
        return registry.default


def error_page(request: Request, error: Exception) -> Response[str]:
    from library.web.pages import routes

    error = as_library_error(error)
    outage = isinstance(error, DatabaseUnavailable)
    status = status_of(error)
    if outage:
        log_outage(request, error)
    elif status >= 500:
        log.exception("error on %s %s", request.method, request.url.path, exc_info=error)
    language = _error_language(request)
    heading = HEADINGS.get(status, chrome.SOMETHING_WENT_WRONG)
    page = None
    if not outage:  # asking an unavailable database for the calendar would only wait for it again
        try:
            page = routes._page(request, language, "/")
        except Exception:  # the database itself may be what failed: show the page without its calendar
            log.warning("error page of %s without its calendar", request.url.path, exc_info=True)
    page = page or routes.bare_page(request, language)
    page.canonical = None
    page.alternates = []
    detail = None
    # A request's own error says what was wrong with it and an outage says when to come back; another
    # server error's detail says nothing useful.
    if status < 500 or outage:
        try:
            detail = translated_detail(error, request.app.state.catalogs.translator(language))
        except Exception:  # explaining one error must never raise another
            log.exception("no detail for the error page of %s", request.url.path)
    response = routes.html(request, page, "error.html", status=status, heading=heading, detail=detail)
    response.headers.update(headers_of(error))
    return response


def for_pages_or_api(api_handler: Callable[[Request, Any], Response]) -> Callable[[Request, Any], Response]:
    """Errors under /api stay problem details; everywhere else they become pages."""

    def handler(request: Request, error: Any) -> Response:
        if request.url.path.startswith("/api") or request.url.path.startswith("/static"):
            return api_handler(request, error)
        if isinstance(error, NotAuthenticated):  # a staff page opened by nobody: sign in first
            from library.web.pages.signin import login_redirect

            return login_redirect(request, _error_language(request))
        return error_page(request, error)

    return handler


