"""Shared fixtures. One switch picks the database: ``pytest --db=postgres`` (default: SQLite).

Each run migrates one private database (a temporary SQLite file, or a fresh PostgreSQL database
created for the run and dropped after it), and every test that uses it starts from empty tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import library.demand.models  # noqa: F401  (every table is emptied between tests)
import library.memory.models  # noqa: F401
import library.quality.models  # noqa: F401
import library.workflow.models  # noqa: F401
from library.bootstrap import content_events
from library.content.events import attach
from library.search.index import sync
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


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [f"library database engine: {config.getoption('--db')}", _installed_versions()]


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


def _empty_tables(engine: Engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
            # The search index is an FTS5 table outside the model (PostgreSQL's goes with TRUNCATE ... CASCADE).
            conn.execute(text("DELETE FROM search_index"))


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


_DEMO_ROWS: dict[str, dict[str, list[dict]]] = {}
"""Every table's rows right after the first real `load_demo` of the run, per engine."""


@pytest.fixture
def demo(engine: Engine, db_kind: str) -> Engine:
    """The demo library loaded into the test database.

    The first test loads it for real (every save through `save_variant`, its checks and hooks); later
    ones get the same rows copied back in bulk, which is what the load left, in a fraction of the time
    (the load runs the language detector on every paragraph). `tests/test_demo.py` loads it for real.
    """
    from library.demo.loader import load_demo

    key = db_kind
    if key in _DEMO_ROWS:
        _restore_rows(engine, _DEMO_ROWS[key])
        with engine.begin() as conn:  # the search index is derived from the rows: made again, not copied
            sync(conn)
        return engine
    with session_scope(engine) as session:
        load_demo(session)
    _DEMO_ROWS[key] = _table_rows(engine)
    return engine


#: Written by a started app, not by the demo: a test may have started one before asking for the demo.
_NOT_DEMO = {"app_secret"}


def _table_rows(engine: Engine) -> dict[str, list[dict]]:
    with engine.connect() as conn:
        return {table.name: [dict(row) for row in conn.execute(table.select()).mappings()]
                for table in SQLModel.metadata.sorted_tables if table.name not in _NOT_DEMO}


def _restore_rows(engine: Engine, rows: dict[str, list[dict]]) -> None:
    with engine.begin() as conn:
        for table in (t for t in SQLModel.metadata.sorted_tables if t.name in rows):
            written = [c.name for c in table.columns if c.computed is None]
            if rows[table.name]:
                conn.execute(table.insert(), [{name: row[name] for name in written} for row in rows[table.name]])
            if engine.dialect.name == "postgresql" and "id" in table.columns and table.columns["id"].autoincrement:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))


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
