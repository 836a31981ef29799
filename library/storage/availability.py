"""Which database errors mean "the database is unavailable right now" and which are bugs (issue 13).

An outage (a PostgreSQL restart, a stopped server, too many connections, a SQLite file locked by a
writer beyond the busy timeout or a database file that cannot be opened) passes by itself: callers
answer "try again shortly" (HTTP 503 with Retry-After) and keep what they could not write. Every
other error (a constraint, a syntax error, a serialization failure) is a fault of the program and
stays a logged 500. This module is the one place that tells them apart; nothing here knows HTTP.
"""

from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from library.errors import N_, LibraryError, Localized

#: PostgreSQL SQLSTATEs of a server that cannot serve now: admin_shutdown, crash_shutdown,
#: cannot_connect_now (starting up or shutting down), too_many_connections; and class 08, every
#: connection exception.
POSTGRES_UNAVAILABLE = {"57P01", "57P02", "57P03", "53300"}
POSTGRES_CONNECTION_CLASS = "08"

#: SQLite result codes of a file that cannot be used now: BUSY ("database is locked", given after the
#: busy timeout ran out), LOCKED (a table locked by another connection) and CANTOPEN ("unable to open
#: database file": a missing or unreadable directory).
SQLITE_UNAVAILABLE = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN"}
SQLITE_UNAVAILABLE_MESSAGES = ("database is locked", "database table is locked", "unable to open database file")

_MAX_CHAIN = 8
"""How deep the causes of an error are followed (an error re-raised from another, a wrapped driver error)."""


class DatabaseUnavailable(Localized, LibraryError):
    """The database cannot be reached or used for now; the same request may succeed in a few seconds.

    ``reason`` is the driver's first line, for the logs only: it may name hosts and files. ``facts``
    are for the caller to show (the health check names the database).
    """

    title = "Database unavailable"
    template = N_("The database is temporarily unavailable. Please try again in a few seconds.")

    def __init__(self, reason: str, **facts: object) -> None:
        super().__init__("The database is temporarily unavailable. Please try again in a few seconds.", **facts)
        self.reason = reason


def unavailable(error: BaseException) -> DatabaseUnavailable | None:
    """``error`` as a `DatabaseUnavailable` when it (or what caused it) is an outage, else None."""
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < _MAX_CHAIN:
        if isinstance(current, DatabaseUnavailable):
            return current
        if _is_outage(current):
            return DatabaseUnavailable(_first_line(current))
        current = current.__cause__  # `raise ... from`: never an error met while handling another
        seen += 1
    return None


def is_unavailable(error: BaseException) -> bool:
    """True when ``error`` means the database is unavailable for now (see `unavailable`)."""
    return unavailable(error) is not None


def _is_outage(error: BaseException) -> bool:
    if isinstance(error, (PoolTimeout, DisconnectionError)):  # no connection free in time; a dead one
        return True
    if isinstance(error, DBAPIError):
        # SQLAlchemy saw the connection die under the statement and has invalidated the pool.
        return error.connection_invalidated or (error.orig is not None and _is_driver_outage(error.orig))
    return _is_driver_outage(error)


def _is_driver_outage(error: BaseException) -> bool:
    if isinstance(error, sqlite3.OperationalError):
        name = getattr(error, "sqlite_errorname", None)  # extended codes too: SQLITE_BUSY_SNAPSHOT
        if name:
            return "_".join(name.split("_")[:2]) in SQLITE_UNAVAILABLE
        return str(error).startswith(SQLITE_UNAVAILABLE_MESSAGES)
    return _is_postgres_outage(error)


def _is_postgres_outage(error: BaseException) -> bool:
    if not isinstance(error, psycopg.OperationalError):
        return False
    state = getattr(error, "sqlstate", None)
    if state is None:  # no answer from a server at all: refused, reset, closed, lost
        return True
    return state in POSTGRES_UNAVAILABLE or state.startswith(POSTGRES_CONNECTION_CLASS)


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).strip()
    return (text.splitlines() or [type(error).__name__])[0]
