"""XLIFF 1.2: the export validates against the strict OASIS schema and round-trips through a CAT tool."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from library.content.models import Status, Variant
from library.storage import session_scope
from tests.workflow.conftest import WATER_BODY
from tests.workflow.test_exchange_po import EXPORT

SCHEMA = Path(__file__).resolve().parent.parent / "data" / "xliff" / "xliff-core-1.2-strict.xsd"
NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def export(client, headers) -> etree._Element:
    response = client.get(EXPORT, headers=headers, params={"format": "xliff"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-xliff+xml")
    return etree.fromstring(response.content)


def fill(root: etree._Element) -> bytes:
    """A CAT tool's work: every unit translated, its inline codes kept, marked translated."""
    for unit in root.iterfind(".//x:trans-unit", NS):
        source = unit.find("x:source", NS)
        old = unit.find("x:target", NS)
        if old is not None:
            unit.remove(old)
        target = copy.deepcopy(source)
        target.tag = f"{{{NS['x']}}}target"
        target.set(XML_LANG, "kk")
        target.set("state", "translated")
        target.text = "ҚАЗ " + (target.text or "")
        source.addnext(target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def send(client, headers, data: bytes, **params):
    return client.post(EXPORT, headers=headers, content=data, params=params)


def test_the_export_validates_against_the_strict_xliff_1_2_schema(client, staff, queued, schema):
    root = export(client, staff["aigerim"])
    assert schema.validate(root), schema.error_log
    units = {u.get("id"): u for u in root.iterfind(".//x:trans-unit", NS)}
    assert sorted(units) == ["forest|body|ru@2", "forest|title|ru@2", "water|body|ru@1", "water|title|ru@1"]
    body = units["water|body|ru@1"].find("x:source", NS)
    assert [ph.text for ph in body.iterfind("x:ph", NS)] == [
        "<p>", "<strong>", "</strong>", '<a href="/ru/reports/water" rel="noopener noreferrer">', "</a>", "</p>"]
    outdated = units["forest|body|ru@2"].find("x:target", NS)
    assert outdated.get("state") == "needs-review-translation"
    file = root.find("x:file", NS)
    assert (file.get("source-language"), file.get("target-language")) == ("ru", "kk")


def test_the_filled_file_validates_and_round_trips_into_review(client, staff, queued, engine, schema):
    filled = fill(export(client, staff["dana"]))
    assert schema.validate(etree.fromstring(filled)), schema.error_log
    response = send(client, staff["dana"], filled)
    assert response.status_code == 200, response.text
    assert response.json()["format"] == "xliff" and response.json()["summary"]["applied"] == 2
    with session_scope(engine, write=False) as session:
        imported = {v.title: (v.body, v.status, v.updated_by) for v in session.scalars(
            select(Variant).where(Variant.language == "kk", Variant.status == Status.IN_REVIEW))}
    assert imported == {"ҚАЗ Вода": ("ҚАЗ " + WATER_BODY, "in_review", "dana"),
                        "ҚАЗ Лес": ("ҚАЗ <p>Посадили 5 000 деревьев.</p>", "in_review", "dana")}


def test_a_ph_code_edited_by_the_translator_is_restored_from_the_source(client, staff, queued, engine):
    root = etree.fromstring(fill(export(client, staff["dana"])))
    target = root.find(".//x:trans-unit[@id='water|body|ru@1']/x:target", NS)
    target.find("x:ph[4]", NS).text = '<a href="https://evil.example">'
    assert send(client, staff["dana"], etree.tostring(root)).status_code == 200
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(Variant.body).where(Variant.title == "ҚАЗ Вода")) == "ҚАЗ " + WATER_BODY


@pytest.mark.parametrize("break_it, names", [
    (lambda t: t.remove(t.find("x:ph[3]", NS)), "water|body|ru@1"),                  # </strong> dropped
    (lambda t: t.find("x:ph[2]", NS).set("id", "99"), "ph id=\"99\""),               # unknown code
    (lambda t: etree.SubElement(t, f"{{{NS['x']}}}g", id="1"), "unsupported inline element <g>"),
])
def test_one_broken_unit_changes_nothing_and_is_named(client, staff, queued, kk_state, break_it, names):
    root = etree.fromstring(fill(export(client, staff["dana"])))
    break_it(root.find(".//x:trans-unit[@id='water|body|ru@1']/x:target", NS))
    before = kk_state()
    response = send(client, staff["dana"], etree.tostring(root))
    assert response.status_code == 422, response.text
    assert len(response.json()["problems"]) == 1 and names in response.json()["problems"][0]
    assert "water|body|ru@1" in response.json()["problems"][0]
    assert kk_state() == before


@pytest.mark.parametrize("data, says", [
    (b"<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'><file>",
     "line 1: the file is not well-formed"),
    (b"<xliff version='2.0' xmlns='urn:oasis:names:tc:xliff:document:2.0'/>", "not an XLIFF 1.2 document"),
    (b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><xliff/>", "DOCTYPE is not allowed"),
])
def test_files_that_are_not_xliff_1_2_are_refused(client, staff, queued, engine, data, says):
    response = send(client, staff["dana"], data, format="xliff")
    assert response.status_code == 422 and says in response.json()["problems"][0]


def test_units_still_needing_review_are_not_imported(client, staff, queued, engine):
    root = etree.fromstring(fill(export(client, staff["dana"])))
    for target in root.iterfind(".//x:target", NS):
        target.set("state", "needs-review-translation")
    response = send(client, staff["dana"], etree.tostring(root))
    assert response.json()["summary"]["applied"] == 0 and response.json()["summary"]["skipped"] == 2
