"""A publish drops from every process's response cache just what it changed (the surrogate keys the
caches in front are purged by, logged with the content version: `library.edge.changes`): the article
in every language, the listings, the archive and the calendar; an unrelated article stays cached.
A version move whose keys are not known empties the cache, as before."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from sqlalchemy import select, text

from library.content import service
from library.content.models import Section, Status
from library.content.service import VariantText
from library.content.version import current_version
from library.edge import changes
from library.edge.keys import ARCHIVE, LISTINGS, article
from library.storage import read_only, session_scope
from library.web.cache import ENTRY_OVERHEAD, CachedResponse, ResponseCache, _flat
from tests.factories import make_article, make_section

LANGUAGES = ("en", "ru", "kk", "kk-latn")
WHOLE = ["/api/v1/articles?lang=kk", "/api/v1/articles?lang=ru&year=2024&month=5", "/api/v1/archive?lang=en",
         "/api/v1/sections?lang=ru", "/ru/archive/2024/5", "/kk-latn/sections/news"]


def _a(slug: str) -> list[str]:
    return ([f"/api/v1/articles/{slug}?lang={code}" for code in LANGUAGES]
            + [f"/{code}/articles/{slug}" for code in LANGUAGES])


def _caught_up(client, engine) -> None:
    """Wait until the app's cache has heard of the last commit (a notification, or its poll)."""
    version = read_only(engine, current_version)
    since = time.monotonic()
    while client.app.state.cache.version != version:
        assert time.monotonic() - since < 2, "the cache did not hear of the commit"
        time.sleep(0.02)


def _figures(client) -> tuple[int, int]:
    cache = client.get("/api/v1/health").json()["cache"]
    return cache["hits"], cache["misses"]


def _is_hit(client, path: str) -> bool:
    before = _figures(client)
    assert client.get(path).status_code == 200
    hits, misses = _figures(client)
    return (hits - before[0], misses - before[1]) == (1, 0)


def _setup(engine) -> None:
    with session_scope(engine) as session:
        news = make_section(session, "news")
        for slug, title, day in (("changed", "Старый заголовок", 9), ("unrelated", "Другая статья", 2)):
            make_article(session, slug=slug, title=title, section=news, published_at=datetime(2024, 5, day, tzinfo=UTC))


def test_a_publish_drops_its_article_everywhere_and_what_lists_it_while_other_articles_stay_cached(
        engine, make_client):
    _setup(engine)
    client = make_client()
    _caught_up(client, engine)
    for path in [*_a("changed"), *_a("unrelated"), *WHOLE]:
        assert client.get(path).status_code == 200, path
    assert all(_is_hit(client, path) for path in [*_a("unrelated"), *WHOLE])

    with session_scope(engine) as session:  # the source text of "changed": every language shows it
        saved = service.get_article(session, "changed")
        service.save_variant(session, saved, "ru", VariantText("Новый заголовок", "", "<p>Текст.</p>"),
                             status=Status.PUBLISHED)
    _caught_up(client, engine)
    for path in _a("changed"):
        assert "Новый заголовок" in client.get(path).text, path
    for path in WHOLE[:2] + WHOLE[4:]:  # what lists it (the archive API and the sections list count it)
        assert "Старый заголовок" not in client.get(path).text, path
    assert all(_is_hit(client, path) for path in _a("unrelated"))

    with session_scope(engine) as session:  # a new article in a month nothing was published in yet
        news = session.scalar(select(Section).where(Section.slug == "news"))
        make_article(session, slug="new", title="Новая статья", section=news,
                     published_at=datetime(2023, 2, 1, tzinfo=UTC))
    _caught_up(client, engine)
    unrelated_page = "/kk/articles/unrelated"
    assert _is_hit(client, unrelated_page)  # the page is still cached, and its calendar is the new one
    for path in (unrelated_page, "/ru/archive/2024/5"):
        assert re.search(r'href="/[a-z-]+/archive/2023/2"', client.get(path).text), path
    assert any(month["month"] == 2 for year in client.get("/api/v1/archive?lang=en").json()["years"]
               if year["year"] == 2023 for month in year["months"])
    assert "Новая статья" in client.get("/api/v1/articles?lang=kk").text
    assert all(_is_hit(client, path) for path in _a("unrelated"))


