"""Which database a reader's read goes to (`library.storage.replica.ReaderDatabase`), on either engine:
the replica only when it is up, fresh enough and the request may use it; any database failure there is
answered by the primary; the read's own errors are not retried. The real standby is in
`tests/web/test_replica.py`."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from library.errors import NotFound
from library.storage import create_engine_for
from library.storage.replica import DOWN, UP, ReaderDatabase, ReplicaStatus, primary_only
from library.storage.types import utcnow

REFUSED = "postgresql+psycopg://postgres@127.0.0.1:1/library"
"""Nothing listens on port 1: every connection is refused at once."""


def _where(session) -> str:
    return session.execute(text("SELECT 'answered'")).scalar_one()


def _up(readers: ReaderDatabase) -> ReaderDatabase:
    readers.status = ReplicaStatus(UP, utcnow(), 0.0, 0, readers.max_lag)
    return readers


@pytest.fixture
def replica(database_url):
    """A second engine on the test database: a replica that is always up to date."""
    engine = create_engine_for(database_url)
    yield engine
    engine.dispose()


def test_an_unreachable_replica_is_replaced_by_the_primary_and_left_alone(engine):
    unreachable = create_engine_for(REFUSED, connect_args={"connect_timeout": 2})
    readers = _up(ReaderDatabase(engine, unreachable))
    assert readers.read(_where) == "answered"
    assert readers.status.state == DOWN and readers.status.reason
    assert readers.served == {"replica": 0, "primary": 1}
    if engine.dialect.name == "postgresql":  # (a replica needs a PostgreSQL primary: settings refuse SQLite)
        assert readers.check().state == DOWN  # the check cannot reach it either
    unreachable.dispose()


def test_a_failed_statement_on_the_replica_is_answered_by_the_primary(engine, replica):
    readers = _up(ReaderDatabase(engine, replica))
    calls = []

    def cancelled_on_the_replica(session):
        calls.append(session.get_bind())
        if len(calls) == 1:
            raise OperationalError("SELECT ...", {}, Exception("canceling statement due to conflict with recovery"))
        return "answered"

    assert readers.read(cancelled_on_the_replica) == "answered"
    assert readers.status.state == UP and readers.served == {"replica": 0, "primary": 1}


def test_the_reads_own_errors_are_not_retried(engine, replica):
    readers = _up(ReaderDatabase(engine, replica))
    calls = []

    def missing(session):
        calls.append(1)
        raise NotFound("No such article.")

    with pytest.raises(NotFound):
        readers.read(missing)
    assert calls == [1] and readers.status.state == UP


@pytest.mark.parametrize(("fresh", "only_primary", "state", "served"), [
    (True, False, UP, "replica"),
    (False, False, UP, "primary"),  # the replica has not replayed what the cache knows of
    (True, True, UP, "primary"),  # staff, or a visitor right after a write
    (True, False, "lagging", "primary"),
    (True, False, DOWN, "primary"),
])
def test_the_replica_answers_only_when_it_may(engine, replica, fresh, only_primary, state, served):
    readers = ReaderDatabase(engine, replica, fresh=lambda session: fresh)
    readers.status = ReplicaStatus(state, utcnow())
    token = primary_only.set(only_primary)
    try:
        assert readers.read(_where) == "answered"
    finally:
        primary_only.reset(token)
    assert readers.served[served] == 1 and sum(readers.served.values()) == 1


def test_without_a_replica_everything_reads_the_primary(engine):
    readers = ReaderDatabase(engine)
    assert readers.status.state == "off" and readers.check().state == "off"
    assert readers.read(_where) == "answered" and readers.served == {"replica": 0, "primary": 1}
