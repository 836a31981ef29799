"""Exchange files carry the memory's suggestions: XLIFF as <alt-trans match-quality>, PO pre-filled fuzzy from 95 %."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest
from lxml import etree

from library.memory.store import NewUnit, add_units
from library.storage import session_scope
from tests.factories import make_article, make_section

SCHEMA = Path(__file__).resolve().parent.parent / "data" / "xliff" / "xliff-core-1.2-strict.xsd"
NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
EXPORT = "/api/v1/workflow/exchange/kk"
AT = datetime(2025, 1, 1, tzinfo=UTC)
TITLE = "Совет министров утвердил национальный план развития"


@pytest.fixture
def queued(engine):
    with session_scope(engine) as session:
        section = make_section(session)
        make_article(session, slug="plan", section=section, title=TITLE,
                     body='<p>Подробности на <a href="/ru/plan">сайте</a>.</p>')
        make_article(session, slug="close", section=section, title=TITLE + ".", body="<p>Текст.</p>")
        add_units(session, [
            NewUnit("ru", "kk", TITLE, "Министрлер кеңесі ұлттық даму жоспарын бекітті", changed_at=AT),
            NewUnit("ru", "kk", "Совет министров утвердил национальный план", "Кеңес жоспарды бекітті", changed_at=AT),
            NewUnit("ru", "kk", 'Подробности на <a href="/ru/plan">сайте</a>.',
                    'Толығырақ <a href="/kk/plan">сайтта</a>.', changed_at=AT)])


def _unit(root, prefix: str):
    [unit] = [u for u in root.iterfind(".//x:trans-unit", NS) if u.get("id").startswith(prefix)]
    return unit


def _entry(po, prefix: str):
    [entry] = [e for e in po if e.msgctxt.startswith(prefix)]
    return entry


def test_xliff_carries_suggestions_as_alt_trans_and_validates(client, staff, queued):
    response = client.get(EXPORT, headers=staff["aigerim"], params={"format": "xliff"})
    root = etree.fromstring(response.content)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(root), schema.error_log
    exact = _unit(root, "plan|title-")
    alts = exact.findall("x:alt-trans", NS)
    assert [a.get("match-quality") for a in alts] == ["100", "90"]
    assert alts[0].find("x:target", NS).text == "Министрлер кеңесі ұлттық даму жоспарын бекітті"
    assert alts[0].get("origin") == "library-memory:library"
    close = _unit(root, "close|title-")
    assert close.find("x:alt-trans", NS).get("match-quality") == "99"
    assert close.find("x:target", NS) is None  # XLIFF leaves the choice to the CAT tool


def test_po_prefills_fuzzy_from_95_percent_and_comments_every_suggestion(client, staff, queued):
    response = client.get(EXPORT, headers=staff["aigerim"], params={"format": "po"})
    po = polib.pofile(response.text)
    exact = _entry(po, "plan|title-")
    assert exact.msgstr == "Министрлер кеңесі ұлттық даму жоспарын бекітті" and "fuzzy" in exact.flags
    assert exact.previous_msgid is None
    assert "Translation memory, 100% match: Министрлер кеңесі" in exact.comment
    close = _entry(po, "close|title-")
    assert close.msgstr == "Министрлер кеңесі ұлттық даму жоспарын бекітті" and "fuzzy" in close.flags
    assert close.previous_msgid == TITLE  # the CAT tool shows what differs from the memory's source
    body = _entry(po, "close|body-")
    assert body.msgstr == "" and "fuzzy" not in body.flags


def test_a_prefilled_fuzzy_entry_is_not_imported_unless_confirmed(client, staff, queued):
    exported = client.get(EXPORT, headers=staff["aigerim"], params={"format": "po"}).content
    response = client.post(EXPORT, headers=staff["aigerim"], content=exported)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["written"], report["summary"]["applied"], report["summary"]["skipped"]) == (False, 0, 2)


def test_a_segment_with_markup_gets_its_suggestion_in_its_own_tokens(client, staff, queued):
    po = polib.pofile(client.get(EXPORT, headers=staff["aigerim"], params={"format": "po"}).text)
    body = _entry(po, "plan|body-")
    assert body.msgid == "Подробности на {1}сайте{/1}."
    assert body.msgstr == "Толығырақ {1}сайтта{/1}." and "fuzzy" in body.flags
    root = etree.fromstring(client.get(EXPORT, headers=staff["aigerim"], params={"format": "xliff"}).content)
    target = _unit(root, "plan|body-").find("x:alt-trans/x:target", NS)
    assert target.find("x:g", NS).get("id") == "1" and target.find("x:g", NS).text == "сайтта"
