"""Hostile input gets a 4xx, never a 500 (issue 13): control characters in every place a request
carries text, JSON nested 100,000 deep, oversized URLs and bodies, on every route the app has.

The routes are enumerated from the app itself, so a route added later is covered without editing
this table. Nothing a refused request carried may be stored.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from library.web.app import create_app
from tests.workflow.conftest import queued, staff  # noqa: F401  (fixtures)

#: Characters the one rule refuses (`library.content.limits`), as they travel in a URL.
IN_URL = {"NUL": "%00", "SOH": "%01", "DEL": "%7F", "ESC": "%1B", "LF": "%0A"}
#: The same and a lone surrogate, as they travel in JSON.
IN_JSON = {"NUL": "\\u0000", "SOH": "\\u0001", "DEL": "\\u007f", "VT": "\\u000b", "lone surrogate": "\\ud800"}
PARAMETER = re.compile(r"\{(\w+):(\w+)\}")


def _routes(app) -> list[tuple[str, str]]:
    """(method, path with every parameter filled) of each HTTP route of the app."""
    found = []
    for route in app.routes:
        for method in sorted(getattr(route, "methods", ())):
            if method in ("HEAD", "OPTIONS") or route.path.startswith("/static"):
                continue
            path = PARAMETER.sub(lambda m: "1" if m.group(2) == "int" else "ru", route.path)
            found.append((method, path))
    return found


def _rows(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in SQLModel.metadata.sorted_tables}


@pytest.fixture
def editor(staff):  # noqa: F811
    return {**staff["olga"], "Accept-Language": "ru"}


def _assert_refused(response, *, status: int = 400, kind: str = "control-character") -> None:
    assert response.status_code == status, (response.request.url, response.text[:300])
    if response.request.url.path.startswith("/api"):
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith(kind)
    else:
        assert response.headers["content-type"].startswith("text/html")


def test_every_route_refuses_control_characters_in_its_path_and_query(client, engine, queued, editor):  # noqa: F811
    before = _rows(engine)
    routes = _routes(client.app)
    assert len(routes) > 30  # the enumeration found the app's routes
    for method, path in routes:
        for encoded in IN_URL.values():
            in_path = re.sub(r"/ru(?=/|$)", f"/r{encoded}u", path, count=1) if "/ru" in path else path + encoded
            for url in (in_path, f"{path}?lang=ru&section={encoded}", f"{path}?{encoded}x=1"):
                if url == path + encoded and path.endswith("/"):
                    continue
                _assert_refused(client.request(method, url, headers=editor))
    assert _rows(engine) == before


@pytest.mark.parametrize("url", ["/api/v1/articles/a%00b", "/api/v1/articles?section=%00",
                                 "/api/v1/archive?section=%00", "/api/v1/untranslated?section=%00",
                                 "/api/v1/terms/%00", "/ru/sections/%00",
                                 "/kk-latn/articles/a%00", "/nowhere/%00"])
def test_the_urls_of_the_issue_are_a_translated_400(client, url):
    response = client.get(url, headers={"Accept-Language": "ru"})
    _assert_refused(response)
    if url.startswith("/api"):
        assert response.json()["title"] == "Управляющий символ"
        assert "U+0000" in response.json()["detail"]
    else:
        assert "U+0000" in response.text and 'lang="ru"' in response.text


def _json_routes(app) -> list[tuple[str, str]]:
    return [(method, path) for method, path in _routes(app) if method in ("POST", "PUT", "PATCH")
            and path.startswith("/api") and "exchange" not in path]


def test_every_json_route_refuses_control_characters_in_any_string_or_key(client, engine, queued, editor):  # noqa: F811
    before = _rows(engine)
    for method, path in _json_routes(client.app):
        for name, escaped in IN_JSON.items():
            for body in (f'{{"title": "a{escaped}b", "username": "x", "password": "y"}}',
                         f'{{"forms": {{"k{escaped}k": "x"}}, "title": "t"}}',
                         f'{{"forms": {{"kk": ["ok", "a{escaped}"]}}}}'):
                response = client.request(method, path, content=body.encode(),
                                          headers={**editor, "Content-Type": "application/json", "If-Match": '"v1-r1"'})
                # msgspec itself refuses a lone surrogate as malformed JSON.
                _assert_refused(response, kind="control-character" if name != "lone surrogate" else "invalid-input")
    assert _rows(engine) == before


@pytest.mark.parametrize("opening, closing", [(b"[", b"]"), (b'{"a":', b"}")])
def test_every_json_route_refuses_json_nested_100000_deep(client, engine, queued, editor, opening, closing):  # noqa: F811
    before = _rows(engine)
    body = opening * 100_000 + b"1" + closing * 100_000
    for method, path in _json_routes(client.app):
        for media_type in ("application/json", "text/plain"):  # Litestar reads JSON whatever the header says
            response = client.request(method, path, content=body,
                                      headers={**editor, "Content-Type": media_type, "If-Match": '"v1-r1"'})
            _assert_refused(response, kind="json-too-deep")
            assert response.json()["title"] == "Слишком глубокая вложенность JSON"
    assert _rows(engine) == before


def test_json_nested_a_little_is_still_read(client, queued, editor):  # noqa: F811
    response = client.post("/api/v1/terms/", json={"key": "water", "forms": {"ru": "вода", "kk": "су"}}, headers=editor)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("form", ["newsletter", "session", "translate/water/kk/save", "translate/water/kk/review"])
@pytest.mark.parametrize("encoded", ["%00", "%01", "%7F"])
def test_page_forms_refuse_control_characters_with_a_translated_page(client, engine, queued, form, encoded):  # noqa: F811
    before = _rows(engine)
    for body in (f"email=a{encoded}@example.org&username=a{encoded}&title=t{encoded}&password=x",
                 f"x{encoded}y=1"):
        response = client.post(f"/ru/{form}", content=body.encode(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        _assert_refused(response)
        assert "Управляющий символ" in response.text or "управляющий символ" in response.text
    assert _rows(engine) == before


def test_a_url_over_8_kb_is_a_414_problem(client):
    response = client.get("/api/v1/articles?section=" + "a" * 8200, headers={"Accept-Language": "kk"})
    _assert_refused(response, status=414, kind="uri-too-long")
    assert response.json()["title"] == "Мекенжай тым ұзын"
    under = client.get("/api/v1/articles?section=" + "a" * 7000)
    assert under.status_code == 404  # under 8 KB: answered (there is no such section)


def test_bodies_are_bounded_by_the_text_limit(make_client, queued, staff, engine):  # noqa: F811
    client = make_client(LIBRARY_MAX_TEXT_KB="4")
    editor = staff["olga"]
    before = _rows(engine)
    big = client.put("/api/v1/workflow/variants/water/kk", json={"title": "Су", "body": "<p>" + "су " * 2000 + "</p>"},
                     headers={**editor, "If-None-Match": "*"})
    _assert_refused(big, status=413, kind="text-too-large")
    assert "4 KB" in big.json()["detail"]
    huge = client.put("/api/v1/workflow/variants/water/kk", json={"title": "Су", "body": "су " * 20_000},
                      headers={**editor, "If-None-Match": "*"})
    _assert_refused(huge, status=413, kind="body-too-large")
    upload = client.post("/api/v1/workflow/exchange/kk", content=b"x" * 200_000, headers=editor)
    _assert_refused(upload, status=413, kind="body-too-large")
    assert _rows(engine) == before
    fits = client.put("/api/v1/workflow/variants/water/kk", json={"title": "Су", "body": "<p>Су бар.</p>"},
                      headers={**editor, "If-None-Match": "*"})
    assert fits.status_code == 201, fits.text


def test_the_default_text_limit_is_1_mb(client, queued, staff, engine):  # noqa: F811
    body = "<p>" + "су " * 350_000 + "</p>"  # 1.05 MB
    response = client.put("/api/v1/workflow/variants/water/kk", json={"title": "Су", "body": body},
                          headers={**staff["olga"], "If-None-Match": "*"})
    _assert_refused(response, status=413, kind="text-too-large")
    assert "1024 KB" in response.json()["detail"]


def test_the_app_factory_is_still_a_litestar_app(settings):
    app = create_app(settings)
    assert app.request_max_body_size == 32 * 1024 * 1024
