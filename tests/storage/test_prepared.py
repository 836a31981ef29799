"""`Prepared`, the article read run straight on the driver (issue 15): the same rows as SQLAlchemy's own
execution on both engines, no transaction left behind, driver errors raised as SQLAlchemy's, and a
connection the server dropped taken out of the pool instead of handed to the next reader."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.exc import DBAPIError

from library.content import service
from library.reading.resolve import ARTICLE
from library.storage import create_engine_for, session_scope
from library.storage.prepared import Prepared
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


def test_rows_are_what_sqlalchemy_returns(engine, linked):
    for slug in linked:
        with engine.connect() as connection:
            expected = ARTICLE.rows(connection, slug=slug)
        rows = ARTICLE.read(engine, slug=slug)
        assert rows == expected
        assert [row._fields for row in rows] == [tuple(row._fields) for row in expected]
    main = ARTICLE.read(engine, slug="main")
    assert len(main) == 4  # two languages of its own, then one row per link (the draft's has no language)
    assert {row.published_at for row in main if row.position < 0} == {datetime(2024, 5, 9, 9, 30, tzinfo=UTC)}
    assert {row.language for row in main if row.position < 0} == {"ru", "kk"}
    assert all(row.body == "" for row in main if row.position >= 0)  # links' texts are not fetched


def test_a_read_leaves_no_transaction_and_its_connection_in_the_pool(engine, linked):
    ARTICLE.read(engine, slug="main")
    assert engine.pool.checkedout() == 0
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            assert raw.driver_connection.autocommit is False  # switched back for the next unit of work
            assert raw.driver_connection.info.transaction_status == 0  # idle: nothing left open
        else:
            assert raw.driver_connection.in_transaction is False
    finally:
        raw.close()
    with session_scope(engine) as session:  # an ordinary unit of work on the same connection still works
        assert session.execute(text("SELECT 1")).scalar_one() == 1


def test_a_driver_error_is_sqlalchemys_and_the_connection_stays_usable(engine):
    missing = Prepared(select(Table("not_a_table", MetaData(), Column("x", Integer)).c.x), "Missing")
    with pytest.raises(DBAPIError, match="not_a_table") as raised:
        missing.read(engine)
    assert not raised.value.connection_invalidated
    assert engine.pool.checkedout() == 0
    assert ARTICLE.read(engine, slug="nothing") == []


def test_a_connection_the_server_dropped_is_invalidated_and_the_next_read_reconnects(db_kind, database_url):
    if db_kind != "postgres":
        pytest.skip("PostgreSQL only: a SQLite connection has no server to lose")
    engine = create_engine_for(database_url, pool_pre_ping=False, pool_size=1, max_overflow=0)
    try:
        assert ARTICLE.read(engine, slug="nothing") == []
        raw = engine.raw_connection()
        pid = raw.driver_connection.info.backend_pid
        raw.close()
        killer = create_engine_for(database_url)
        with killer.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()
        with pytest.raises(DBAPIError) as raised:
            ARTICLE.read(engine, slug="nothing")
        assert raised.value.connection_invalidated
        assert ARTICLE.read(engine, slug="nothing") == []  # a new connection, not the dead one
        raw = engine.raw_connection()
        assert raw.driver_connection.info.backend_pid != pid
        raw.close()
    finally:
        engine.dispose()
