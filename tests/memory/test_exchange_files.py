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
            NewUnit("ru", "kk", "Совет министров утвердил национальный план", "Кеңес жоспарды бекітті", changed_at=AT)])


def test_xliff_carries_suggestions_as_alt_trans_and_validates(client, staff, queued):
    response = client.get(EXPORT, headers=staff["aigerim"], params={"format": "xliff"})
    root = etree.fromstring(response.content)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(root), schema.error_log
    exact = root.find(".//x:trans-unit[@id='plan|title|ru@1']", NS)
    alts = exact.findall("x:alt-trans", NS)
    assert [a.get("match-quality") for a in alts] == ["100", "90"]
    assert alts[0].find("x:target", NS).text == "Министрлер кеңесі ұлттық даму жоспарын бекітті"
    assert alts[0].get("origin") == "library-memory:library"
    close = root.find(".//x:trans-unit[@id='close|title|ru@1']", NS)
    assert close.find("x:alt-trans", NS).get("match-quality") == "99"
    assert close.find("x:target", NS) is None  # XLIFF leaves the choice to the CAT tool


def test_po_prefills_fuzzy_from_95_percent_and_comments_every_suggestion(client, staff, queued):
    response = client.get(EXPORT, headers=staff["aigerim"], params={"format": "po"})
    po = polib.pofile(response.text)
    exact = po.find("plan|title|ru@1", by="msgctxt")
    assert exact.msgstr == "Министрлер кеңесі ұлттық даму жоспарын бекітті" and "fuzzy" in exact.flags
    assert exact.previous_msgid is None
    assert "Translation memory, 100% match: Министрлер кеңесі" in exact.comment
    close = po.find("close|title|ru@1", by="msgctxt")
    assert close.msgstr == "Министрлер кеңесі ұлттық даму жоспарын бекітті" and "fuzzy" in close.flags
    assert close.previous_msgid == TITLE  # the CAT tool shows what differs from the memory's source
    body = po.find("close|body|ru@1", by="msgctxt")
    assert body.msgstr == "" and "fuzzy" not in body.flags


def test_a_prefilled_fuzzy_entry_is_not_imported_unless_confirmed(client, staff, queued):
    exported = client.get(EXPORT, headers=staff["aigerim"], params={"format": "po"}).content
    response = client.post(EXPORT, headers=staff["aigerim"], content=exported)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["written"], report["summary"]["applied"], report["summary"]["skipped"]) == (False, 0, 2)
