"""Reader page routes: home, article, section and archive listings, language choice, newsletter.

Each handler reads through the same `library.reading` services as the JSON API (one resolution
with fallback, drafts never served) and counts reads through the same buffered counter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect
from litestar.utils.scope.state import ScopeState

from library import reading
from library.catalogs.lazy import use_translator
from library.errors import NotFound
from library.languages.negotiation import COOKIE_NAME
from library.newsletter.service import InvalidEmail, subscribe
from library.reading import ListingQuery
from library.storage import session_scope
from library.web import chrome
from library.web.negotiation import request_language
from library.web.pages import context as ctx
from library.web.pages.templating import month_name, render

COOKIE_MAX_AGE = 365 * 24 * 3600
FLASH_COOKIE = "library_flash"
FLASHES = {"subscribed": chrome.OPERATION_SUCCEEDED}
PER_PAGE = 10
HOME_ITEMS = 3


def _language(request: Request, lang: str) -> str:
    """The registry's code for the ``/{lang}/`` prefix, matched ignoring case ("/kk-latn/" -> "kk-Latn")."""
    code = request.app.state.languages.canonical(lang)
    if code is None:
        raise NotFound(f"No pages in {lang!r}.", path=request.url.path)
    return code


def prefix(language: str) -> str:
    """A language's URL prefix: its code in lower case ("/kk-latn/"), as URLs are usually written."""
    return f"/{language.lower()}"


def _page(request: Request, language: str, path: str, *, available: list[str] | None = None,
          section: str | None = None, viewing: tuple[int, int] | None = None) -> ctx.Page:
    state = request.app.state
    archive = state.readers.read(reading.archive, state.languages.get(language), None)
    flash = FLASHES.get(request.cookies.get(FLASH_COOKIE, ""))
    readable = state.languages.readable(available or state.languages.codes)
    return ctx.Page(
        language=language, path=path,
        switcher=ctx.language_choices(state.languages, language, path, readable),
        navigation=ctx.menu(language, section),
        calendar=ctx.calendar(archive, datetime.now(UTC).date(), viewing),
        csrf_input=_csrf_input(request), flash=flash,
        canonical=f"{prefix(language)}{path}",
        alternates=ctx.alternates({code: f"{prefix(code)}{path}" for code in readable}, state.languages.default),
    )


def bare_page(request: Request, language: str) -> ctx.Page:
    """A page with only the chrome that needs no database (for error pages when the database failed)."""
    registry = request.app.state.languages
    return ctx.Page(language=language, path="/", switcher=ctx.language_choices(registry, language, "/"),
                    navigation=ctx.menu(language, None), calendar=[], csrf_input=_csrf_input(request))


def _csrf_input(request: Request) -> str:
    token = ScopeState.from_scope(request.scope).csrf_token or ""
    return f'<input type="hidden" name="_csrf_token" value="{token}">'


def html(request: Request, page: ctx.Page, template: str, status: int = 200,
         content_language: str | None = None, **content: Any) -> Response[str]:
    state = request.app.state
    translator = state.catalogs.translator(page.language)
    body = render(state.pages, translator, template, ctx.as_context(page, **content))
    response = Response(body, status_code=status, media_type="text/html",
                        headers={"Content-Language": content_language or page.language, "Vary": "Cookie",
                                 "Cache-Control": "private, no-cache"})
    if page.flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


@get("/", include_in_schema=False, sync_to_thread=False)
def root(request: Request) -> Redirect:
    """The home page in the reader's language: cookie, then Accept-Language, then the site default."""
    language = request_language(request).language
    return Redirect(f"/{language}/", status_code=302, headers={"Vary": "Accept-Language, Cookie"})


@get(["/articles/{slug:str}", "/sections/{slug:str}"], include_in_schema=False, sync_to_thread=False)
def negotiated_page(request: Request, slug: FromPath[str]) -> Redirect:
    """Language-neutral URLs (hreflang x-default) send each reader to their language's page."""
    language = request_language(request).language
    return Redirect(f"/{language}{request.url.path}", status_code=302, headers={"Vary": "Accept-Language, Cookie"})


@get("/language/{code:str}", include_in_schema=False, sync_to_thread=False)
def choose_language(request: Request, code: FromPath[str], next: FromQuery[str] = "/") -> Redirect:
    """The switcher: remember the reader's choice for a year, then show the page in that language."""
    code = _language(request, code)
    target = next if next.startswith("/") and not next.startswith("//") else f"/{code}/"
    response = Redirect(target, status_code=303)
    response.set_cookie(COOKIE_NAME, code, max_age=COOKIE_MAX_AGE, path="/", samesite="lax", httponly=False)
    return response


