"""Signing in with a username and password, for the token API and the login form alike.

An attempt is booked against the account and the client address first (`library.workflow.throttle`:
over the limit a 429 with ``Retry-After`` after one read, else one short write), the stored hash is read in a
read-only transaction (no write lock), and Argon2 runs in a worker thread with no transaction open,
at most `PASSWORD_CHECKS` at a time so a flood of guesses cannot take every worker thread from
readers. Only a right password writes more: the token, and forgetting the account's failures.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from anyio import CapacityLimiter, to_thread
from litestar import Request

from library.storage import read_only, session_scope
from library.web.proxy import client_address
from library.workflow import throttle
from library.workflow.accounts import IssuedToken, issue_token, password_matches, signed_in_user, stored_password
from library.workflow.errors import BadCredentials
from library.workflow.models import User
from library.workflow.throttle import Throttle

PASSWORD_CHECKS = max(1, (os.cpu_count() or 1) // 2)
"""Argon2 verifications running at once per server process (each hashes on several threads of its
own): half the cores, so readers keep the other half; more attempts wait their turn without holding
one of the threads that serve readers."""


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: IssuedToken


def _limiter(request: Request) -> CapacityLimiter:
    state = request.app.state
    if getattr(state, "password_checks", None) is None:  # created on the event loop, once per app
        state.password_checks = CapacityLimiter(PASSWORD_CHECKS)
    return state.password_checks


async def sign_in(request: Request, username: str, password: str, *, token_name: str) -> SignedIn:
    """A new token for the account, or `BadCredentials` (401) / `TooManySignIns` (429)."""
    state = request.app.state
    settings = state.settings
    limits = Throttle(settings.sign_in_limit, settings.sign_in_window)
    keys = limits.keys(username, client_address(request))

    def book() -> throttle.Booking:
        with session_scope(state.engine, write=False) as session:  # refusals stay read-only
            throttle.refuse_if_over(session, limits, keys)
        with session_scope(state.engine) as session:
            return throttle.book_attempt(session, limits, keys)

    booking = await to_thread.run_sync(book)
    stored = await to_thread.run_sync(read_only, state.engine, stored_password, username)
    if not await to_thread.run_sync(password_matches, stored, password, limiter=_limiter(request)):
        raise BadCredentials()

    def complete() -> SignedIn:
        with session_scope(state.engine) as session:
            throttle.signed_in(session, booking)
            user = signed_in_user(session, stored, password)
            return SignedIn(user, issue_token(session, user, name=token_name))

    return await to_thread.run_sync(complete)
