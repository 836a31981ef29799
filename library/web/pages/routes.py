"""Reader page routes: home, article, section and archive listings, language choice, newsletter.

Each handler reads through the same `library.reading` services as the JSON API (one resolution
with fallback, drafts never served) and counts reads through the same buffered counter.

A reader page is the same bytes for every visitor (issue 16): no CSRF cookie or token (these routes
are left out of Litestar's CSRF protection; the newsletter form is protected by `forms` instead), no
``Vary: Cookie``; it may be kept by a shared cache (`library.web.edge.shared`) under the surrogate
keys of what it shows. A page showing a visitor's own flash message is private.

Reader pages change only with content, so they are also kept in this process's response cache
(`library.web.cache`), rendered once for everyone. A page that shows a visitor a message of their own
(a flash cookie) is built for them alone. What every page shares (the calendar in the sidebar, the
listings' article ids) is built once per content version (`ContentMemo`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime
from functools import partial
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from library.catalogs.lazy import use_translator
from library.catalogs.runtime import recording_misses
from library.edge import keys as surrogate
from library.errors import NotFound
from library.languages.negotiation import COOKIE_NAME
from library.newsletter.service import InvalidEmail, normalise_email, subscribe
from library.reading import ListingQuery
from library.storage import session_scope
from library.web import chrome
from library.web.article_reads import fetch_article, resolve_article
from library.web.cache import CachedResponse, SharedPart
from library.web.edge import PRIVATE, shared, surrogate_keys
from library.web.encoding import Segment, gzip
from library.web.listings import read_archive, read_archive_counts, read_listing
from library.web.negotiation import request_language
from library.web.pages import context as ctx
from library.web.pages import forms
from library.web.pages.templating import month_name, render
from library.web.responses import cached, encode_headers, off_the_loop, send_page

COOKIE_MAX_AGE = 365 * 24 * 3600
FLASH_COOKIE = "library_flash"
FLASHES = {"subscribed": chrome.OPERATION_SUCCEEDED}
PER_PAGE = 10
HOME_ITEMS = 3
READER = {"exclude_from_csrf": True}
"""Route options of the reader pages: no CSRF cookie or token (see the module's docstring)."""


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
          section: str | None = None, viewing: tuple[int, int] | None = None, shared: bool = False) -> ctx.Page:
    """The chrome of a page; ``shared`` for a page rendered once for every visitor (no flash message).
    The interface strings its parts miss are kept with it, for a cached page to count them again."""
    state = request.app.state
    flash = None if shared else FLASHES.get(request.cookies.get(FLASH_COOKIE, ""))
    readable = state.languages.readable(available or state.languages.codes)
    with recording_misses() as misses:
        parts = {"menu": menu(state, language, section), "sidebar": sidebar(request, language, viewing)}
    return ctx.Page(
        language=language, path=path,
        switcher=ctx.language_choices(state.languages, language, path, readable),
        calendar=[], **parts, misses=tuple(misses),
        csrf_input=_csrf_input(request), flash=flash,
        canonical=f"{prefix(language)}{path}",
        alternates=ctx.alternates({code: f"{prefix(code)}{path}" for code in readable}, state.languages.default),
    )


def sidebar(request: Request, language: str, viewing: tuple[int, int] | None) -> Markup:
    """The calendar of every page's sidebar (`calendar`), for the month ``viewing`` if any."""
    state = request.app.state
    if viewing is not None and all(year != viewing[0] for year, _, _ in read_archive_counts(state, None)):
        viewing = (0, 0)  # a year without articles: the same calendar, whichever it is (bounds the memo)
    return calendar(state, language, datetime.now(UTC).date(), viewing)


