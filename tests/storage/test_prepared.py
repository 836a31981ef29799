"""`Prepared`, the article read run straight on the driver (issue 15): the same rows as SQLAlchemy's own
execution on both engines, on connections kept out of the pool in autocommit and given back as they
were taken, driver errors raised as SQLAlchemy's, and a connection the server dropped replaced by a
fresh one for the same read instead of failing it or being handed to the next reader."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.exc import DBAPIError

from library.content import service
from library.reading.resolve import ARTICLE
from library.storage import create_engine_for, session_scope
from library.storage.prepared import DirectReads, Prepared
from tests.factories import make_article, make_section, translate


@pytest.fixture
def linked(engine) -> list[str]:
    """An article in two languages linking to two others, one of them published in none."""
    with session_scope(engine) as session:
        section = make_section(session, "news")
        article = make_article(session, slug="main", section=section,
                               published_at=datetime(2024, 5, 9, 9, 30, tzinfo=UTC))
        translate(session, article, "kk", title="Қазақша атау")
        other = make_article(session, slug="other", section=section, source_language="en")
        hidden = make_article(session, slug="hidden", section=section, status=service.Status.DRAFT)
        service.set_see_also(session, article, [other.slug, hidden.slug])
    return ["main", "other", "hidden", "no-such-article"]


@pytest.fixture
def direct(engine) -> Iterator[DirectReads]:
    reads = DirectReads(engine)
    yield reads
    reads.close()


def test_rows_are_what_sqlalchemy_returns(engine, direct, linked):
    for slug in linked:
        with engine.connect() as connection:
            expected = ARTICLE.rows(connection, slug=slug)
        rows = ARTICLE.read(direct, slug=slug)
        assert rows == expected
        assert [row._fields for row in rows] == [tuple(row._fields) for row in expected]
    main = ARTICLE.read(direct, slug="main")
    assert len(main) == 4  # two languages of its own, then one row per link (the draft's has no language)
    assert {row.published_at for row in main if row.position < 0} == {datetime(2024, 5, 9, 9, 30, tzinfo=UTC)}
    assert {row.language for row in main if row.position < 0} == {"ru", "kk"}
    assert all(row.body == "" for row in main if row.position >= 0)  # links' texts are not fetched


def test_one_connection_is_kept_for_reads_one_after_another_and_given_back_as_it_was_taken(engine, linked):
    direct = DirectReads(engine)
    for _ in range(5):
        ARTICLE.read(direct, slug="main")
    assert engine.pool.checkedout() == 1  # kept: no checkout (nor, on PostgreSQL, a ping) per read
    raw = direct._idle[-1][0]
    if engine.dialect.name == "postgresql":
        assert raw.driver_connection.autocommit is True
        assert raw.driver_connection.info.transaction_status == 0  # idle: no transaction left open
    else:
        assert raw.driver_connection.in_transaction is False
    direct.close()
    assert engine.pool.checkedout() == 0
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            assert raw.driver_connection.autocommit is False  # switched back for the next unit of work
    finally:
        raw.close()
    with session_scope(engine) as session:  # an ordinary unit of work on the same connection still works
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_connections_kept_from_a_pool_disposed_of_are_not_read_on_again(engine, direct, linked):
    ARTICLE.read(direct, slug="main")
    kept = direct._idle[-1][0].driver_connection
    engine.dispose()  # a SQLite file moved away or restored, a PostgreSQL server switched over
    assert len(ARTICLE.read(direct, slug="main")) == 4
    assert direct._idle[-1][0].driver_connection is not kept and len(direct._idle) == 1


def test_a_driver_error_is_sqlalchemys_and_the_connection_stays_usable(engine, direct):
    missing = Prepared(select(Table("not_a_table", MetaData(), Column("x", Integer)).c.x), "Missing")
    with pytest.raises(DBAPIError, match="not_a_table") as raised:
        missing.read(direct)
    assert not raised.value.connection_invalidated
    assert ARTICLE.read(direct, slug="nothing") == []
    assert engine.pool.checkedout() == 1


def test_a_connection_the_server_dropped_is_replaced_for_the_same_read(db_kind, database_url, linked):
    if db_kind != "postgres":
        pytest.skip("PostgreSQL only: a SQLite connection has no server to lose")
    engine = create_engine_for(database_url, pool_size=1, max_overflow=0)
    direct = DirectReads(engine)
    killer = create_engine_for(database_url)
    try:
        assert len(ARTICLE.read(direct, slug="main")) == 4
        pid = direct._idle[-1][0].driver_connection.info.backend_pid
        with killer.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert len(ARTICLE.read(direct, slug="main")) == 4  # read again on a new connection
        assert direct._idle[-1][0].driver_connection.info.backend_pid != pid
        assert engine.pool.checkedout() == 1  # the dead one left the pool: a pool of one is not exhausted
    finally:
        direct.close()
        engine.dispose()
        killer.dispose()
