"""The app skeleton: health, OpenAPI, and the problem-details error contract."""

from __future__ import annotations


def test_health_reports_the_database_and_schema(client, db_kind):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["schema_revision"]
    assert body["database"] == {"sqlite": "sqlite", "postgres": "postgresql"}[db_kind]


def test_openapi_document_lists_the_routes(client):
    document = client.get("/api/schema/openapi.json").json()
    assert "/api/v1/health" in document["paths"]


def test_unknown_route_is_a_problem_detail(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert set(response.json()) >= {"type", "title", "status", "detail"}
