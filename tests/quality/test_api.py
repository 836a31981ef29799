"""/api/v1/terms: read and write the term base over HTTP; errors are problem details."""

from __future__ import annotations

import pytest

from library.quality.errors import QualityBlocked
from library.storage import session_scope
from library.web.problems import _lookup
from library.workflow import accounts
from tests.factories import make_user


@pytest.fixture
def editor(engine) -> dict[str, str]:
    """Headers of an editor's bearer token."""
    with session_scope(engine) as session:
        token = accounts.issue_token(session, make_user(session, "olga", "editor")).secret
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def translator(engine) -> dict[str, str]:
    with session_scope(engine) as session:
        token = accounts.issue_token(session, make_user(session, "aigerim", "translator", ("kk",))).secret
    return {"Authorization": f"Bearer {token}"}

IWG = {"key": "iwg", "forms": {"en": "Interdepartmental Working Group (IWG)",
                               "ru": "Межведомственная рабочая группа (МРГ)",
                               "kk": "Ведомствоаралық жұмыс тобы (ВЖТ)"},
       "forbidden": {"en": ["Ministry of Internal Affairs"]}, "note": "One of five groups."}


def test_create_read_update_delete(client, editor) -> None:
    created = client.post("/api/v1/terms", json=IWG, headers=editor)
    assert created.status_code == 201 and created.headers["location"] == "/api/v1/terms/iwg"
    assert {k: created.json()[k] for k in IWG} == IWG and created.json()["updated_by"] == "olga"
    assert [term["key"] for term in client.get("/api/v1/terms").json()] == ["iwg"]
    assert client.get("/api/v1/terms", params={"lang": "kk", "q": "тобы"}).json()[0]["key"] == "iwg"
    assert client.get("/api/v1/terms", params={"q": "nothing like it"}).json() == []
    changed = client.put("/api/v1/terms/iwg", json={**IWG, "key": "iwg-5p", "forbidden": {}}, headers=editor)
    assert changed.status_code == 200 and changed.json()["key"] == "iwg-5p" and changed.json()["forbidden"] == {}
    assert client.get("/api/v1/terms/iwg").status_code == 404
    assert client.delete("/api/v1/terms/iwg-5p", headers=editor).status_code == 204
    assert client.get("/api/v1/terms").json() == []


def test_a_key_is_made_when_none_is_given(client, editor) -> None:
    created = client.post("/api/v1/terms", json={"forms": {"en": "Coordination Council"}}, headers=editor)
    assert created.status_code == 201 and created.json()["key"] == "coordination-council"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "words"),
    [
        ("post", "/api/v1/terms", {**IWG, "forms": {"de": "Arbeitsgruppe"}}, 400, "'de' is not a supported language"),
        ("post", "/api/v1/terms", {**IWG, "colour": "red"}, 400, "Validation failed"),
        ("post", "/api/v1/terms", {"key": "x"}, 400, "Validation failed"),
        ("post", "/api/v1/terms", IWG, 409, "already has a term 'iwg'"),
        ("put", "/api/v1/terms/nothing", IWG, 404, "no term 'nothing'"),
        ("delete", "/api/v1/terms/nothing", None, 404, "no term 'nothing'"),
        ("get", "/api/v1/terms/nothing", None, 404, "no term 'nothing'"),
    ],
)
def test_errors_are_problem_details(client, editor, method, path, body, status, words) -> None:
    client.post("/api/v1/terms", json=IWG, headers=editor)
    response = client.request(method.upper(), path, json=body, headers=editor)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), [("post", "/api/v1/terms"), ("put", "/api/v1/terms/iwg"),
                                              ("delete", "/api/v1/terms/iwg")])
def test_writes_need_an_editor(client, editor, translator, method, path) -> None:
    client.post("/api/v1/terms", json=IWG, headers=editor)
    body = None if method == "delete" else IWG
    assert client.request(method.upper(), path, json=body).status_code == 401
    refused = client.request(method.upper(), path, json=body, headers=translator)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/terms/iwg").json()["forms"] == IWG["forms"]  # reading needs no account


def test_a_blocked_publication_is_a_409_problem_with_its_findings() -> None:
    facts = {"where": "paragraph", "number": 2, "excerpt": "Цели устойчивого развития", "expected": "kk",
             "found": "ru"}
    error = QualityBlocked("what-are-the-sdgs", "kk", 2, [{"code": "wrong-language", "severity": "error",
                                                           "message": "(stored English)", "facts": facts}])
    assert _lookup(error) == (409, "quality-blocked")
    assert error.facts["findings"][0]["facts"] == facts
    assert "revision 2: (1) Paragraph 2 is in Russian, not in Kazakh: “Цели устойчивого развития”" in error.detail
    assert "give a reason to publish it all the same" in error.detail


def test_the_openapi_document_lists_the_term_routes(client) -> None:
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    assert {"/api/v1/terms", "/api/v1/terms/{key}"} <= set(paths)
