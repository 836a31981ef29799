"""Where a cache's values live: in place, or written one after another into segments of memory mapped
for the purpose and given back whole (issue 15).

A cache that keeps evicting values of many sizes leaves holes in the process's heap: each freed value
is a gap the next ones fit into badly, and freed memory stays with the process. Traced at 100,000
articles, 50-59 MB of a worker's 374 MB were such holes (`library.web.cache.ENTRY_OVERHEAD`). S3-FIFO's
queues are first in, first out (`library.web.s3fifo`), so their values can be kept as they are
queued: appended to a log of fixed segments, one log per queue, and a segment is unmapped once its
queue has moved past it. Memory is then the span of each log, never a heap of holes; an evicted or
dropped value's bytes are dead until their queue passes them, and they are counted until then
(`slack`), so the cache's bound covers them.

A value is read back by copying its bytes out of its segment (0.34 µs for 2.5 KB; a write takes 2.5 µs,
mapping a new segment now and then included); one moved to another queue, or given another chance in
the same, is copied to that log's end.
"""

from __future__ import annotations

import mmap
from typing import Any

SEGMENT = 1 << 18
"""Bytes of one segment (256 KB): an anonymous mapping of its own, so that giving it back returns it to
the system (a buffer this large from the allocator may come from the heap and leave a hole there).
Values larger than a segment are kept in place."""

_PRIVATE = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
"""The process's own memory, as the heap is (Python maps anonymous memory shared by default, which the
system counts apart: a worker's RssAnon would leave it out)."""
_SIZE_BITS = 24
_SIZE_MASK = (1 << _SIZE_BITS) - 1


class InPlace:
    """Values kept as they are: nothing copied, nothing left behind (the default, and for caches too
    small for segments to pay: a segment per queue would be much of them)."""

    slack = 0

    def write(self, queue: int, value: Any) -> Any:
        return value

    def read(self, handle: Any) -> Any:
        return handle

    def where(self, handle: Any) -> int | None:
        return None

    def drop(self, handle: Any) -> None:
        pass

    def passed(self, queue: int, where: int | None) -> None:
        pass

    def clear(self) -> None:
        pass


class _Log:
    """One queue's bytes: segments numbered in the order they were mapped, the last one being filled."""

    __slots__ = ("segments", "tail", "head", "offset")

    def __init__(self, segment: int) -> None:
        self.segments: dict[int, mmap.mmap] = {}
        """Every segment from ``tail`` to ``head``, by number."""
        self.tail = 0
        self.head = -1
        self.offset = segment  # no segment yet: the first write maps one


class SegmentLog:
    """Bytes values appended to a log of ``segment``-byte mappings per queue (0: small, 1: main).

    A handle is one integer: where the value starts (its segment's number times ``segment``, plus its
    offset), its length and its queue. ``where`` is its position in the log, which `passed` is told
    when the queue moves past it: every segment before that one is then unmapped.
    """

    def __init__(self, segment: int = SEGMENT, queues: int = 2) -> None:
        if segment > _SIZE_MASK:
            raise ValueError(f"a segment holds at most {_SIZE_MASK} bytes")
        self.segment = segment
        self._logs = [_Log(segment) for _ in range(queues)]
        self._mapped = 0
        self._live = 0

    @property
    def slack(self) -> int:
        """Bytes mapped but holding no live value: dropped values not yet passed, and what the segments
        being filled have left."""
        return self._mapped * self.segment - self._live

    @property
    def mapped(self) -> int:
        """Bytes of every segment mapped now."""
        return self._mapped * self.segment

    def write(self, queue: int, value: bytes) -> int | bytes:
        size = len(value)
        if size > self.segment:
            return value  # kept in place
        log = self._logs[queue]
        if log.offset + size > self.segment:
            log.head += 1
            log.segments[log.head] = mmap.mmap(-1, self.segment, flags=_PRIVATE)
            log.offset = 0
            self._mapped += 1
        start = log.offset
        log.segments[log.head][start:start + size] = value
        log.offset = start + size
        self._live += size
        return (((log.head * self.segment + start) << _SIZE_BITS | size) << 1) | queue

    def read(self, handle: int | bytes) -> bytes:
        if not isinstance(handle, int):
            return handle
        size = (handle >> 1) & _SIZE_MASK
        number, start = divmod(handle >> (_SIZE_BITS + 1), self.segment)
        return self._logs[handle & 1].segments[number][start:start + size]

    def where(self, handle: int | bytes) -> int | None:
        return handle >> (_SIZE_BITS + 1) if isinstance(handle, int) else None

    def drop(self, handle: int | bytes) -> None:
        """The value is no longer live; its bytes stay until its queue passes them."""
        if isinstance(handle, int):
            self._live -= (handle >> 1) & _SIZE_MASK

    def passed(self, queue: int, where: int | None) -> None:
        """Queue ``queue`` moved past the value at ``where``: unmap the segments before its own."""
        if where is None:
            return
        log = self._logs[queue]
        first = where // self.segment
        while log.tail < first:
            log.segments.pop(log.tail).close()
            log.tail += 1
            self._mapped -= 1

    def clear(self) -> None:
        for log in self._logs:
            for segment in log.segments.values():
                segment.close()
            log.segments.clear()
            log.tail, log.offset = log.head + 1, self.segment  # numbers go on: a stale position unmaps nothing
        self._mapped = self._live = 0