def calendar(state: Any, language: str, today: date, viewing: tuple[int, int] | None) -> _Fragment:
    """The calendar, rendered once per content version, language, day and month viewed (`fragment`).

    Cached pages keep it once, not in each page (`shared_html`): it is two thirds of an article page,
    and it changes with every publish while the rest of most pages does not. It carries itself as a
    `SharedPart` for them; a page sent after the memo was emptied takes the new one (`reader_page`)."""
    key = ("calendar", language, today.toordinal(), viewing)  # plain values: cached pages keep it

    def context() -> dict[str, Any]:
        return {"page": {"language": language,
                         "calendar": ctx.calendar(read_archive(state, language, None), today, viewing)}}

    return fragment(state, key, language, "partials/calendar.html", context,
                    lambda html, generation: _Fragment(html, SharedPart(html.encode(), key, generation)))


def menu(state: Any, language: str, section: str | None) -> Markup:
    """The section menu, rendered once per language and current section (`fragment`): nine links and
    their labels, the same on every page of a section."""
    section = section if section in _MENU_SECTIONS else None  # a section from a URL must not grow the memo
    return fragment(state, ("menu", language, section), language, "partials/menu.html",
                    lambda: {"page": {"navigation": ctx.menu(language, section)}},
                    lambda html, generation: Markup(html))


_MENU_SECTIONS = frozenset(slug for slug, _ in chrome.NAVIGATION)


def fragment(state: Any, key: Hashable, language: str, template: str, context: Callable[[], dict[str, Any]],
             made: Callable[[str, int], Markup]) -> Markup:
    """A part every page of a language shows, rendered once per content version (`ContentMemo`) in
    ``language`` from ``context()``, then ``made(html, memo generation)``; the interface strings it
    misses are counted for every page that shows it, as if each had rendered it."""
    translator = state.catalogs.translator(language)
    built = False

    def build() -> tuple[Markup, tuple[tuple[str, str, str | None], ...]]:
        nonlocal built
        built = True
        generation = state.cache.memo.generation
        with recording_misses() as misses:
            html = render(state.pages, translator, template, {**context(), "chrome": chrome})
        return made(html, generation), tuple(misses)

    html, misses = state.cache.memo.get(key, build)
    if not built:
        for miss in misses:
            state.catalogs.misses.record(*miss)
    return html


class _Fragment(Markup):
    """Rendered HTML that carries its UTF-8 bytes, encoded and compressed once, for cached pages to share."""

    part: SharedPart

    def __new__(cls, html: str, part: SharedPart) -> _Fragment:
        fragment = super().__new__(cls, html)
        fragment.part = part
        return fragment


async def _current_part(state: Any, key: Hashable) -> SharedPart:
    """The memo's shared part ``key`` now, built (`off_the_loop`) when nobody asked for it since
    content last changed."""
    kept = state.cache.memo.peek(key)
    if kept is not None:
        return kept[0].part
    _, language, day, viewing = key
    return (await off_the_loop(state, calendar, state, language, date.fromordinal(day), viewing)).part


def bare_page(request: Request, language: str) -> ctx.Page:
    """A page with only the chrome that needs no database (for error pages when the database failed)."""
    state = request.app.state
    return ctx.Page(language=language, path="/", switcher=ctx.language_choices(state.languages, language, "/"),
                    menu=menu(state, language, None), calendar=[], csrf_input=_csrf_input(request))


def _csrf_input(request: Request) -> str:
    """The staff forms' CSRF token field; nothing on reader pages, which carry no token."""
    token = ScopeState.from_scope(request.scope).csrf_token  # Litestar's `Empty` when it made none
    return f'<input type="hidden" name="_csrf_token" value="{token}">' if isinstance(token, str) and token else ""


def _caching(state: Any, page: ctx.Page, keys: list[str] | None, status: int = 200) -> dict[str, str]:
    """Shared caching headers with the surrogate ``keys`` of what the page shows (besides the calendar
    every page has), unless it is not a 200 or shows the visitor's own flash message: then private."""
    if keys is not None and status == 200 and not page.flash:
        return shared(state.settings, [*_own_keys(page, keys), surrogate.ARCHIVE])  # the archive: its calendar
    return {"Cache-Control": PRIVATE}


