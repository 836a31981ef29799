"""Interface strings of one language as JSON, for front ends that render on the client."""

from __future__ import annotations

import msgspec
from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.params import FromPath

from library.web.conditional import none_match
from library.web.problems import PROBLEM_RESPONSES


class CatalogBody(msgspec.Struct):
    language: str
    messages: dict[str, str | list[str]]
    """msgid (``context\\x04msgid`` with a context) -> text, or the list of forms of a plural message."""
    plural_forms: dict[str, str]
    """Per plural msgid, the Plural-Forms expression of the language that supplied its forms."""
    filled_by_fallback: list[str]
    """msgids this language's catalog lacks, filled from the next language of its fallback chain."""


@get("/catalogs/{lang:str}", summary="Interface strings of one language, with fallback applied",
     tags=["catalogs"], responses=PROBLEM_RESPONSES, sync_to_thread=False)
def catalog(lang: FromPath[str], state: State, request: Request) -> Response[CatalogBody]:
    frontend = state.catalogs.catalog_for_frontend(lang)
    headers = {"ETag": frontend.etag, "Content-Language": frontend.language,
               "Cache-Control": "public, max-age=300, must-revalidate"}
    if none_match(request.headers.get("if-none-match"), frontend.etag):
        return Response(b"", status_code=304, headers=headers)
    body = CatalogBody(frontend.language, frontend.messages, frontend.plural_forms, frontend.filled_by_fallback)
    return Response(body, headers=headers)
