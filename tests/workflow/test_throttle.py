"""Failed sign-ins counted in the database, per account and per client address (`library.workflow.throttle`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from library.storage import session_scope
from library.workflow.errors import TooManySignIns
from library.workflow.models import SignInFailure
from library.workflow.throttle import Throttle, book_attempt, signed_in

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LIMIT = Throttle(limit=3, window=60)


def _fail(engine, username: str, address: str | None, at: datetime):
    """Book an attempt whose password was wrong (the booking stays as the failure)."""
    with session_scope(engine) as session:
        return book_attempt(session, LIMIT, LIMIT.keys(username, address), now=at)


def _refused(engine, username: str, address: str | None, at: datetime) -> int:
    with pytest.raises(TooManySignIns) as refused, session_scope(engine) as session:
        book_attempt(session, LIMIT, LIMIT.keys(username, address), now=at)
    return refused.value.facts["retry_after"]


def test_an_account_is_limited_whatever_the_address(engine):
    for i in range(3):
        _fail(engine, "olga", f"10.0.0.{i}", T0 + timedelta(seconds=i))
    # The oldest failure (T0) leaves the 60 s window at T0 + 60 s.
    assert _refused(engine, "olga", "10.0.0.9", T0 + timedelta(seconds=10)) == 50
    _fail(engine, "dana", "10.0.0.9", T0 + timedelta(seconds=10))  # others are not affected


def test_an_address_is_limited_whatever_the_account(engine):
    for i, name in enumerate(["olga", "dana", "nobody"]):
        _fail(engine, name, "192.0.2.7", T0 + timedelta(seconds=i))
    assert _refused(engine, "john", "192.0.2.7", T0 + timedelta(seconds=5)) == 55
    _fail(engine, "john", "192.0.2.8", T0 + timedelta(seconds=5))


def test_a_refused_attempt_is_not_counted_and_the_window_slides(engine):
    for i in range(3):
        _fail(engine, "olga", None, T0 + timedelta(seconds=20 * i))  # at 0, 20, 40 s
    for _ in range(5):
        _refused(engine, "olga", None, T0 + timedelta(seconds=50))
    _fail(engine, "olga", None, T0 + timedelta(seconds=61))  # the first left the window: one more try
    assert _refused(engine, "olga", None, T0 + timedelta(seconds=62)) == 18  # the one at 20 s leaves at 80 s


def test_a_right_password_forgets_the_accounts_failures_but_not_the_addresss(engine):
    _fail(engine, "olga", "192.0.2.7", T0)
    _fail(engine, "olga", "192.0.2.7", T0)
    booking = _fail(engine, "olga", "192.0.2.7", T0)
    with session_scope(engine) as session:
        signed_in(session, booking)
    for _ in range(3):
        _fail(engine, "olga", "192.0.2.9", T0)  # the account starts afresh...
    _fail(engine, "dana", "192.0.2.7", T0)  # ...the address keeps its first two failures: this is its third
    assert _refused(engine, "john", "192.0.2.7", T0) == 60


def test_failures_that_left_the_window_are_deleted(engine):
    for i in range(3):
        _fail(engine, f"user{i}", f"10.0.0.{i}", T0)
    _fail(engine, "olga", "10.0.0.9", T0 + timedelta(minutes=5))
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(SignInFailure)) == 2  # only olga's two keys


def test_concurrent_bookings_never_exceed_the_limit(engine):
    """Twelve guesses at the same instant, limit three: exactly three are let through to Argon2."""
    from concurrent.futures import ThreadPoolExecutor

    def attempt(i: int) -> bool:
        try:
            _fail(engine, "olga", f"10.0.0.{i}", T0)
        except TooManySignIns:
            return False
        return True

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert sum(pool.map(attempt, range(12))) == 3
