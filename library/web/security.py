"""Security headers on every response, pages and API alike, and Secure cookies over HTTPS.

Sent from one ``before_send`` hook, so error pages, problem details, redirects and static files get
them too:

- ``Content-Security-Policy``: scripts, styles and images only from this site, no inline script or
  style (templates keep theirs in ``static/``), forms post only here, and ``frame-ancestors 'none'``
  with ``X-Frame-Options: DENY`` for older browsers. Reader pages are not framed either: nothing
  needs them inside another site's frame, and the newsletter form and the language switcher are
  actions a framing page could trick a reader into (clickjacking), as the staff pages' forms are.
  The API documentation viewers (`/api/schema`) load their scripts and inline set-up from a CDN, so
  they alone get a policy that allows both.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: strict-origin-when-cross-origin`` (other
  sites see where a reader came from, never the path: staff paths name drafts).
- Every cookie (session, CSRF, language) is marked ``Secure`` when the request came over HTTPS,
  directly or through a trusted proxy (`library.web.proxy`), so it never travels back over plain HTTP.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from library.web.proxy import is_https

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https:; font-src 'self' data: https:; img-src 'self' data: https:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS_PREFIX = "/api/schema"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


READER_HEADERS = tuple((name.lower().encode("latin-1"), value.encode("latin-1"))
                       for name, value in {"Content-Security-Policy": CSP, **HEADERS}.items())
"""The headers `secure_response` gives a reader response, encoded once: a response kept ready to send
carries them (`library.web.responses`), so the hook finds them there and adds nothing per request."""


async def secure_response(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    policy = DOCS_CSP if scope.get("path", "").startswith(DOCS_PREFIX) else CSP
    for name, value in {"Content-Security-Policy": policy, **HEADERS}.items():
        if name not in headers:
            headers[name] = value
    raw = headers.headers
    cookies = [i for i, (name, value) in enumerate(raw) if name.lower() == b"set-cookie" and not _is_secure(value)]
    if cookies and is_https(ASGIConnection(scope)):
        for i in cookies:
            raw[i] = (raw[i][0], raw[i][1] + b"; Secure")


def _is_secure(cookie: bytes) -> bool:
    return any(part.strip().lower() == b"secure" for part in cookie.split(b";")[1:])
