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
from tests.workflow.test_exchange_po import EXPORT, KEYS

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


def unit(root: etree._Element, key: str) -> etree._Element:
    return root.find(f".//x:trans-unit[@id='{KEYS[key]}']", NS)


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
    assert sorted(units) == sorted(KEYS.values())
    body = units[KEYS["water|body"]].find("x:source", NS)
    # Tags are kept by the library, not in the file: pairs as <g>, with the token's number as id.
    assert [(g.get("id"), g.get("ctype"), g.text) for g in body.iterfind("x:g", NS)] == [
        ("1", "bold", "400"), ("2", "link", "отчёт")]
    assert "".join(body.itertext()) == "Более 400 семей получили воду, см. отчёт."
    outdated = units[KEYS["forest|body"]].find("x:target", NS)
    assert outdated.get("state") == "needs-review-translation" and outdated.text == "Body."
    assert "It was: Посадили лес." in units[KEYS["forest|body"]].find("x:note[@from='library']", NS).text
    untouched = units[KEYS["forest|title"]].find("x:target", NS)
    assert (untouched.get("state"), untouched.text) == ("translated", "Орман")
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
    assert imported == {"ҚАЗ Вода": (WATER_BODY.replace("<p>Более", "<p>ҚАЗ Более"), "in_review", "dana"),
                        "ҚАЗ Лес": ("<p>ҚАЗ Посадили 5 000 деревьев.</p>", "in_review", "dana")}


def test_codes_moved_by_the_translator_come_back_with_the_sources_markup(client, staff, queued, engine, schema):
    root = etree.fromstring(fill(export(client, staff["dana"])))
    target = unit(root, "water|body").find("x:target", NS)
    for child in list(target):
        target.remove(child)
    target.text = "Қараңыз: "
    link = etree.SubElement(target, f"{{{NS['x']}}}g", id="2", ctype="x-anything")  # the file's ctype is ignored
    link.text = "есеп"
    link.tail = ", "
    mark = etree.SubElement(target, f"{{{NS['x']}}}mrk", mtype="term")  # a tool's own marker
    bold = etree.SubElement(mark, f"{{{NS['x']}}}g", id="1")
    bold.text = "400-ден"
    bold.tail = " астам отбасы су алды."
    assert schema.validate(root), schema.error_log
    assert send(client, staff["dana"], etree.tostring(root)).status_code == 200
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(Variant.body).where(Variant.title == "ҚАЗ Вода")) == (
            '<p>Қараңыз: <a href="/ru/reports/water" rel="noopener noreferrer">есеп</a>, <strong>400-ден</strong> '
            "астам отбасы су алды.</p>")


def _drop_bold(target):
    bold = target.find("x:g[@id='1']", NS)
    bold.getparent().remove(bold)


@pytest.mark.parametrize("break_it, names", [
    (_drop_bold, "missing: {1} {/1}"),                                                     # <strong> dropped
    (lambda t: t.find("x:g[@id='2']", NS).set("id", "99"), "the token {99} is not in the source"),
    (lambda t: t.find("x:g[@id='2']", NS).set("id", "link"), 'the inline code <g id="link">'),
    (lambda t: etree.SubElement(t, f"{{{NS['x']}}}bpt", id="1"), "unsupported inline element <bpt>"),
])
def test_one_broken_unit_changes_nothing_and_is_named(client, staff, queued, kk_state, break_it, names):
    root = etree.fromstring(fill(export(client, staff["dana"])))
    break_it(unit(root, "water|body").find("x:target", NS))
    before = kk_state()
    response = send(client, staff["dana"], etree.tostring(root))
    assert response.status_code == 422, response.text
    assert len(response.json()["problems"]) == 1 and names in response.json()["problems"][0]
    assert KEYS["water|body"] in response.json()["problems"][0]
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


def test_a_segment_that_only_looks_like_a_token_travels_as_a_ph_and_comes_back(client, staff, engine, schema):
    from tests.factories import make_article

    with session_scope(engine) as session:
        make_article(session, slug="braces", title="Шаблон {1}", body="<p>Пишите {1} и <em>{name}</em>.</p>")
    root = export(client, staff["dana"])
    assert schema.validate(root), schema.error_log
    body = root.find(".//x:group[@id='braces']/x:trans-unit[@resname='body']/x:source", NS)
    assert [(e.tag.split("}")[1], e.text) for e in body] == [("ph", "{1}"), ("g", "{name}")]
    filled = fill(root)
    assert send(client, staff["dana"], filled).status_code == 200
    with session_scope(engine, write=False) as session:
        saved = session.scalars(select(Variant).where(Variant.title == "ҚАЗ Шаблон {1}")).one()
        assert saved.body == "<p>ҚАЗ Пишите {1} и <em>{name}</em>.</p>"
