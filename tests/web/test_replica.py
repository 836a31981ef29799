"""A real streaming replica for readers (issue 16): reads go to it, a publish shows up through it, its
lag is reported and, beyond ``LIBRARY_REPLICA_MAX_LAG``, readers read the primary; a visitor's own
next request after a write reads the primary; a stopped replica costs readers no error.

The primary is a private cluster (`tests.pgcluster`, never the shared server on 5432) and the replica
a second one made from it with ``pg_basebackup -R`` on its own port.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient
from sqlalchemy import text

from library.content import service
from library.content.events import attach
from library.content.models import Status
from library.content.service import VariantText
from library.settings import load_settings
from library.storage import create_engine_for, session_scope, upgrade
from library.web.app import create_app
from library.web.replica import WROTE_COOKIE
from tests import pgcluster
from tests.conftest import TEST_EVENTS
from tests.factories import make_article, translate

pytestmark = pytest.mark.slow

SLUG = "replicated"
ARTICLE = f"/api/v1/articles/{SLUG}?lang=kk"
PAGE = f"/kk/articles/{SLUG}"


class Pair:
    """A private primary and its hot standby, each with the library's database."""

    def __init__(self) -> None:
        self.primary = pgcluster.PrivateCluster()
        self.standby: pgcluster.PrivateCluster | None = None
        self.engine = None
        try:
            self._make()
        except BaseException:
            self.close()
            raise

    def _make(self) -> None:
        self.primary.start()
        self.primary_url = self.primary.create_database("library")
        engine = create_engine_for(self.primary_url)
        upgrade(engine)
        self.engine = attach(engine, TEST_EVENTS)
        with session_scope(self.engine) as session:
            article = make_article(session, slug=SLUG)
            translate(session, article, "kk", title="Бірінші атау")
        self.standby = pgcluster.PrivateCluster.standby_of(self.primary)
        self.standby.start()
        self.replica_url = self.standby.url("library")

    def publish(self, title: str) -> float:
        with session_scope(self.engine) as session:
            article = service.get_article(session, SLUG)
            service.save_variant(session, article, "kk", VariantText(title, "", "<p>Мәтін.</p>"), by="editor",
                                 status=Status.PUBLISHED)
        return time.monotonic()

    def on_standby(self, statement: str) -> None:
        engine = create_engine_for(self.replica_url)
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
        if self.standby is not None:
            self.standby.remove()
        self.primary.remove()


@pytest.fixture(scope="module")
def pair(db_kind: str) -> Iterator[Pair]:
    if db_kind != "postgres":
        pytest.skip("a read replica is a PostgreSQL standby: run with --db=postgres")
    if (reason := pgcluster.why_unavailable()) is not None:
        pytest.skip(f"no private PostgreSQL clusters for the replica tests: {reason}")
    made = Pair()
    yield made
    made.close()


@pytest.fixture
def client(pair: Pair) -> Iterator[TestClient]:
    settings = load_settings({"LIBRARY_DATABASE_URL": pair.primary_url,
                              "LIBRARY_DATABASE_REPLICA_URL": pair.replica_url,
                              "LIBRARY_REPLICA_MAX_LAG": "1", "LIBRARY_FLUSH_INTERVAL": "3600"})
    with TestClient(create_app(settings)) as client:
        _wait_for_state(client, "up")
        yield client


def _replica(client: TestClient) -> dict:
    response = client.get("/api/v1/health")
    assert response.status_code == 200, response.text
    return response.json()["replica"]


def _wait_for_state(client: TestClient, state: str, limit: float = 10.0) -> dict:
    deadline = time.monotonic() + limit
    while (seen := _replica(client))["state"] != state:
        assert time.monotonic() < deadline, f"the replica is still {seen} after {limit} s"
        time.sleep(0.05)
    return seen


def _title(client: TestClient, **cookies: str) -> str:
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies.set(name, value)
    response = client.get(ARTICLE)
    assert response.status_code == 200, response.text
    return response.json()["title"]


def _wait_for_title(client: TestClient, title: str, since: float, limit: float = 1.0) -> float:
    while _title(client) != title:
        assert time.monotonic() - since < limit, f"still not serving {title!r} after {limit} s"
        time.sleep(0.02)
    return time.monotonic() - since