def _own_keys(page: ctx.Page, keys: list[str]) -> list[str]:
    """What a page depends on but its calendar: what it shows, and its language (its interface strings)."""
    return [*keys, surrogate.language(page.language)]


def html(request: Request, page: ctx.Page, template: str, status: int = 200,
         content_language: str | None = None, keys: list[str] | None = None, **content: Any) -> Response[str]:
    """The page; with ``keys`` (what it shows, besides the calendar every page has) a shared cache may
    keep it, unless it is not a 200 or shows the visitor's own flash message. Without: private."""
    state = request.app.state
    translator = state.catalogs.translator(page.language)
    body = render(state.pages, translator, template, ctx.as_context(page, **content))
    response = Response(body, status_code=status, media_type="text/html",
                        headers={"Content-Language": content_language or page.language,
                                 **_caching(state, page, keys, status)})
    if page.flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def shared_html(request: Request, page: ctx.Page, template: str, content_language: str | None = None,
                keys: list[str] | None = None, **content: Any) -> CachedResponse:
    """A reader page rendered for every visitor (``page`` built with ``shared``), compressed, ready to cache.

    Its calendar is cut out and kept once per language (`calendar`); the page is then tagged with the
    surrogate keys of all it shows but the calendar, so a publish elsewhere in the library, which
    changes the calendar, does not drop it (`library.web.cache`)."""
    state = request.app.state
    with recording_misses() as misses:
        body = render(state.pages, state.catalogs.translator(page.language), template,
                      ctx.as_context(page, **content)).encode()
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Language": content_language or page.language,
               **_caching(state, page, keys), "Vary": "Accept-Encoding"}
    entry = CachedResponse(b"", "", encode_headers(headers), misses=(*page.misses, *misses),
                           tags=surrogate_keys(headers))
    part: SharedPart | None = getattr(page.sidebar, "part", None)
    if part is not None and keys is not None and (at := _find(body, part.html)) >= 0:
        entry.segments = (Segment(body[:at], final=False), Segment(body[at + len(part.html):]))
        entry.shared, entry.tags = part.key, tuple(_own_keys(page, keys))
        entry.with_part(part)
    else:
        entry.body = gzip((Segment(body),))
    return entry


def _find(body: bytes, part: bytes) -> int:
    """Where ``part`` (a calendar, 11 KB) starts in ``body``, or -1: found by its first 64 bytes, then
    compared whole, a tenth of the time of searching for all of it (its search table is built first)."""
    at = body.find(part[:64])
    while at >= 0 and not body.startswith(part, at):
        at = body.find(part[:64], at + 1)
    return at


async def reader_page(request: Request, key: tuple, build: Any,
                      served: Callable[[CachedResponse], None] | None = None, fetch: Any = None) -> Response:
    """The page ``key`` from the response cache, or built by ``build(shared)`` (`off_the_loop`), or with
    ``fetch`` by ``build(shared, rows)`` (`library.web.responses.built`); ``served`` is told which cached
    page was sent. Its calendar is the current one (`_current_part`).

    A visitor with a flash message gets a page of their own (``build(False)``), neither cached nor
    taken from the cache.
    """
    if request.cookies.get(FLASH_COOKIE):
        return await off_the_loop(request.app.state, build, False)
    state = request.app.state
    entry = await cached(request, key, partial(build, True), fetch)
    if entry.shared is not None and entry.with_part(await _current_part(state, entry.shared)):
        state.cache.refresh(key, entry)  # its checksum with the new part, for the next reader
    if served is not None:
        served(entry)
    return send_page(request, entry)


@get("/", include_in_schema=False, sync_to_thread=False, opt=READER)
def root(request: Request) -> Redirect:
    """The home page in the reader's language: cookie, then Accept-Language, then the site default."""
    language = request_language(request).language
    return Redirect(f"/{language}/", status_code=302, headers={"Vary": "Accept-Language, Cookie"})


