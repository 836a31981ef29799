"""Language negotiation through HTTP: ?lang= beats the cookie, which beats Accept-Language."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar, Request, get
from litestar.testing import TestClient

from library.bootstrap import language_registry
from library.settings import load_settings
from library.storage import session_scope
from library.web.negotiation import request_language
from library.web.problems import EXCEPTION_HANDLERS
from tests.factories import make_article, translate

ARTICLE = "/api/v1/articles/in-three-languages"


@pytest.fixture
def trilingual(engine):
    """One article published in en, ru and kk, so the language served is the one negotiated."""
    with session_scope(engine) as session:
        article = make_article(session, slug="in-three-languages")
        translate(session, article, "kk", "Үш тілде")
        translate(session, article, "en", "In three languages")


@pytest.mark.parametrize(
    ("lang", "cookie", "header", "expected"),
    [
        ("ru", "en", "kk", "ru"),
        ("KK", "en", "ru", "kk"),
        ("", "en", "ru", "en"),
        (None, "en", "ru", "en"),
        (None, "ru", None, "ru"),
        (None, "de", "en", "en"),  # a cookie the site does not support is ignored
        (None, "", "ru", "ru"),
        (None, None, "ru;q=0.1, kk;q=0.9", "kk"),
        (None, None, "ru, kk;q=0.9", "ru"),
        (None, None, "en-US,en;q=0.9,ru;q=0.8", "en"),
        (None, None, "kk-KZ", "kk"),
        (None, None, "RU-ru", "ru"),
        (None, None, "*", "kk"),
        (None, None, "kk;q=0, *", "en"),
        (None, None, "de, fr;q=0.8", "kk"),
        (None, None, None, "kk"),
    ],
)
def test_precedence_and_accept_language(trilingual, client, lang, cookie, header, expected):
    params = {} if lang is None else {"lang": lang}
    headers = {} if header is None else {"Accept-Language": header}
    if cookie is not None:
        headers["Cookie"] = f"library_lang={cookie}"
    response = client.get(ARTICLE, params=params, headers=headers)
    assert response.status_code == 200
    assert response.json()["requested_language"] == response.json()["language"] == expected
    assert response.headers["content-language"] == expected
    assert response.headers["vary"] == "Accept-Language, Cookie, Accept-Encoding"


@pytest.mark.parametrize("path", [ARTICLE, "/api/v1/articles", "/api/v1/archive", "/api/v1/sections",
                                  "/api/v1/languages"])
@pytest.mark.parametrize("lang", ["de", "kk-KZ", "english", "x" * 200])
def test_an_unsupported_explicit_language_is_a_400_listing_the_supported_ones(trilingual, client, path, lang):
    response = client.get(path, params={"lang": lang})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("/unsupported-language") and problem["status"] == 400
    assert problem["supported"] == ["en", "ru", "kk", "kk-Latn"]
    assert all(code in problem["detail"] for code in ("en", "ru", "kk"))


@pytest.mark.parametrize(
    "header",
    [";;;", ",,,", "q=0.5", "kk;q=abc", "ru;q=1.5", "kk;x=1", "en-", "-kk", "kk--KZ", "*;q=", "ru;q=0.5;q=0.4",
     "\t", "x" * 9000, ", ".join(["zz"] * 500), "ru;q=0.1" * 300],
)
def test_malformed_accept_language_is_ignored(trilingual, client, header):
    response = client.get(ARTICLE, headers={"Accept-Language": header})
    assert response.status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
       cookie=st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=';,"\\'), max_size=20))
def test_no_header_or_cookie_makes_a_server_error(trilingual, client, header, cookie):
    response = client.get(ARTICLE, headers={"Accept-Language": header, "Cookie": f"library_lang={cookie}"})
    assert response.status_code == 200


def test_pages_negotiate_the_same_way_and_a_language_prefix_is_explicit():
    """The pages call the same `request_language` as the API; a /{lang}/ prefix is an explicit choice."""

    @get(["/page", "/{lang:str}/page"])
    async def page(request: Request) -> dict:
        language = request_language(request)
        return {"language": language.language, "source": language.source}

    app = Litestar([page], exception_handlers=EXCEPTION_HANDLERS)
    app.state.languages = language_registry(load_settings({}))
    with TestClient(app) as client:
        assert client.get("/ru/page", headers={"Accept-Language": "en"}).json() == {"language": "ru",
                                                                                   "source": "explicit"}
        assert client.get("/page?lang=en").json() == {"language": "en", "source": "explicit"}
        assert client.get("/page", headers={"Cookie": "theme=dark; library_lang=ru"}).json()["source"] == "cookie"
        assert client.get("/page", headers={"Accept-Language": "kk-KZ"}).json() == {"language": "kk",
                                                                                    "source": "header"}
        assert client.get("/page").json() == {"language": "kk", "source": "default"}
        assert client.get("/de/page").status_code == 400