def test_readers_read_the_replica_and_a_publish_shows_up_through_it(pair, client):
    before = _replica(client)["reads"]
    client.app.state.cache.clear()
    assert _title(client) == "Бірінші атау"
    assert client.get(PAGE).status_code == 200
    after = _replica(client)
    assert after["reads"]["replica"] > before["replica"] and after["reads"]["primary"] == before["primary"]
    assert after["lag_seconds"] is not None and after["lag_bytes"] is not None and after["max_lag"] == 1.0

    since = pair.publish("Екінші атау")
    assert _wait_for_title(client, "Екінші атау", since) <= 1.0
    reads = _replica(client)["reads"]
    assert client.get(PAGE).text.count("Екінші атау") >= 1
    assert _replica(client)["reads"]["replica"] > reads["replica"]  # the new text, read from the replica


def test_a_replica_behind_by_more_than_the_setting_sends_readers_to_the_primary(pair, client):
    pair.on_standby("SELECT pg_wal_replay_pause()")
    try:
        since = pair.publish("Пауза кезінде")
        assert _wait_for_title(client, "Пауза кезінде", since) <= 1.0  # from the primary: the cache knew
        lagging = _wait_for_state(client, "lagging", limit=5.0)
        assert lagging["lag_seconds"] > 1.0 and lagging["lag_bytes"] > 0
        reads = lagging["reads"]
        assert client.get(PAGE).status_code == 200
        assert _replica(client)["reads"]["replica"] == reads["replica"]
    finally:
        pair.on_standby("SELECT pg_wal_replay_resume()")
    caught_up = _wait_for_state(client, "up", limit=5.0)
    assert caught_up["lag_seconds"] == 0 and caught_up["lag_bytes"] == 0


def test_a_visitor_reads_the_primary_right_after_their_own_write(pair, client):
    response = client.post("/kk/newsletter", data={"email": "reader@example.kz", "language": "kk", "next": "/"},
                           headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    assert response.status_code == 303
    wrote = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{WROTE_COOKIE}=")]
    assert wrote == [f"{WROTE_COOKIE}=1; Max-Age=2; Path=/; HttpOnly; SameSite=Lax"]  # max lag 1 s, plus one
    reads = _replica(client)["reads"]
    assert _title(client, **{WROTE_COOKIE: "1"})
    after = _replica(client)["reads"]
    assert after["replica"] == reads["replica"] and after["primary"] > reads["primary"]
    refused = client.post("/kk/newsletter", data={"email": "x@example.kz"}, headers={"Sec-Fetch-Site": "cross-site"},
                          follow_redirects=False)
    assert refused.status_code == 403 and WROTE_COOKIE not in refused.headers.get("set-cookie", "")


@pytest.mark.parametrize("staff", [{"headers": {"Authorization": "Bearer any-token"}},
                                   {"cookies": {"library_session": "any-session"}}])
def test_staff_read_the_primary_even_on_reader_routes(pair, client, staff):
    reads = _replica(client)["reads"]
    client.cookies.clear()
    for name, value in staff.get("cookies", {}).items():
        client.cookies.set(name, value)
    assert client.get(PAGE, headers=staff.get("headers", {})).status_code == 200
    client.cookies.clear()
    after = _replica(client)["reads"]
    assert after["replica"] == reads["replica"] and after["primary"] > reads["primary"]


def test_a_stopped_replica_costs_readers_no_error(pair, client):
    client.app.state.cache.clear()
    pair.standby.stop("fast")
    try:
        statuses = []
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            client.app.state.cache.clear()
            statuses += [client.get(ARTICLE).status_code, client.get(PAGE).status_code,
                         client.get("/api/v1/articles?lang=ru").status_code]
        assert set(statuses) == {200} and len(statuses) > 30
        down = _wait_for_state(client, "down", limit=2.0)
        assert down["reason"]
    finally:
        pair.standby.start()
    _wait_for_state(client, "up")
    client.app.state.cache.clear()
    reads = _replica(client)["reads"]
    assert _title(client)
    assert _replica(client)["reads"]["replica"] > reads["replica"]
