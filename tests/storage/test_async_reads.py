"""`AsyncReads`, the article read awaited on the event loop on PostgreSQL (issue 15): the same rows as the
blocking read, connections kept between reads in autocommit, driver errors raised as SQLAlchemy's
(an outage recognised as one), a connection the server dropped replaced for the same read, and
connections of a disposed pool or of another event loop never read on again."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from library.reading.resolve import ARTICLE
from library.storage import create_engine_for
from library.storage.async_reads import CONNECTIONS, AsyncReads
from library.storage.availability import unavailable
from library.storage.prepared import DirectReads, Prepared
from library.storage.replica import UP, ReaderDatabase, ReplicaStatus, primary_only
from tests.storage.test_prepared import linked  # noqa: F401  (the fixture)


def run(coroutine):
    """``asyncio.run`` in a thread of its own: a test that ran before may have left this thread's loop set."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


@pytest.fixture
def reads(pg_only, engine):
    reads = AsyncReads(engine)
    yield reads
    reads.close()


@pytest.fixture
def pg_only(db_kind):
    if db_kind != "postgres":
        pytest.skip("PostgreSQL only: SQLite's read waits on nothing but the CPU and is not awaited")


def test_rows_are_those_of_the_blocking_read(pg_only, engine, linked):  # noqa: F811
    reads, direct = AsyncReads(engine), DirectReads(engine)

    async def read_all():
        return [await reads.read(ARTICLE, slug=slug) for slug in linked]

    try:
        rows = run(read_all())
        assert rows == [ARTICLE.read(direct, slug=slug) for slug in linked]
        assert len(rows[0]) == 4 and rows[-1] == []
        assert reads.idle == 1  # one read at a time: one connection, kept
        connection = reads._idle[-1][0]
        assert connection.autocommit and connection.info.transaction_status == 0
    finally:
        reads.close()
        direct.close()


def test_reads_in_flight_together_share_a_few_connections_and_wait_for_one(reads, engine, linked):  # noqa: F811
    backends = set()

    async def read():
        rows = await reads.read(ARTICLE, slug="main")
        backends.update(connection.info.backend_pid for connection, _, _ in reads._idle)
        return rows

    async def together(count):
        return await asyncio.gather(*(read() for _ in range(count)))

    assert all(len(rows) == 4 for rows in run(together(CONNECTIONS * 5)))
    assert reads.idle == CONNECTIONS and len(backends) == CONNECTIONS  # the same ones, not one per read
    reads.close()
    assert reads.idle == 0 and reads._open == 0


def test_a_driver_error_is_sqlalchemys_and_the_connection_stays_usable(reads, engine):
    missing = Prepared(select(Table("not_a_table", MetaData(), Column("x", Integer)).c.x), "Missing")

    async def scenario():
        with pytest.raises(DBAPIError, match="not_a_table") as raised:
            await reads.read(missing)
        assert not raised.value.connection_invalidated and unavailable(raised.value) is None
        assert await reads.read(ARTICLE, slug="nothing") == []

    run(scenario())
    assert reads.idle == 1


def test_a_connection_the_server_dropped_is_replaced_for_the_same_read(reads, engine, linked):  # noqa: F811
    async def scenario():
        assert len(await reads.read(ARTICLE, slug="main")) == 4
        pid = reads._idle[-1][0].info.backend_pid
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert len(await reads.read(ARTICLE, slug="main")) == 4  # read again on a new connection
        assert reads._idle[-1][0].info.backend_pid != pid and reads.idle == 1

    run(scenario())


def test_connections_of_a_disposed_pool_or_another_event_loop_are_not_read_on_again(reads, engine, linked):  # noqa: F811
    async def read():
        assert len(await reads.read(ARTICLE, slug="main")) == 4
        return reads._idle[-1][0]

    first = run(read())
    second = run(read())  # another loop: the first loop's connection is closed, not used
    assert second is not first and first.closed
    engine.dispose()  # a server switched over
    third = run(read())
    assert third is not second and second.closed and reads.idle == 1
    reads.close()
    assert third.closed


def test_a_server_that_cannot_be_reached_is_an_outage(pg_only, engine):
    url = make_url(engine.url.render_as_string(hide_password=False)).set(port=1)  # nothing listens there
    unreachable = create_engine_for(url.render_as_string(hide_password=False))
    reads = AsyncReads(unreachable)

    async def read():
        await reads.read(ARTICLE, slug="main")

    try:
        with pytest.raises(DBAPIError) as raised:
            run(read())
        assert unavailable(raised.value) is not None  # a 503 for the reader, as a blocking read's would be
        assert reads.idle == 0 and reads._open == 0  # the connection that failed holds no place
    finally:
        reads.close()
        unreachable.dispose()


def test_a_read_cancelled_while_waiting_for_a_connection_leaves_no_trace(reads, engine, linked):  # noqa: F811
    async def scenario():
        busy = [asyncio.create_task(reads.read(ARTICLE, slug="main")) for _ in range(CONNECTIONS)]
        waiting = asyncio.create_task(reads.read(ARTICLE, slug="main"))
        await asyncio.sleep(0)  # every task has started: the last one waits for a connection
        waiting.cancel()
        assert [len(rows) for rows in await asyncio.gather(*busy)] == [4] * CONNECTIONS
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert not reads._waiting and reads._open == CONNECTIONS
        assert len(await reads.read(ARTICLE, slug="main")) == 4

    run(scenario())


def test_the_reader_database_fetches_on_the_primary_and_counts_it(pg_only, engine, linked):  # noqa: F811
    readers = ReaderDatabase(engine)

    async def fetch():
        return await readers.fetch(ARTICLE, slug="main")

    try:
        assert len(run(fetch())) == 4
        token = primary_only.set(True)  # a visitor right after their own write: the primary answers too
        try:
            assert len(run(fetch())) == 4
        finally:
            primary_only.reset(token)
        assert readers.served == {"replica": 0, "primary": 2}
    finally:
        readers.dispose()


def test_a_replica_that_may_answer_is_read_the_blocking_way(pg_only, engine):
    readers = ReaderDatabase(engine, engine)  # the "replica" is the same database here
    readers.status = ReplicaStatus(UP, readers.status.since, lag_seconds=0.0)
    try:
        assert run(readers.fetch(ARTICLE, slug="main")) is None  # its unit of work checks freshness
        assert readers.served == {"replica": 0, "primary": 0}
    finally:
        readers.dispose()


def test_sqlite_is_not_read_asynchronously(tmp_path):
    readers = ReaderDatabase(create_engine_for(f"sqlite:///{tmp_path / 'library.db'}"))
    try:
        assert readers.direct_async is None
        assert run(readers.fetch(ARTICLE, slug="main")) is None  # read the blocking way instead
        with pytest.raises(ValueError, match="PostgreSQL"):
            AsyncReads(readers.primary)
    finally:
        readers.dispose()
        readers.primary.dispose()
