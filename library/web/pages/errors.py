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
from library.web import chrome
from library.web.negotiation import request_language
from library.web.problems import status_of, translated_detail
from library.workflow.errors import NotAuthenticated

log = logging.getLogger("library.web")


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

    status = status_of(error)
    if status >= 500:
        log.exception("error on %s %s", request.method, request.url.path, exc_info=error)
    language = _error_language(request)
    heading = {404: chrome.PAGE_NOT_FOUND, 403: chrome.NOT_ALLOWED}.get(status, chrome.SOMETHING_WENT_WRONG)
    try:
        page = routes._page(request, language, "/")
    except Exception:  # the database itself may be what failed: show the page without its calendar
        page = routes.bare_page(request, language)
    page.canonical = None
    page.alternates = []
    detail = None
    if status < 500:  # says what was wrong with the request; a server error's detail says nothing useful
        try:
            detail = translated_detail(error, request.app.state.catalogs.translator(language))
        except Exception:  # explaining one error must never raise another
            log.exception("no detail for the error page of %s", request.url.path)
    return routes.html(request, page, "error.html", status=status, heading=heading, detail=detail)


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


