"""A database outage is a translated 503 with Retry-After, never a 500, and the app comes back by itself (issue 13).

Each test takes its database away for real: with ``--db=postgres`` a private PostgreSQL cluster
(`tests.pgcluster`, never the shared server) is stopped with ``pg_ctl stop -m fast``; with
``--db=sqlite`` the folder of a private SQLite file is moved away, which is what a new connection
would find (the process's pooled connections are closed as well, since they keep the file open).
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from library.content.events import attach
from library.content.models import Article
from library.demand.models import Demand
from library.settings import load_settings
from library.storage import create_engine_for, read_only, session_scope, upgrade
from library.web.app import create_app
from tests import pgcluster
from tests.conftest import TEST_EVENTS
from tests.factories import PASSWORD, make_article, make_user, translate

SLUG = "outage-article"
PROBLEM_JSON = "application/problem+json"
RECOVERY_SECONDS = 2.0
"""The issue's bound on answering again once the database is back (it takes milliseconds)."""

#: Language -> (problem title, detail, page heading) the reader is shown during an outage.
TRANSLATED = {
    "ru": ("Временно недоступно",
           "База данных временно недоступна. Пожалуйста, повторите попытку через несколько секунд."),
    "kk": ("Уақытша қолжетімсіз", "Дерекқор уақытша қолжетімсіз. Бірнеше секундтан кейін қайталап көріңіз."),
    "en": ("Temporarily unavailable",
           "The database is temporarily unavailable. Please try again in a few seconds."),
}
QUIET = {"LIBRARY_CACHE_MB": "0", "LIBRARY_FLUSH_INTERVAL": "3600"}
"""No cache (every read needs the database) and no periodic flush (the test flushes)."""


class PostgresOutage:
    """A database on a private cluster, stopped and started for real."""

    def __init__(self, cluster: pgcluster.PrivateCluster) -> None:
        self.cluster = cluster
        self.url = cluster.create_database(f"outage_{uuid.uuid4().hex[:8]}")

    def stop(self, client: TestClient) -> None:
        self.cluster.stop("fast")

    def start(self) -> None:
        self.cluster.start()

    def close(self) -> None:
        if not self.cluster.running:
            self.cluster.start()


