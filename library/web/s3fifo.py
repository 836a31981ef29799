"""S3-FIFO (Yang et al., SOSP 2023): the eviction policy of the reader response cache (issue 15).

Chosen by measurement: `scripts/bench_cache_policy.py` replays Zipf reader traces, with and without a
crawler's sweep, against LRU, SIEVE and S3-FIFO. Its queues are first in, first out, so their values
can be written one after another into segments of memory given back whole (`library.web.segment_log`)
rather than freed one by one into the heap.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any

from library.web.segment_log import InPlace, SegmentLog

SMALL_QUEUE, MAIN_QUEUE = 0, 1

Entry = tuple[Any, int, int, bool, int]
"""An entry's handle (from its storage), size, stamp, whether it is in the main queue, reads counted."""

GHOST_EVERY = 4096
"""Bytes of capacity per ghost slot (one value of about that size)."""


def _ghosts(capacity: int) -> array:
    """An empty ghost table: a power of two of slots, at least 1,024."""
    slots = 1 << max(10, (capacity // GHOST_EVERY).bit_length())
    return array("q", bytes(8 * slots))


class S3Fifo:
    """A map bounded in bytes that evicts with S3-FIFO.

    New values enter a small probationary queue (a tenth of the bytes); one read at least once while
    there moves to the main queue when it reaches the queue's end, one never read leaves and its key
    is remembered in a ghost list, so that if it is asked for again soon it goes straight to main.
    The main queue gives each value as many second chances as it was read (up to 3). A crawler's sweep
    over the whole archive thus passes through the small queue without flushing what readers read
    again and again, which least-recently-used does. A read only bumps a counter: no reordering on a hit.

    ``storage`` keeps the values: in place (`InPlace`, the default), or in a `SegmentLog` per queue, a
    value moved to main or given another chance there being copied to its log's end. The bound counts
    the storage's ``slack`` (bytes held by no live value) with the values' sizes.

    Its bookkeeping is plain tuples and numbers (a value's handle and size, its queue, the stamp of its
    put, how often it was read; the queues hold keys, stamps and positions; the ghosts are hashes in an
    array): with keys of strings and values of bytes, the garbage collector stops tracking all of it
    after it first sees it, so a full cache adds nothing to its collections.
    """

    SMALL = 0.1
    MAX_FREQ = 3

    def __init__(self, capacity: int, removed: Callable[[Hashable, Any], None] | None = None,
                 storage: InPlace | SegmentLog | None = None) -> None:
        self.capacity = capacity
        self.removed = removed
        """Told of each value that leaves other than by `clear` (evicted, popped, or put anew under its key)."""
        self.storage = storage or InPlace()
        self.used = 0
        """The sizes of the values held (as `put` was told them)."""
        self._small_bytes = 0
        self._entries: dict[Hashable, Entry] = {}
        """key: (the storage's handle of its value, size, stamp of its put, in the main queue, reads
        counted up to `MAX_FREQ`)."""
        self._small: deque[tuple[Hashable, int, int | None]] = deque()
        self._main: deque[tuple[Hashable, int, int | None]] = deque()
        """(key, stamp, where the storage holds it): an entry whose stamp is not the key's now was
        removed or replaced meanwhile; its bytes are passed all the same."""
        self._ghost = _ghosts(capacity)
        """The hashes of keys that left the small queue unread, each in the slot its hash picks, until
        a later one takes that slot: as many slots as the cache holds values of 4 KB, in one array
        (8 bytes a ghost, where a queue of exact hashes took 130). A ghost forgotten early or two keys
        sharing a slot only decide whether one value starts in main."""
        self._stamp = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def held(self) -> int:
        """What the bound is about: the values' sizes and the storage's slack."""
        return self.used + self.storage.slack

    def get(self, key: Hashable) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[4] < self.MAX_FREQ:
            self._entries[key] = (*entry[:4], entry[4] + 1)
        return self.storage.read(entry[0])

    def put(self, key: Hashable, value: Any, size: int) -> None:
        self.pop(key)
        if size > self.capacity:
            return
        hashed = hash(key)
        slot = self._ghost_slot(hashed)
        main = hashed != 0 and self._ghost[slot] == hashed  # asked for again soon after leaving small unread
        if main:
            self._ghost[slot] = 0
        self._stamp += 1
        self._append(key, self.storage.write(MAIN_QUEUE if main else SMALL_QUEUE, value), size, self._stamp, main)
        self.used += size
        if not main:
            self._small_bytes += size
        self._bound()

    def _ghost_slot(self, hashed: int) -> int:
        return hashed & (len(self._ghost) - 1)  # a power of two of slots

    def _bound(self) -> None:
        while self.held > self.capacity and self._entries:
            self._evict()

    def _append(self, key: Hashable, handle: Any, size: int, stamp: int, main: bool, freq: int = 0) -> None:
        self._entries[key] = (handle, size, stamp, main, freq)
        (self._main if main else self._small).append((key, stamp, self.storage.where(handle)))

    def replace(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` for ``key`` instead, in the same place in its queue (it weighs the same: a
        kept checksum; a storage that copies it may need a new segment, and evicts for it)."""
        entry = self._entries.get(key)
        if entry is not None:
            self.storage.drop(entry[0])
            self._entries[key] = (self.storage.write(MAIN_QUEUE if entry[3] else SMALL_QUEUE, value), *entry[1:])
            self._bound()

    def pop(self, key: Hashable) -> Any:
        """Remove ``key`` (its queue entry is skipped when the queue reaches it)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if not entry[3]:
            self._small_bytes -= entry[1]
        return self._remove(key, entry)

    def clear(self) -> None:
        self._entries.clear()
        self._small.clear()
        self._main.clear()
        self._ghost = _ghosts(self.capacity)
        self.storage.clear()
        self.used = self._small_bytes = 0

    def _evict(self) -> None:
        if self._small_bytes > self.capacity * self.SMALL or not self._main:
            self._evict_small()
        else:
            self._evict_main()

    def _current(self, key: Hashable, stamp: int) -> Entry | None:
        entry = self._entries.get(key)
        return entry if entry is not None and entry[2] == stamp else None

    def _remove(self, key: Hashable, entry: Entry) -> Any:
        del self._entries[key]
        self.used -= entry[1]
        value = self.storage.read(entry[0])  # still there: dropped bytes stay until their queue passes them
        self.storage.drop(entry[0])
        if self.removed is not None:
            self.removed(key, value)
        return value

    def _moved(self, key: Hashable, entry: Entry, freq: int) -> None:
        """``entry`` goes (again) to the end of the main queue with ``freq`` reads to its credit, its
        value copied to that log's end."""
        storage = self.storage
        handle = storage.write(MAIN_QUEUE, storage.read(entry[0]))
        storage.drop(entry[0])
        self._append(key, handle, entry[1], entry[2], True, freq)

    def _evict_small(self) -> None:
        while self._small:
            key, stamp, where = self._small.popleft()
            entry = self._current(key, stamp)
            if entry is not None:
                self._small_bytes -= entry[1]
                if entry[4] > 0:
                    self._moved(key, entry, 0)
                else:
                    self._remove(key, entry)
                    hashed = hash(key)
                    self._ghost[self._ghost_slot(hashed)] = hashed
            self.storage.passed(SMALL_QUEUE, where)
            if entry is not None:
                return
        self._evict_main()

    def _evict_main(self) -> None:
        while self._main:
            key, stamp, where = self._main.popleft()
            entry = self._current(key, stamp)
            if entry is not None and entry[4] > 0:
                self._moved(key, entry, entry[4] - 1)
                entry = None  # not evicted: go on
            elif entry is not None:
                self._remove(key, entry)
            self.storage.passed(MAIN_QUEUE, where)
            if entry is not None:
                return
        if self._small:
            self._evict_small()