@get("/{lang:str}/", include_in_schema=False, sync_to_thread=True)
def home(request: Request, lang: FromPath[str]) -> Response[str]:
    language = _language(request, lang)
    state = request.app.state
    reader = state.languages.get(language)
    sections = []
    for slug, label in chrome.NAVIGATION:
        query = ListingQuery(section=slug, per_page=HOME_ITEMS)
        listing = state.readers.read(reading.list_articles, reader, query)
        if listing.items:
            sections.append({"slug": slug, "label": label, "listing": listing})
    return html(request, _page(request, language, "/"), "home.html", sections=sections)


@get("/{lang:str}/articles/{slug:str}", include_in_schema=False, sync_to_thread=True)
def article(request: Request, lang: FromPath[str], slug: FromPath[str]) -> Response[str]:
    language = _language(request, lang)
    state = request.app.state
    resolved = state.readers.read(reading.read_article, slug, state.languages.get(language),
                         state.languages.codes)
    available, view = list(resolved.published_in), resolved.view
    page = _page(request, language, f"/articles/{slug}", available=available, section=view.section)
    # Counted once the page no longer needs the database: a reader shown an outage page read nothing.
    state.reads.read(resolved.article_id, language, view.language)
    page.canonical = f"{prefix(view.language)}/articles/{slug}"
    translator = state.catalogs.translator(language)
    return html(request, page, "article.html",
                content_language=", ".join(dict.fromkeys([language, view.language])),
                article=view, views=chrome.view_count(translator, view.views),
                section_name=_section_label(view.section),
                fallback_notice=chrome.FALLBACK_NOTICES.get((language, view.language), ""),
                translators_url=state.settings.translators_url)


def _section_label(slug: str) -> str:
    return dict(chrome.NAVIGATION).get(slug, slug)


@get("/{lang:str}/sections/{slug:str}", include_in_schema=False, sync_to_thread=True)
def section(request: Request, lang: FromPath[str], slug: FromPath[str], page: FromQuery[int] = 1) -> Response[str]:
    language = _language(request, lang)
    state = request.app.state
    query = ListingQuery(section=slug, page=page, per_page=PER_PAGE)
    query.check()
    listing = state.readers.read(reading.list_articles, state.languages.get(language), query)
    translator = state.catalogs.translator(language)
    return html(request, _page(request, language, f"/sections/{slug}", section=slug), "listing.html",
                listing=listing, heading=translator.gettext(_section_label(slug)))


@get("/{lang:str}/archive/{year:int}/{month:int}", include_in_schema=False, sync_to_thread=True)
def archive_month(request: Request, lang: FromPath[str], year: FromPath[int], month: FromPath[int],
                  page: FromQuery[int] = 1) -> Response[str]:
    language = _language(request, lang)
    state = request.app.state
    query = ListingQuery(year=year, month=month, page=page, per_page=PER_PAGE)
    query.check()
    listing = state.readers.read(reading.list_articles, state.languages.get(language), query)
    with use_translator(state.catalogs.translator(language)):
        heading = f"{month_name(month)} {year}"
    return html(request, _page(request, language, f"/archive/{year}/{month}", viewing=(year, month)),
                "listing.html", listing=listing, heading=heading)


@post("/{lang:str}/newsletter", include_in_schema=False, sync_to_thread=True)
def newsletter(request: Request, lang: FromPath[str],
               data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response:
    """Subscribe; the same address twice is one subscription. Works without JavaScript."""
    language = _language(request, lang)
    state = request.app.state
    chosen = data.get("language", "")
    # Newsletters are written in stored languages: a kk-Latn reader subscribes to the Kazakh one.
    wanted = state.languages.get(chosen if chosen in state.languages else language).stored
    next_path = data.get("next", "/")
    next_path = next_path if next_path.startswith("/") and not next_path.startswith("//") else "/"
    try:
        with session_scope(state.engine) as session:
            subscribe(session, data.get("email", ""), wanted)
    except InvalidEmail:
        page = _page(request, language, next_path)
        page.newsletter_email = data.get("email", "")
        page.newsletter_error = chrome.INVALID_EMAIL
        return html(request, page, "error.html", status=400, heading=chrome.SUBSCRIBE_TO_NEWSLETTER)
    response = Redirect(f"{prefix(language)}{next_path}", status_code=303)
    response.set_cookie(FLASH_COOKIE, "subscribed", max_age=60, path="/", samesite="lax", httponly=True)
    return response


ROUTES = [root, negotiated_page, choose_language, home, article, section, archive_month, newsletter]

#: For the other page modules (sign-in, editors' pages): the same language check and page chrome.
check_language = _language
page_for = _page