class SqliteOutage:
    """A private SQLite file whose folder goes away and comes back."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "db"
        self.away = folder / "moved"
        self.url = f"sqlite:///{self.folder / 'library.db'}"

    def stop(self, client: TestClient) -> None:
        self.folder.rename(self.away)
        client.app.state.engine.dispose()  # open connections keep the moved file; new ones cannot open it

    def start(self) -> None:
        self.away.rename(self.folder)

    def close(self) -> None:
        if self.away.exists():
            self.start()


@pytest.fixture(scope="module")
def cluster(db_kind: str) -> Iterator[pgcluster.PrivateCluster | None]:
    if db_kind != "postgres":
        yield None
        return
    if (reason := pgcluster.why_unavailable()) is not None:
        pytest.skip(f"no private PostgreSQL cluster for the outage tests: {reason}")
    with pgcluster.PrivateCluster() as private:
        private.start()
        yield private


@pytest.fixture
def outage(cluster, tmp_path) -> Iterator[PostgresOutage | SqliteOutage]:
    """A database with one article (Russian, translated into Kazakh), ready to be taken away."""
    database = PostgresOutage(cluster) if cluster is not None else SqliteOutage(tmp_path)
    engine = create_engine_for(database.url)
    upgrade(engine)
    with session_scope(engine) as session:
        article = make_article(session, slug=SLUG)
        translate(session, article, "kk", title="Мақала")
        make_user(session, "aigerim")
    engine.dispose()
    yield database
    database.close()


def _client(database, **env: str) -> TestClient:
    return TestClient(create_app(load_settings({"LIBRARY_DATABASE_URL": database.url, **QUIET, **env})))


def _problem(response, status: int, language: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    title, detail = TRANSLATED[language]
    assert body["type"].endswith("/database-unavailable") and body["status"] == status
    assert (body["title"], body["detail"]) == (title, detail)
    assert response.headers["content-language"] == language
    return body


@pytest.mark.slow
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_while_the_database_is_away_reads_pages_and_health_answer_a_translated_503(outage, language, db_kind):
    with _client(outage) as client:
        assert client.get(f"/api/v1/articles/{SLUG}?lang={language}").status_code == 200
        outage.stop(client)

        _problem(client.get(f"/api/v1/articles/{SLUG}?lang={language}"), 503, language)
        _problem(client.get(f"/api/v1/articles?lang={language}"), 503, language)
        health = _problem(client.get("/api/v1/health", headers={"Accept-Language": language}), 503, language)
        assert health["cause"] == "database"
        assert health["database"] == {"sqlite": "sqlite", "postgres": "postgresql"}[db_kind]

        for path in (f"/{language}/articles/{SLUG}", f"/{language}/"):
            page = client.get(path)
            assert page.status_code == 503 and int(page.headers["retry-after"]) > 0
            assert page.headers["content-type"].startswith("text/html")
            title, detail = TRANSLATED[language]
            assert f"<h1>{title}</h1>" in page.text and detail in page.text
            assert "Traceback" not in page.text

        outage.start()
        started = time.monotonic()
        while client.get(f"/api/v1/articles/{SLUG}?lang={language}").status_code != 200:
            assert time.monotonic() - started < RECOVERY_SECONDS, "no answer after the database came back"
            time.sleep(0.05)
        assert client.get(f"/{language}/articles/{SLUG}").status_code == 200
        assert client.get("/api/v1/health").json()["status"] == "ok"


@pytest.mark.slow
def test_counts_buffered_before_and_during_an_outage_are_written_once_it_is_back(outage):
    with _client(outage) as client:
        for _ in range(3):
            assert client.get(f"/api/v1/articles/{SLUG}?lang=en").status_code == 200  # a view, demand for en
        flusher = client.app.state.flusher
        outage.stop(client)
        assert client.get(f"/api/v1/articles/{SLUG}?lang=en").status_code == 503  # served nothing: counts nothing
        assert flusher.flush() is False  # kept, not lost
        outage.start()
        assert client.get(f"/api/v1/articles/{SLUG}?lang=en").status_code == 200
        assert flusher.flush() is True
        engine = client.app.state.engine
        views = read_only(engine, lambda s: s.scalar(select(Article.views).where(Article.slug == SLUG)))
        demand = read_only(engine, lambda s: s.scalars(select(Demand.count)).all())
    assert (views, demand) == (4, [4])


@pytest.mark.slow
def test_cached_answers_keep_serving_and_the_version_watcher_sees_edits_after_the_outage(outage):
    with _client(outage, LIBRARY_CACHE_MB="8") as client:
        assert client.get(f"/api/v1/articles/{SLUG}?lang=kk").json()["title"] == "Мақала"
        outage.stop(client)
        time.sleep(1)  # the watcher fails a few times meanwhile
        assert client.get(f"/api/v1/articles/{SLUG}?lang=kk").status_code == 200  # from the cache
        outage.start()
        engine = attach(create_engine_for(outage.url), TEST_EVENTS)  # its commit bumps the content version
        with session_scope(engine) as session:
            article = session.scalars(select(Article).where(Article.slug == SLUG)).one()
            translate(session, article, "kk", title="Жаңа тақырып")
        engine.dispose()
        deadline = time.monotonic() + 10  # the watcher checks every 0.4 s; generous on a loaded machine
        while client.get(f"/api/v1/articles/{SLUG}?lang=kk").json()["title"] != "Жаңа тақырып":
            assert time.monotonic() < deadline, "the content-version watcher did not survive the outage"
            time.sleep(0.1)


@pytest.fixture
def sqlite_only(db_kind: str) -> None:
    if db_kind != "sqlite":
        pytest.skip("SQLite's file lock: runs with --db=sqlite")


@pytest.mark.slow
def test_a_write_waiting_beyond_the_busy_timeout_for_the_sqlite_lock_is_a_503(sqlite_only, outage):
    with _client(outage, LIBRARY_SQLITE_BUSY_TIMEOUT="0.3") as client:
        assert client.get(f"/api/v1/articles/{SLUG}?lang=kk").status_code == 200
        holder = sqlite3.connect(outage.folder / "library.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock, past our busy timeout
        try:
            response = client.post("/api/v1/auth/tokens", json={"username": "aigerim", "password": PASSWORD},
                                   headers={"Accept-Language": "kk"})
            _problem(response, 503, "kk")
            assert client.app.state.flusher.flush() is False  # the view stays buffered
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        response = client.post("/api/v1/auth/tokens", json={"username": "aigerim", "password": PASSWORD})
        assert response.status_code == 201, response.text
        assert client.app.state.flusher.flush() is True
        views = read_only(client.app.state.engine,
                          lambda s: s.scalar(select(Article.views).where(Article.slug == SLUG)))
    assert views == 1
