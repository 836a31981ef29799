"""Imported files obey the same rule as requests (issue 13): a control character in a PO or XLIFF
exchange file, a JSON Lines backup or a CSV or TBX term base refuses the whole file, naming the line,
and writes nothing; so does a translation beyond the text limit."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from library.cli import main
from tests.workflow import test_exchange_po as po_files
from tests.workflow import test_exchange_xliff as xliff_files

#: (as written in the file, as the message names it)
CHARACTERS = [("\x00", "U+0000"), ("\x01", "U+0001"), ("\x7f", "U+007F")]


@pytest.mark.parametrize("char, code", CHARACTERS)
def test_a_po_file_with_a_control_character_is_refused_by_line(client, staff, queued, kk_state, char, code):
    lines = str(po_files.fill(po_files.export(client, staff["aigerim"]))).splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith('msgstr "ҚАЗ Вода'))
    lines[number] = lines[number].replace("ҚАЗ", f"ҚАЗ{char}")
    before = kk_state()
    response = po_files.send(client, staff["aigerim"], "\n".join(lines).encode())
    assert response.status_code == 422, response.text
    assert response.json()["problems"] == [f"error: line {number + 1}: the text contains the control character "
                                           f"{code}, which is not accepted"]
    assert kk_state() == before


@pytest.mark.parametrize("char, code", [("\x7f", "U+007F"), ("&#x7f;", "U+007F"), ("&#1;", "U+0001")])
def test_an_xliff_file_with_a_control_character_or_reference_is_refused_by_line(client, staff, queued, kk_state,
                                                                              char, code):
    data = xliff_files.fill(xliff_files.export(client, staff["aigerim"])).decode()
    data = data.replace("ҚАЗ", f"ҚАЗ{char}", 1)
    number = data[:data.index(f"ҚАЗ{char}")].count("\n") + 1
    before = kk_state()
    response = xliff_files.send(client, staff["aigerim"], data.encode())
    assert response.status_code == 422, response.text
    assert response.json()["problems"] == [f"error: line {number}: the text contains the control character "
                                           f"{code}, which is not accepted"]
    assert kk_state() == before


def test_a_translation_beyond_the_text_limit_is_refused(make_client, staff, queued, kk_state):
    client = make_client(LIBRARY_MAX_TEXT_KB="1")
    po = po_files.fill(po_files.export(client, staff["aigerim"]))
    entry = po_files.entry(po, "water|body")
    entry.msgstr = "{1}су{/1} {2}" + "су " * 600 + "{/2}"
    before = kk_state()
    response = po_files.send(client, staff["aigerim"], po)
    assert response.status_code == 422, response.text
    assert "the text holds 3 KB; at most 1 KB are accepted" in response.json()["problems"][0]
    assert kk_state() == before


def test_segments_within_the_limit_that_make_a_body_beyond_it_are_refused(make_client, staff, engine, kk_state):
    from library.storage import session_scope
    from tests.factories import make_article

    with session_scope(engine) as session:
        make_article(session, slug="two", title="Два", body="<p>Первый.</p><p>Второй.</p>")
    client = make_client(LIBRARY_MAX_TEXT_KB="1")
    po = po_files.export(client, staff["aigerim"])
    for entry in po:
        entry.msgstr = "су " * 150 if entry.msgid != "Два" else "Екі"  # 0.7 KB a paragraph, 1.5 KB the body
    before = kk_state()
    response = po_files.send(client, staff["aigerim"], po)
    assert response.status_code == 422, response.text
    assert response.json()["problems"] == ["error: article two, field body: the text holds 2 KB; at most 1 KB are "
                                           "accepted"]
    assert kk_state() == before


@pytest.fixture
def cli(settings):
    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env={"LIBRARY_DATABASE_URL": settings.database_url})

    return invoke


@pytest.mark.parametrize("escaped, code", [("\\u0000", "U+0000"), ("\\u001b", "U+001B"), ("\\u007f", "U+007F")])
def test_a_backup_line_with_a_control_character_is_refused_by_line(cli, demo, tmp_path, escaped, code):
    exported = tmp_path / "library.jsonl"
    assert cli("export", str(exported)).exit_code == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if '"kind":"revision"' in line.replace(" ", ""))
    record = json.loads(lines[number])
    record["title"] += "\x00"
    lines[number] = json.dumps(record, ensure_ascii=False).replace("\\u0000", escaped)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("import", str(broken), "--replace")
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[-1].endswith(f"line {number + 1}: the control character {code} "
                                                           "is not accepted.")
    assert cli("export", str(tmp_path / "after.jsonl")).exit_code == 0
    assert (tmp_path / "after.jsonl").read_bytes() == exported.read_bytes()


def test_a_backup_line_nested_100000_deep_is_refused(cli, demo, tmp_path):
    exported = tmp_path / "library.jsonl"
    assert cli("export", str(exported)).exit_code == 0
    with exported.open("a", encoding="utf-8") as stream:
        stream.write("[" * 100_000 + "]" * 100_000 + "\n")
    number = len(exported.read_text(encoding="utf-8").splitlines())
    result = cli("import", str(exported), "--replace")
    assert result.exit_code != 0 and f"line {number}" in result.output and "nested" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name, data", [
    ("terms.csv", "key,en,ru,kk\nwater,water,вода,с\x00у\n"),
    ("terms.tbx", '<?xml version="1.0"?>\n<martif type="TBX">\n<text><body>\n'
                  '<termEntry id="water"><langSet xml:lang="kk"><tig><term>с&#x1;у</term></tig></langSet></termEntry>\n'
                  "</body></text></martif>\n"),
])
def test_a_term_file_with_a_control_character_is_refused_by_line(cli, tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data, encoding="utf-8")
    result = cli("terms", "import", str(path))
    assert result.exit_code != 0
    assert "line 2: the control character" in result.output or "line 4: the control character" in result.output
    assert "Traceback" not in result.output
    listed = cli("terms", "list", "--format", "json")
    assert json.loads(listed.output) == []
