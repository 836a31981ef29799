"""Encoded responses cached per server process, dropped when any process changes content.

Readers' responses change only when content does, so each process keeps them ready-encoded, with
their ETag and headers, keyed by what they depend on (route, language, filters). Writers bump the
content version in their transaction (`library.content.version`); a background task in every
process reads it every `CHECK_INTERVAL` seconds and empties the cache when it moved, so an edit
published in one process is served by every process within a second.

The cache is only touched from the event loop's thread: no lock. A response built from the database
while the version moved is not stored (its generation is stale), so nothing stale outlives a check.

Beside it, `ContentMemo` keeps what every page shares and what changes only with content (the archive
tree of each language, for the calendar in every page's sidebar): built once per content version and
language, emptied with the cache, and kept even when the response cache is off.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

CHECK_INTERVAL = 0.4
"""Seconds between two reads of the content version by one process (each is a primary-key lookup)."""

MAX_AGE = 60.0
"""Seconds a cached response lives even when no content changed: bounds how stale its view count gets."""


@dataclass(eq=False, slots=True)
class CachedResponse:
    """A JSON response ready to send, and what the read counters need to know about it.

    ``ok`` and ``not_modified`` are the 200 and 304 responses, built once (`library.web.responses`).
    """

    body: bytes
    etag: str
    headers: Mapping[str, str]
    article_id: int | None = None
    served: str | None = None
    ok: Any = None
    not_modified: Any = None
    expires: float = 0.0
    misses: tuple[tuple[str, str, str | None], ...] = ()
    """Interface strings its rendering did not find in the reader's catalog: counted again at each hit."""
    shared: bytes = b""
    """A part of the response that many responses share (a page's sidebar), kept once elsewhere and
    inserted into ``body`` at ``at`` when sent; not counted in this entry's size."""
    at: int = 0

    def content(self) -> bytes:
        """The body to send."""
        return b"".join((self.body[:self.at], self.shared, self.body[self.at:])) if self.shared else self.body


