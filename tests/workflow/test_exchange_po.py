"""PO round trips with a CAT tool (played by polib): export a queue, fill it, import it all or nothing."""

from __future__ import annotations

import polib
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from library.cli import main
from library.cli.exits import ExitCode
from library.content.models import Revision, Status, Variant
from library.content.segments import segment_id
from library.storage import session_scope
from library.workflow.models import AuditEntry
from tests.workflow.conftest import WATER_BODY

EXPORT = "/api/v1/workflow/exchange/kk"
WATER_SEGMENT = "Более {1}400{/1} семей получили воду, см. {2}отчёт{/2}."
#: The keys of the queue's units: one per segment (every text of the fixtures is one segment).
KEYS = {"water|title": f"water|{segment_id('title', 'Вода')}|ru@1",
        "water|body": f"water|{segment_id('body', WATER_SEGMENT)}|ru@1",
        "forest|title": f"forest|{segment_id('title', 'Лес')}|ru@2",
        "forest|body": f"forest|{segment_id('body', 'Посадили 5 000 деревьев.')}|ru@2"}


def export(client, headers, **params) -> polib.POFile:
    response = client.get(EXPORT, headers=headers, params={"format": "po", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/x-gettext-translation")
    return polib.pofile(response.text)


def entry(po: polib.POFile, key: str) -> polib.POEntry:
    return next(e for e in po if e.msgctxt == KEYS[key])


def fill(po: polib.POFile) -> polib.POFile:
    """What a translator's CAT tool does: a translation for every entry, tokens kept, fuzzy cleared."""
    for entry in po:
        entry.msgstr = "ҚАЗ " + entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
    return po


def send(client, headers, data, **params):
    return client.post(EXPORT, headers=headers, content=data if isinstance(data, bytes) else str(data).encode(),
                       params=params)


def test_the_export_has_one_entry_per_segment_with_context_comments_and_flags(client, staff, queued):
    po = export(client, staff["aigerim"])
    assert po.metadata["Language"] == "kk"
    assert sorted(e.msgctxt for e in po) == sorted(KEYS.values())
    body = entry(po, "water|body")
    assert body.msgid == WATER_SEGMENT and body.msgstr == "" and body.flags == []
    assert "http://testserver.local/ru/articles/water" in body.comment
    assert "{1}…{/1} = <strong>" in body.comment  # what each token stands for
    assert '{2}…{/2} = <a href="/ru/reports/water" rel="noopener noreferrer">' in body.comment
    assert body.occurrences == [("articles/water/body", "1")]
    # The outdated forest: its untouched title keeps its translation; its changed body is fuzzy, with the old source.
    title = entry(po, "forest|title")
    assert title.msgstr == "Орман" and title.flags == [] and title.previous_msgid is None
    outdated = entry(po, "forest|body")
    assert outdated.flags == ["fuzzy"] and outdated.msgstr == "Body."
    assert outdated.previous_msgid == "Посадили лес."


def test_a_filled_po_file_lands_in_review_attributed_to_the_importing_translator(client, staff, queued, engine,
                                                                                 kk_state):
    before = kk_state()
    response = send(client, staff["aigerim"], fill(export(client, staff["aigerim"])))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["written"] and report["summary"]["applied"] == 2 and report["summary"]["error"] == 0
    with session_scope(engine, write=False) as session:
        rows = session.execute(select(Variant, Revision.changed_by).join(
            Revision, (Revision.variant_id == Variant.id) & (Revision.number == Variant.revision))
            .where(Variant.language == "kk", Variant.status == Status.IN_REVIEW)).all()
        imported = {v.title: (v.body, v.translated_from, v.source_revision, v.outdated, v.published_revision, by)
                    for v, by in rows}
        audit = session.scalars(select(AuditEntry.article).where(AuditEntry.action == "variant.import")).all()
    assert imported == {  # the source's markup around each translated segment
        "ҚАЗ Вода": (WATER_BODY.replace("<p>Более", "<p>ҚАЗ Более"), "ru", 1, False, None, "aigerim"),
        "ҚАЗ Лес": ("<p>ҚАЗ Посадили 5 000 деревьев.</p>", "ru", 2, False, 1, "aigerim"),
    }
    assert sorted(audit) == ["forest", "water"]
    assert len(kk_state()) == len(before) + 1


@pytest.mark.parametrize("break_it, names", [
    (lambda e: setattr(e, "msgstr", e.msgstr.replace("{/1}", "")), "missing: {/1}"),
    (lambda e: setattr(e, "msgstr", e.msgstr + " {3}"), "the token {3} is not in the source"),
    (lambda e: setattr(e, "msgstr", e.msgstr.replace("{2}", "{/2}", 1)), "the token {/2} closes what is not open"),
    (lambda e: setattr(e, "msgstr", e.msgstr + " {name}"), "not in the source: {name}"),
    (lambda e: setattr(e, "msgctxt", e.msgctxt.replace("|body-", "|bodie-")), "|bodie-"),
    (lambda e: setattr(e, "msgctxt", "no-such-article" + e.msgctxt[5:]), "no-such-article"),
    (lambda e: setattr(e, "msgid", e.msgid.replace("400", "450")), "not the text of revision 1"),
])
def test_one_broken_entry_changes_nothing_and_is_named(client, staff, queued, engine, break_it, names, kk_state):
    po = fill(export(client, staff["aigerim"]))
    break_it(entry(po, "water|body"))
    before = kk_state()
    response = send(client, staff["aigerim"], po)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"].endswith("/import-rejected") and "Nothing was changed" in problem["detail"]
    assert len(problem["problems"]) == 1 and names in problem["problems"][0]
    assert "|body-" in problem["problems"][0] or "bodie" in names  # the unit is named
    assert kk_state() == before


def test_a_malformed_line_changes_nothing_and_is_named_by_line(client, staff, queued, engine, kk_state):
    text = str(fill(export(client, staff["aigerim"])))
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith('msgstr "ҚАЗ Вода'))
    lines[number] = lines[number].rstrip('"')  # the closing quote lost: polib alone would accept this
    before = kk_state()
    response = send(client, staff["aigerim"], "\n".join(lines).encode())
    assert response.status_code == 422
    assert response.json()["problems"] == [f"error: line {number + 1}: not a valid PO line: {lines[number]}"]
    assert kk_state() == before


def test_an_entry_whose_source_changed_since_the_export_is_a_conflict_not_applied(client, staff, queued, engine):
    po = fill(export(client, staff["aigerim"]))
    ed = staff["olga"]
    ru = client.get("/api/v1/workflow/variants/water/ru", headers=ed)
    client.put("/api/v1/workflow/variants/water/ru", headers={**ed, "If-Match": ru.headers["etag"]},
               json={"title": "Вода в сёлах", "body": WATER_BODY, "status": "published"})
    response = send(client, staff["aigerim"], po)
    assert response.status_code == 200
    report = response.json()
    assert report["summary"]["applied"] == 1 and report["summary"]["conflict"] == 2
    assert any(line.startswith("conflict: line") and KEYS["water|title"] in line for line in report["lines"])
    with session_scope(engine, write=False) as session:
        titles = set(session.scalars(select(Variant.title).where(Variant.language == "kk")))
    assert "ҚАЗ Вода" not in titles and "ҚАЗ Лес" in titles


def test_fuzzy_or_incomplete_articles_are_skipped_not_half_applied(client, staff, queued, engine):
    po = fill(export(client, staff["aigerim"]))
    entry(po, "forest|body").flags.append("fuzzy")
    entry(po, "water|title").msgstr = ""
    response = send(client, staff["aigerim"], po)
    assert response.json()["summary"] == {"error": 0, "conflict": 0, "skipped": 2, "applied": 0, "ready": 0}
    assert sorted(response.json()["lines"]) == [
        "skipped: article forest: incomplete, so not applied; not translated: body",
        "skipped: article water: incomplete, so not applied; not translated: title"]


def test_a_dry_run_checks_and_writes_nothing(client, staff, queued, engine, kk_state):
    before = kk_state()
    response = send(client, staff["aigerim"], fill(export(client, staff["aigerim"])), dry_run="true")
    assert response.json()["summary"]["ready"] == 2 and not response.json()["written"]
    assert kk_state() == before


def test_the_file_must_be_for_the_language_and_the_translator_must_work_in_it(client, staff, queued):
    po = fill(export(client, staff["aigerim"]))
    po.metadata["Language"] = "en"
    wrong = send(client, staff["aigerim"], po)
    assert wrong.status_code == 422 and "error: the file: its language is “en”, not “kk”" in wrong.json()["problems"][0]
    assert client.post("/api/v1/workflow/exchange/en", headers=staff["aigerim"], content=b"").status_code == 403
    assert client.get(EXPORT, headers=staff["john"]).status_code == 403


def test_the_cli_exports_and_imports_the_same_way(settings, staff, queued, engine, tmp_path):
    runner = CliRunner()
    env = {"LIBRARY_DATABASE_URL": settings.database_url}
    path = tmp_path / "kk.po"
    exported = runner.invoke(main, ["exchange", "export", str(path), "--lang", "kk"], env=env)
    assert exported.exit_code == 0 and "exported 4 units for kk" in exported.output
    po = fill(polib.pofile(str(path)))
    po.save(str(path))
    refused = runner.invoke(main, ["exchange", "import", str(path), "--lang", "kk", "--as", "john"], env=env)
    assert refused.exit_code == ExitCode.CONFLICT  # john may not translate into kk
    assert "john may work only in these languages: en. It may not work in the language “kk”" in refused.output
    done = runner.invoke(main, ["exchange", "import", str(path), "--lang", "kk", "--as", "dana"], env=env)
    assert done.exit_code == 0 and "imported: 2 applied" in done.output
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Variant).where(
            Variant.status == Status.IN_REVIEW, Variant.updated_by == "dana")) == 2
    path.write_text(path.read_text().replace("ҚАЗ Вода", "ҚАЗ {name} Вода"))
    broken = runner.invoke(main, ["exchange", "import", str(path), "--lang", "kk", "--as", "dana"], env=env)
    assert broken.exit_code == ExitCode.BAD_INPUT
    assert KEYS["water|title"] in broken.output and broken.output.rstrip().endswith("Nothing was changed.")
