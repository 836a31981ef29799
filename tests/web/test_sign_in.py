"""Signing in over HTTP: throttled per account and per address (429 + Retry-After) on the token API and the
login form alike, translated; a right password works again once the window has passed; no write per
API call for "last used"."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from library.storage import session_scope
from library.workflow.models import ApiToken, User
from tests.factories import PASSWORD, make_user
from tests.web.conftest import count_statements

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def olga(engine):
    with session_scope(engine) as session:
        make_user(session, "olga", "editor")
        make_user(session, "dana", "translator", ("kk",))


def _token(client, username="olga", password=PASSWORD, **headers):
    return client.post("/api/v1/auth/tokens", json={"username": username, "password": password}, headers=headers)


def test_five_wrong_passwords_then_429_with_retry_after_even_for_the_right_one(olga, make_client):
    client = make_client()
    assert [_token(client, password="wrong password").status_code for _ in range(5)] == [401] * 5
    refused = _token(client, password=PASSWORD, **{"Accept-Language": "ru"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    problem = refused.json()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("/too-many-sign-ins") and problem["title"] == "Слишком много попыток входа"
    assert problem["retry_after"] == int(refused.headers["retry-after"]) and "Повторите" in problem["detail"]


def test_the_address_is_limited_across_accounts(olga, make_client):
    client = make_client()
    for name in ("olga", "dana", "nobody", "olga", "dana"):
        assert _token(client, name, "wrong password").status_code == 401
    assert _token(client, "john", "wrong password").status_code == 429


def test_a_right_password_works_again_after_the_window(olga, make_client):
    client = make_client(LIBRARY_SIGNIN_WINDOW="1", LIBRARY_SIGNIN_LIMIT="2")
    assert [_token(client, password="wrong password").status_code for _ in range(3)] == [401, 401, 429]
    time.sleep(1.1)
    assert _token(client).status_code == 201


def test_the_login_form_shows_the_wait_in_the_pages_language(olga, make_client):
    client = make_client(LIBRARY_SIGNIN_LIMIT="1")
    client.follow_redirects = False

    def login(password):
        token = CSRF.search(client.get("/kk/login").text).group(1)
        return client.post("/kk/session", data={"username": "olga", "password": password, "_csrf_token": token})

    assert login("wrong password").status_code == 401
    page = login(PASSWORD)
    assert page.status_code == 429 and int(page.headers["retry-after"]) >= 1
    assert "кіру әрекеттері тым көп" in page.text and "library_session" not in page.headers.get("set-cookie", "")


def test_presenting_a_token_writes_nothing_until_the_flush_records_its_last_use(olga, make_client, engine):
    client = make_client(LIBRARY_FLUSH_INTERVAL="3600")
    issued = _token(client).json()
    with count_statements(engine) as statements:
        assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {issued['token']}"}).status_code == 200
    assert not [s for s in statements.seen if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == issued["id"])) is None
    client.app.state.flusher.flush()
    with session_scope(engine, write=False) as session:
        used = session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == issued["id"]))
        assert used is not None
        assert session.scalar(select(User.last_used_at).where(User.username == "olga")) == used


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("LIBRARY_SIGNIN_LIMIT", "0", "whole number of at least 1"), ("LIBRARY_SIGNIN_LIMIT", "five", "whole number"),
    ("LIBRARY_SIGNIN_WINDOW", "-1", "positive"), ("LIBRARY_TRUSTED_PROXIES", "10.0.0.0/8,proxy", "'proxy'")])
def test_bad_access_settings_stop_the_start_naming_the_variable(variable, value, says):
    from library.errors import ConfigurationError
    from library.settings import load_settings

    with pytest.raises(ConfigurationError, match=variable) as error:
        load_settings({variable: value})
    assert says in str(error.value)


def test_access_settings_are_read():
    from library.settings import load_settings

    settings = load_settings({"LIBRARY_SIGNIN_LIMIT": "3", "LIBRARY_SIGNIN_WINDOW": "30",
                              "LIBRARY_TRUSTED_PROXIES": " 10.0.0.1, 192.168.0.0/16 "})
    assert (settings.sign_in_limit, settings.sign_in_window) == (3, 30.0)
    assert settings.trusted_proxies == ("10.0.0.1", "192.168.0.0/16")
    assert load_settings({"LIBRARY_TRUSTED_PROXIES": ""}).trusted_proxies == ()
