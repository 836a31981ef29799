"""Reader demand over HTTP: every read is counted once, in batches, and nothing is lost at shutdown."""

from __future__ import annotations

import signal

import pytest
from sqlalchemy import select

from library.content.models import Article
from library.demand.models import Demand
from library.storage import read_only, session_scope
from tests.factories import make_article, translate
from tests.servers import Served

N = 7
FLUSH_LATER = {"LIBRARY_FLUSH_INTERVAL": "3600"}  # only explicit flushes and shutdown write counts


@pytest.fixture
def russian_only(engine) -> str:
    with session_scope(engine) as session:
        article = make_article(session, slug="russian-only")
        bilingual = make_article(session, slug="bilingual")
        translate(session, bilingual, "kk", "Екі тілде")
    return article.slug


def _counts(engine, slug: str) -> tuple[int, dict[str, int]]:
    def read(session):
        article = session.scalar(select(Article).where(Article.slug == slug))
        demand = session.execute(select(Demand.language, Demand.count).where(Demand.article_id == article.id))
        return article.views, dict(demand.all())

    return read_only(engine, read)


def test_n_fallback_reads_then_a_flush_give_n_demand_and_n_views(engine, russian_only, make_client):
    client = make_client(**FLUSH_LATER)
    etag = None
    for _ in range(N):
        response = client.get(f"/api/v1/articles/{russian_only}", params={"lang": "kk"})
        assert response.status_code == 200
        etag = response.headers["etag"]
    # A revalidated read (304) is still a read.
    assert client.get(f"/api/v1/articles/{russian_only}?lang=kk", headers={"If-None-Match": etag}).status_code == 304
    client.get(f"/api/v1/articles/{russian_only}", params={"lang": "ru"})  # a view, no demand
    assert _counts(engine, russian_only) == (0, {})  # nothing written per request
    assert client.app.state.flusher.flush()
    assert _counts(engine, russian_only) == (N + 2, {"kk": N + 1})
    client.get("/api/v1/articles/bilingual", params={"lang": "kk"})
    client.app.state.flusher.flush()
    assert _counts(engine, "bilingual") == (1, {})


def test_two_app_instances_on_one_database_add_up(engine, russian_only, make_client):
    first, second = make_client(**FLUSH_LATER), make_client(**FLUSH_LATER)
    for client, reads in ((first, N), (second, N + 3)):
        for _ in range(reads):
            assert client.get(f"/api/v1/articles/{russian_only}", headers={"Accept-Language": "en"}).status_code == 200
    first.app.state.flusher.flush()
    second.app.state.flusher.flush()
    first.app.state.flusher.flush()
    assert _counts(engine, russian_only) == (2 * N + 3, {"en": 2 * N + 3})


def test_an_unpublished_article_counts_demand_but_no_view(engine, make_client):
    with session_scope(engine) as session:
        make_article(session, slug="draft-only", status="draft")
    client = make_client(**FLUSH_LATER)
    assert client.get("/api/v1/articles/draft-only?lang=kk").status_code == 404
    assert client.get("/api/v1/articles/no-such-article?lang=kk").status_code == 404
    client.app.state.flusher.flush()
    assert _counts(engine, "draft-only") == (0, {"kk": 1})


def test_stopping_the_app_flushes_what_is_buffered(engine, russian_only, make_client, database_url):
    from litestar.testing import TestClient

    from library.settings import load_settings
    from library.web.app import create_app

    app = create_app(load_settings({"LIBRARY_DATABASE_URL": database_url, **FLUSH_LATER}))
    with TestClient(app) as client:
        for _ in range(N):
            client.get(f"/api/v1/articles/{russian_only}?lang=kk")
    assert _counts(engine, russian_only) == (N, {"kk": N})


@pytest.mark.slow
def test_sigterm_to_a_running_server_loses_no_count(engine, russian_only, database_url):
    with Served(database_url, **FLUSH_LATER) as server:
        for _ in range(N):
            status, body = server.get(f"/api/v1/articles/{russian_only}?lang=kk")
            assert (status, body["fallback"]) == (200, True)
        assert _counts(engine, russian_only) == (0, {})
        # uvicorn shuts down gracefully, then re-raises the signal it caught: -SIGTERM is a clean exit.
        assert server.terminate() in (0, -signal.SIGTERM)
    assert _counts(engine, russian_only) == (N, {"kk": N})
