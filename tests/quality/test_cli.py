"""`library terms` and `library check content`: files in and out, findings printed, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from library.cli import main
from library.cli.exits import ExitCode
from library.content.models import Status
from library.storage import session_scope
from tests.quality.helpers import paste_russian_paragraph, resave


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None):
        return runner.invoke(main, list(args), env={"LIBRARY_DATABASE_URL": settings.database_url},
                             input=input, catch_exceptions=False)

    return invoke


@pytest.mark.parametrize("suffix", ["csv", "tbx"])
def test_terms_export_import_round_trip(run, demo, tmp_path, suffix) -> None:
    first = tmp_path / f"terms.{suffix}"
    assert run("terms", "export", str(first)).exit_code == 0
    result = run("terms", "import", str(first), "--replace")
    assert result.exit_code == 0 and "0 new, 0 updated, 5 unchanged, 0 deleted" in result.output
    second = tmp_path / f"again.{suffix}"
    run("terms", "export", str(second))
    assert second.read_bytes() == first.read_bytes()


def test_terms_import_into_an_empty_term_base_and_list(run, engine, tmp_path) -> None:
    path = tmp_path / "glossary.txt"
    path.write_text("key,en,ru\nsdg,SDG,ЦУР\n", encoding="utf-8")
    assert run("terms", "import", str(path), "--format", "csv").output.startswith("imported terms: 1 new")
    listed = run("terms", "list", "--format", "json")
    assert json.loads(listed.stdout) == [{"key": "sdg", "forms": {"en": "SDG", "ru": "ЦУР"}, "forbidden": {},
                                          "note": ""}]
    assert run("terms", "export", "--format", "tbx").stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"key,en\nBad Key,x\n", "not a valid term key"),
        (b"\xff\xfe\x00k", "not UTF-8"),
        (b"key,english\n", "column 'english'"),
    ],
)
def test_a_bad_term_file_is_one_line_and_changes_nothing(run, engine, tmp_path, content, words) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = run("terms", "import", str(path))
    assert result.exit_code == ExitCode.BAD_INPUT and result.output.count("\n") == 1 and words in result.output
    assert run("terms", "list", "--format", "json").stdout.strip() == "[]"


def test_check_content_passes_on_the_demo(run, demo) -> None:
    result = run("check", "content")
    assert result.exit_code == 0 and result.stdout == ""
    assert "0 errors, 0 warnings in 101 variants" in result.stderr


def _paste_russian(engine) -> None:
    with session_scope(engine) as session:
        resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session), status=Status.DRAFT)


def test_check_content_prints_findings_and_exits_1_on_errors(run, demo) -> None:
    _paste_russian(demo)
    table = run("check", "content", "--lang", "kk", "--section", "about")
    assert table.exit_code == ExitCode.FINDINGS
    assert table.stdout.startswith("what-are-the-sdgs  kk  r2  error  wrong-language  Paragraph 2 is in Russian")
    report = json.loads(run("check", "content", "--format", "json", "--lang", "kk").stdout)
    assert report["errors"] == 1 and report["findings"][0]["facts"]["number"] == 2
    assert run("check", "content", "--lang", "en").exit_code == 0


@pytest.mark.parametrize(("args", "words", "code"), [
    (["--lang", "de"], "'de' is not a supported language", ExitCode.BAD_INPUT),
    (["--section", "nowhere"], "No section has the slug 'nowhere'", ExitCode.NOT_FOUND),
])
def test_check_content_refuses_unknown_filters(run, engine, args, words, code) -> None:
    result = run("check", "content", *args)
    assert result.exit_code == code and words in result.output
