"""The translator queue: what is in it, in which order, with which source text and diff, at what cost."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from library.demand.models import Demand
from library.storage import session_scope
from library.workflow.queue import queue
from tests.factories import make_article, make_section, translate

DAY = datetime(2024, 5, 1, tzinfo=UTC)


def _demand(session, article, language: str, count: int) -> None:
    session.add(Demand(article_id=article.id, language=language, count=count, first_seen=DAY, last_seen=DAY))


def _slugs(client, headers, lang="kk", **params) -> list[tuple[str, str]]:
    response = client.get("/api/v1/workflow/queue", headers=headers, params={"lang": lang, **params})
    assert response.status_code == 200, response.text
    return [(item["article"], item["reason"]) for item in response.json()["items"]]


def test_ranked_by_demand_then_views_then_recency(client, staff, engine):
    rows = [  # slug, demand for kk, views, day of May
        ("quiet-old", 0, 0, 1), ("quiet-new", 0, 0, 9), ("viewed", 0, 50, 2),
        ("wanted", 7, 0, 3), ("most-wanted", 12, 1, 4), ("wanted-viewed", 7, 9, 5),
    ]
    with session_scope(engine) as session:
        section = make_section(session)
        for slug, demand, views, day in rows:
            article = make_article(session, slug=slug, section=section, published_at=DAY.replace(day=day))
            article.views = views
            _demand(session, article, "kk", demand)
            _demand(session, article, "en", 100 - demand)  # another language's demand does not count
    assert [slug for slug, _ in _slugs(client, staff["aigerim"])] == [
        "most-wanted", "wanted-viewed", "wanted", "viewed", "quiet-new", "quiet-old"]


def test_only_missing_and_outdated_variants_of_published_articles_are_queued(client, staff, engine):
    with session_scope(engine) as session:
        section = make_section(session)
        make_article(session, slug="missing", section=section)
        translate(session, make_article(session, slug="done", section=section), "kk", "Дайын")
        translate(session, make_article(session, slug="started", section=section), "kk", "Бастама",
                  status=Status.DRAFT)
        outdated = make_article(session, slug="outdated", section=section)
        translate(session, outdated, "kk", "Ескі")
        service.save_variant(session, outdated, "ru", VariantText("Новое"), status=Status.PUBLISHED)
        make_article(session, slug="unpublished", section=section, status=Status.DRAFT)
        make_article(session, slug="written-in-kk", section=section, source_language="kk", title="Қазақша")
    assert sorted(_slugs(client, staff["aigerim"])) == [
        ("missing", "missing"), ("outdated", "outdated"), ("started", "missing")]


def test_a_major_source_edit_puts_translations_at_the_head_with_a_diff_and_a_minor_one_does_not(
        client, staff, engine):
    with session_scope(engine) as session:
        section = make_section(session)
        for n in range(3):
            _demand(session, make_article(session, slug=f"other-{n}", section=section), "kk", 3)
        water = make_article(session, slug="water", section=section, title="Вода",
                             body="<p>В селе 350 семей.</p><p>Вода есть.</p>")
        for language in ("kk", "en"):
            translate(session, water, language, f"Water {language}")
            _demand(session, water, language, 5)
    ed = staff["olga"]
    ru = client.get("/api/v1/workflow/variants/water/ru", headers=ed)
    minor = client.put("/api/v1/workflow/variants/water/ru", headers={**ed, "If-Match": ru.headers["etag"]},
                       json={"title": "Вода", "body": "<p>В селе 350 семей.</p><p>Вода есть!</p>",
                             "minor": True, "status": "published"})
    assert minor.status_code == 200
    for lang in ("kk", "en"):
        assert ("water", "outdated") not in _slugs(client, ed, lang)
    major = client.put("/api/v1/workflow/variants/water/ru", headers={**ed, "If-Match": minor.headers["etag"]},
                       json={"title": "Вода", "body": "<p>В селе 400 семей.</p><p>Вода есть!</p>",
                             "status": "published"})
    assert major.status_code == 200
    for lang in ("kk", "en"):
        head = client.get("/api/v1/workflow/queue", headers=ed, params={"lang": lang}).json()["items"][0]
        assert (head["article"], head["reason"], head["target"]["text"]["title"]) == ("water", "outdated",
                                                                                        f"Water {lang}")
        diff = head["diff"]
        assert (diff["language"], diff["from_revision"], diff["to_revision"]) == ("ru", 1, 3)
        assert [f["field"] for f in diff["fields"]] == ["body"]
        assert "-<p>В селе 350 семей.</p>" in diff["fields"][0]["unified"]
        assert "+<p>В селе 400 семей.</p>" in diff["fields"][0]["unified"]
        assert head["source"] == {"language": "ru", "revision": 3, "title": "Вода", "summary": "",
                                  "body": "<p>В селе 400 семей.</p><p>Вода есть!</p>"}


@pytest.mark.parametrize("ru_state, expected_source", [
    ("published", "ru"),   # kk -> ru -> en: a current, published Russian translation comes first
    ("outdated", "en"),    # an outdated translation would pass its gaps on
    ("draft", "en"),       # so would an unreviewed one
    ("missing", "en"),
])
def test_the_source_text_follows_the_fallback_chain(session, registry, principals, ru_state, expected_source):
    article = make_article(session, slug="report", source_language="en", title="Report")
    if ru_state != "missing":
        translate(session, article, "ru", "Доклад", status=Status.DRAFT if ru_state == "draft" else Status.PUBLISHED)
    if ru_state == "outdated":
        service.save_variant(session, article, "en", VariantText("Report, revised"), status=Status.PUBLISHED)
    item = queue(session, registry, principals["aigerim"], "kk").items[0]
    assert item.source.language == expected_source


def test_section_filter_and_paging(client, staff, engine):
    with session_scope(engine) as session:
        news, data = make_section(session, "news"), make_section(session, "data")
        for n in range(5):
            make_article(session, slug=f"news-{n}", section=news, published_at=DAY.replace(day=n + 1))
        make_article(session, slug="data-0", section=data)
    page = client.get("/api/v1/workflow/queue", headers=staff["aigerim"],
                      params={"lang": "kk", "section": "news", "limit": 2, "offset": 1}).json()
    assert page["total"] == 5 and [i["article"] for i in page["items"]] == ["news-3", "news-2"]
    assert client.get("/api/v1/workflow/queue", headers=staff["aigerim"],
                      params={"lang": "kk", "limit": 500}).status_code == 400


def test_a_page_costs_the_same_few_queries_whatever_its_size(engine, registry, principals):
    with session_scope(engine) as session:
        section = make_section(session)
        for n in range(30):
            article = make_article(session, slug=f"a-{n}", section=section)
            if n % 2:
                translate(session, article, "kk", f"Мақала {n}")
                service.save_variant(session, article, "ru", VariantText(f"Правка {n}"), status=Status.PUBLISHED)
    counts: dict[int, int] = {}
    statements: list[str] = []

    def listener(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    for size in (3, 30):
        statements.clear()
        event.listen(engine, "before_cursor_execute", listener)
        try:
            with session_scope(engine, write=False) as session:
                page = queue(session, registry, principals["aigerim"], "kk", limit=size)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(page.items) == size and any(item.diff for item in page.items)
        counts[size] = len([s for s in statements if s.lstrip().upper().startswith("SELECT")])
    assert counts[3] == counts[30] <= 5
