"""Response caches: bounded, never storing a stale build, and emptied in every process within a second
of a content write in any process."""

from __future__ import annotations

import gc
import gzip as gzip_module
import time

import pytest

from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from library.storage import session_scope
from library.web import cache as cache_module
from library.web.cache import CachedResponse, ResponseCache, SharedPart
from library.web.encoding import Segment
from library.web.responses import encode, encode_headers
from library.web.s3fifo import S3Fifo
from tests.factories import make_article, translate
from tests.servers import Served

ARTICLE = "/api/v1/articles/cached?lang=kk"


def _entry(size: int) -> CachedResponse:
    return CachedResponse(b"x" * size, '"e"', {})


def test_the_cache_is_bounded_in_bytes_and_keeps_what_is_read_again_through_a_crawl():
    cache = ResponseCache(max_bytes=20 * (1000 + 512))
    for key in "abc":
        cache.put(key, _entry(1000), cache.generation)
        assert cache.get(key) is not None  # read again: popular
    for n in range(200):  # a crawler's sweep: every response read once
        cache.put(("crawl", n), _entry(1000), cache.generation)
        assert cache.size <= cache.max_bytes
    assert all(cache.get(key) is not None for key in "abc")
    assert cache.get(("crawl", 0)) is None and cache.get(("crawl", 199)) is not None
    assert len(cache) <= 20
    disabled = ResponseCache(max_bytes=0)
    disabled.put("a", _entry(10), disabled.generation)
    assert disabled.get("a") is None and len(disabled) == 0


def test_s3_fifo_admits_a_key_asked_for_again_soon_after_it_left():
    once = 1000  # an int hashes to itself: its ghost slot is not one of the other keys' (0-59)
    fifo = S3Fifo(capacity=10)
    fifo.put(once, "value", 1)
    for n in range(30):
        fifo.put(n, n, 1)
    assert fifo.get(once) is None  # left the small queue unread: remembered as a ghost
    fifo.put(once, "value", 1)  # asked again: straight to the main queue
    for n in range(30, 60):
        fifo.put(n, n, 1)
    assert fifo.get(once) == "value" and fifo.used <= 10
    fifo.put("huge", "value", 11)  # larger than the whole cache: not kept
    assert fifo.get("huge") is None and fifo.used <= 10
    fifo.pop(once)
    assert fifo.get(once) is None and len(fifo) == fifo.used


def test_s3_fifo_forgets_a_ghost_whose_slot_a_later_one_took():
    fifo = S3Fifo(capacity=10)
    slots = len(fifo._ghost)
    fifo.put(7, "first", 1)
    for n in range(100, 130):  # 7 leaves unread; so do these, none in its slot
        fifo.put(n, n, 1)
    fifo.put(7 + slots, "same slot", 1)
    for n in range(200, 230):  # 7 + slots leaves unread too, and takes 7's slot
        fifo.put(n, n, 1)
    fifo.put(7, "again", 1)  # not remembered: starts in the small queue, and a sweep pushes it out
    for n in range(300, 330):
        fifo.put(n, n, 1)
    assert fifo.get(7) is None


def test_a_response_built_before_the_version_moved_is_not_stored():
    cache = ResponseCache(max_bytes=10**6)
    cache.saw_version(1)
    generation = cache.generation
    cache.saw_version(2)  # another process published while the response was being built
    cache.put("a", _entry(10), generation)
    assert cache.get("a") is None
    assert cache.saw_version(2) is False
    cache.put("a", _entry(10), cache.generation)
    assert cache.get("a") is not None


def test_cached_responses_expire(monkeypatch):
    cache = ResponseCache(max_bytes=10**6, max_age=60)
    cache.put("a", _entry(10), cache.generation)
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 61)
    assert cache.get("a") is None and len(cache) == 0


@pytest.fixture
def cached_article(engine):
    with session_scope(engine) as session:
        article = make_article(session, slug="cached")
        translate(session, article, "kk", "Бірінші атау")


def _publish(engine, title: str, status: Status = Status.PUBLISHED) -> float:
    with session_scope(engine) as session:
        article = service.get_article(session, "cached")
        service.save_variant(session, article, "kk", VariantText(title, "", "<p>Мәтін.</p>"), status=status)
    return time.monotonic()


def _wait_for(read, title: str, since: float, limit: float = 1.0) -> float:
    """Seconds from ``since`` until ``read()`` returns ``title`` (fails after ``limit`` + a margin)."""
    while True:
        if read() == title:
            return time.monotonic() - since
        assert time.monotonic() - since < limit + 0.5, f"still not serving {title!r}"
        time.sleep(0.02)


def test_an_edit_made_elsewhere_is_served_by_another_app_within_a_second(cached_article, engine, make_client):
    client = make_client()
    assert client.get(ARTICLE).json()["title"] == "Бірінші атау"
    assert client.get(ARTICLE).json()["title"] == "Бірінші атау"  # now from the cache
    since = _publish(engine, "Екінші атау")
    assert _wait_for(lambda: client.get(ARTICLE).json()["title"], "Екінші атау", since) <= 1.0
    _publish(engine, "Жоба", Status.DRAFT)  # a draft invalidates too, but never shows
    time.sleep(0.6)
    assert client.get(ARTICLE).json()["title"] == "Екінші атау"


