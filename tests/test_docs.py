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


_COMMAND = re.compile(r"`library ([^`]*)`")


def command_paths(group=None, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every command a user can run: each leaf, and each group that does something on its own."""
    import click

    from library.cli import main

    group = group or main
    found = {prefix} if prefix and group.invoke_without_command else set()
    for name, command in group.commands.items():
        if command.hidden:
            continue
        if isinstance(command, click.Group):
            found |= command_paths(command, (*prefix, name))
        else:
            found.add((*prefix, name))
    return found


def documented_commands() -> set[tuple[str, ...]]:
    """The command each `library ...` span of the README's command table names: its leading words, as far
    as they name sub-commands (options and arguments follow)."""
    import click

    from library.cli import main

    table = README[README.index("## The `library` command"):README.index("### Exit status")]
    found = set()
    for text in _COMMAND.findall(table):
        group, path = main, []
        for word in text.split():
            if not isinstance(group, click.Group) or word not in group.commands:
                break
            group = group.commands[word]
            path.append(word)
        found.add(tuple(path) if path else (f"unknown: library {text}",))
    return found


def test_every_command_the_readme_names_exists() -> None:
    assert documented_commands() - command_paths() == set()


def test_every_command_is_in_the_readme() -> None:
    assert command_paths() - documented_commands() == set()
    assert ("users", "token", "revoke") in command_paths() and len(command_paths()) > 20