def test_a_version_move_whose_changes_are_not_known_empties_the_cache(engine, make_client, db_kind):
    _setup(engine)
    client = make_client()
    _caught_up(client, engine)
    for path in _a("unrelated"):
        client.get(path)
    assert len(client.app.state.cache) == len(_a("unrelated"))
    with engine.begin() as connection:  # as an older release, or a hand-made bump: no keys logged
        connection.execute(text("UPDATE content_version SET version = version + 1 WHERE id = 1"))
        if db_kind == "postgres":  # and the notification, with nothing but the version
            connection.execute(text("SELECT pg_notify('library_content', version::text) FROM content_version"))
    _caught_up(client, engine)
    assert len(client.app.state.cache) == 0
    assert not any(_is_hit(client, path) for path in _a("unrelated")[:1])


def test_the_log_gives_the_keys_of_every_commit_since_a_version_or_none_when_one_is_missing(engine):
    _setup(engine)
    known = read_only(engine, current_version)
    with session_scope(engine) as session:
        saved = service.get_article(session, "changed")
        service.save_variant(session, saved, "kk", VariantText("Жаңа", "", "<p>Мәтін.</p>"), status=Status.PUBLISHED)
    version, keys = read_only(engine, changes.since, known)
    assert version == known + 1 and article(saved.id) in keys and {LISTINGS, ARCHIVE} <= set(keys)
    assert read_only(engine, changes.since, version) == (version, [])
    with engine.begin() as connection:
        connection.execute(text("UPDATE content_version SET version = version + 1 WHERE id = 1"))
    assert read_only(engine, changes.since, known) == (version + 1, None)  # one commit left no keys
    assert read_only(engine, changes.since, None)[1] is None


def _entry(*tags: str) -> CachedResponse:
    return CachedResponse(b"x" * 100, '"e"', (), tags=tuple(tags))


def test_the_cache_drops_the_entries_naming_a_key_and_forgets_the_keys_of_what_it_evicted():
    cache = ResponseCache(max_bytes=10**6)
    cache.saw_version(1)
    cache.put("a", _entry("library", "article-1", "article-2", "lang-kk"), cache.generation)
    cache.put("b", _entry("library", "article-2", "lang-kk"), cache.generation)
    cache.put("c", _entry("library", "listings", "lang-kk"), cache.generation)
    cache.put("d", _entry(), cache.generation)  # names nothing: may depend on anything
    assert cache.saw_version(2, ["article-1"], since=1)
    assert [key for key in "abcd" if cache.get(key) is not None] == ["b", "c"]
    assert cache.saw_version(3, ["article-3", "listings"], since=1)  # covers 2..3 too
    assert cache.get("b") is not None and cache.get("c") is None
    assert cache.saw_version(5, ["article-2"], since=4)  # version 4's keys are not known: everything
    assert len(cache) == 0
    cache.put("e", _entry("article-4"), cache.generation)
    assert cache.saw_version(6, ["lang-kk"], since=5)  # a key entries are not found by: everything
    assert len(cache) == 0 and not cache._tagged

    small = ResponseCache(max_bytes=20 * (100 + ENTRY_OVERHEAD))
    for n in range(500):
        small.put(n, _entry(f"article-{n}", "listings"), small.generation)
    assert len(small) <= 20 and len(small._tagged) <= 21  # the index follows evictions
    assert len(small._tagged["listings"]) == len(small)


def test_a_build_that_overlapped_a_targeted_drop_is_not_stored():
    cache = ResponseCache(max_bytes=10**6)
    cache.saw_version(1)
    generation = cache.generation
    cache.saw_version(2, ["article-9"], since=1)
    cache.put("a", _entry("article-1"), generation)
    assert cache.get("a") is None


def test_a_key_named_by_one_entry_then_by_two_then_by_one_again_still_finds_each():
    cache = ResponseCache(max_bytes=10**6)
    cache.saw_version(1)
    cache.put("a", _entry("article-1"), cache.generation)
    cache.put("b", _entry("article-1", "article-2"), cache.generation)
    cache.put("b", _entry("article-2"), cache.generation)  # rebuilt: no longer names article-1
    cache.put("c", _entry("article-2"), cache.generation)
    cache.put("c", _entry("article-2"), cache.generation)  # the same again: named once
    assert cache.saw_version(2, ["article-1"], since=1)
    assert cache.get("a") is None and cache.get("b") is not None and cache.get("c") is not None
    cache._entries.pop(_flat("b"))  # evicted: article-2 is named by c alone again
    assert cache._tagged["article-2"] == _flat("c")
    assert cache.saw_version(3, ["article-2"], since=2)
    assert len(cache) == 0 and not cache._tagged
