"""The archive calendar, the sections and the languages, each in the reader's language."""

from __future__ import annotations

import pytest

from library.content import service
from library.storage import session_scope
from tests.factories import make_article


@pytest.mark.parametrize(
    ("lang", "january", "may"),
    [("kk", "Қаңтар", "Мамыр"), ("ru", "январь", "май"), ("en", "January", "May")],
)
def test_archive_month_names_are_stand_alone_forms_in_the_requested_language(demo, client, lang, january, may):
    response = client.get("/api/v1/archive", params={"lang": lang})
    calendar = response.json()
    assert response.headers["content-language"] == lang and calendar["language"] == lang
    names = {m["month"]: m["name"] for y in calendar["years"] for m in y["months"]}
    assert (names[1], names[5]) == (january, may)


def test_archive_counts_every_readable_article_once_newest_first(demo, client, engine):
    with session_scope(engine) as session:
        make_article(session, slug="unpublished", status="draft")
    calendar = client.get("/api/v1/archive", params={"lang": "kk"}).json()
    assert calendar["total"] == 44 == sum(y["count"] for y in calendar["years"])
    assert [y["year"] for y in calendar["years"]] == [2025, 2024, 2023]
    for year in calendar["years"]:
        assert year["count"] == sum(m["count"] for m in year["months"])
        assert [m["month"] for m in year["months"]] == sorted((m["month"] for m in year["months"]), reverse=True)
        assert all(m["count"] > 0 for m in year["months"])
    events = client.get("/api/v1/archive", params={"lang": "kk", "section": "events"}).json()
    assert events["section"] == "events" and events["total"] == 6


def test_sections_are_named_in_the_reader_language_or_a_fallback(demo, client, engine):
    with session_scope(engine) as session:
        service.create_section(session, "only-russian", {"ru": "Только по-русски"}, position=99)
    sections = client.get("/api/v1/sections", params={"lang": "kk"}).json()["sections"]
    by_slug = {s["slug"]: s for s in sections}
    assert (by_slug["events"]["name"], by_slug["events"]["name_language"]) == ("Іс-шаралар", "kk")
    assert (by_slug["only-russian"]["name"], by_slug["only-russian"]["name_language"]) == ("Только по-русски", "ru")
    assert by_slug["events"]["articles"] == 6 and by_slug["only-russian"]["articles"] == 0
    assert [s["slug"] for s in sections][0] == "about" and sections[-1]["slug"] == "only-russian"
    assert sum(s["articles"] for s in sections) == 44


def test_languages_with_names_fallbacks_and_the_default(client):
    response = client.get("/api/v1/languages", headers={"Accept-Language": "ru"})
    listed = response.json()
    assert (listed["language"], listed["default"]) == ("ru", "kk")
    assert response.headers["content-language"] == "ru"
    assert response.headers["vary"] == "Accept-Language, Cookie, Accept-Encoding"
    by_code = {lang["code"]: lang for lang in listed["languages"]}
    assert list(by_code) == ["en", "ru", "kk", "kk-Latn"]
    assert by_code["kk"] == {"code": "kk", "native_name": "Қазақ тілі", "name": "казахский",
                             "fallbacks": ["ru", "en"], "default": True, "derived_from": None}
    assert by_code["kk-Latn"] == {"code": "kk-Latn", "native_name": "Qazaq tılı", "name": "казахский (латиница)",
                                  "fallbacks": ["ru", "en"], "default": False, "derived_from": "kk"}
    assert by_code["en"]["fallbacks"] == ["ru", "kk"] and by_code["en"]["default"] is False
    etag = response.headers["etag"]
    assert client.get("/api/v1/languages?lang=ru", headers={"If-None-Match": etag}).status_code == 304


def test_languages_named_for_a_kazakh_latin_reader_are_in_latin_letters(client):
    listed = client.get("/api/v1/languages", params={"lang": "kk-Latn"}).json()
    names = {lang["code"]: lang["name"] for lang in listed["languages"]}
    assert names == {"en": "ağylşyn tılı", "ru": "orys tılı", "kk": "qazaq tılı", "kk-Latn": "qazaq tılı (latyn jazuy)"}
    english = client.get("/api/v1/languages", params={"lang": "en"}).json()
    assert [lang["name"] for lang in english["languages"]] == ["English", "Russian", "Kazakh", "Kazakh (Latin)"]


def test_sections_for_a_kazakh_latin_reader_are_named_in_latin_letters(demo, client, engine):
    with session_scope(engine) as session:
        service.create_section(session, "only-russian", {"ru": "Только по-русски"}, position=99)
    response = client.get("/api/v1/sections", params={"lang": "kk-Latn"})
    listed = response.json()
    assert listed["language"] == "kk-Latn" and response.headers["content-language"] == "kk-Latn"
    by_slug = {s["slug"]: s for s in listed["sections"]}
    assert (by_slug["events"]["name"], by_slug["events"]["name_language"]) == ("Is-şaralar", "kk-Latn")
    # A name that comes from a fallback stays in its own language and says so.
    assert (by_slug["only-russian"]["name"], by_slug["only-russian"]["name_language"]) == ("Только по-русски", "ru")
    kazakh = client.get("/api/v1/sections", params={"lang": "kk"}).json()["sections"]
    assert [s["articles"] for s in kazakh] == [s["articles"] for s in listed["sections"]]
