"""The search page, ``/{lang}/search?q=`` (issue 17): the same search as the API, as a page.

The header's search box (``partials/search_box.html``, in every reader page) sends its GET form here.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery

from library.search.service import EmptyQuery, SearchQuery
from library.web import chrome
from library.web.api.search import run_search
from library.web.pages.routes import check_language, html, page_for

PER_PAGE = 10


@get("/{lang:str}/search", include_in_schema=False, sync_to_thread=True)
def search_page(request: Request[Any, Any, Any], lang: FromPath[str], q: FromQuery[str] = "",
                page: FromQuery[str] = "") -> Response[str]:
    language = check_language(request, lang)
    state = request.app.state
    reader = page_for(request, language, "/search")
    try:
        query = SearchQuery.parse(q, page=page, per_page=str(PER_PAGE))
    except EmptyQuery:
        return html(request, reader, "search.html", results=None, search_query="",
                    section_label=_section_label)
    outcome = run_search(state, state.languages.get(language), query)
    results = outcome.page
    found = chrome.found_count(state.catalogs.translator(language), results.total)
    served = [language, *(item.language for item in results.items)]
    return html(request, reader, "search.html", content_language=", ".join(dict.fromkeys(served)),
                results=results, found=found, search_query=results.query, section_label=_section_label)


def _section_label(slug: str) -> str:
    return dict(chrome.NAVIGATION).get(slug, slug)


ROUTES = [search_page]
