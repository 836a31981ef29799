"""Two app hosts over one PostgreSQL (issue 16), each `library serve` in a network namespace of its own
(`tests.netns`) reaching a private cluster over its veth link: a publish on host A is served by host B
within a second, with B listening and with B's listening connection cut; reads counted on both hosts
add up, and a SIGTERM loses none; sign-in throttling, tokens and the form-protection secret are shared.
"""

from __future__ import annotations

import json
import re
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from library.storage import create_engine_for, session_scope, upgrade
from tests import netns, pgcluster
from tests.factories import PASSWORD, make_article, make_user, translate
from tests.servers import Served, free_port

pytestmark = pytest.mark.slow

SLUG = "two-hosts"
ARTICLE = f"/api/v1/articles/{SLUG}?lang=kk"
QUIET = {"LIBRARY_FLUSH_INTERVAL": "3600", "LIBRARY_SIGNIN_LIMIT": "3"}
"""Counts are written only when a host stops (the test sees exactly what a SIGTERM flushes)."""


class Site:
    """A private PostgreSQL reachable from every namespace, the library's schema, one article, one editor."""

    def __init__(self, hosts: netns.Hosts) -> None:
        self.hosts = hosts
        gateways = tuple(host.gateway for host in hosts.hosts)
        self.cluster = pgcluster.PrivateCluster(listen=("127.0.0.1", *gateways))
        try:
            self.cluster.allow(hosts.network)
            self.cluster.start()
            name = f"hosts_{uuid.uuid4().hex[:8]}"
            self.url = self.cluster.create_database(name)
            self.engine = create_engine_for(self.url)
            upgrade(self.engine)
        except BaseException:
            self.cluster.remove()
            raise
        self.name = name

    def url_from(self, host: netns.Host, port: int | None = None) -> str:
        return f"postgresql://postgres@{host.gateway}:{port or self.cluster.port}/{self.name}"

    def reset(self) -> None:
        with self.engine.begin() as connection:
            tables = connection.execute(text("SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                                             "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))
            connection.execute(text(f"TRUNCATE {tables.scalar_one()} RESTART IDENTITY CASCADE"))
        with session_scope(self.engine) as session:
            article = make_article(session, slug=SLUG)
            translate(session, article, "kk", title="Бірінші атау")
            make_user(session, "dana", role="editor", languages=("en", "ru", "kk"))

    def views(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT views FROM article WHERE slug = :slug"), {"slug": SLUG}).scalar_one()

    def close(self) -> None:
        self.engine.dispose()
        self.cluster.remove()


@pytest.fixture(scope="module")
def site(db_kind: str) -> Iterator[Site]:
    if db_kind != "postgres":
        pytest.skip("several app hosts share one PostgreSQL: run with --db=postgres")
    for why in (netns.why_unavailable(), pgcluster.why_unavailable()):
        if why is not None:
            pytest.skip(f"no separate app hosts on this machine: {why}")
    with netns.Hosts(2) as hosts:
        made = Site(hosts)
        yield made
        made.close()


@pytest.fixture
def forwarder(site: Site) -> Iterator[netns.Forwarder]:
    """Host B's path for its listening connection: cut and mended by the test."""
    b = site.hosts.hosts[1]
    relay = netns.Forwarder((b.gateway, free_port()), ("127.0.0.1", site.cluster.port))
    yield relay
    relay.close()


@pytest.fixture
def hosts(site: Site, forwarder: netns.Forwarder) -> Iterator[tuple[Served, Served]]:
    site.reset()
    a, b = site.hosts.hosts
    with Served(site.url_from(a), host=a.address, wrap=a.wrap, **QUIET) as first, \
            Served(site.url_from(b), host=b.address, wrap=b.wrap,
                   LIBRARY_LISTEN_URL=site.url_from(b, forwarder.listen[1]), **QUIET) as second:
        for server in (first, second):
            _wait_for_mode(server, "listening")
        yield first, second


def _call(server: Served, method: str, path: str, body: dict | None = None, **headers: str) -> tuple[int, Any, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{server.origin}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"null")


def _wait_for_mode(server: Served, mode: str, limit: float = 10.0) -> dict:
    deadline = time.monotonic() + limit
    while (state := server.get("/api/v1/health")[1]["invalidation"])["mode"] != mode:
        assert time.monotonic() < deadline, f"{server.origin} is still {state} after {limit} s"
        time.sleep(0.05)
    return state


def _token(server: Served, password: str = PASSWORD) -> tuple[int, dict]:
    status, _, body = _call(server, "POST", "/api/v1/auth/tokens", {"username": "dana", "password": password})
    return status, body


def _publish(server: Served, title: str) -> float:
    """An editor saves and publishes the Kazakh text through ``server``'s API; returns when it answered."""
    bearer = {"Authorization": f"Bearer {_token(server)[1]['token']}"}
    path = f"/api/v1/workflow/variants/{SLUG}/kk"
    status, headers, _ = _call(server, "GET", path, **bearer)
    assert status == 200
    status, _, body = _call(server, "PUT", path, {"title": title, "body": "<p>Мәтін.</p>", "status": "published"},
                            **{"If-Match": headers["ETag"], **bearer})
    assert status == 200 and body["status"] == "published", body
    return time.monotonic()


def _title(server: Served) -> str:
    status, body = server.get(ARTICLE)
    assert status == 200, body
    return body["title"]


def _served_within(server: Served, title: str, since: float, limit: float = 1.0) -> float:
    while _title(server) != title:
        assert time.monotonic() - since < limit, f"{server.origin} still not serving {title!r} after {limit} s"
        time.sleep(0.02)
    return time.monotonic() - since


def test_a_publish_on_one_host_is_served_by_the_other_within_a_second(hosts, forwarder):
    a, b = hosts
    for _ in range(3):
        assert _title(b) == "Бірінші атау"  # cached on B now
    assert _served_within(b, "Екінші атау", _publish(a, "Екінші атау")) < 1.0

    forwarder.cut()  # B's listening connection is reset and cannot come back
    polling = _wait_for_mode(b, "polling", limit=2.0)
    assert polling["reason"]
    assert _title(b) == "Екінші атау"
    assert _served_within(b, "Үшінші атау", _publish(a, "Үшінші атау")) <= 1.0
    assert _wait_for_mode(a, "listening")  # A was never cut

    forwarder.mend()
    assert _wait_for_mode(b, "listening")["since"] > polling["since"]
    assert _served_within(b, "Төртінші атау", _publish(a, "Төртінші атау")) < 1.0


def test_reads_counted_on_both_hosts_add_up_and_a_sigterm_loses_none(hosts, site):
    a, b = hosts
    for server, reads in ((a, 7), (b, 5)):
        for _ in range(reads):
            _title(server)
    assert site.views() == 0  # nothing flushed yet: both hold their counts
    assert b.terminate() in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has shut down
    assert site.views() == 5
    assert _title(a)  # A goes on serving
    assert a.terminate() in (0, -signal.SIGTERM)
    assert site.views() == 7 + 5 + 1


def test_sign_in_failures_tokens_and_form_protection_are_shared_by_the_hosts(hosts):
    a, b = hosts
    status, token = _token(a)
    assert status == 201
    assert _call(b, "GET", "/api/v1/auth/me", Authorization=f"Bearer {token['token']}")[2]["username"] == "dana"

    assert [_token(server, "wrong")[0] for server in (a, b, a)] == [401, 401, 401]  # limit 3, on two hosts
    status, _ = _token(b)
    assert status == 429  # the right password too, while the failures are in the window

    # A browser that does not say where its form came from confirms in a round trip: A asks, B accepts.
    posted = {"email": "reader@example.kz", "language": "kk", "next": "/"}
    with urllib.request.urlopen(urllib.request.Request(f"{a.origin}/kk/newsletter",
                                                       data=urllib.parse.urlencode(posted).encode()),
                                timeout=10) as page:
        form = page.read().decode()
        cookie = next(c.split(";")[0] for c in page.headers.get_all("set-cookie") if c.startswith("library_form="))
    confirm = re.search(r'name="_confirm" value="([0-9a-f]+)"', form).group(1)
    posted = urllib.parse.urlencode({**posted, "_confirm": confirm}).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    # The reader's next request, the confirming POST, reaches host B (the same site name in front of both).
    opener = urllib.request.build_opener(NoRedirect())
    request = urllib.request.Request(f"{b.origin}/kk/newsletter", data=posted, headers={"Cookie": cookie})
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=10)
    assert answer.value.code == 303  # B accepted A's form: one secret for every host
