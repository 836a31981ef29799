"""Protecting the readers' form (the newsletter) without a per-visitor token in the page (issue 16).

Reader pages are the same bytes for everyone so that a shared cache may keep them; a CSRF token in
them would be one visitor's. A cross-site POST is told apart by what browsers say about it instead:

- ``Sec-Fetch-Site`` (every current browser): ``same-origin`` is accepted, ``cross-site`` and
  ``same-site`` are refused (403);
- without it, ``Origin`` (sent with every cross-origin POST since long before): this site's host is
  accepted, another host or ``null`` refused;
- a client that sends neither (an old browser, a privacy proxy) gets a round trip instead: the POST
  answers a page asking to confirm, with the form filled in, a token bound to the address, and a
  SameSite=Strict cookie holding the token's other half, set only now that the visitor acted. Its
  second POST carries both; another site can neither read the token nor make the browser send the
  Strict cookie with its own POST. Works without JavaScript either way.

Staff pages keep the session cookie and Litestar's CSRF token (`library.web.pages.install`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from litestar import Request, Response

from library.errors import N_, Forbidden, Localized

CONFIRM_COOKIE = "library_form"
CONFIRM_FIELD = "_confirm"
CONFIRM_MAX_AGE = 3600
"""Seconds a visitor has to confirm (the cookie's lifetime)."""
CONFIRM_SUBSCRIPTION = N_("Please confirm your subscription: check the address and press the button again.")


class CrossSiteForm(Localized, Forbidden):
    title = "Form sent from another site"
    template = N_("This form was sent from another site. Open the page on this site and send it from there.")

    def __init__(self) -> None:
        super().__init__(self.template)


def sent_from_here(request: Request) -> bool | None:
    """True: the browser says the form was sent from a page of this site; False: from another site
    (or an opaque origin); None: it says nothing either way."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() != "none":  # "none": typed or bookmarked, no page sent it
        return site.strip().lower() == "same-origin"
    origin = request.headers.get("origin")
    if origin is None:
        return None
    host = request.headers.get("host", "")
    try:
        netloc = urlsplit(origin.strip()).netloc
    except ValueError:
        return False
    return bool(netloc) and netloc.lower() == host.strip().lower()


def check_origin(request: Request) -> bool:
    """Refuse a form sent from another site; True when it was sent from here, False when unknown."""
    verdict = sent_from_here(request)
    if verdict is False:
        raise CrossSiteForm()
    return verdict is True


def _token(secret: str, nonce: str, email: str) -> str:
    return hmac.new(secret.encode(), f"{nonce}\n{email}".encode(), hashlib.sha256).hexdigest()


def confirmed(request: Request, secret: str, email: str, form: dict[str, str]) -> bool:
    """True when the form carries the token of the round trip, for this address and this browser."""
    nonce = request.cookies.get(CONFIRM_COOKIE, "")
    token = form.get(CONFIRM_FIELD, "")
    if not nonce or not token or len(nonce) > 64 or len(token) > 128:
        return False
    return hmac.compare_digest(token, _token(secret, nonce, email))


def confirmation(request: Request, secret: str, email: str) -> tuple[str, str]:
    """(the hidden input for the confirming form, the cookie's value) for ``email``."""
    nonce = request.cookies.get(CONFIRM_COOKIE, "")
    if not nonce or len(nonce) > 64:
        nonce = secrets.token_urlsafe(24)
    field = f'<input type="hidden" name="{CONFIRM_FIELD}" value="{_token(secret, nonce, email)}">'
    return field, nonce


def remember(response: Response, nonce: str) -> None:
    response.set_cookie(CONFIRM_COOKIE, nonce, max_age=CONFIRM_MAX_AGE, path="/", samesite="strict", httponly=True)
