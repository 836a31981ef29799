"""Token endpoints: sign in with a username and password for a bearer token, revoke one, ask who you are.

The password is checked (Argon2, throttled: `library.web.credentials`) only here; every other call
presents the token.
"""

from __future__ import annotations

import msgspec
from litestar import Request, Router, delete, get, post
from litestar.datastructures import State
from litestar.params import FromPath, JSONBody

from library.storage import session_scope
from library.web.auth import PRINCIPAL, Staff
from library.web.credentials import sign_in
from library.web.problems import problem_responses
from library.workflow import accounts

PROBLEMS = problem_responses(401, 403)
#: Every route: run in a worker thread (they use the database), errors documented as problem details.
ROUTE = {"sync_to_thread": True, "responses": PROBLEMS}


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str
    name: str = ""
    """A label for the token ("laptop", "memoQ"), shown when tokens are listed."""


class TokenOut(msgspec.Struct):
    id: int
    token: str
    """The bearer token. It is shown only in this answer; only its SHA-256 digest is stored."""
    username: str
    role: str
    languages: list[str]


class Me(msgspec.Struct):
    username: str
    role: str
    languages: list[str]
    token_id: int | None


@post("/tokens", summary="Issue a bearer token for a username and password (failures are throttled)",
      responses=problem_responses(401, 403, 429))
async def issue_token(request: Request, data: JSONBody[Credentials]) -> TokenOut:
    done = await sign_in(request, data.username, data.password, token_name=data.name)
    user = done.user
    return TokenOut(done.token.id, done.token.secret, user.username, user.role, list(user.languages))


@delete("/tokens/{token_id:int}", summary="Revoke a token (your own; admins any)", **ROUTE,
        dependencies=PRINCIPAL)
def revoke_token(state: State, principal: Staff, token_id: FromPath[int]) -> None:
    with session_scope(state.engine) as session:
        accounts.revoke_token(session, token_id, by=principal)


@get("/me", summary="The account behind the bearer token", **ROUTE, dependencies=PRINCIPAL)
def me(principal: Staff) -> Me:
    return Me(principal.username, principal.role.value, list(principal.languages), principal.token_id)


def router() -> Router:
    return Router(path="/auth", tags=["accounts"], route_handlers=[issue_token, revoke_token, me])