@pytest.mark.slow
def test_a_publish_is_served_by_every_server_process_within_a_second(cached_article, engine, database_url):
    with Served(database_url) as first, Served(database_url) as second:
        for server in (first, second):
            for _ in range(3):
                assert server.get(ARTICLE)[1]["title"] == "Бірінші атау"
        since = _publish(engine, "Екінші атау")
        for server in (first, second):
            assert _wait_for(lambda s=server: s.get(ARTICLE)[1]["title"], "Екінші атау", since) <= 1.0


def test_one_thread_builds_a_missing_memo_value_while_the_others_wait():
    import threading

    from library.web.cache import ContentMemo

    memo = ContentMemo()
    builds = []
    started = threading.Barrier(8)

    def build():
        builds.append(1)
        time.sleep(0.05)
        return "archive"

    def reader():
        started.wait()
        assert memo.get("archive", build) == "archive"

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1
    assert memo.get("empty", lambda: [], keep=len) == [] and memo.get("empty", lambda: [1], keep=len) == [1]


def test_a_memo_build_that_raises_leaves_nothing_behind():
    from library.web.cache import ContentMemo

    memo = ContentMemo()

    def unknown_section():
        raise LookupError("no such section")

    for n in range(100):
        with pytest.raises(LookupError):
            memo.get(("archive", f"section-{n}"), unknown_section)
    assert memo._building == {} and memo._values == {}


def _page(head: bytes, tail: bytes, shared: tuple) -> CachedResponse:
    entry = CachedResponse(b"", "", encode_headers({"Content-Type": "text/html", "Content-Language": "kk"}),
                           shared=shared, tags=("article-1", "lang-kk"),
                           segments=(Segment(head, final=False), Segment(tail)))
    return entry


def test_a_full_cache_adds_nothing_for_the_garbage_collector_to_look_at():
    """Tens of thousands of entries made each full collection a stall of 150-230 ms (issue 15): kept as
    plain tuples, they are not tracked, so the objects the collector tracks do not grow with them."""
    cache = ResponseCache(max_bytes=10**9)
    part = SharedPart(b"<nav>calendar</nav>", ("calendar", "kk", None, None), 0)

    def fill(start: int, count: int) -> None:
        for n in range(start, start + count):
            api = encode({"n": n}, {"Content-Language": "kk", "Link": f"</api/v1/articles/a-{n}>"}, article_id=n)
            cache.put(("article", f"a-{n}", "kk"), api, cache.generation)
            page = _page(b"<p>head %d</p>" % n, b"<p>tail</p>", part.key)
            page.with_part(part)
            cache.put(("page", "article", f"a-{n}", "kk"), page, cache.generation)

    fill(0, 100)  # the cache's own containers exist from now on
    gc.collect(1), gc.collect()
    before = len(gc.get_objects())
    fill(100, 2000)
    assert cache.get(("article", "a-2099", "kk")) is not None  # unpacked for a hit: an object again
    gc.collect(1), gc.collect()
    assert len(gc.get_objects()) - before < 100  # were 4,000 (API) + 10,000 (pages) with objects as entries
    assert len(cache) == 4200


def test_a_cached_page_keeps_the_checksum_computed_for_a_new_shared_part():
    cache = ResponseCache(max_bytes=10**6)
    old = SharedPart(b"<nav>old</nav>", ("calendar", "kk", None, None), 0)
    page = _page(b"<p>head</p>", b"<p>tail</p>", old.key)
    assert page.with_part(old)  # computed once, when built
    cache.put("page", page, cache.generation)
    assert not cache.get("page").with_part(old)
    new = SharedPart(b"<nav>new, longer</nav>", old.key, 1)  # content changed: the memo built another
    hit = cache.get("page")
    assert hit.with_part(new)
    assert gzip_module.decompress(hit.gzip()) == b"<p>head</p><nav>new, longer</nav><p>tail</p>"
    assert hit.content() == b"<p>head</p><nav>new, longer</nav><p>tail</p>"
    cache.refresh("page", hit)
    again = cache.get("page")
    assert not again.with_part(new)  # kept: the next reader does not compute it again
    assert gzip_module.decompress(again.gzip()) == b"<p>head</p><nav>new, longer</nav><p>tail</p>"
    with pytest.raises(RuntimeError, match="with_part"):
        cache.get("page").gzip()  # a page sent without its current part would be sent wrong


def test_a_packed_entry_names_a_shared_header_by_number_and_gets_it_back_whole(monkeypatch):
    shared = encode_headers({"Content-Type": "application/json", "Cache-Control": "public, max-age=0, s-maxage=60",
                             "Vary": "Accept-Language, Cookie, Accept-Encoding"})
    own = encode_headers({"Link": "</api/v1/articles/a?lang=en>; rel=\"alternate\"; hreflang=\"en\""})
    entry = CachedResponse(b"body", '"e"', (*shared, *own))
    packed = entry.packed()
    assert b"s-maxage" not in packed and b"Accept-Language" not in packed  # numbers, not bytes
    assert b"hreflang" in packed  # a response's own header is kept in it
    assert CachedResponse.unpacked(packed).headers == (*shared, *own)
    monkeypatch.setattr(cache_module, "MAX_SHARED_HEADERS", len(cache_module._header_table))  # the table is full
    unseen = encode_headers({"Content-Language": "kk, en, ru, x-unseen"})
    packed = CachedResponse(b"body", '"e"', unseen).packed()
    assert b"x-unseen" in packed and CachedResponse.unpacked(packed).headers == unseen  # kept in the entry
