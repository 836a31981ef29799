"""Shared fixtures. One switch picks the database: ``pytest --db=postgres`` (default: SQLite).

Each run migrates one private database (a temporary SQLite file, or a fresh PostgreSQL database
created for the run and dropped after it), and every test that uses it starts from empty tables.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import Integer, create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import library.demand.models  # noqa: F401  (every table is emptied between tests)
import library.memory.models  # noqa: F401
import library.quality.models  # noqa: F401
import library.workflow.models  # noqa: F401
from library.bootstrap import content_events
from library.content.events import attach
from library.settings import Settings, load_settings
from library.storage import create_engine_for, session_scope, upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "LIBRARY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgres"],
        default=os.environ.get("LIBRARY_TEST_DB", "sqlite"),
        help="database engine the suite runs against",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--db=postgres`` runs only the tests that reach the engine under test.

    The engine is chosen in one place, the ``db_kind`` fixture, so a test that never asks for it (the
    language detector, the catalog checks, the segmenter...) does the same work on either run: it runs
    once, in the SQLite run, which is the default. So does a test marked ``one_engine``: it needs an
    app, and so a database, but tests what stands in front of it (a browser, the shared cache), which
    the API and page tests of both runs already cover behind it. CI runs both, so every test runs."""
    if config.getoption("--db") != "postgres":
        return
    kept, engine_free = [], []
    for item in items:
        reaches = "db_kind" in getattr(item, "fixturenames", ()) and item.get_closest_marker("one_engine") is None
        (kept if reaches else engine_free).append(item)
    if engine_free:
        config.hook.pytest_deselected(items=engine_free)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> list[str]:
    engine = config.getoption("--db")
    scope = " (only the tests that use a database: the others run with --db=sqlite)" if engine == "postgres" else ""
    return [f"library database engine: {engine}{scope}", _installed_versions()]


def _installed_versions() -> str:
    """Every locked dependency with the version installed, so a run's report says what it tested;
    a version that differs from ``requirements.lock`` is marked, and so is one that is missing."""
    import re
    from importlib.metadata import PackageNotFoundError, version
    from pathlib import Path

    lock = Path(__file__).resolve().parent.parent / "requirements.lock"
    pinned = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", lock.read_text(encoding="utf-8"), re.MULTILINE)
    shown = []
    for name, locked in pinned:
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        shown.append(f"{name} {installed}" + ("" if installed == locked else f" (lock: {locked})"))
    return "installed: " + ", ".join(shown)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still Argon2id, with the smallest cost parameters: the production default costs about 140 ms a
    hash or a check here, and tests make accounts and sign in by the hundred. Servers a test starts in
    another process keep the default."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from library.workflow import accounts

    monkeypatch.setattr(accounts, "hasher", PasswordHasher.from_parameters(CHEAPEST))


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--db")


