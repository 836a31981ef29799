"""Reader pages come from the response cache, rendered once for every visitor: a visitor's flash message
never reaches another, reads are counted at every hit, a publish is shown within a second, and what
every page shares is built once per content version."""

from __future__ import annotations

import random
import re
import time

import pytest
from sqlalchemy import select

from library.content import service
from library.content.models import Article, Status
from library.content.service import VariantText
from library.storage import session_scope
from library.web.cache import ENTRY_OVERHEAD, ContentMemo
from library.web.pages.routes import _find
from tests.factories import make_article, make_section, translate

PAGE = "/kk/articles/cached-page"


@pytest.fixture
def article(engine):
    with session_scope(engine) as session:
        article = make_article(session, slug="cached-page", title="Бастапқы тақырып")
        translate(session, article, "kk", "Бірінші атау")


def _hits(client) -> int:
    return client.get("/api/v1/health").json()["cache"]["hits"]


def test_two_visitors_get_the_same_cached_page(article, make_client):
    client = make_client()
    one = client.get(PAGE)
    client.cookies.clear()  # another visitor, on the same server
    hits = _hits(client)
    other = client.get(PAGE)
    assert one.status_code == other.status_code == 200
    assert _hits(client) == hits + 1  # built for the first visitor, sent from the cache to the second
    assert one.content == other.content and "set-cookie" not in other.headers
    assert one.headers["cache-control"] == other.headers["cache-control"] and "s-maxage" in one.headers["cache-control"]
    # The calendar, two thirds of the page, is kept once per language, not in each cached page.
    calendar = re.search(r'<section class="calendar".*?</section>', other.text, re.DOTALL).group()
    assert calendar.count("<li") == 12
    cache = client.app.state.cache
    kept = cache.get(("page", "article", "kk", "cached-page"))
    head, tail = (segment.inflate() for segment in kept.segments)
    assert head + calendar.encode() + tail == other.content and b"calendar-title" not in head + tail
    assert len(cache) == 1 and cache.size - ENTRY_OVERHEAD < len(other.content) - len(calendar.encode())


def test_a_flash_message_is_shown_to_its_visitor_only(article, make_client):
    client = make_client()
    other = make_client()
    other.get(PAGE)  # cached before the subscription
    client.post("/kk/newsletter", data={"email": "flash@example.org", "language": "kk",
                                        "next": "/articles/cached-page"},
                headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    with_flash = client.get(PAGE)
    assert 'class="flash"' in with_flash.text and "private" in with_flash.headers["cache-control"]
    assert 'class="flash"' not in other.get(PAGE).text
    assert 'class="flash"' not in client.get(PAGE).text  # shown once: the cookie was deleted


def test_every_cached_page_read_is_counted(article, engine, make_client):
    client = make_client(LIBRARY_FLUSH_INTERVAL="3600")
    for _ in range(4):
        assert client.get(PAGE).status_code == 200
    client.__exit__(None, None, None)  # a stopping app flushes its counts
    with session_scope(engine) as session:
        assert session.scalar(select(Article.views).where(Article.slug == "cached-page")) == 4


def test_a_publish_is_shown_on_the_cached_page_within_a_second(article, engine, make_client):
    client = make_client()
    assert "Бірінші атау" in client.get(PAGE).text
    assert "Бірінші атау" in client.get(PAGE).text
    with session_scope(engine) as session:
        saved = service.get_article(session, "cached-page")
        service.save_variant(session, saved, "kk", VariantText("Екінші атау", "", "<p>Мәтін.</p>"),
                             status=Status.PUBLISHED)
    since = time.monotonic()
    while "Екінші атау" not in client.get(PAGE).text:
        assert time.monotonic() - since < 1.5, "the cached page still shows the old title"
        time.sleep(0.05)


def test_the_sidebar_is_built_once_per_content_version(article, engine, make_client):
    client = make_client(LIBRARY_CACHE_MB="0")  # pages themselves are not cached: the memo still is
    built = []
    memo: ContentMemo = client.app.state.cache.memo
    original = memo.get

    def counting(key, build, keep=None):
        return original(key, lambda: built.append(key) or build(), keep)

    memo.get = counting
    for path in (PAGE, "/ru/articles/cached-page", PAGE, "/kk/archive/2024/5", "/kk/archive/2024/5", PAGE,
                 "/ru/archive/2024/5"):
        assert client.get(path).status_code == 200
    # One calendar per language and month viewed (the month is marked in it), whatever the page.
    calendars = sorted((key[1], str(key[3])) for key in built if key[0] == "calendar")
    assert calendars == [("kk", "(2024, 5)"), ("kk", "None"), ("ru", "(2024, 5)"), ("ru", "None")]
    # One list of each listing's articles and one archive count, whatever the language.
    assert [key for key in built if key[0] in ("listing", "archive")] == [("archive", None),
                                                                          ("listing", None, 2024, 5)]
    # One section menu per language (the article's section is not in the menu: none is current).
    assert sorted(key for key in built if key[0] == "menu") == [("menu", "kk", None), ("menu", "ru", None)]
    with session_scope(engine) as session:
        make_section(session, "events")
    assert client.get("/ru/sections/events").status_code == 200 and ("menu", "ru", "events") in built
    assert 'href="/ru/sections/events" aria-current="page"' in client.get("/ru/sections/events").text


def test_what_a_request_names_cannot_grow_the_memo_without_bound(article, make_client):
    client = make_client(LIBRARY_CACHE_MB="0")
    memo: ContentMemo = client.app.state.cache.memo
    for year in range(1990, 2010):
        for month in (1, 7):
            assert client.get(f"/kk/archive/{year}/{month}").status_code == 200
            listing = client.get("/api/v1/articles", params={"lang": "kk", "year": year, "month": month})
            assert listing.status_code == 200
    for slug in ("nope", "events-x", "x" * 200):  # unknown sections: a 404 page, with the menu of none
        assert client.get(f"/kk/sections/{slug}").status_code == 404
    # Empty listings are not kept, every year without articles shares one calendar, one menu.
    assert len(memo._values) <= 5, memo._values.keys()


def test_the_memo_drops_values_built_before_it_was_emptied():
    memo = ContentMemo()
    assert memo.get("a", lambda: 1) == 1
    assert memo.get("a", lambda: 2) == 1

    def build_while_content_changes() -> int:
        memo.clear()
        return 3

    assert memo.get("b", build_while_content_changes) == 3
    assert memo.get("b", lambda: 4) == 4  # the value built across the clear was not kept
    memo.clear()
    assert memo.get("a", lambda: 5) == 5


def test_a_page_finds_its_calendar_where_a_whole_search_would():
    """By its first 64 bytes, then compared whole: a prefix met earlier (the same words in an article)
    must not cut the page at the wrong place."""
    rng = random.Random(5)
    for _ in range(3000):
        part = bytes(rng.choices(b"ab", k=rng.randint(1, 150)))
        body = bytes(rng.choices(b"ab", k=rng.randint(0, 400)))
        if rng.random() < 0.5:
            at = rng.randint(0, len(body))
            body = body[:at] + part + body[at:]
        assert _find(body, part) == body.find(part)