@get(["/articles/{slug:str}", "/sections/{slug:str}"], include_in_schema=False, sync_to_thread=False, opt=READER)
def negotiated_page(request: Request, slug: FromPath[str]) -> Redirect:
    """Language-neutral URLs (hreflang x-default) send each reader to their language's page."""
    language = request_language(request).language
    return Redirect(f"/{language}{request.url.path}", status_code=302, headers={"Vary": "Accept-Language, Cookie"})


@get("/language/{code:str}", include_in_schema=False, sync_to_thread=False, opt=READER)
def choose_language(request: Request, code: FromPath[str], next: FromQuery[str] = "/") -> Redirect:
    """The switcher: remember the reader's choice for a year, then show the page in that language."""
    code = _language(request, code)
    target = next if next.startswith("/") and not next.startswith("//") else f"/{code}/"
    response = Redirect(target, status_code=303)
    response.set_cookie(COOKIE_NAME, code, max_age=COOKIE_MAX_AGE, path="/", samesite="lax", httponly=False)
    return response


def _page_html(shared: bool, request: Request, page: ctx.Page, template: str, **content: Any) -> Any:
    """``page`` rendered for every visitor (to cache) or for this one."""
    return (shared_html if shared else html)(request, page, template, **content)


@get("/{lang:str}/", include_in_schema=False, opt=READER)
async def home(request: Request, lang: FromPath[str]) -> Response[str]:
    language = _language(request, lang)
    state = request.app.state

    def build(shared: bool) -> Any:
        sections = []
        for slug, label in chrome.NAVIGATION:
            query = ListingQuery(section=slug, per_page=HOME_ITEMS)
            listing = read_listing(state, language, query)
            if listing.items:
                sections.append({"slug": slug, "label": label, "listing": listing})
        return _page_html(shared, request, _page(request, language, "/", shared=shared), "home.html",
                          keys=[surrogate.LISTINGS], sections=sections)

    return await reader_page(request, ("page", "home", language), build)


@get("/{lang:str}/articles/{slug:str}", include_in_schema=False, opt=READER)
async def article(request: Request, lang: FromPath[str], slug: FromPath[str]) -> Response[str]:
    language = _language(request, lang)
    state = request.app.state

    def build(shared: bool, rows: list[Any] | None = None) -> Any:
        resolved = resolve_article(state, slug, language, rows)
        available, view = list(resolved.published_in), resolved.view
        page = _page(request, language, f"/articles/{slug}", available=available, section=view.section,
                     shared=shared)
        page.canonical = f"{prefix(view.language)}/articles/{slug}"
        translator = state.catalogs.translator(language)
        response = _page_html(shared, request, page, "article.html",
                              content_language=", ".join(dict.fromkeys([language, view.language])),
                              keys=surrogate.for_article(resolved.article_id, resolved.linked, language),
                              article=view, views=chrome.view_count(translator, view.views),
                              section_name=_section_label(view.section),
                              fallback_notice=chrome.FALLBACK_NOTICES.get((language, view.language), ""),
                              translators_url=state.settings.translators_url)
        # Counted once the page no longer needs the database: a reader shown an outage page read nothing.
        if not shared:
            state.reads.read(resolved.article_id, language, view.language)
        else:
            response.article_id, response.served = resolved.article_id, view.language
        return response

    def count(entry: CachedResponse) -> None:
        state.reads.read(entry.article_id, language, entry.served)

    return await reader_page(request, ("page", "article", language, slug), build, count,
                             partial(fetch_article, state, slug))


def _section_label(slug: str) -> str:
    return dict(chrome.NAVIGATION).get(slug, slug)


