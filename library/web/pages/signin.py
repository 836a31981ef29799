"""Signing editors and translators in to the browser pages: a login form and a session cookie.

The cookie holds an API token issued through the workflow's token service (`issue_token`), so a
browser session is an ordinary token: it shows in ``library users list``, can be revoked, and
signing out revokes it. The cookie is HttpOnly, SameSite=Lax, and Secure whenever the request came
over HTTPS (`library.web.security`); forms carry the CSRF token. Passwords are checked
by `library.web.credentials`, throttled as for the API.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from anyio import to_thread
from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from library.catalogs.lazy import N_
from library.storage import session_scope
from library.web.auth import SESSION_COOKIE, session_principal
from library.web.credentials import sign_in
from library.web.pages import routes
from library.workflow.accounts import revoke_token
from library.workflow.errors import BadCredentials, TooManySignIns

SESSION_MAX_AGE = 12 * 3600
SIGN_IN = N_("Sign in")
WRONG_CREDENTIALS = N_("Wrong username or password.")


def safe_next(raw: str | None, language: str) -> str:
    """Only paths on this site: anything else would make the login page an open redirect."""
    if raw and raw.startswith("/") and not raw.startswith("//"):
        return raw
    return f"/{language}/editor/coverage"


def login_redirect(request: Request, language: str) -> Redirect:
    return Redirect(f"/{language}/login?next={request.url.path}", status_code=303)


def _form(request: Request, language: str, next_path: str, *, error: str | None = None,
          username: str = "", status: int = 200) -> Response[str]:
    """The login form; ``error`` is already in the page's language."""
    page = routes.page_for(request, language, "/login")
    return routes.html(request, page, "login.html", status=status, next_path=next_path, error=error,
                       username=username, heading=SIGN_IN)


@get("/{lang:str}/login", include_in_schema=False, sync_to_thread=True)
def login_form(request: Request, lang: FromPath[str], next: FromQuery[str | None] = None) -> Response[str]:
    language = routes.check_language(request, lang)
    return _form(request, language, safe_next(next, language))


@post("/{lang:str}/session", include_in_schema=False)
async def login(request: Request, lang: FromPath[str],
                data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response:
    """Wrong credentials show the form again (401); too many of them show it with the wait (429)."""
    language = routes.check_language(request, lang)
    next_path = safe_next(data.get("next"), language)
    username = data.get("username", "").strip()
    translator = request.app.state.catalogs.translator(language)
    try:
        done = await sign_in(request, username, data.get("password", ""), token_name="browser session")
    except BadCredentials:
        return await to_thread.run_sync(partial(_form, request, language, next_path, username=username, status=401,
                                                error=translator.gettext(WRONG_CREDENTIALS)))
    except TooManySignIns as refused:
        response = await to_thread.run_sync(partial(_form, request, language, next_path, username=username,
                                                    status=429, error=refused.localized(translator)[0]))
        response.headers["Retry-After"] = str(refused.facts["retry_after"])
        return response
    response = Redirect(next_path, status_code=303)
    response.set_cookie(SESSION_COOKIE, done.token.secret, max_age=SESSION_MAX_AGE, path="/", samesite="lax",
                        httponly=True)  # Secure over HTTPS: library.web.security
    return response


@post("/{lang:str}/logout", include_in_schema=False, sync_to_thread=True)
def logout(request: Request, lang: FromPath[str]) -> Redirect:
    language = routes.check_language(request, lang)
    principal = session_principal(request)
    if principal is not None and principal.token_id is not None:
        with session_scope(request.app.state.engine) as session:
            revoke_token(session, principal.token_id, by=principal)
    response = Redirect(f"/{language}/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


ROUTES = [login_form, login, logout]
