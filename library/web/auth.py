"""Who is asking: a bearer token (the API) or the session cookie (the pages), and the preconditions
writes must carry.

Every workflow route depends on `principal`: no ``Authorization: Bearer`` header, or a token that
names no active account, is a 401 problem detail (with a ``WWW-Authenticate`` challenge); what that
account may do is decided by `library.workflow.permissions`, in the services, which raise 403 errors
that say what is missing. Routes open to everyone that show staff more use `optional_principal`.
"""

from __future__ import annotations

from typing import TypeAlias

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from library.storage import session_scope
from library.workflow.accounts import Principal, principal_for_token
from library.workflow.errors import BadToken, NotAuthenticated
from library.workflow.review import Precondition, version_tag


def bearer_secret(request: Request) -> str | None:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


SESSION_COOKIE = "library_session"
"""The browser session: an ordinary API token in an HttpOnly cookie (`library.web.pages.signin`)."""


def _principal(state: State, secret: str) -> Principal:
    if len(secret) > 200:
        raise BadToken()
    with session_scope(state.engine, write=False) as session:
        principal = principal_for_token(session, secret)
    state.last_use.saw(principal)
    return principal


def current_principal(request: Request, state: State) -> Principal:
    """The account behind the request's bearer token (one indexed query), or a 401."""
    secret = bearer_secret(request)
    if secret is None:
        raise NotAuthenticated()
    return _principal(state, secret)


def session_principal(request: Request) -> Principal | None:
    """The account signed in by the session cookie, or None (no cookie, or a revoked or unknown one)."""
    secret = request.cookies.get(SESSION_COOKIE, "")
    if not secret:
        return None
    try:
        return _principal(request.app.state, secret)
    except BadToken:
        return None


def optional_principal(request: Request) -> Principal | None:
    """A bearer token's account (a bad token is still a 401), else the session's, else nobody."""
    if bearer_secret(request) is not None:
        return current_principal(request, request.app.state)
    return session_principal(request)


PRINCIPAL = {"principal": Provide(current_principal, sync_to_thread=True)}
#: Handler parameter types: the signed-in account, and path parameters.
Staff: TypeAlias = NamedDependency[Principal]
Slug: TypeAlias = FromPath[str]
Lang: TypeAlias = FromPath[str]


def etag(variant) -> str | None:
    """The variant's strong ETag: its version tag quoted (``"v12-r3"``)."""
    tag = version_tag(variant)
    return None if tag is None else f'"{tag}"'


def precondition(request: Request) -> Precondition:
    """If-Match entity tags, or If-None-Match: * for a variant that does not exist yet.

    Weak tags (``W/"..."``) never match: If-Match compares strongly (RFC 9110 13.1.1). ``*`` is not
    accepted: it would let a client overwrite whatever is there, which is what If-Match prevents.
    Without either header the precondition is empty, and the service answers 428 once it has
    checked who is asking (so a reader learns about its role before it learns about headers).
    """
    if_match = (request.headers.get("if-match") or "").strip() or None
    if if_match is not None and if_match != "*":
        tags = tuple(t.strip()[1:-1] for t in if_match.split(",")
                     if len(t.strip()) >= 2 and t.strip().startswith('"') and t.strip().endswith('"'))
        return Precondition(tags=tags or ("unparsable",))
    if if_match is None and request.headers.get("if-none-match", "").strip() == "*":
        return Precondition(create=True)
    return Precondition()
