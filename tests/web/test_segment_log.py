"""The response cache's values kept in segments given back whole (`library.web.segment_log`): every value
read back as written, through moves between queues, replacements and removals, and the memory mapped
bounded by the cache's own bound."""

from __future__ import annotations

import random

import pytest

from library.web.cache import MIN_SEGMENTS, CachedResponse, ResponseCache
from library.web.s3fifo import MAIN_QUEUE, SMALL_QUEUE, S3Fifo
from library.web.segment_log import SEGMENT, InPlace, SegmentLog


def test_a_log_reads_back_what_it_wrote_and_unmaps_what_its_queue_passed():
    log = SegmentLog(segment=64)
    handles = [log.write(SMALL_QUEUE, bytes([n]) * 30) for n in range(6)]  # two a segment: three segments
    assert [log.read(h) for h in handles] == [bytes([n]) * 30 for n in range(6)]
    assert log.mapped == 3 * 64 and log.slack == 3 * 64 - 6 * 30
    log.drop(handles[0])
    log.passed(SMALL_QUEUE, log.where(handles[3]))  # the queue moved past the first four values
    assert log.mapped == 2 * 64  # the first segment is unmapped; the second holds the fourth value
    assert log.read(handles[3]) == bytes([3]) * 30 and log.read(handles[5]) == bytes([5]) * 30
    other = log.write(MAIN_QUEUE, b"main")
    assert log.read(other) == b"main" and log.mapped == 3 * 64  # another queue, another log
    large = log.write(SMALL_QUEUE, b"x" * 65)  # larger than a segment: kept as it is
    assert large == b"x" * 65 and log.read(large) is large and log.where(large) is None
    log.clear()
    assert log.mapped == 0 and log.slack == 0
    assert log.read(log.write(SMALL_QUEUE, b"again")) == b"again"


def test_a_segment_cannot_be_larger_than_a_handle_can_say():
    with pytest.raises(ValueError, match="at most"):
        SegmentLog(segment=1 << 25)


@pytest.mark.parametrize("segment", [64, 512])
def test_s3_fifo_on_a_log_reads_back_every_value_and_stays_within_its_bound(segment):
    """Random puts, reads, removals and replacements, against a dictionary of what was written."""
    rng = random.Random(segment)
    log = SegmentLog(segment=segment)
    ever: dict[int, set[bytes]] = {}
    removed = []

    def check_removed(key: int, value: bytes) -> None:  # evicted, popped or replaced: read intact
        assert value in ever[key]
        removed.append(key)

    fifo = S3Fifo(capacity=40 * segment, removed=check_removed, storage=log)
    written: dict[int, bytes] = {}
    for n in range(30_000):
        key, roll = rng.randrange(2_000), rng.random()
        if roll < 0.45:
            value = f"{key}:{n}:".encode() * rng.randrange(1, 4)
            ever.setdefault(key, set()).add(value)
            fifo.put(key, value, len(value) + 8)
            written[key] = value
        elif roll < 0.93:
            value = fifo.get(key)
            assert value is None or value == written[key]
        elif roll < 0.97:
            value = fifo.pop(key)
            assert value is None or value == written[key]
        elif fifo.get(key) is not None:
            written[key] += b"+"
            ever[key].add(written[key])
            fifo.replace(key, written[key])
        assert fifo.held <= fifo.capacity
        assert log.mapped <= fifo.capacity
    assert len(removed) > 10_000
    assert fifo.used > fifo.capacity // 2  # the bound left room for values, not only for slack
    fifo.clear()
    assert log.mapped == 0 and len(fifo) == 0


def test_values_given_another_chance_are_copied_and_keep_their_queue_order():
    log = SegmentLog(segment=64)
    fifo = S3Fifo(capacity=64 * 20, storage=log)
    fifo.put("popular", b"p" * 40, 48)
    for n in range(200):
        fifo.get("popular")  # read again and again: moved to main, then given chances there
        fifo.put(n, bytes([n]) * 40, 48)
    assert fifo.get("popular") == b"p" * 40
    assert fifo.get(199) == bytes([199]) * 40 and fifo.get(0) is None


def test_the_response_cache_keeps_its_values_in_segments_only_when_it_is_large_enough():
    assert isinstance(ResponseCache(max_bytes=MIN_SEGMENTS * SEGMENT - 1)._entries.storage, InPlace)
    cache = ResponseCache(max_bytes=MIN_SEGMENTS * SEGMENT)
    assert isinstance(cache._entries.storage, SegmentLog)
    entries = {n: CachedResponse(f"body {n}".encode() * 50, f'"{n}"', ((b"content-type", b"text/plain"),),
                                 article_id=n, tags=(f"article-{n}",)) for n in range(2_000)}
    for n, entry in entries.items():
        cache.put(("article", n), entry, cache.generation)
    for n in (0, 999, 1_999):
        got = cache.get(("article", n))
        assert (got.body, got.etag, got.headers, got.tags) == (entries[n].body, f'"{n}"', entries[n].headers,
                                                                (f"article-{n}",))
    cache.invalidate(["article-999"])
    assert cache.get(("article", 999)) is None and cache.get(("article", 998)) is not None
