"""Who may call what: anonymous readers get 401, wrong roles and languages 403 with a reason."""

from __future__ import annotations

import pytest

from library.storage import session_scope
from tests.factories import PASSWORD, make_article

WORKFLOW_ROUTES = [
    ("GET", "/api/v1/workflow/queue?lang=kk"),
    ("GET", "/api/v1/workflow/variants/water/kk"),
    ("PUT", "/api/v1/workflow/variants/water/kk"),
    ("POST", "/api/v1/workflow/variants/water/kk/submit"),
    ("POST", "/api/v1/workflow/variants/water/kk/publish"),
    ("POST", "/api/v1/workflow/variants/water/kk/reject"),
    ("POST", "/api/v1/workflow/variants/water/kk/restore"),
    ("GET", "/api/v1/workflow/variants/water/kk/history"),
    ("GET", "/api/v1/workflow/audit"),
    ("GET", "/api/v1/workflow/exchange/kk"),
    ("POST", "/api/v1/workflow/exchange/kk"),
    ("GET", "/api/v1/auth/me"),
    ("DELETE", "/api/v1/auth/tokens/1"),
]
#: A well-formed body for each kind of route, so only the credentials can be what is wrong.
BODIES = {"PUT": {"title": "Су"}, "reject": {"comment": "Please check the numbers."}, "restore": {"revision": 1},
          "exchange": None}


def _body(method: str, path: str):
    for key, body in BODIES.items():
        if key == method or path.rsplit("/", 1)[-1] == key or f"/{key}/" in path:
            return body
    return None


@pytest.fixture
def water(engine):
    with session_scope(engine) as session:
        make_article(session, slug="water")


@pytest.mark.parametrize("method, path", WORKFLOW_ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer lib_not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_readers_without_a_valid_token_get_401_everywhere(client, staff, water, method, path, authorization):
    headers = {"Accept-Language": "en", **({"Authorization": authorization} if authorization else {})}
    response = client.request(method, path, headers=headers, json=_body(method, path))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"] == 'Bearer realm="library"'
    body = response.json()
    assert body["status"] == 401 and body["type"].endswith("/not-authenticated") and "token" in body["detail"].lower()


@pytest.mark.parametrize("method, path", [r for r in WORKFLOW_ROUTES if "/auth/" not in r[1]])
def test_a_reader_account_gets_403_naming_the_role_it_lacks(client, staff, water, method, path):
    response = client.request(method, path, headers=staff["reader"], json=_body(method, path))
    assert response.status_code == 403
    assert "reader" in response.json()["detail"] and "role" in response.json()["detail"]


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/workflow/queue?lang=en"),
    ("GET", "/api/v1/workflow/variants/water/en"),
    ("PUT", "/api/v1/workflow/variants/water/en"),
    ("POST", "/api/v1/workflow/variants/water/en/submit"),
    ("POST", "/api/v1/workflow/variants/water/en/restore"),
    ("GET", "/api/v1/workflow/variants/water/en/history"),
    ("GET", "/api/v1/workflow/exchange/en"),
    ("POST", "/api/v1/workflow/exchange/en"),
])
def test_a_kk_translator_gets_403_on_english(client, staff, water, method, path):
    headers = {**staff["aigerim"], "If-Match": '"v1-r1"'}
    response = client.request(method, path, headers=headers, json=_body(method, path))
    assert response.status_code == 403, response.text
    assert response.json()["detail"] == (
        "The account aigerim may work only in these languages: kk. It may not work in the language “en”.")
    assert response.json()["language"] == "en"


@pytest.mark.parametrize("method, path, who", [
    ("POST", "/api/v1/workflow/variants/water/kk/publish", "aigerim"),
    ("POST", "/api/v1/workflow/variants/water/kk/reject", "aigerim"),
    ("GET", "/api/v1/workflow/audit", "aigerim"),
])
def test_translators_cannot_publish_reject_or_read_the_audit_log(client, staff, water, method, path, who):
    response = client.request(method, path, headers={**staff[who], "If-Match": '"v1-r1"'}, json={"comment": "x"})
    assert response.status_code == 403
    assert "role “editor”" in response.json()["detail"]


def test_sign_in_for_a_token_use_it_and_revoke_it(client, staff):
    issued = client.post("/api/v1/auth/tokens", json={"username": "dana", "password": PASSWORD, "name": "cat"})
    assert issued.status_code == 201
    body = issued.json()
    assert body["token"].startswith("lib_") and (body["role"], body["languages"]) == ("translator", ["kk"])
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/auth/me", headers=headers).json()["username"] == "dana"
    assert client.delete(f"/api/v1/auth/tokens/{body['id']}", headers=staff["aigerim"]).status_code == 403
    assert client.delete(f"/api/v1/auth/tokens/{body['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


@pytest.mark.parametrize("username, password", [("dana", "wrong password!"), ("nobody", PASSWORD)])
def test_wrong_credentials_get_401_without_saying_which_part_was_wrong(client, staff, username, password):
    response = client.post("/api/v1/auth/tokens", json={"username": username, "password": password},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json()["detail"] == "The username or password is wrong, or the account is disabled."


KK_403 = "aigerim тіркелгісі тек мына тілдерде жұмыс істей алады: kk. «en» тілінде жұмыс істеуге рұқсат жоқ."
RU_403 = "Учётная запись aigerim может работать только с этими языками: kk. С языком «en» ей работать нельзя."


@pytest.mark.parametrize("accept, cookie, language, detail", [
    ("kk", None, "kk", KK_403),
    ("ru-RU,ru;q=0.9", None, "ru", RU_403),
    ("en", "ru", "ru", RU_403),       # the reader's explicit choice (cookie) wins over the header
    (None, None, "kk", KK_403),       # the site default
])
def test_problem_details_speak_the_readers_interface_language(client, staff, water, accept, cookie, language, detail):
    headers = {"Authorization": staff["aigerim"]["Authorization"]}
    if accept:
        headers["Accept-Language"] = accept
    if cookie:
        client.cookies.set("library_lang", cookie)
    response = client.get("/api/v1/workflow/queue?lang=en", headers=headers)
    assert response.status_code == 403
    assert response.headers["content-language"] == language
    assert response.json()["detail"] == detail and response.json()["language"] == "en"


def test_the_openapi_document_lists_the_workflow_routes_and_their_problems(client):
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    put = paths["/api/v1/workflow/variants/{slug}/{language}"]["put"]
    assert {"401", "403", "412", "428"} <= set(put["responses"])
    assert "application/problem+json" in put["responses"]["412"]["content"]
    assert "422" in paths["/api/v1/workflow/exchange/{language}"]["post"]["responses"]
    assert "/api/v1/auth/tokens" in paths and "/api/v1/workflow/queue" in paths
