"""/api/v1/terms: read and write the term base over HTTP; errors are problem details."""

from __future__ import annotations

import pytest

from library.quality.errors import QualityBlocked
from library.web.problems import _lookup

IWG = {"key": "iwg", "forms": {"en": "Interdepartmental Working Group (IWG)",
                               "ru": "Межведомственная рабочая группа (МРГ)",
                               "kk": "Ведомствоаралық жұмыс тобы (ВЖТ)"},
       "forbidden": {"en": ["Ministry of Internal Affairs"]}, "note": "One of five groups."}


def test_create_read_update_delete(client) -> None:
    created = client.post("/api/v1/terms", json=IWG)
    assert created.status_code == 201 and created.headers["location"] == "/api/v1/terms/iwg"
    assert {k: created.json()[k] for k in IWG} == IWG
    assert [term["key"] for term in client.get("/api/v1/terms").json()] == ["iwg"]
    assert client.get("/api/v1/terms", params={"lang": "kk", "q": "тобы"}).json()[0]["key"] == "iwg"
    assert client.get("/api/v1/terms", params={"q": "nothing like it"}).json() == []
    changed = client.put("/api/v1/terms/iwg", json={**IWG, "key": "iwg-5p", "forbidden": {}})
    assert changed.status_code == 200 and changed.json()["key"] == "iwg-5p" and changed.json()["forbidden"] == {}
    assert client.get("/api/v1/terms/iwg").status_code == 404
    assert client.delete("/api/v1/terms/iwg-5p").status_code == 204
    assert client.get("/api/v1/terms").json() == []


def test_a_key_is_made_when_none_is_given(client) -> None:
    created = client.post("/api/v1/terms", json={"forms": {"en": "Coordination Council"}})
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
def test_errors_are_problem_details(client, method, path, body, status, words) -> None:
    client.post("/api/v1/terms", json=IWG)
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.json()["detail"]


def test_a_blocked_publication_is_a_409_problem_with_its_findings() -> None:
    error = QualityBlocked("what-are-the-sdgs", "kk", 2, [{"code": "wrong-language", "severity": "error",
                                                           "message": "Paragraph 2 is in Russian, not in Kazakh",
                                                           "facts": {"number": 2}}])
    assert _lookup(error) == (409, "quality-blocked")
    assert error.facts["findings"][0]["facts"] == {"number": 2}
    assert "(1) Paragraph 2 is in Russian" in error.detail and "override reason" in error.detail


def test_the_openapi_document_lists_the_term_routes(client) -> None:
    paths = client.get("/api/schema/openapi.json").json()["paths"]
    assert {"/api/v1/terms", "/api/v1/terms/{key}"} <= set(paths)
