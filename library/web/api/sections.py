"""Reader API: the portal's sections, named in the reader's language."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import State

from library.edge import keys
from library.reading import list_sections
from library.reading.types import SectionList
from library.web.api.articles import NEGOTIATED_HEADERS
from library.web.cache import CachedResponse
from library.web.edge import shared
from library.web.negotiation import VARY, LangParameter, request_language
from library.web.problems import NOT_MODIFIED, problem_responses
from library.web.responses import cached, encode, send


@get(
    "/sections",
    summary="Sections in menu order, each named in the reader's language (or a fallback), with article counts",
    tags=["reading"],
    responses={**problem_responses(400), **NOT_MODIFIED},
    response_headers=NEGOTIATED_HEADERS,
)
async def sections(request: Request[Any, Any, State], lang: LangParameter = None) -> Response[SectionList]:
    language = request_language(request, explicit=lang).language
    entry = await cached(request, ("sections", language), partial(_sections, request.app.state, language))
    return send(request, entry)


def _sections(state: State, language: str) -> CachedResponse:
    listed = state.readers.read(list_sections, state.languages.get(language))
    return encode(listed, {"Vary": VARY, "Content-Language": language,
                           **shared(state.settings, [keys.LISTINGS, keys.language(language)])})
