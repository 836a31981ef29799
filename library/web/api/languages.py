"""Reader API: the supported languages, their names, fallback chains and which one is the default."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import State

from library.edge import keys
from library.languages import LanguageRegistry
from library.reading.types import LanguageList, LanguageView
from library.settings import Settings
from library.web.api.articles import NEGOTIATED_HEADERS
from library.web.cache import CachedResponse
from library.web.edge import shared
from library.web.negotiation import VARY, LangParameter, request_language
from library.web.problems import NOT_MODIFIED, problem_responses
from library.web.responses import encode, send


@get(
    "/languages",
    summary="Languages a reader may ask for (stored ones and those derived from them, such as kk-Latn): "
            "code, native name, name in the reader's language, fallback chain, default",
    tags=["reading"],
    responses={**problem_responses(400), **NOT_MODIFIED},
    response_headers=NEGOTIATED_HEADERS,
)
async def languages(request: Request[Any, Any, State], lang: LangParameter = None) -> Response[LanguageList]:
    registry: LanguageRegistry = request.app.state.languages
    language = request_language(request, registry, explicit=lang).language
    # No database behind it: built once per language and process, kept with the app's state.
    built: dict[str, CachedResponse] = request.app.state.language_lists
    if language not in built:
        built[language] = _languages(registry, language, request.app.state.settings)
    return send(request, built[language])


def _languages(registry: LanguageRegistry, language: str, settings: Settings) -> CachedResponse:
    listed = LanguageList(language=language, default=registry.default, languages=[
        LanguageView(code=lang.code, native_name=lang.native_name, name=registry.name_of(lang.code, language),
                     fallbacks=list(lang.fallbacks), default=lang.code == registry.default, derived_from=lang.base)
        for lang in registry.readers
    ])
    return encode(listed, {"Vary": VARY, "Content-Language": language,
                           **shared(settings, [keys.language(language)])})
