"""The request's language, for the JSON API and the pages alike.

Both call `request_language`: an explicit choice (the ``/{lang}/`` path prefix or ``?lang=``), then
the ``library_lang`` cookie, then Accept-Language, then the site default (`library.languages.negotiate`).
An unsupported explicit language raises `UnsupportedLanguage`, which `library.web.problems` turns into
a 400 listing the supported languages; a bad cookie or header is ignored.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from litestar import Request
from litestar.params import QueryParameter

from library.languages import LanguageRegistry, Negotiated, negotiate
from library.languages.negotiation import COOKIE_NAME

VARY = "Accept-Language, Cookie"
"""What a negotiated response depends on besides its URL."""

NEGOTIATED = "library.language"
"""ASGI scope key holding the language `request_language` chose: messages about the request use it."""

LangParameter = Annotated[
    str | None,
    QueryParameter(
        name="lang",
        description="Language to answer in (en, ru, kk). Without it: the library_lang cookie, then "
        "Accept-Language, then the site default. An unsupported value is a 400.",
    ),
]
"""The ``?lang=`` query parameter as handlers declare it, so the OpenAPI document shows it."""


_ABSENT: Any = object()


def request_language(request: Request[Any, Any, Any], registry: LanguageRegistry | None = None,
                     explicit: str | None = _ABSENT) -> Negotiated:
    """Negotiate the language of ``request`` (the registry defaults to the app's).

    ``explicit`` is the ``?lang=`` or path value when the handler already has it; otherwise it is read
    from the path parameters and the query string. The cookie and Accept-Language come straight from
    the ASGI scope: this runs on every read, and Litestar's header and cookie objects cost more than
    the rest of a cached read.
    """
    registry = registry or request.app.state.languages
    if explicit is _ABSENT:
        explicit = request.path_params.get("lang") or request.query_params.get("lang")
    accept_language = cookies = None
    for name, value in request.scope["headers"]:
        if name == b"accept-language":
            accept_language = value.decode("latin-1")
        elif name == b"cookie":
            cookies = value.decode("latin-1") if cookies is None else f"{cookies}; {value.decode('latin-1')}"
    cookie = _cookie(cookies, COOKIE_NAME)
    if len(accept_language or "") > 200:  # not worth remembering (browsers send well under 100)
        negotiated = negotiate(registry, explicit=explicit, cookie=cookie, accept_language=accept_language)
    else:
        negotiated = _negotiate(registry, explicit, cookie, accept_language)
    request.scope[NEGOTIATED] = negotiated.language  # type: ignore[literal-required]
    return negotiated


@lru_cache(maxsize=4096)
def _negotiate(registry: LanguageRegistry, explicit: str | None, cookie: str | None,
               accept_language: str | None) -> Negotiated:
    """`negotiate`, remembered: readers send the same few headers over and over."""
    return negotiate(registry, explicit=explicit, cookie=cookie, accept_language=accept_language)


def _cookie(header: str | None, name: str) -> str | None:
    """The value of cookie ``name`` in a Cookie header (quotes removed), or None."""
    if not header or name not in header:
        return None
    for pair in header.split(";"):
        key, sep, value = pair.partition("=")
        if sep and key.strip() == name:
            return value.strip().strip('"')
    return None