def strong_etag(body: bytes) -> str:
    """A strong validator: it changes exactly when the encoded body does (its revisions, views...)."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class _Slot:
    """One cached value in `S3Fifo`: where it is, what it weighs, how often it was read since."""

    __slots__ = ("key", "value", "size", "freq", "main")

    def __init__(self, key: Hashable, value: Any, size: int, main: bool) -> None:
        self.key, self.value, self.size, self.freq, self.main = key, value, size, 0, main


class S3Fifo:
    """A map bounded in bytes that evicts with S3-FIFO (Yang et al., SOSP 2023).

    New values enter a small probationary queue (a tenth of the bytes); one read at least once while
    there moves to the main queue when it reaches the queue's end, one never read leaves and its key
    is remembered in a ghost list, so that if it is asked for again soon it goes straight to main.
    The main queue gives each value as many second chances as it was read (up to 3). A crawler's sweep
    over the whole archive thus passes through the small queue without flushing what readers read
    again and again, which least-recently-used does (`scripts/bench_cache_policy.py` measures both
    and SIEVE on reader traces). A read only bumps a counter: no reordering on a hit.
    """

    SMALL = 0.1
    MAX_FREQ = 3

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0
        self._small_bytes = 0
        self._slots: dict[Hashable, _Slot] = {}
        self._small: deque[_Slot] = deque()
        self._main: deque[_Slot] = deque()
        self._ghost: OrderedDict[Hashable, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._slots)

    def get(self, key: Hashable) -> Any:
        slot = self._slots.get(key)
        if slot is None:
            return None
        if slot.freq < self.MAX_FREQ:
            slot.freq += 1
        return slot.value

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.capacity:
            self.pop(key)
            return
        self.pop(key)
        main = key in self._ghost  # asked for again soon after leaving the small queue unread
        if main:
            del self._ghost[key]
        slot = _Slot(key, value, size, main)
        self._slots[key] = slot
        (self._main if main else self._small).append(slot)
        self.used += size
        if not main:
            self._small_bytes += size
        while self.used > self.capacity and self._slots:
            self._evict()

    def pop(self, key: Hashable) -> Any:
        """Remove ``key`` (its queue entry is skipped when the queue reaches it)."""
        slot = self._slots.pop(key, None)
        if slot is None:
            return None
        self.used -= slot.size
        if not slot.main:
            self._small_bytes -= slot.size
        return slot.value

    def clear(self) -> None:
        self._slots.clear()
        self._small.clear()
        self._main.clear()
        self._ghost.clear()
        self.used = self._small_bytes = 0

    def _evict(self) -> None:
        if self._small_bytes > self.capacity * self.SMALL or not self._main:
            self._evict_small()
        else:
            self._evict_main()

    def _evict_small(self) -> None:
        while self._small:
            slot = self._small.popleft()
            if self._slots.get(slot.key) is not slot:
                continue  # removed or replaced meanwhile
            self._small_bytes -= slot.size
            if slot.freq > 0:
                slot.main, slot.freq = True, 0
                self._main.append(slot)
                return
            del self._slots[slot.key]
            self.used -= slot.size
            self._ghost[slot.key] = None
            if len(self._ghost) > max(len(self._slots), 1024):
                self._ghost.popitem(last=False)
            return
        self._evict_main()

    def _evict_main(self) -> None:
        while self._main:
            slot = self._main.popleft()
            if self._slots.get(slot.key) is not slot:
                continue
            if slot.freq > 0:
                slot.freq -= 1
                self._main.append(slot)
                continue
            del self._slots[slot.key]
            self.used -= slot.size
            return
        if self._small:
            self._evict_small()


class ContentMemo:
    """Values derived from content alone, one per key, until the content version moves.

    For the few values every page shares (a handful per language), so it is not bounded by bytes.
    Page handlers build in worker threads. One thread builds a missing value while the others asking
    for it wait (right after a publish, sixteen readers must not run the same archive query sixteen
    times), and a value built before a clear is not kept.
    """

    def __init__(self) -> None:
        self._values: dict[Hashable, object] = {}
        self._building: dict[Hashable, threading.Lock] = {}
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T], keep: Callable[[T], bool] | None = None) -> T:
        """The value for ``key``, built by ``build()`` when the memo has none; a built value is kept
        unless ``keep`` says no (keys that come from a request must not grow the memo without bound)."""
        try:
            return self._values[key]  # type: ignore[return-value]
        except KeyError:
            pass
        with self._lock:
            generation = self._generation
            building = self._building.setdefault(key, threading.Lock())
        with building:
            try:
                if key in self._values:  # built by the thread this one waited for
                    return self._values[key]  # type: ignore[return-value]
                value = build()
                with self._lock:
                    if generation == self._generation and (keep is None or keep(value)):
                        self._values[key] = value
            finally:  # also when the build raised (an unknown section): requests must not grow this
                with self._lock:
                    self._building.pop(key, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values = {}
            self._generation += 1


class ResponseCache:
    """Encoded responses bounded in bytes, evicted by S3-FIFO (chosen by measurement: see `S3Fifo`);
    0 bytes disables it. Each entry also expires ``max_age`` seconds after it was built.

    ``memo`` (`ContentMemo`) is emptied with it, whatever its size.
    """

    def __init__(self, max_bytes: int, max_age: float = MAX_AGE) -> None:
        self.memo = ContentMemo()
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.version: int | None = None
        """The content version the cached responses were built at (None until first checked)."""
        self.generation = 0
        """Goes up each time the cache is emptied; a build started in an older generation is not stored."""
        self._entries = S3Fifo(max_bytes)
        self.hits = 0
        self.misses = 0
        """Lookups answered and not answered since the process started (reported by the health check)."""

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes the cached responses take, as the bound counts them (a shared part is not counted)."""
        return self._entries.used

    def get(self, key: Hashable) -> CachedResponse | None:
        entry = self._entries.get(key)
        if entry is not None and entry.expires < time.monotonic():
            self._entries.pop(key)
            entry = None
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, key: Hashable, entry: CachedResponse, generation: int) -> CachedResponse:
        """Store ``entry`` unless the cache was emptied since ``generation``; returns it with its expiry set."""
        entry.expires = time.monotonic() + self.max_age
        size = len(entry.body) + 512  # headers, key and object overhead, roughly
        if generation == self.generation and size <= self.max_bytes:
            self._entries.put(key, entry, size)
        return entry

    def saw_version(self, version: int) -> bool:
        """Record the content version just read; empties the cache (and returns True) when it moved."""
        if version == self.version:
            return False
        self.version = version
        self.clear()
        return True

    def clear(self) -> None:
        self._entries.clear()
        self.generation += 1
        self.memo.clear()
