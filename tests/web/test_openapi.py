"""The API contract: every endpoint documented with its response schemas; every error a problem detail."""

from __future__ import annotations

import re

import pytest

ENDPOINTS = {
    "/api/v1/articles/{slug}": (200, 400, 404),
    "/api/v1/articles": (200, 400, 404),
    "/api/v1/archive": (200, 400, 404),
    "/api/v1/sections": (200, 400),
    "/api/v1/languages": (200, 400),
    "/api/v1/untranslated": (200, 400, 404),
    "/api/v1/health": (200,),
    "/api/v1/ping": (200,),
    "/api/v1/catalogs/{lang}": (200, 400, 404),
}


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/schema/openapi.json").json()


def test_every_route_of_the_app_is_documented(client, document):
    served = {re.sub(r":\w+}", "}", route.path) for route in client.app.routes if route.path.startswith("/api/v1")}
    assert served == set(document["paths"]) and set(ENDPOINTS) <= served


def test_every_operation_documents_a_success_schema_and_problem_errors(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = [status for status in responses if status.startswith("2")]
            assert success, (method, path)
            if "204" not in success:
                assert any("content" in responses[status] for status in success), (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    assert "application/problem+json" in response["content"], (method, path, status)


@pytest.mark.parametrize(("path", "statuses"), ENDPOINTS.items())
def test_each_endpoint_documents_its_response_schemas(document, path, statuses):
    responses = document["paths"][path]["get"]["responses"]
    assert {int(status) for status in responses} >= set(statuses)
    schema = responses["200"]["content"]["application/json"]["schema"]
    assert "$ref" in schema
    assert schema["$ref"].removeprefix("#/components/schemas/") in document["components"]["schemas"]
    for status in statuses[1:]:
        problem = responses[str(status)]["content"]["application/problem+json"]["schema"]
        assert problem == {"$ref": "#/components/schemas/Problem"}


def test_the_problem_schema_names_the_rfc_9457_fields(document):
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    assert "supported" in problem["properties"]


@pytest.mark.parametrize("path", ["/api/v1/articles", "/api/v1/archive", "/api/v1/untranslated"])
def test_the_lang_parameter_is_documented(document, path):
    names = [p["name"] for p in document["paths"][path]["get"]["parameters"]]
    assert "lang" in names


@pytest.mark.parametrize(
    ("url", "status"),
    [("/api/v1/articles/nothing-here", 404), ("/api/v1/articles/x?lang=xx", 400), ("/api/v1/articles?page=0", 400),
     ("/api/v1/articles?section=none", 404), ("/api/v1/archive?section=none", 404),
     ("/api/v1/archive?lang=zz", 400), ("/api/v1/sections?lang=zz", 400), ("/api/v1/languages?lang=zz", 400),
     ("/api/v1/untranslated?lang=zz", 400), ("/api/v1/untranslated?limit=0", 400),
     ("/api/v1/untranslated?section=none", 404), ("/api/v1/no-such-route", 404)],
)
def test_error_responses_are_problem_details(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["type"].startswith("https://")
    assert problem["title"] and problem["detail"]
