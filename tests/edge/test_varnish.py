"""Varnish in front of the app, for real (issue 16): `scripts/varnish/library.vcl` in a varnishd on a
free port, before a `library serve` process. A read is a miss then a hit; a publish is fresh through
the cache within a second; staff and personal answers are never kept; an outage is covered by
stale-if-error."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from library.bootstrap import content_events
from library.content import service
from library.content.events import attach
from library.content.models import Status
from library.content.service import VariantText
from library.settings import load_settings
from library.storage import create_engine_for, session_scope, upgrade
from tests import pgcluster
from tests.edge.varnish import Varnish, why_unavailable
from tests.factories import make_article, translate
from tests.servers import Served

pytestmark = pytest.mark.slow

SLUG = "edge-article"
API = f"/api/v1/articles/{SLUG}?lang=kk"
PAGE = f"/kk/articles/{SLUG}"
FRESH_WITHIN = 1.0


@pytest.fixture(scope="module", autouse=True)
def _varnish_installed() -> None:
    if (reason := why_unavailable()) is not None:
        pytest.skip(f"Varnish is not installed: {reason}")


def _seed(engine) -> None:
    with session_scope(engine) as session:
        article = make_article(session, slug=SLUG, title="Бастапқы")
        translate(session, article, "kk", "Бірінші атау")


@pytest.fixture
def front(engine, database_url) -> Iterator[tuple[Served, Varnish]]:
    _seed(engine)
    with Served(database_url, LIBRARY_FLUSH_INTERVAL="3600") as app, Varnish(app.port) as varnish:
        varnish.wait_until_backend(healthy=True)
        yield app, varnish


def _writer(database_url: str, varnish: Varnish, mode: str = "xkey"):
    """An engine whose commits purge ``varnish``, as the app's and the CLI's do (`content_events`)."""
    settings = load_settings({"LIBRARY_PURGE_URL": varnish.url, "LIBRARY_PURGE_MODE": mode})
    return attach(create_engine_for(database_url), content_events(settings, history=False))


def _publish(writer, title: str) -> float:
    with session_scope(writer) as session:
        article = service.get_article(session, SLUG)
        service.save_variant(session, article, "kk", VariantText(title, "", "<p>Мәтін.</p>"),
                             status=Status.PUBLISHED)
    return time.monotonic()


def _title(varnish: Varnish, path: str) -> str:
    answer = varnish.get(path)
    assert answer.status == 200
    if path.startswith("/api/"):
        return answer.json()["title"]
    text = answer.body.decode()
    return text.split("<h1>", 1)[1].split("</h1>", 1)[0]


@pytest.mark.one_engine
def test_a_reader_read_is_a_miss_then_a_hit_shared_by_every_browser(front):
    _, varnish = front
    for path in (API, PAGE, "/api/v1/articles?lang=kk", "/api/v1/archive?lang=kk"):
        first = varnish.get(path)
        assert first.status == 200 and not first.hit, path
        again = [varnish.get(path, Accept_Language=language, Cookie=cookie) for language, cookie in
                 [("ru", "library_lang=en"), ("en-GB,en;q=0.9", "analytics=1"), ("kk", "")]]
        assert all(answer.hit and answer.body == first.body for answer in again), path
        assert "xkey" not in again[0].headers and "set-cookie" not in again[0].headers
    stats = varnish.stats()
    assert stats["cache_hit"] >= 12 and stats["cache_miss"] >= 4


@pytest.mark.one_engine
def test_a_conditional_read_is_answered_by_the_cache(front):
    _, varnish = front
    etag = varnish.get(API).headers["etag"]
    answer = varnish.get(API, If_None_Match=etag)
    assert answer.status == 304 and answer.hit


@pytest.mark.one_engine
@pytest.mark.parametrize("mode", ["xkey", "ban"])
def test_a_publish_is_fresh_through_the_cache_within_a_second(front, database_url, mode):
    _, varnish = front
    writer = _writer(database_url, varnish, mode)
    try:
        for round_, title in enumerate(["Екінші атау", "Үшінші атау"]):
            for path in (API, PAGE, "/api/v1/articles?lang=kk"):
                varnish.get(path)
                assert varnish.get(path).hit
            since = _publish(writer, title)
            for path in (API, PAGE):
                while _title(varnish, path) != title:
                    assert time.monotonic() - since < FRESH_WITHIN, f"{path} still stale ({mode}, round {round_})"
                    time.sleep(0.02)
            listing = varnish.get("/api/v1/articles?lang=kk").json()
            assert listing["items"][0]["title"] == title
            # The second purge has gone out by now: what is cached is the new text, and it stays.
            time.sleep(0.8)
            assert _title(varnish, API) == title and varnish.get(API).hit
    finally:
        writer.dispose()


@pytest.mark.one_engine
def test_an_article_nobody_changed_stays_cached_through_a_publish(front, engine, database_url):
    _, varnish = front
    with session_scope(engine) as session:
        other = make_article(session, slug="untouched")
        translate(session, other, "kk", "Тыныш")
    varnish.get("/api/v1/articles/untouched?lang=kk")
    writer = _writer(database_url, varnish)
    try:
        _publish(writer, "Жаңа")
        time.sleep(1.0)
    finally:
        writer.dispose()
    assert varnish.get("/api/v1/articles/untouched?lang=kk").hit


@pytest.mark.parametrize(("path", "headers"), [
    ("/ru/login", {}),
    (PAGE, {"Cookie": "library_session=whatever"}),
    (PAGE, {"Cookie": "library_flash=subscribed"}),
    ("/ru/editor/coverage", {}),
    (API, {"Authorization": "Bearer not-a-token"}),
    ("/api/v1/articles/" + SLUG, {"Accept-Language": "ru"}),  # negotiated: the app's to answer
    ("/", {"Accept-Language": "ru"}),
    ("/api/v1/health", {}),
])
@pytest.mark.one_engine
def test_staff_personal_and_negotiated_answers_are_never_cached(front, path, headers):
    _, varnish = front
    answers = [varnish.request("GET", path, headers) for _ in range(3)]
    assert not any(answer.hit for answer in answers), path
    if path == "/ru/login":  # each visitor gets their own CSRF cookie and token
        cookies = {answer.headers.get("set-cookie") for answer in answers}
        assert len(cookies) == 3 and None not in cookies


@pytest.mark.one_engine
def test_a_purge_with_keys_that_are_not_key_words_is_refused(front):
    _, varnish = front
    for method in ("PURGE", "BAN"):
        assert varnish.request(method, "/", {"xkey": 'x") || obj.status ~ ("'}).status == 400
        assert varnish.request(method, "/", {}).status == 400
        assert varnish.request(method, "/", {"xkey": "article-1 listings"}).status == 200


# --- an outage ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(db_kind: str) -> Iterator[pgcluster.PrivateCluster | None]:
    if db_kind != "postgres":
        yield None
        return
    if (reason := pgcluster.why_unavailable()) is not None:
        pytest.skip(f"no private PostgreSQL cluster for the outage test: {reason}")
    with pgcluster.PrivateCluster() as private:
        private.start()
        yield private


def test_an_outage_is_covered_by_stale_if_error(cluster, database_url, engine):
    """PostgreSQL: the database is stopped for real (a private cluster), the app answers 503 and its
    health check fails. SQLite: a file cannot be taken from a running server's open connections, so
    the app itself is stopped. Either way the cache answers from what it holds, past its s-maxage."""
    if cluster is not None:
        url = cluster.create_database(f"edge_{uuid.uuid4().hex[:8]}")
        private = create_engine_for(url)
        upgrade(private)
        _seed(attach(private, content_events(load_settings({}), history=False)))
        private.dispose()
    else:
        url = database_url
        _seed(engine)
    app = Served(url, LIBRARY_SHARED_MAX_AGE="1", LIBRARY_FLUSH_INTERVAL="3600")
    try:
        with Varnish(app.port) as varnish:
            varnish.wait_until_backend(healthy=True)
            before = {path: varnish.get(path).body for path in (API, PAGE)}
            if cluster is not None:
                cluster.stop("fast")
                assert app.get(API.replace(SLUG, "not-cached"))[0] == 503
            else:
                app.stop()
            varnish.wait_until_backend(healthy=False)
            time.sleep(1.5)  # past s-maxage: only stale-if-error lets the cache answer
            for path, body in before.items():
                for _ in range(3):
                    answer = varnish.get(path)
                    assert answer.status == 200 and answer.body == body, (path, answer.status)
            assert varnish.get("/api/v1/articles/never-read?lang=kk").status == 503  # nothing to cover it
            if cluster is not None:  # and back: the probe sees it, reads reach the app again
                cluster.start()
                varnish.wait_until_backend(healthy=True)
                assert varnish.get("/api/v1/articles/never-read?lang=kk").status == 404
    finally:
        app.stop()
        if cluster is not None and not cluster.running:
            cluster.start()
