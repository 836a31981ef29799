"""The ``catalogs`` command group: output, exit codes (0 fine, 1 findings, 4 bad input), no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from library.cli.catalogs import catalogs
from library.cli.exits import ExitCode
from tests.catalogs.helpers import LOCALES, PROJECT, copy_locales, edit_entry, po_file

ALL = ["--languages", "en,ru,kk"]


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    return copy_locales(tmp_path)


def run(*args: str | Path):
    return CliRunner().invoke(catalogs, [str(arg) for arg in args])


def test_check_passes_on_the_shipped_catalogs() -> None:
    result = run("--locales-dir", LOCALES, *ALL, "check")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "0 errors, 0 warnings in 3 catalogs" in result.stderr


def test_check_prints_file_line_msgid_message_and_exits_1(locales: Path) -> None:
    line = edit_entry(locales, "en", "Views", msgstr="Хорошая погода, не так ли?")
    result = run("--locales-dir", locales, *ALL, "check", "--no-compiled")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{po_file(locales, 'en')}:{line}: Views: Cyrillic text in an English translation: "
        "'Хорошая погода, не так ли?' [wrong-script]"
    ]


def test_check_required_option_turns_gaps_into_warnings(locales: Path) -> None:
    edit_entry(locales, "kk", "Goals", msgstr="")
    assert run("--locales-dir", locales, *ALL, "check", "--no-compiled").exit_code == 1
    relaxed = run("--locales-dir", locales, *ALL, "check", "--no-compiled", "--required", "en,ru")
    assert relaxed.exit_code == 0 and "warning: not translated [untranslated]" in relaxed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--locales-dir", "/nonexistent/locales", "stats"], "locales folder /nonexistent/locales does not exist"),
        (["--languages", "en,ru,fr", "stats"], "fr/LC_MESSAGES/messages.po does not exist"),
        (["check", "--required", "en,de"], "--required names de"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exits_4(locales: Path, args: list[str], message: str) -> None:
    if "--locales-dir" not in args:
        args = ["--locales-dir", str(locales), *args]
    result = run(*args)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert "Traceback" not in result.output


def test_a_malformed_po_is_bad_input(locales: Path) -> None:
    po_file(locales, "ru").write_text('msgid "a"\nmsgstr "б"\nnot a keyword\n', encoding="utf-8")
    for command in ("check", "stats", "compile"):
        result = run("--locales-dir", locales, *ALL, command)
        assert result.exit_code == ExitCode.BAD_INPUT, command
        assert result.stderr.startswith("error: ") and "Syntax error" in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_stats_table_is_aligned() -> None:
    result = run("--locales-dir", LOCALES, *ALL, "stats")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 4
    assert lines[0].split() == ["language", "translated", "fuzzy", "untranslated", "obsolete", "total", "done"]
    assert len({len(line) for line in lines}) == 1
    assert [line.split()[0] for line in lines[1:]] == ["en", "ru", "kk"]
    assert all(line.endswith("100.0%") for line in lines[1:])


def test_stats_json(locales: Path) -> None:
    edit_entry(locales, "kk", "Goals", flags=["fuzzy"])
    rows = json.loads(run("--locales-dir", locales, *ALL, "stats", "--format", "json").stdout)
    kk = next(row for row in rows if row["language"] == "kk")
    assert (kk["fuzzy"], kk["translated"] + 1) == (1, kk["total"])


def test_compile_writes_only_what_changed(locales: Path) -> None:
    edit_entry(locales, "kk", "Goals", msgstr="")
    first = run("--locales-dir", locales, *ALL, "compile")
    assert first.exit_code == 0
    assert [line.split()[0] for line in first.stdout.splitlines()] == ["unchanged:", "unchanged:", "wrote"]
    assert "unchanged:" in run("--locales-dir", locales, *ALL, "compile").stdout.splitlines()[2]


def test_update_extracts_and_merges(tmp_path: Path) -> None:
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "x.py").write_text('N_("Hello")\n', encoding="utf-8")
    (tmp_path / "babel.cfg").write_text("[python: library/**.py]\n", encoding="utf-8")
    (tmp_path / "locales").mkdir()
    result = run("--locales-dir", tmp_path / "locales", "--languages", "ru,kk", "update", "--root", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "locales" / "kk" / "LC_MESSAGES" / "messages.po").is_file()
    assert 'msgid "Hello"' in (tmp_path / "locales" / "ru" / "LC_MESSAGES" / "messages.po").read_text()


@pytest.mark.parametrize("command", [[], ["extract"], ["update"], ["compile"], ["stats"], ["check"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize(
    "argv",
    [[sys.executable, "-m", "library.cli", "catalogs"], [sys.executable, str(PROJECT / "scripts" / "catalogs.py")]],
)
def test_runnable_as_a_module_and_a_script(argv: list[str]) -> None:
    result = subprocess.run(
        [*argv, "--locales-dir", str(LOCALES), *ALL, "stats"], capture_output=True, text=True, cwd=PROJECT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("language")