@get("/{lang:str}/sections/{slug:str}", include_in_schema=False, opt=READER)
async def section(request: Request, lang: FromPath[str], slug: FromPath[str],
                  page: FromQuery[int] = 1) -> Response[str]:
    language = _language(request, lang)
    state = request.app.state
    query = ListingQuery(section=slug, page=page, per_page=PER_PAGE)
    query.check()

    def build(shared: bool) -> Any:
        listing = read_listing(state, language, query)
        translator = state.catalogs.translator(language)
        return _page_html(shared, request, _page(request, language, f"/sections/{slug}", section=slug, shared=shared),
                          "listing.html", keys=[surrogate.LISTINGS], listing=listing,
                          heading=translator.gettext(_section_label(slug)))

    return await reader_page(request, ("page", "section", language, slug, page), build)


@get("/{lang:str}/archive/{year:int}/{month:int}", include_in_schema=False, opt=READER)
async def archive_month(request: Request, lang: FromPath[str], year: FromPath[int], month: FromPath[int],
                        page: FromQuery[int] = 1) -> Response[str]:
    language = _language(request, lang)
    state = request.app.state
    query = ListingQuery(year=year, month=month, page=page, per_page=PER_PAGE)
    query.check()

    def build(shared: bool) -> Any:
        listing = read_listing(state, language, query)
        with use_translator(state.catalogs.translator(language)):
            heading = f"{month_name(month)} {year}"
        page_chrome = _page(request, language, f"/archive/{year}/{month}", viewing=(year, month), shared=shared)
        return _page_html(shared, request, page_chrome, "listing.html", keys=[surrogate.LISTINGS], listing=listing,
                          heading=heading)

    return await reader_page(request, ("page", "archive", language, year, month, page), build)


@post("/{lang:str}/newsletter", include_in_schema=False, sync_to_thread=True, opt=READER)
def newsletter(request: Request, lang: FromPath[str],
               data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response:
    """Subscribe; the same address twice is one subscription. Works without JavaScript.

    Sent from another site: refused (403). Sent by a browser that does not say where from: a page
    asks to confirm first (`forms`), and the confirming POST subscribes.
    """
    language = _language(request, lang)
    state = request.app.state
    from_here = forms.check_origin(request)
    chosen = data.get("language", "")
    # Newsletters are written in stored languages: a kk-Latn reader subscribes to the Kazakh one.
    wanted = state.languages.get(chosen if chosen in state.languages else language).stored
    next_path = data.get("next", "/")
    next_path = next_path if next_path.startswith("/") and not next_path.startswith("//") else "/"
    try:
        email = normalise_email(data.get("email", ""))
        if not from_here and not forms.confirmed(request, state.form_secret, email, data):
            return _confirm(request, language, next_path, data.get("email", ""), email)
        with session_scope(state.engine) as session:
            subscribe(session, email, wanted)
    except InvalidEmail:
        page = _page(request, language, next_path)
        page.newsletter_email = data.get("email", "")
        page.newsletter_error = chrome.INVALID_EMAIL
        return html(request, page, "error.html", status=400, heading=chrome.SUBSCRIBE_TO_NEWSLETTER)
    response = Redirect(f"{prefix(language)}{next_path}", status_code=303)
    response.set_cookie(FLASH_COOKIE, "subscribed", max_age=60, path="/", samesite="lax", httponly=True)
    return response


def _confirm(request: Request, language: str, next_path: str, typed: str, email: str) -> Response[str]:
    """The round trip of a form whose origin is unknown: the same form, filled in, with its token."""
    field, nonce = forms.confirmation(request, request.app.state.form_secret, email)
    page = _page(request, language, next_path)
    page.newsletter_email = typed
    page.csrf_input = field
    response = html(request, page, "error.html", heading=chrome.SUBSCRIBE_TO_NEWSLETTER,
                    detail=request.app.state.catalogs.translator(language).gettext(forms.CONFIRM_SUBSCRIPTION))
    forms.remember(response, nonce)
    return response


ROUTES = [root, negotiated_page, choose_language, home, article, section, archive_month, newsletter]

#: For the other page modules (sign-in, editors' pages): the same language check and page chrome.
check_language = _language
page_for = _page
