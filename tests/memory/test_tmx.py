"""TMX 1.4b out and in: valid against the DTD, round trips, all or nothing with line numbers, hostile files
refused safely; the CLI and the editors' API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from sqlalchemy import func, select

from library.cli import main
from library.cli.exits import ExitCode
from library.memory.errors import InvalidTmx
from library.memory.files import export_tmx, import_tmx
from library.memory.models import MemoryKey, MemoryUnit
from library.memory.store import NewUnit, add_units
from library.storage import session_scope

DTD = Path(__file__).resolve().parent.parent / "data" / "tmx" / "tmx14.dtd"
LANGUAGES = ("en", "ru", "kk")
AT = datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC)
LINKED = 'Доклад на <a href="/ru/r?a=1&amp;b=2">сайте</a> и <br/> <em>здесь</em>.'


def _units(session) -> list[tuple]:
    return [(u.source_language, u.target_language, u.source_text, u.target_text, u.changed_by, u.changed_at)
            for u in session.scalars(select(MemoryUnit).order_by(MemoryUnit.id))]


def _fill(engine) -> None:
    with session_scope(engine) as session:
        add_units(session, [
            NewUnit("ru", "kk", "Совет министров.", "Министрлер кеңесі.", changed_at=AT, changed_by="aigerim"),
            NewUnit("ru", "kk", LINKED, 'Баяндама <a href="/kk/r?a=1&amp;b=2">сайтта</a> және <br/> <em>мұнда</em>.',
                    changed_at=AT, place="paragraph 2"),
            NewUnit("ru", "en", "План < 5 & > 3", "Plan < 5 & > 3", changed_at=AT, changed_by="john")])


def _tmx(body: str, header: str = 'srclang="ru"') -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="t" '
            f'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" datatype="plaintext" {header}/>\n'
            f"<body>\n{body}\n</body>\n</tmx>\n").encode()


GOOD_TU = ('<tu creationdate="20240101T120000Z" creationid="omegat"><tuv xml:lang="ru-RU"><seg>Совет министров.</seg>'
           '</tuv><tuv xml:lang="kk-KZ"><seg>Министрлер кеңесі.</seg></tuv></tu>')


def test_the_export_is_valid_tmx_and_round_trips(engine):
    _fill(engine)
    with session_scope(engine, write=False) as session:
        data, count = export_tmx(session, at=AT)
        before = _units(session)
    assert count == 3
    document = etree.fromstring(data)
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()
    assert document.find("body/tu[2]/tuv[1]/seg/bpt").text.startswith('<a href="/ru/r?a=1&amp;b=2"')
    assert document.find("body/tu[2]/tuv[1]/seg/ph").text == "<br/>"
    with session_scope(engine) as session:
        session.execute(MemoryKey.__table__.delete())
        session.execute(MemoryUnit.__table__.delete())
    with session_scope(engine) as session:
        result = import_tmx(session, data, languages=LANGUAGES)
    assert (result.added, result.unchanged, result.skipped) == (3, 0, 0)
    with session_scope(engine) as session:
        assert _units(session) == before
        again = import_tmx(session, data, languages=LANGUAGES)
    assert (again.added, again.unchanged) == (0, 3)


def test_region_subtags_and_other_languages(engine):
    data = _tmx(GOOD_TU.replace("</tu>", '<tuv xml:lang="de"><seg>Ministerrat.</seg></tuv></tu>'))
    with session_scope(engine) as session:
        result = import_tmx(session, data, languages=LANGUAGES)
        assert (result.added, result.skipped) == (1, 1)
        assert _units(session) == [("ru", "kk", "Совет министров.", "Министрлер кеңесі.", "omegat",
                                    datetime(2024, 1, 1, 12, tzinfo=UTC))]


BAD = [
    (GOOD_TU + '\n<tu><tuv xml:lang="ru"><seg>Один.</seg></tuv></tu>', 6, "at least two <tuv>"),
    (GOOD_TU + '\n<tu><tuv><seg>x</seg></tuv><tuv xml:lang="kk"><seg>y</seg></tuv></tu>', 6, "xml:lang"),
    (GOOD_TU + '\n<tu><tuv xml:lang="ru"><seg>a <b>b</b></seg></tuv><tuv xml:lang="kk"><seg>y</seg></tuv></tu>',
     6, "<b> is not an inline element"),
    (GOOD_TU + '\n<tu creationdate="yesterday"><tuv xml:lang="ru"><seg>a</seg></tuv>'
     '<tuv xml:lang="kk"><seg>b</seg></tuv></tu>', 6, "YYYYMMDDThhmmssZ"),
    (GOOD_TU + '\n<tu><tuv xml:lang="kk"><seg>a</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu>', 6,
     "source language ru"),
    (GOOD_TU + "\n<tu><tuv>", 7, "not well-formed"),
    (GOOD_TU + '\n<tu><tuv xml:lang="ru"><seg>a\x01</seg></tuv></tu>', 6, "U+0001"),
    (GOOD_TU + '\n<tu><tuv xml:lang="ru"><seg>a&#x7f;</seg></tuv></tu>', 6, "U+007F"),
]


@pytest.mark.parametrize(("body", "line", "words"), BAD)
def test_a_bad_unit_refuses_the_whole_file_naming_its_line(engine, body, line, words):
    with session_scope(engine) as session, pytest.raises(InvalidTmx) as refused:
        import_tmx(session, _tmx(body), languages=LANGUAGES)
    assert f"line {line}: " in refused.value.detail and words in refused.value.detail
    with session_scope(engine, write=False) as session:
        assert _units(session) == []


LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<tmx version="1.4"><header/><body><tu>'
          '<tuv xml:lang="ru"><seg>&c;</seg></tuv><tuv xml:lang="kk"><seg>x</seg></tuv></tu></body></tmx>')
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<tmx version="1.4"><header/>'
       '<body><tu><tuv xml:lang="ru"><seg>&x;</seg></tuv><tuv xml:lang="kk"><seg>x</seg></tuv></tu></body></tmx>')


def _deep(levels: int) -> str:
    return _tmx('<tu><tuv xml:lang="ru"><seg>' + "<hi>" * levels + "x" + "</hi>" * levels +
                '</seg></tuv><tuv xml:lang="kk"><seg>y</seg></tuv></tu>').decode()


@pytest.mark.parametrize(("data", "words"), [
    (LAUGHS, "DOCTYPE"), (XXE, "DOCTYPE"), (_deep(40), "nested more than 16 deep"),
    (_deep(5000), "Excessive depth"),
    ("<tmx/>", "not a TMX 1.4 document"), ('<tmx version="1.4"><body/></tmx>', "<header> and a <body>"),
    ("\xff\xfe", "not UTF-8"), ("", "not well-formed"),
])
def test_hostile_files_are_refused_safely(engine, data, words):
    raw = data.encode("latin-1") if data == "\xff\xfe" else data.encode()
    with session_scope(engine) as session, pytest.raises(InvalidTmx) as refused:
        import_tmx(session, raw, languages=LANGUAGES)
    assert words in refused.value.detail
    assert "passwd" not in refused.value.detail and "root:" not in refused.value.detail


def test_a_huge_file_is_refused_before_it_is_parsed(engine):
    data = _tmx(GOOD_TU * 20_000)
    with session_scope(engine) as session, pytest.raises(InvalidTmx, match="at most 64 KB"):
        import_tmx(session, data, languages=LANGUAGES, max_text_kb=1)
    with session_scope(engine) as session, pytest.raises(InvalidTmx, match="at most 1 KB"):
        import_tmx(session, _tmx(GOOD_TU.replace("Совет министров.", "Совет. " * 300)), languages=LANGUAGES,
                   max_text_kb=1)


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str, input: bytes | None = None):
        return runner.invoke(main, list(args), env={"LIBRARY_DATABASE_URL": settings.database_url},
                             input=input, catch_exceptions=False)

    return invoke


def test_cli_export_and_import(run, engine, tmp_path):
    _fill(engine)
    path = tmp_path / "memory.tmx"
    result = run("memory", "export", str(path))
    assert result.exit_code == 0 and "exported 3 memory units" in result.stderr
    result = run("memory", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "0 new, 3 already known, 0 in other languages left out" in result.stdout


def test_cli_import_of_a_bad_file_is_one_line_and_changes_nothing(run, engine, tmp_path):
    path = tmp_path / "bad.tmx"
    path.write_bytes(_tmx(GOOD_TU + '\n<tu><tuv xml:lang="ru"><seg>Один.</seg></tuv></tu>'))
    result = run("memory", "import", str(path))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.count("\n") == 1 and "line 6: a <tu> needs at least two <tuv>" in result.stderr
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(MemoryUnit)) == 0


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("reader", 403), ("aigerim", 403), ("olga", 200),
                                              ("root", 200)])
def test_the_api_is_for_editors(client, staff, engine, who, status):
    _fill(engine)
    headers = staff[who] if who else {}
    response = client.get("/api/v1/memory/tmx", headers=headers)
    assert response.status_code == status
    if status == 200:
        assert response.headers["content-type"].startswith("application/x-tmx+xml")
        assert response.headers["x-library-units"] == "3"
    posted = client.post("/api/v1/memory/tmx", headers=headers, content=_tmx(GOOD_TU))
    assert posted.status_code == status
    if status == 200:
        assert posted.json() == {"added": 0, "unchanged": 1, "skipped": 0}


def test_the_api_refuses_a_bad_file_with_every_line_in_the_readers_language(client, staff, engine):
    body = GOOD_TU + '\n<tu><tuv xml:lang="ru"><seg>Один.</seg></tuv></tu>\n<tu creationdate="x"><tuv/></tu>'
    response = client.post("/api/v1/memory/tmx", headers=staff["olga"], content=_tmx(body))
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/tmx-refused") and problem["count"] == 2
    assert problem["problems"][0].startswith("line 6: ") and problem["problems"][1].startswith("line 7: ")
    russian = client.post("/api/v1/memory/tmx", headers={**staff["olga"], "Accept-Language": "ru"}, content=_tmx(body))
    assert russian.json()["problems"][0].startswith("строка 6")
