"""The untranslated report: what readers wanted and did not get, most demanded first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from library.demand.store import add_interface_misses
from library.storage import session_scope
from tests.demand.test_counting import FakeMissCounter, Miss
from tests.factories import make_user

FLUSH_LATER = {"LIBRARY_FLUSH_INTERVAL": "3600"}


@pytest.fixture
def reader(demo, make_client):
    return make_client(**FLUSH_LATER)


def _read(client, slug: str, lang: str, times: int) -> None:
    for _ in range(times):
        assert client.get(f"/api/v1/articles/{slug}", params={"lang": lang}).status_code == 200


def test_missing_and_outdated_variants_per_language_most_demanded_first(reader):
    _read(reader, "karaganda-women-entrepreneurship", "kk", 5)  # only in Russian
    _read(reader, "iwg-peace-partnership-joint-meeting-2024-11", "kk", 2)  # only in Russian
    _read(reader, "what-are-the-sdgs", "kk", 9)  # translated: views, no demand
    reader.app.state.flusher.flush()
    report = reader.get("/api/v1/untranslated", params={"lang": "kk"}).json()
    assert [gaps["language"] for gaps in report["languages"]] == ["kk"]
    kk = report["languages"][0]
    assert (kk["missing"], kk["outdated"]) == (15, 6)
    top = kk["articles"][:2]
    assert [(a["slug"], a["state"], a["demand"], a["views"]) for a in top] == [
        ("karaganda-women-entrepreneurship", "missing", 5, 5),
        ("iwg-peace-partnership-joint-meeting-2024-11", "missing", 2, 2)]
    assert top[0]["title"].startswith("Из хобби") and top[0]["source_language"] == "ru"
    states = {a["slug"]: a for a in kk["articles"]}
    assert states["iwg-planet-meeting-2023-09"]["state"] == "outdated"
    assert states["sdg-13-climate-action-carbon-neutrality"]["status"] is None  # a reader: no workflow states
    assert "what-are-the-sdgs" not in states
    assert len(kk["articles"]) == 21


def _token(engine, username: str, role: str, languages=("kk",)) -> str:
    from library.workflow.accounts import issue_token

    with session_scope(engine) as session:
        return issue_token(session, make_user(session, username, role, languages)).secret


def _status(client, **kwargs) -> str | None:
    response = client.get("/api/v1/untranslated", params={"lang": "kk"}, **kwargs)
    assert response.status_code == 200
    articles = {a["slug"]: a for a in response.json()["languages"][0]["articles"]}
    assert articles["sdg-13-climate-action-carbon-neutrality"]["state"] == "missing"
    return articles["sdg-13-climate-action-carbon-neutrality"]["status"]


@pytest.mark.parametrize(("role", "languages", "sees"), [
    ("reader", (), False), ("translator", ("en",), True), ("translator", ("kk",), True), ("editor", (), True),
    ("admin", (), True)])
def test_only_staff_see_whether_an_unpublished_text_is_a_draft_or_in_review(reader, engine, role, languages, sees):
    secret = _token(engine, f"a-{role}", role, languages)
    assert _status(reader, headers={"Authorization": f"Bearer {secret}"}) == ("draft" if sees else None)
    reader.cookies.set("library_session", secret)  # the pages' session cookie counts as well
    assert _status(reader) == ("draft" if sees else None)


def test_a_bad_token_on_the_report_is_a_401_not_a_reader_view(reader):
    response = reader.get("/api/v1/untranslated", headers={"Authorization": "Bearer lib_nonsense"})
    assert response.status_code == 401 and response.headers["content-type"].startswith("application/problem+json")


def test_every_language_by_default_a_section_and_a_limit(reader):
    report = reader.get("/api/v1/untranslated", params={"section": "events", "limit": 1}).json()
    by_language = {gaps["language"]: gaps for gaps in report["languages"]}
    assert list(by_language) == ["en", "ru", "kk"] and report["section"] == "events"
    assert by_language["ru"]["missing"] == 0 and by_language["en"]["missing"] == 4
    assert all(len(gaps["articles"]) <= 1 for gaps in by_language.values())
    assert all(a["section"] == "events" for gaps in by_language.values() for a in gaps["articles"])


def test_interface_strings_missed_at_run_time_are_listed_most_missed_first(reader, engine):
    at = datetime(2025, 1, 1, tzinfo=UTC)
    counter = FakeMissCounter()
    counter.pending = [Miss("kk", "Read more", None, 3, at, at), Miss("kk", "May", "month", 8, at, at),
                       Miss("ru", "Read more", None, 1, at, at)]
    with session_scope(engine) as session:
        add_interface_misses(session, counter.drain())
    kk = reader.get("/api/v1/untranslated?lang=kk").json()["languages"][0]
    assert [(m["msgid"], m["context"], m["count"]) for m in kk["interface"]] == [
        ("May", "month", 8), ("Read more", None, 3)]
