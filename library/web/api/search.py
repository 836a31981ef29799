"""Search API (issue 17): results in the reader's language first, then fallbacks, with snippets; and
the searches that found nothing, for editors.

Every search is counted in memory, never on the request's own transaction: one that found only
fallbacks counts demand for the shown articles in the reader's language (as reading a fallback
does), one that found nothing counts a miss for its language. Not cached: queries are too varied for
the response cache to pay, and each search's cost is bounded (`library.search.service`).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get
from litestar.datastructures import State
from litestar.params import QueryParameter

from library.demand.report import DEFAULT_LIMIT, MAX_LIMIT, MissedSearches, missed_searches
from library.languages.registry import Language
from library.reading import InvalidQuery
from library.reading.listing import RANGES
from library.reading.listing import whole_number as parse_whole_number
from library.search.service import MAX_PER_PAGE, MAX_QUERY, SearchOutcome, SearchQuery, miss_key, search
from library.search.types import SearchPage
from library.storage import read_only
from library.web.api import whole_number
from library.web.auth import PRINCIPAL, Staff
from library.web.chrome import SHOWN_IN_ANOTHER_LANGUAGE
from library.web.negotiation import VARY, LangParameter, request_language
from library.web.problems import problem_responses
from library.workflow.models import Role
from library.workflow.permissions import require_role


def run_search(state: State, language: Language, query: SearchQuery) -> SearchOutcome:
    """Search, label fallbacks in the reader's language, and count demand and misses (shared with the
    search page)."""
    outcome = state.readers.read(search, language, query)
    shown_elsewhere = state.catalogs.translator(language.code).gettext(SHOWN_IN_ANOTHER_LANGUAGE)
    for item in outcome.page.items:
        if item.fallback:
            item.notice = shown_elsewhere
    if outcome.nothing:
        state.search_misses.missed(language.stored, miss_key(query.text))
    elif outcome.only_fallbacks:
        for article_id in outcome.article_ids:
            state.reads.wanted(article_id, language.stored)
    return outcome


@get(
    "/search",
    summary="Search articles in the reader's language, then in the languages it falls back to",
    description="Words are matched by their stems (Snowball for Russian and English, the library's own "
    "Kazakh stemmer), Kazakh typed on a Russian keyboard or in Latin letters included. Results in the "
    "requested language come first, then articles a reader of it is served in another language "
    "(`fallback`, `language`), matched in that language. `snippet` is escaped HTML with the matches in "
    "`<mark>`. Only published texts are searched.",
    tags=["reading"],
    responses=problem_responses(400, 404),
    response_headers=[],
    sync_to_thread=True,
)
def search_articles(
    request: Request[Any, Any, State],
    q: Annotated[str, QueryParameter(description=f"What to look for (required); the first {MAX_QUERY} "
                                     "characters are read.")] = "",
    lang: LangParameter = None,
    section: Annotated[str | None, QueryParameter(description="Only this section (its slug).")] = None,
    year: Annotated[str, whole_number("Only articles published this year (UTC).", *RANGES["year"])] = "",
    page: Annotated[str, whole_number("Page number.", *RANGES["page"], default=1)] = "",
    per_page: Annotated[str, whole_number("Results per page.", 1, MAX_PER_PAGE, default=10)] = "",
) -> Response[SearchPage]:
    state = request.app.state
    language = state.languages.get(request_language(request, explicit=lang).language)
    query = SearchQuery.parse(q, section, year, page, per_page)
    outcome = run_search(state, language, query)
    headers = {"Vary": VARY, "Cache-Control": "no-cache"}
    served = {item.language for item in outcome.page.items}
    if served:
        headers["Content-Language"] = ", ".join(code for code in state.languages.reader_codes if code in served)
    return Response(outcome.page, headers=headers)


@get(
    "/search/misses",
    summary="Searches that found nothing, per language, most frequent first (editors)",
    description="What readers look for and the library does not have: counts per query, no readers.",
    tags=["translation"],
    responses=problem_responses(400, 401, 403),
    sync_to_thread=True,
)
def search_misses(
    state: State, principal: Staff,
    lang: Annotated[str, QueryParameter(description="The language searched in.")],
    limit: Annotated[str, whole_number("Queries listed.", 1, MAX_LIMIT, default=DEFAULT_LIMIT)] = "",
) -> MissedSearches:
    require_role(principal, Role.EDITOR)
    language = state.languages.get(lang).stored
    count = parse_whole_number("limit", limit, 1, MAX_LIMIT)
    count = DEFAULT_LIMIT if count is None else count
    if not 1 <= count <= MAX_LIMIT:
        raise InvalidQuery("limit", count, low=1, high=MAX_LIMIT)
    return read_only(state.engine, missed_searches, language, count)


def router() -> Router:
    return Router(path="/", dependencies=PRINCIPAL, route_handlers=[search_misses])
