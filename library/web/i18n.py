"""The interface language of an API response: the reader's cookie or Accept-Language, else the default.

API routes take ``?lang=`` as the language of the *content* they act on, so messages about the
request (problem details, import reports) follow only the cookie and Accept-Language.
"""

from __future__ import annotations

from litestar import Request

from library.catalogs.runtime import Translator
from library.languages.negotiation import COOKIE_NAME, negotiate


def request_translator(request: Request) -> Translator | None:
    """The translator for the request's interface language (None when the app has no catalogs)."""
    state = request.app.state
    catalogs = getattr(state, "catalogs", None)
    if catalogs is None:
        return None
    chosen = negotiate(state.languages, cookie=request.cookies.get(COOKIE_NAME),
                       accept_language=request.headers.get("accept-language"))
    return catalogs.translator(chosen.language)
