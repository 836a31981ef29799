"""HTTPS and the client's address, directly or through a reverse proxy: cookies are Secure over HTTPS, and
``X-Forwarded-Proto`` / ``X-Forwarded-For`` count only from LIBRARY_TRUSTED_PROXIES.

Direct HTTPS goes through the test client (its scheme is https); the proxy cases need a real
connection from 127.0.0.1, so they run a real `library serve`.
"""

from __future__ import annotations

import re

import httpx
import pytest

from library.storage import session_scope
from tests.factories import PASSWORD, make_user
from tests.servers import Served

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _cookies(response) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    return {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}


def _secure(cookie: str) -> bool:
    return "secure" in [part.strip().lower() for part in cookie.split(";")[1:]]


def _sign_in(client, base: str = "", **headers) -> tuple[httpx.Response, httpx.Response]:
    """The login form (which sets the CSRF cookie) and the answer to a right password (the session cookie)."""
    form = client.get(f"{base}/en/login", headers=headers)
    # Sent by hand: a client keeps a Secure cookie to itself over plain HTTP (here, proxy to app).
    csrf = _cookies(form)["library_csrf"].split(";")[0]
    client.cookies.clear()
    answer = client.post(f"{base}/en/session", headers={**headers, "Cookie": csrf}, data={
        "username": "olga", "password": PASSWORD, "_csrf_token": CSRF.search(form.text).group(1)})
    return form, answer


@pytest.fixture
def olga(engine):
    with session_scope(engine) as session:
        make_user(session, "olga", "editor")


@pytest.mark.parametrize(("scheme", "secure"), [("https", True), ("http", False)])
def test_cookies_are_secure_when_the_request_itself_is_https(olga, settings, scheme, secure):
    from litestar.testing import TestClient

    from library.web.app import create_app

    with TestClient(create_app(settings), base_url=f"{scheme}://library.test") as client:
        client.follow_redirects = False
        form, answer = _sign_in(client)
        assert answer.status_code == 303
        cookies = {**_cookies(form), **_cookies(answer)}
        assert {"library_csrf", "library_session"} <= set(cookies)
        assert all(_secure(cookie) is secure for cookie in cookies.values()), cookies


@pytest.mark.slow
@pytest.mark.parametrize(("trusted", "believed"), [("127.0.0.1", True), ("10.0.0.0/8", False)])
def test_forwarded_headers_count_only_from_a_trusted_proxy(olga, database_url, trusted, believed):
    with Served(database_url, LIBRARY_TRUSTED_PROXIES=trusted, LIBRARY_SIGNIN_LIMIT="2") as server, \
            httpx.Client(follow_redirects=False, timeout=30) as client:
        base = f"http://127.0.0.1:{server.port}"
        form, answer = _sign_in(client, base, **{"X-Forwarded-Proto": "https"})
        cookies = {**_cookies(form), **_cookies(answer)}
        assert answer.status_code == 303 and {"library_csrf", "library_session"} <= set(cookies)
        assert all(_secure(cookie) is believed for cookie in cookies.values()), cookies

        def wrong(username: str, address: str) -> int:
            return client.post(f"{base}/api/v1/auth/tokens", json={"username": username, "password": "wrong!"},
                               headers={"X-Forwarded-For": f"{address}, 127.0.0.1"}).status_code

        assert [wrong(name, "203.0.113.5") for name in ("a1", "a2", "a3")] == [401, 401, 429]
        # Another client behind the proxy has its own count, if the proxy is believed.
        assert wrong("a4", "203.0.113.6") == (401 if believed else 429)
