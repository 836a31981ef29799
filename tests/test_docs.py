"""README.md checked against the code, in the manner of datasette's documentation tests: every route it
names is served, and every route the app serves is in it, so the README cannot drift from the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
_ROUTE = re.compile(r"`(GET|POST|PUT|DELETE|PATCH) (/[^`?\s]*)")
_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
#: Served by Litestar for the schema and by the static files router: not ours to document one by one.
_FRAMEWORK = {"/api/schema/{}", "/api/schema/oauth2-redirect.html"}


def _normal(path: str) -> str:
    """``/{lang:str}/`` and ``/{language}`` are the same route: parameter names, types and a trailing slash
    do not matter."""
    path = _PARAMETER.sub("{}", path)
    return path.rstrip("/") or "/"


def documented_routes() -> set[tuple[str, str]]:
    return {(method, _normal(path)) for method, path in _ROUTE.findall(README)}


def served_routes(app) -> set[tuple[str, str]]:
    served = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in handler.http_methods:
                if method not in {"OPTIONS", "HEAD"}:
                    served.add((method, _normal(route.path)))
    return {(method, path) for method, path in served if path not in _FRAMEWORK}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from library.settings import load_settings
    from library.web.app import create_app

    return create_app(load_settings({"LIBRARY_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('docs')}/d.db"}))


def test_every_route_the_readme_names_is_served(app) -> None:
    assert documented_routes() - served_routes(app) == set()


def test_every_route_the_app_serves_is_in_the_readme(app) -> None:
    assert served_routes(app) - documented_routes() == set()


def test_the_route_pattern_reads_the_readme() -> None:
    """Guards the two tests above against a pattern that finds nothing (they would pass vacuously)."""
    assert ("GET", "/api/v1/articles/{}") in documented_routes()
    assert len(documented_routes()) > 40
