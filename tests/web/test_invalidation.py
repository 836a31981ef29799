"""Hearing of content changes (issue 16): LISTEN/NOTIFY on PostgreSQL, with polling whenever the listening
connection is missing, lost or deaf, and `/api/v1/health` saying which one a process uses and since when."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import text

from library.content.version import CHANNEL
from library.storage import session_scope
from library.storage.listen import Listener, libpq_url
from tests.web.test_cache import ARTICLE, _publish, _wait_for, cached_article  # noqa: F401 (a fixture)


def _invalidation(client) -> dict:
    return client.get("/api/v1/health").json()["invalidation"]


def _wait_for_mode(client, mode: str, limit: float = 8.0) -> dict:
    deadline = time.monotonic() + limit
    while (state := _invalidation(client))["mode"] != mode:
        assert time.monotonic() < deadline, f"still {state} after {limit} s"
        time.sleep(0.05)
    return state


def test_sqlite_processes_poll_and_say_why(make_client, db_kind):
    if db_kind != "sqlite":
        pytest.skip("SQLite only: PostgreSQL processes listen")
    state = _invalidation(make_client())
    assert state["mode"] == "polling" and "SQLite" in state["reason"] and state["since"]


def test_listening_can_be_turned_off(make_client, db_kind):
    if db_kind != "postgres":
        pytest.skip("PostgreSQL only: LIBRARY_LISTEN_URL needs it")
    state = _invalidation(make_client(LIBRARY_LISTEN_URL="off"))
    assert state == {"mode": "polling", "since": state["since"], "reason": "LIBRARY_LISTEN_URL=off"}


def test_a_commit_notifies_its_version_only_when_it_commits(engine, db_kind):
    if db_kind != "postgres":
        pytest.skip("PostgreSQL only")
    import psycopg

    from tests.factories import make_article

    with psycopg.connect(libpq_url(engine.url.render_as_string(hide_password=False)), autocommit=True) as listening:
        listening.execute(f"LISTEN {CHANNEL}")
        with pytest.raises(RuntimeError), session_scope(engine) as session:
            make_article(session, slug="rolled-back")
            raise RuntimeError("the write fails")
        assert list(listening.notifies(timeout=0.3)) == []
        with session_scope(engine) as session:
            make_article(session, slug="committed")
        notes = list(listening.notifies(timeout=1.0, stop_after=1))
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version FROM content_version")).scalar_one()
    assert [(note.channel, note.payload) for note in notes] == [(CHANNEL, str(version))]


@pytest.mark.slow
def test_a_listening_app_hears_a_publish_and_falls_back_to_polling_when_its_connection_is_cut(
        cached_article, engine, make_client, db_kind):  # noqa: F811
    if db_kind != "postgres":
        pytest.skip("PostgreSQL only: SQLite processes poll")
    client = make_client()
    listening = _wait_for_mode(client, "listening")
    assert listening["reason"] is None
    assert client.get(ARTICLE).json()["title"] == "Бірінші атау"
    assert client.app.state.watch.poll() is None  # while it listens, nothing polls
    since = _publish(engine, "Екінші атау")
    assert _wait_for(lambda: client.get(ARTICLE).json()["title"], "Екінші атау", since) < 0.4

    with engine.connect() as connection:  # what a restart or a pooler's reset does to it
        cut = connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE application_name = 'library-listener' AND datname = current_database()"))
        assert cut.scalars().all() == [True]
    polling = _wait_for_mode(client, "polling", limit=2.0)
    assert polling["reason"] and polling["since"] > listening["since"]
    since = _publish(engine, "Үшінші атау")
    assert _wait_for(lambda: client.get(ARTICLE).json()["title"], "Үшінші атау", since) <= 1.0
    assert _wait_for_mode(client, "listening")["since"] > polling["since"]  # reconnected by itself


def test_a_deaf_connection_is_not_trusted(engine, db_kind):
    """A connection whose notifications never come back (PgBouncer in transaction pooling runs the
    LISTEN on a server connection the client then leaves) keeps the process polling."""
    if db_kind != "postgres":
        pytest.skip("PostgreSQL only")
    heard: list[int] = []

    async def notified() -> None:
        heard.append(1)

    class Pooled(Listener):
        async def _subscribe(self, connection) -> None:
            await super()._subscribe(connection)
            await connection.execute("UNLISTEN *")  # the pooler hands the client another server connection

    listener = Pooled(engine.url.render_as_string(hide_password=False), CHANNEL, notified,
                      probe_timeout=0.3, retry_pauses=(0.1,))

    async def run_a_while() -> None:
        task = asyncio.create_task(listener.run())
        await asyncio.sleep(1.5)
        task.cancel()

    # In a thread of its own: this thread may already run an event loop (a test client left by another test).
    runner = threading.Thread(target=asyncio.run, args=(run_a_while(),))
    runner.start()
    runner.join()
    assert listener.state.mode == "polling" and "did not come back" in listener.state.reason
    assert heard == []


PG = "postgresql://postgres@db:5432/library"


@pytest.mark.parametrize(("environ", "says"), [
    ({"LIBRARY_DATABASE_URL": PG, "LIBRARY_DATABASE_REPLICA_URL": "sqlite:///replica.db"}, "must be a postgresql"),
    ({"LIBRARY_DATABASE_REPLICA_URL": "postgresql://replica/library"}, "needs a PostgreSQL LIBRARY_DATABASE_URL"),
    ({"LIBRARY_DATABASE_URL": PG, "LIBRARY_LISTEN_URL": "mysql://db/library"}, "LIBRARY_LISTEN_URL must be"),
    ({"LIBRARY_DATABASE_URL": PG, "LIBRARY_REPLICA_MAX_LAG": "0"}, "LIBRARY_REPLICA_MAX_LAG must be positive"),
    ({"LIBRARY_DATABASE_URL": PG, "LIBRARY_REPLICA_MAX_LAG": "soon"}, "LIBRARY_REPLICA_MAX_LAG must be a number"),
])
def test_bad_scaling_settings_stop_the_start_naming_the_variable(environ, says):
    from library.errors import ConfigurationError
    from library.settings import load_settings

    with pytest.raises(ConfigurationError, match=says):
        load_settings(environ)


def test_scaling_settings_are_read():
    from library.settings import load_settings

    settings = load_settings({"LIBRARY_DATABASE_URL": PG, "LIBRARY_DATABASE_REPLICA_URL": "postgres://r:5433/library",
                              "LIBRARY_REPLICA_MAX_LAG": "2.5", "LIBRARY_LISTEN_URL": "postgresql://db:5432/library"})
    assert settings.replica_url == "postgresql+psycopg://r:5433/library" and settings.replica_max_lag == 2.5
    assert settings.listens == "postgresql+psycopg://db:5432/library"
    assert load_settings({"LIBRARY_DATABASE_URL": PG}).listens == "postgresql+psycopg://postgres@db:5432/library"
    assert load_settings({"LIBRARY_DATABASE_URL": PG, "LIBRARY_LISTEN_URL": "OFF"}).listens is None
    assert load_settings({}).listens is None and load_settings({}).replica_url is None
