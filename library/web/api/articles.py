"""Reader API for articles: one article in the reader's language (or an honest fallback), listings, the archive.

Every read is counted in memory (a view, and demand when the requested language was not served);
the counts reach the database in batches (`library.demand`). Responses are cached per process
and validated by ETag (`library.web.responses`).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.datastructures import ResponseHeader, State
from litestar.params import FromPath, QueryParameter

from library.catalogs.runtime import Translator
from library.edge import keys
from library.reading import ArticleUnavailable, ListingQuery
from library.reading.listing import DEFAULT_PER_PAGE, RANGES
from library.reading.types import Archive, ArticlePage, ArticleView
from library.web.api import API_PREFIX, whole_number
from library.web.article_reads import fetch_article, resolve_article
from library.web.cache import CachedResponse
from library.web.chrome import FALLBACK_NOTICES, ORIGINAL_UPDATED, SHOWN_IN_ANOTHER_LANGUAGE
from library.web.edge import shared
from library.web.listings import read_archive, read_listing
from library.web.negotiation import VARY, LangParameter, request_language
from library.web.problems import NOT_MODIFIED, problem_responses
from library.web.responses import cached, encode, send

NEGOTIATED_HEADERS = [
    ResponseHeader(name="Vary", value=VARY, description="The response depends on the cookie and Accept-Language."),
    ResponseHeader(name="ETag", documentation_only=True,
                   description="Strong validator; send it back in If-None-Match."),
]
ARTICLE_HEADERS = [
    *NEGOTIATED_HEADERS,
    ResponseHeader(name="Content-Language", documentation_only=True, description="The language served."),
    ResponseHeader(name="Link", documentation_only=True,
                   description='rel="alternate" links for every published language, and hreflang="x-default".'),
]


@get(
    "/articles/{slug:str}",
    summary="An article in the reader's language, or the first published fallback",
    description="Walks the requested language's fallback chain to the first published text and says "
    "whether it is a fallback (`fallback`, `requested_language`) or outdated. Drafts are never served.",
    tags=["reading"],
    responses={**problem_responses(400, 404), **NOT_MODIFIED},
    response_headers=ARTICLE_HEADERS,
)
async def article(
    request: Request[Any, Any, State], slug: FromPath[str], lang: LangParameter = None
) -> Response[ArticleView]:
    state = request.app.state
    language = request_language(request, explicit=lang).language
    try:
        entry = await cached(request, ("article", slug, language), partial(_article, state, slug, language),
                             partial(fetch_article, state, slug))
    except ArticleUnavailable as error:
        if error.article_id is not None:
            state.reads.read(error.article_id, language, None)
        raise
    state.reads.read(entry.article_id, language, entry.served)
    return send(request, entry)


def _article(state: State, slug: str, language: str, rows: list[Any] | None) -> CachedResponse:
    registry = state.languages
    resolved = resolve_article(state, slug, language, rows)
    hreflangs = registry.readable(resolved.published_in)
    view = resolved.view
    _explain(view, state.catalogs.translator(language), state.settings.translators_url)
    path = f"{API_PREFIX}/articles/{slug}"
    links = [f'<{path}?lang={code}>; rel="alternate"; hreflang="{code}"' for code in hreflangs]
    links.append(f'<{path}>; rel="alternate"; hreflang="x-default"')
    headers = {"Content-Language": view.language, "Vary": VARY, "Link": ", ".join(links),
               **shared(state.settings, keys.for_article(resolved.article_id, resolved.linked, language))}
    return encode(view, headers, article_id=resolved.article_id, served=view.language)


@get(
    "/articles",
    summary="Articles newest first, each in the reader's language or its first published fallback",
    description="Lists every article readable in some language (an article published only in Russian is "
    "in the Kazakh listing, flagged `fallback`). `Link` gives the first, previous, next and last pages.",
    tags=["reading"],
    responses={**problem_responses(400, 404), **NOT_MODIFIED},
    response_headers=[*NEGOTIATED_HEADERS, ResponseHeader(
        name="Link", documentation_only=True, description='rel="first", "prev", "next" and "last" pages.')],
)
async def articles(
    request: Request[Any, Any, State],
    lang: LangParameter = None,
    section: Annotated[str | None, QueryParameter(description="Only this section (its slug).")] = None,
    year: Annotated[str, whole_number("Only articles published this year (UTC).", *RANGES["year"])] = "",
    month: Annotated[str, whole_number("Only this month of `year`.", *RANGES["month"])] = "",
    page: Annotated[str, whole_number("Page number.", *RANGES["page"], default=1)] = "",
    per_page: Annotated[str, whole_number("Articles per page.", *RANGES["per_page"], default=DEFAULT_PER_PAGE)] = "",
) -> Response[ArticlePage]:
    language = request_language(request, explicit=lang).language
    query = ListingQuery.parse(section, year, month, page, per_page)
    build = partial(_articles, request.app.state, language, query)
    entry = await cached(request, ("articles", language, query), build)
    return send(request, entry)


def _explain(view: ArticleView, translator: Translator, translators_url: str | None) -> None:
    """Notices in the reader's language for a fallback or outdated text, and its links' fallbacks."""
    if view.fallback and (notice := FALLBACK_NOTICES.get((view.requested_language, view.language))):
        view.notices.append(translator.gettext(notice))
        view.help_translate_url = translators_url
    if view.outdated:
        view.notices.append(translator.gettext(ORIGINAL_UPDATED))
    for link in view.see_also:
        if link.fallback:
            link.notice = translator.gettext(SHOWN_IN_ANOTHER_LANGUAGE)


def _articles(state: State, language: str, query: ListingQuery) -> CachedResponse:
    page = read_listing(state, language, query)
    shown_elsewhere = state.catalogs.translator(language).gettext(SHOWN_IN_ANOTHER_LANGUAGE)
    for item in page.items:
        if item.fallback:
            item.notice = shown_elsewhere
    headers = {"Vary": VARY, "Link": _page_links(language, query, page.pages),
               **shared(state.settings, [keys.LISTINGS, keys.language(language)])}
    if page.items:
        served = {item.language for item in page.items}
        headers["Content-Language"] = ", ".join(code for code in state.languages.reader_codes if code in served)
    return encode(page, headers)


def _page_links(language: str, query: ListingQuery, pages: int) -> str:
    def url(number: int) -> str:
        params = {"lang": language, "section": query.section, "year": query.year, "month": query.month,
                  "page": number, "per_page": query.per_page}
        return f"{API_PREFIX}/articles?" + urlencode({k: v for k, v in params.items() if v is not None})

    last = max(pages, 1)
    links = {"first": 1, "last": last}
    if query.page > 1:
        links["prev"] = min(query.page - 1, last)
    if query.page < pages:
        links["next"] = query.page + 1
    return ", ".join(f'<{url(number)}>; rel="{rel}"' for rel, number in links.items())


@get(
    "/archive",
    summary="The calendar: years and months with articles, month names in the reader's language",
    tags=["reading"],
    responses={**problem_responses(400, 404), **NOT_MODIFIED},
    response_headers=[*NEGOTIATED_HEADERS, ResponseHeader(
        name="Content-Language", documentation_only=True, description="The language of the month names.")],
)
async def archive(
    request: Request[Any, Any, State],
    lang: LangParameter = None,
    section: Annotated[str | None, QueryParameter(description="Only this section (its slug).")] = None,
) -> Response[Archive]:
    language = request_language(request, explicit=lang).language
    section = section or None  # "?section=" is a form's "all sections"
    build = partial(_archive, request.app.state, language, section)
    entry = await cached(request, ("archive", language, section), build)
    return send(request, entry)


def _archive(state: State, language: str, section: str | None) -> CachedResponse:
    calendar = read_archive(state, language, section)
    return encode(calendar, {"Vary": VARY, "Content-Language": language,
                             **shared(state.settings, [keys.ARCHIVE, keys.language(language)])})
