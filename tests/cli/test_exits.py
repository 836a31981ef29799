"""The exit-status table: README and code agree, and the command line's layering holds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import exc as sa

from library.cli import main
from library.cli.exits import ExitCode, classify, one_line
from library.errors import ConfigurationError, Conflict, Forbidden, Invalid, LibraryError, NotFound
from library.storage.availability import DatabaseUnavailable

PROJECT = Path(__file__).resolve().parents[2]
PACKAGE = PROJECT / "library"


def _readme_table() -> list[tuple[int, str, str]]:
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Exit status", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \| (.+) \|$", section, re.MULTILINE)
    return [(int(status), kind, when.replace("\\|", "|")) for status, kind, when in rows]


def test_the_readme_table_is_the_code_table() -> None:
    code = [(int(member), member.name.lower().replace("_", " "), member.when) for member in ExitCode]
    assert _readme_table() == code


@pytest.mark.parametrize(("error", "code", "message"), [
    (Invalid("line 2: not a valid record"), ExitCode.BAD_INPUT, "line 2: not a valid record"),
    (LibraryError("cannot be done"), ExitCode.BAD_INPUT, "cannot be done"),
    (NotFound("No account has the username nobody"), ExitCode.NOT_FOUND, "No account has the username nobody"),
    (Conflict("not empty"), ExitCode.CONFLICT, "not empty"),
    (Forbidden("not yours"), ExitCode.CONFLICT, "not yours"),
    (ConfigurationError("LIBRARY_LANGUAGES is empty"), ExitCode.CONFIGURATION,
     "configuration: LIBRARY_LANGUAGES is empty"),
    (sa.DataError("INSERT", {}, ValueError("no NUL\nplease")), ExitCode.BAD_INPUT,
     "the database refused a value: no NUL"),
    (sa.IntegrityError("INSERT", {}, ValueError("UNIQUE constraint failed")), ExitCode.CONFLICT,
     "the database refused the change: UNIQUE constraint failed"),
    (sa.OperationalError("SELECT", {}, ValueError("database is locked")), ExitCode.DATABASE,
     "cannot use the database: database is locked"),
    (DatabaseUnavailable("connection refused"), ExitCode.DATABASE, "cannot use the database: connection refused"),
    (sa.TimeoutError("QueuePool limit of size 5 overflow 10 reached"), ExitCode.DATABASE,
     "cannot use the database: QueuePool limit of size 5 overflow 10 reached"),
    (FileNotFoundError(2, "No such file or directory", "x.csv"), ExitCode.BAD_INPUT,
     "x.csv: No such file or directory"),
    (KeyboardInterrupt(), ExitCode.INTERRUPTED, "interrupted"),
    (BrokenPipeError(32, "Broken pipe"), ExitCode.BROKEN_PIPE, "standard output was closed before the end"),
    (ZeroDivisionError("division by zero\nmore"), ExitCode.INTERNAL,
     "internal error: ZeroDivisionError: division by zero"),
    (RuntimeError(), ExitCode.INTERNAL, "internal error: RuntimeError: (no message)"),
])
def test_each_kind_of_error_has_its_status_and_one_line(error, code, message) -> None:
    assert classify(error) == (code, message)


def test_a_detail_over_several_lines_is_printed_on_one() -> None:
    assert one_line("first\n\n  second \n") == "first; second"


@pytest.mark.parametrize("args", [["import"], ["--bogus"], ["nosuch"], ["coverage", "--format", "xml"],
                                  ["catalogs", "--languages", ",", "stats"]])
def test_usage_errors_are_one_line_with_status_2(args) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.rstrip().endswith("--help'."), result.stderr


def test_a_group_without_a_command_shows_its_help() -> None:
    result = CliRunner().invoke(main, ["users"])
    assert result.exit_code == ExitCode.USAGE and result.stderr.startswith("Usage: main users [OPTIONS] COMMAND")
    assert "token  Issue, list and revoke bearer tokens" in result.stderr


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_click_lives_only_in_the_cli_package() -> None:
    outside = [path.relative_to(PROJECT) for path in PACKAGE.rglob("*.py")
               if "cli" not in path.relative_to(PACKAGE).parts[:1] and "click" in _imports(path)]
    assert outside == []


def test_no_group_imports_the_root_or_another_group() -> None:
    shared = {"library.cli.common", "library.cli.exits"}
    for path in (PACKAGE / "cli").glob("*.py"):
        if path.name in {"__init__.py", "__main__.py"}:
            continue
        climbing = {name for name in _imports(path) if name.startswith("library.cli")} - shared
        assert climbing == set(), path.name
