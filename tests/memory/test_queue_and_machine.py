"""The queue API carries each item's segments with suggestions; a machine-translation engine plugs in
through an entry point (a local fake here: nothing leaves the machine) and is shown apart."""

from __future__ import annotations

import logging
import sys
import textwrap

import pytest

from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from library.errors import ConfigurationError
from library.memory import machine
from library.storage import session_scope
from tests.factories import make_article, make_section

RU = "<p>Совет министров утвердил национальный план развития.</p><p>Новый абзац без перевода.</p>"
KK = "<p>Министрлер кеңесі ұлттық даму жоспарын бекітті.</p><p>Аудармасы жоқ жаңа абзац.</p>"


@pytest.fixture
def fake_engine(tmp_path, monkeypatch):
    """An installed package offering the engines ``fake`` and ``broken`` (a dist-info folder on sys.path)."""
    (tmp_path / "fake_mt.py").write_text(textwrap.dedent('''
        class Fake:
            name = "fake"
            def translate(self, texts, source, target):
                return [f"[{source}->{target}] {text}" for text in texts]

        class Broken:
            name = "broken"
            def translate(self, texts, source, target):
                raise TimeoutError("the service did not answer")
    '''), encoding="utf-8")
    info = tmp_path / "fake_mt-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-mt\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[library.machine_translation]\nfake = fake_mt:Fake\nbroken = fake_mt:Broken\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    machine.engine.cache_clear()
    yield
    machine.engine.cache_clear()
    sys.modules.pop("fake_mt", None)


@pytest.fixture
def queued_with_memory(engine):
    with session_scope(engine) as session:
        section = make_section(session)
        learnt = make_article(session, slug="learnt", section=section, title="Национальный план развития", body=RU)
        service.save_variant(session, learnt, "kk", VariantText("Ұлттық даму жоспары", "", KK),
                             status=Status.PUBLISHED, by="aigerim")
        make_article(session, slug="new", section=section, title="Национальный план развития",
                     body="<p>Совет министров утвердил национальный план развития страны.</p>")


def test_each_queue_item_lists_its_segments_with_suggestions(client, staff, queued_with_memory):
    response = client.get("/api/v1/workflow/queue", headers=staff["aigerim"], params={"lang": "kk"})
    assert response.status_code == 200, response.text
    [item] = response.json()["items"]
    title, paragraph = item["suggestions"]
    assert (title["place"], title["source"]) == ("title", "Национальный план развития")
    assert title["id"].startswith("title-") and paragraph["id"].startswith("body-")
    assert [(s["kind"], s["match"], s["target"]) for s in title["suggestions"]] == [
        ("memory", 100, "Ұлттық даму жоспары")]
    assert title["suggestions"][0]["article"] == "learnt" and title["suggestions"][0]["by"] == "aigerim"
    [fuzzy] = paragraph["suggestions"]
    assert fuzzy["match"] >= 90 and fuzzy["target"] == "Министрлер кеңесі ұлттық даму жоспарын бекітті."
    assert {"op": "insert", "text": " страны"} in fuzzy["changes"]
    quick = client.get("/api/v1/workflow/queue", headers=staff["aigerim"],
                       params={"lang": "kk", "suggestions": "false"})
    assert quick.json()["items"][0]["suggestions"] == []


def test_a_configured_engine_adds_a_separate_machine_suggestion(fake_engine, make_client, staff, queued_with_memory):
    client = make_client(LIBRARY_MACHINE_TRANSLATION="fake")
    [item] = client.get("/api/v1/workflow/queue", headers=staff["aigerim"], params={"lang": "kk"}).json()["items"]
    title = item["suggestions"][0]["suggestions"]
    assert [(s["kind"], s["origin"], s["match"]) for s in title] == [
        ("memory", "library", 100), ("machine", "fake", None)]
    assert title[1]["target"] == "[ru->kk] Национальный план развития"


def test_without_the_setting_no_engine_is_loaded(fake_engine, client, staff, queued_with_memory):
    [item] = client.get("/api/v1/workflow/queue", headers=staff["aigerim"], params={"lang": "kk"}).json()["items"]
    assert all(s["kind"] == "memory" for segment in item["suggestions"] for s in segment["suggestions"])


def test_a_failing_engine_is_skipped(fake_engine, make_client, staff, queued_with_memory):
    client = make_client(LIBRARY_MACHINE_TRANSLATION="broken")
    response = client.get("/api/v1/workflow/queue", headers=staff["aigerim"], params={"lang": "kk"})
    assert response.status_code == 200
    assert all(s["kind"] == "memory" for segment in response.json()["items"][0]["suggestions"]
               for s in segment["suggestions"])


class _Short:
    name = "short"

    def translate(self, texts, source, target):
        return ["one"]


def test_a_failing_or_miscounting_engine_is_logged(fake_engine, caplog):
    with caplog.at_level(logging.ERROR, "library.memory"):
        assert machine.machine_suggestions(machine.engine("broken"), ["a", "b"], "ru", "kk") == [None, None]
        assert machine.machine_suggestions(_Short(), ["a", "b"], "ru", "kk") == [None, None]
    assert "'broken' failed" in caplog.text and "'short' gave 1 translations for 2 texts" in caplog.text


def test_an_unknown_engine_stops_the_start(fake_engine):
    with pytest.raises(ConfigurationError, match="LIBRARY_MACHINE_TRANSLATION.*'deepl'.*broken, fake"):
        machine.engine("deepl")


def test_the_queue_needs_staff(client, queued_with_memory):
    assert client.get("/api/v1/workflow/queue", params={"lang": "kk"}).status_code == 401