class PostgresDatabases:
    """Creates throw-away databases on the test server so parallel runs never share tables."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self) -> str:
        name = f"library_test_{uuid.uuid4().hex[:12]}"
        try:
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as error:  # a missing server must fail loudly, never skip
            pytest.fail(f"PostgreSQL at {POSTGRES_ADMIN_URL} is not usable: {error}", pytrace=False)
        self.created.append(name)
        return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(POSTGRES_ADMIN_URL)
    yield databases
    databases.drop_all()


@pytest.fixture
def fresh_database_url(db_kind: str, tmp_path, request: pytest.FixtureRequest) -> str:
    """An empty database of the engine under test, for migration and import tests."""
    if db_kind == "postgres":
        return request.getfixturevalue("postgres").create()
    return f"sqlite:///{tmp_path / 'fresh.db'}"


@pytest.fixture(scope="session")
def database_url(db_kind: str, tmp_path_factory, request: pytest.FixtureRequest) -> str:
    if db_kind == "postgres":
        return request.getfixturevalue("postgres").create()
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'library.db'}"


TEST_EVENTS = content_events(load_settings({}), history=False)
"""What reacts to the tests' own writes: the app's reactions (the quality gate on every save, the
content version's bump) but no coverage history, which the tests that are about it switch on."""


@pytest.fixture(scope="session")
def _migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine_for(database_url)
    upgrade(engine)
    yield attach(engine, TEST_EVENTS)
    engine.dispose()


def _sequences_follow_rows() -> str:
    """PostgreSQL: the statement that sets every table's ``id`` sequence to follow the rows the table
    holds, 1 when it is empty: after emptying the tables, and after copying the demo back."""
    return "SELECT " + ", ".join(
        f"setval(pg_get_serial_sequence('{t.name}', 'id'), coalesce((SELECT max(id) FROM {t.name}), 0) + 1, false)"
        for t in SQLModel.metadata.sorted_tables
        if "id" in t.columns and t.columns["id"].autoincrement is not False and t.columns["id"].primary_key
        and isinstance(t.columns["id"].type, Integer))


_NO_FOREIGN_KEY_CHECKS = "SET LOCAL session_replication_role = replica"
"""PostgreSQL checks no foreign key for the rest of the transaction (its checks are triggers, which a
replica does not fire): emptying every table, or copying back rows known to be whole, checked row by
row cost most of a test's set-up (42 ms for the demo's 4,937 memory keys). The test server's user is a
superuser, which this needs; the database has no triggers of its own."""


def _empty_tables(engine: Engine) -> None:
    """Every table emptied, dependents first, in one round trip. On PostgreSQL, DELETE and a new start
    for each sequence, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes new files for every
    table and index (70 ms a test, against a few for the statements here)."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    # The search index is outside the model (an FTS5 table on SQLite, a partitioned one on PostgreSQL).
    statements = ["DELETE FROM search_index"] + [f"DELETE FROM {name}" for name in tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("; ".join([_NO_FOREIGN_KEY_CHECKS, *statements, _sequences_follow_rows()]))
        else:
            for statement in statements:
                conn.exec_driver_sql(statement)


@pytest.fixture
def engine(_migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated test database, with every table empty at the start of the test."""
    _empty_tables(_migrated_engine)
    yield _migrated_engine


@pytest.fixture
def session(engine: Engine):
    """A unit of work on the test database, committed when the test body ends without error."""
    with session_scope(engine) as session:
        yield session


@pytest.fixture
def settings(database_url: str, engine: Engine) -> Settings:
    return load_settings({"LIBRARY_DATABASE_URL": database_url})


_DEMO_SNAPSHOT: dict[str, list[str]] = {}
"""Per engine, the statements that put back every table's rows as the first real `load_demo` of the
run left them (`_snapshot_demo`)."""


@pytest.fixture
def demo(engine: Engine, db_kind: str) -> Engine:
    """The demo library loaded into the test database.

    The first test loads it for real (every save through `save_variant`, its checks and hooks); later
    ones get the same rows copied back inside the database, search index included, which is what the
    load left, in a fraction of the time (the load runs the language detector on every paragraph).
    `tests/test_demo.py` loads it for real.
    """
    from library.demo.loader import load_demo

    if db_kind in _DEMO_SNAPSHOT:
        _copy_back(engine, _DEMO_SNAPSHOT[db_kind])
        return engine
    with session_scope(engine) as session:
        load_demo(session)
    _DEMO_SNAPSHOT[db_kind] = _snapshot_demo(engine)
    return engine


#: Written by a started app, not by the demo: a test may have started one before asking for the demo.
_NOT_DEMO = {"app_secret"}
SNAPSHOT = "demo_snapshot"
"""Where the demo's rows are kept: a schema on PostgreSQL, an attached database file on SQLite."""


def _kept_tables(engine: Engine) -> list[tuple[str, list[str]]]:
    """(table, columns written) of what the demo fills, parents first; the search index last."""
    tables = [(t.name, [c.name for c in t.columns if c.computed is None])
              for t in SQLModel.metadata.sorted_tables if t.name not in _NOT_DEMO]
    if engine.dialect.name == "postgresql":
        return tables + [("search_index", ["variant_id", "article_id", "language", "revision_id", "document"])]
    return tables + [("search_index", ["rowid", "title", "body", "language", "article_id", "revision_id"])]


def _snapshot_demo(engine: Engine) -> list[str]:
    """Copy every table the demo filled (and the search index made from it) beside the test database,
    and return the statements that copy them back, in the order foreign keys allow."""
    kept = _kept_tables(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE; CREATE SCHEMA {SNAPSHOT}")
            for name, columns in kept:
                conn.exec_driver_sql(f"CREATE TABLE {SNAPSHOT}.{name} AS SELECT {', '.join(columns)} FROM {name}")
        sequences = _sequences_follow_rows()
    else:
        _in_sqlite_with_snapshot(engine, [
            statement for name, columns in kept for statement in (
                f"DROP TABLE IF EXISTS {SNAPSHOT}.{name}",
                f"CREATE TABLE {SNAPSHOT}.{name} AS SELECT {', '.join(columns)} FROM main.{name}")])
        sequences = None
    # The snapshot's columns are in the order listed: "rowid" is the FTS5 table's own key.
    return [f"INSERT INTO {name} ({', '.join(columns)}) SELECT * FROM {SNAPSHOT}.{name}"
            for name, columns in kept] + ([sequences] if sequences else [])


def _in_sqlite_with_snapshot(engine: Engine, statements: list[str]) -> None:
    """Run ``statements`` in one transaction on SQLite with the snapshot file attached (ATTACH cannot
    be inside a transaction; the library's SQLite connections are in autocommit until BEGIN)."""
    path = f"{engine.url.database}-demo"  # beside the test database file
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"ATTACH DATABASE ? AS {SNAPSHOT}", (path,))
        try:
            cursor.execute("BEGIN")
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.execute(f"DETACH DATABASE {SNAPSHOT}")
    finally:
        raw.close()


def _copy_back(engine: Engine, statements: list[str]) -> None:
    """The demo's rows back from the snapshot, in one transaction (on PostgreSQL, one round trip)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(";\n".join([_NO_FOREIGN_KEY_CHECKS] + statements))
    else:
        _in_sqlite_with_snapshot(engine, statements)


@pytest.fixture
def client(settings: Settings):
    from litestar.testing import TestClient

    from library.web.app import create_app

    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def make_client(database_url: str, engine) -> Iterator:
    """``make_client(LIBRARY_CACHE_MB="0", ...)``: a started test client of a new app on the test database."""
    with ExitStack() as stack:

        def make(**env: str):
            from litestar.testing import TestClient

            from library.web.app import create_app

            settings = load_settings({"LIBRARY_DATABASE_URL": database_url, **env})
            return stack.enter_context(TestClient(create_app(settings)))

        yield make


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything alive once the tests are collected (the library, its dependencies, the test
    modules: about 190,000 objects) out of the garbage collector's sight. Each full collection walked
    them all, 160 ms, and building an app for a test's client triggers one (a test's set-up went from
    about 200 to 30 ms of collection). What tests allocate afterwards is collected as usual."""
    gc.collect()
    gc.freeze()
