"""The `library` command: help everywhere, one-line errors, the documented commands work."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from library.cli import main
from library.cli.exits import ExitCode


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), env={"LIBRARY_DATABASE_URL": settings.database_url},
                             input=input, catch_exceptions=False)

    return invoke


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [()] + list(_commands(main)))
def test_every_command_has_help(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_init_demo_export_import(run, tmp_path):
    assert run("init").exit_code == 0
    result = run("demo")
    assert result.exit_code == 0 and "44 articles" in result.output
    again = run("demo")
    assert again.exit_code == ExitCode.CONFLICT and again.output.count("\n") == 1 and "--replace" in again.output
    path = tmp_path / "library.jsonl"
    assert run("export", str(path)).exit_code == 0
    lines = path.read_text().splitlines()
    assert json.loads(lines[0]) == {"format": 2, "kind": "library"}
    kinds = {json.loads(line)["kind"] for line in lines[1:]}
    assert {"term", "snapshot"} <= kinds  # the demo's term base; the CLI records coverage history
    result = run("import", str(path), "--replace")
    assert result.exit_code == 0 and "terms" in result.output and "snapshots" in result.output
    # The import wrote the file's rows and nothing else: no content checks, no new coverage snapshot.
    again = tmp_path / "again.jsonl"
    assert run("export", str(again)).exit_code == 0
    assert again.read_text() == path.read_text()


def test_malformed_import_is_one_line_and_non_zero(run, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"kind":"library","format":1}\n{"kind": "section", "slug": 1}\n')
    result = run("import", str(path))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.output.startswith("error: line 2: not a valid record") and result.output.count("\n") == 1


def test_missing_file_and_bad_settings_are_one_line_errors(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(tmp_path / "none.jsonl")])
    assert result.exit_code == ExitCode.BAD_INPUT and "none.jsonl" in result.output
    result = runner.invoke(main, ["demo"], env={"LIBRARY_DEFAULT_LANGUAGE": "de"})
    assert result.exit_code == ExitCode.CONFIGURATION
    assert result.output == (
        "error: configuration: LIBRARY_DEFAULT_LANGUAGE='de' is not one of LIBRARY_LANGUAGES (en, ru, kk)\n")


def test_unreachable_database_is_a_one_line_error():
    result = CliRunner().invoke(
        main, ["init"], env={"LIBRARY_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.exit_code == ExitCode.DATABASE and result.output.startswith("error: cannot use the database")
    assert result.output.count("\n") == 1
