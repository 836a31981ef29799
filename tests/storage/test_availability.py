"""The one classification of database errors: an outage (503, retried) or a fault of the program (500).

The errors are real ones, raised by the drivers and SQLAlchemy on this machine; only the PostgreSQL
states that cannot be provoked without a server misbehaving are built from psycopg's own classes.
"""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg.errors
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

from library.errors import LibraryError
from library.storage import create_engine_for
from library.storage.availability import DatabaseUnavailable, is_unavailable, unavailable
from tests.servers import free_port


def _raised(function) -> BaseException:
    try:
        function()
    except BaseException as error:  # noqa: BLE001 - the error is what the test is about
        return error
    raise AssertionError("no error was raised")


def test_a_sqlite_write_waiting_past_the_busy_timeout_is_an_outage(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'locked.db'}", sqlite_busy_timeout=0.1)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        def write() -> None:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES (1)"))

        error = _raised(write)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
    assert isinstance(error, OperationalError) and "database is locked" in str(error)
    assert is_unavailable(error)


def test_a_sqlite_file_in_a_missing_folder_is_an_outage(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'gone' / 'x.db'}")
    (tmp_path / "gone").rmdir()  # created by the engine for a new file; gone since
    error = _raised(lambda: engine.connect().close())
    assert "unable to open database file" in str(error)
    assert unavailable(error).reason == "unable to open database file"
    assert is_unavailable(_raised(lambda: sqlite3.connect(tmp_path / "gone" / "y.db")))  # the driver's own


@pytest.mark.parametrize("statement", [
    "SELECT * FROM no_such_table",            # a bug
    "SELEC 1",                                # a bug
    "INSERT INTO t VALUES (1), (1)",          # a constraint
])
def test_other_sqlite_errors_are_faults(tmp_path, statement):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER PRIMARY KEY)"))

    def run() -> None:
        with engine.begin() as conn:
            conn.execute(text(statement))

    error = _raised(run)
    engine.dispose()
    assert isinstance(error, DBAPIError) and not is_unavailable(error)


def test_a_refused_postgresql_connection_is_an_outage():
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing"
    error = _raised(lambda: create_engine_for(url).connect())
    assert isinstance(error, OperationalError) and is_unavailable(error)
    assert "refused" in unavailable(error).reason
    assert is_unavailable(_raised(lambda: psycopg.connect(url.replace("+psycopg", ""))))


def test_a_session_ended_by_the_server_is_an_outage(database_url, db_kind):
    if db_kind != "postgres":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    engine = create_engine_for(database_url)
    killer = create_engine_for(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as victim:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        error = _raised(lambda: victim.execute(text("SELECT 1")))
    engine.dispose()
    killer.dispose()
    assert isinstance(error, DBAPIError)
    assert error.connection_invalidated and is_unavailable(error)  # "terminating connection due to administrator"


def test_other_postgresql_errors_are_faults(engine, db_kind):
    if db_kind != "postgres":
        pytest.skip("PostgreSQL's own errors")
    for statement, kind in [("SELECT * FROM no_such_table", ProgrammingError), ("SELECT 1/0", DBAPIError),
                            ("INSERT INTO content_version (id, version) VALUES (1, 1), (1, 2)", IntegrityError)]:
        def run(statement=statement) -> None:
            with engine.begin() as conn:
                conn.execute(text(statement))

        error = _raised(run)
        assert isinstance(error, kind) and not is_unavailable(error), statement


@pytest.mark.parametrize(("sqlstate", "outage"), [
    ("57P01", True),   # admin_shutdown: pg_ctl stop -m fast, pg_terminate_backend
    ("57P02", True),   # crash_shutdown
    ("57P03", True),   # cannot_connect_now: starting up or shutting down
    ("53300", True),   # too_many_connections
    ("08006", True),   # connection_failure
    ("08001", True),   # sqlclient_unable_to_establish_sqlconnection
    ("57014", False),  # query_canceled (a statement timeout): the query's fault
    ("40001", False),  # serialization_failure
    ("40P01", False),  # deadlock_detected
    ("53100", False),  # disk_full: needs an operator, not a retry
])
def test_postgresql_states_that_mean_the_server_cannot_serve_now(sqlstate, outage):
    error = psycopg.errors.lookup(sqlstate)("from the server")
    assert is_unavailable(error) is outage
    wrapped = OperationalError("SELECT 1", {}, error)
    assert is_unavailable(wrapped) is outage


def test_a_pool_with_no_free_connection_in_time_is_an_outage(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'x.db'}", pool_size=1, max_overflow=0, pool_timeout=0.1)
    with engine.connect():
        error = _raised(lambda: engine.connect())
    engine.dispose()
    assert is_unavailable(error)


def test_an_outage_is_recognised_through_explicit_causes_only():
    refused = _raised(lambda: psycopg.connect(f"host=127.0.0.1 port={free_port()} user=postgres"))
    try:
        raise LibraryError("could not load") from refused
    except LibraryError as error:
        assert is_unavailable(error)
    try:
        try:
            raise refused
        except psycopg.OperationalError:
            raise KeyError("a bug in an error handler")  # noqa: B904 - the implicit context is the point
    except KeyError as error:
        assert not is_unavailable(error)
    already = DatabaseUnavailable("gone")
    assert unavailable(already) is already
    assert not is_unavailable(ValueError("no database involved"))


def test_the_busy_timeout_setting_reaches_every_sqlite_connection_and_a_bad_one_is_refused(tmp_path):
    from library.errors import ConfigurationError
    from library.settings import load_settings

    settings = load_settings({"LIBRARY_SQLITE_BUSY_TIMEOUT": "0.25"})
    engine = create_engine_for(f"sqlite:///{tmp_path / 'x.db'}", sqlite_busy_timeout=settings.sqlite_busy_timeout)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 250
    engine.dispose()
    for bad in ("soon", "-1", "0"):
        with pytest.raises(ConfigurationError, match="LIBRARY_SQLITE_BUSY_TIMEOUT"):
            load_settings({"LIBRARY_SQLITE_BUSY_TIMEOUT": bad})
