"""Failed sign-ins, counted in the database per account and per client address, so that every server
process refuses the same guesser: after ``limit`` failures within ``window`` seconds the next attempt
is refused (HTTP 429, ``Retry-After``) until the oldest of them leaves the window.

A refused attempt costs one read (`refuse_if_over`, no write lock). An allowed one is booked *before*
its password is checked, in one short write (count again, then insert a row per key), and its rows
are deleted again when the password was right; so concurrent guesses count too. Bookings of one key
are serialised (SQLite's write lock; a transaction-scoped advisory lock per key on PostgreSQL), so
the limit is exact on both engines. No transaction is open while the password is checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session

from library.storage.types import utcnow
from library.workflow.errors import TooManySignIns
from library.workflow.models import SignInFailure

ACCOUNT = "account:"
ADDRESS = "address:"


@dataclass(frozen=True)
class Throttle:
    limit: int = 5
    """Failures allowed per key within the window."""
    window: float = 60.0
    """Seconds."""

    @staticmethod
    def keys(username: str, address: str | None) -> tuple[str, ...]:
        """The account key (the name as typed, known or not) and, when known, the client address key."""
        keys = [ACCOUNT + username[:100]]
        if address:
            keys.append(ADDRESS + address[:64])
        return tuple(keys)


@dataclass(frozen=True)
class Booking:
    """The rows booked for one attempt: deleted if its password was right, kept as failures if not."""

    ids: tuple[int, ...]
    account_key: str


def refuse_if_over(session: Session, throttle: Throttle, keys: tuple[str, ...], *,
                   now: datetime | None = None) -> None:
    """`TooManySignIns` (with the seconds to wait) if a key has had ``limit`` failures within the window."""
    cutoff = (now or utcnow()) - timedelta(seconds=throttle.window)
    wait = 0.0
    for key in keys:
        recent = list(session.scalars(select(SignInFailure.at)
                                      .where(SignInFailure.key == key, SignInFailure.at > cutoff)
                                      .order_by(SignInFailure.at.desc()).limit(throttle.limit)))
        if len(recent) >= throttle.limit:
            # Allowed again once fewer than `limit` failures remain in the window.
            wait = max(wait, (recent[-1] - cutoff).total_seconds())
    if wait > 0:
        raise TooManySignIns(retry_after=max(1, math.ceil(wait)))


def book_attempt(session: Session, throttle: Throttle, keys: tuple[str, ...], *,
                 now: datetime | None = None) -> Booking:
    """In a write transaction: refuse the attempt if a key is at its limit, else book it, a row per key.

    Also forgets failures that have left the window (an indexed range delete, usually empty).
    """
    now = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        for key in sorted(keys):  # in one order, so two bookings never wait for each other's lock
            session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
    session.execute(delete(SignInFailure).where(SignInFailure.at <= now - timedelta(seconds=throttle.window)))
    refuse_if_over(session, throttle, keys, now=now)
    rows = [SignInFailure(key=key, at=now) for key in keys]
    session.add_all(rows)
    session.flush()
    return Booking(tuple(row.id for row in rows), keys[0])


def signed_in(session: Session, booking: Booking) -> None:
    """The password was right: this attempt was no failure, and the account's earlier failures are
    forgotten (the client address's stay: a right password for one account proves nothing for others)."""
    session.execute(delete(SignInFailure).where(or_(SignInFailure.id.in_(booking.ids),
                                                    SignInFailure.key == booking.account_key)))
