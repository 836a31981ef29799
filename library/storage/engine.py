"""One place that turns a database URL into a configured SQLAlchemy engine.

SQLite is the zero-set-up default: a file created on first use, in WAL mode so readers never wait
for the writer, with foreign keys enforced (SQLite leaves them off unless asked) and a busy timeout
so several server processes can share one file. PostgreSQL needs nothing special beyond the psycopg
driver, which `library.settings.normalise_database_url` selects.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_MMAP_BYTES = 1 << 30


def _configure_sqlite(dbapi_connection, busy_timeout_ms: int) -> None:
    # The sqlite3 module opens transactions itself; let SQLAlchemy's own BEGIN handling decide.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Beyond this a statement fails with "database is locked", which `library.storage.availability`
    # counts as an outage (a 503 for a request, a kept batch for the flusher).
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Read through a memory map instead of a read() per page: whole-index scans and many index
    # probes (coverage over 1M variants, issue 8) are about twice as fast. Address space only.
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def _begin_sqlite(conn) -> None:
    # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
    # instead of one failing with "database is locked" when it upgrades a read lock.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


def create_engine_for(database_url: str, *, sqlite_busy_timeout: float = SQLITE_BUSY_TIMEOUT_MS / 1000,
                      **kwargs) -> Engine:
    """An engine for ``database_url`` with the library's connection settings applied.

    PostgreSQL connections are checked before use (``pool_pre_ping``): after a database restart the
    first request reconnects instead of failing on a dead connection.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        busy_timeout_ms = round(sqlite_busy_timeout * 1000)
        event.listen(engine, "connect", lambda connection, _record: _configure_sqlite(connection, busy_timeout_ms))
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """A unit of work: commits when the block ends normally, rolls back on any exception.

    ``write=True`` marks the transaction as a writer, so on SQLite it takes the write lock at BEGIN.
    """
    with engine.connect() as connection:
        connection.info["write"] = write
        try:
            with Session(bind=connection, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            connection.info.pop("write", None)


def read_rows(engine: Engine, function, /, *args, **kwargs):
    """``function(connection, *args, **kwargs)`` in a read-only transaction on a plain connection.

    For the hottest reads (an article for a reader), which run one Core statement and build no ORM
    object: an ORM session's set-up and teardown cost as much as the statement itself (issue 15). On
    PostgreSQL the statement runs in autocommit (one statement is its own consistent snapshot): no
    BEGIN and COMMIT round trips.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            return function(connection, *args, **kwargs)
    with engine.connect() as connection:
        connection.info["write"] = False
        with connection.begin():
            return function(connection, *args, **kwargs)


def read_only(engine: Engine, function, /, *args, **kwargs):
    """``function(session, *args, **kwargs)`` in a read-only unit of work: for callers that must not
    hold sessions themselves (the web layer), and for one-shot queries."""
    with session_scope(engine, write=False) as session:
        return function(session, *args, **kwargs)
