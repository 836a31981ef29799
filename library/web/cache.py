"""Encoded responses cached per server process, dropped when content they show changes in any process.

Readers' responses change only when content does, so each process keeps them ready-encoded and
gzip-compressed (`library.web.encoding`), with their ETag and headers, keyed by what they are asked for
(route, language, filters) and tagged with the surrogate keys of what they show (`library.edge.keys`,
the keys the caches in front are purged by). Writers bump the content version in their transaction
(`library.content.version`) and log the keys they changed under it (`library.edge.changes`); every
process hears of the new version (`library.web.invalidation`, within `CHECK_INTERVAL` seconds) and
drops just the entries naming those keys, or everything when they are not known, so an edit published
in one process is served by every process within a second, and the rest of the cache stays warm.

The cache is only touched from the event loop's thread: no lock. A response built from the database
while entries were dropped is not stored (its generation is stale), so nothing stale outlives a check.

Beside it, `ContentMemo` keeps what every page shares and what changes only with content (the archive
tree of each language, for the calendar in every page's sidebar; the listings' article ids): built once
per content version and language, emptied with listings and the archive, and kept even when the
response cache is off.
"""

from __future__ import annotations

import hashlib
import marshal
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from library.edge.keys import ARCHIVE, EVERYTHING, LISTINGS, language
from library.web import encoding
from library.web.encoding import SHARED, Segment
from library.web.s3fifo import S3Fifo
from library.web.segment_log import SEGMENT, SegmentLog

T = TypeVar("T")

CHECK_INTERVAL = 0.4
"""Seconds between two reads of the content version by one process (each is a primary-key lookup)."""

LANGUAGE_PREFIX = language("")

ENTRY_OVERHEAD = 1280
"""Bytes an entry takes besides its packed bytes (`CachedResponse.packed`: body and headers), so that the
bound is about a process's memory: its key, its places in the cache's tables, the index of its tags,
and its share of the segments' slack and of the ghost table. Measured on 2026-12-05 at 100,000
articles as a worker's own memory (RssAnon) less 132 MB (the same worker's after the same reads with
the cache off, at 10,000 or 100,000 articles alike) less the packed bytes: 63,300 entries filled by
random reads, pages, listings and archive months held the worker at 359 MB, 1.0 KB an entry besides
its 2.6 KB packed; in process (tracemalloc) the tables alone take 760 bytes an entry, of which the
index of tags 320 and the keys 90.

Before the values lived in segments (`library.web.segment_log`) an entry cost 2 KB: of a 245 MB cache
at 100,000 articles, 116 MB were packed bytes and 50-59 MB free holes in the heap that a cache which
keeps evicting leaves (values of many sizes freed in no order, and memory freed stays with the
process). With the same load repeated four times at the same budget, the worker grew 280, 323, 351,
361 MB with its values in the heap, and 280, 297, 310, 313 MB with them in segments. A bound read from
the process's own memory had been tried and dropped for the same reason: the figure grew with the
holes whatever the cache gave back (a worker at 460 MB over a 384 MB bound, or an emptied cache at
411 MB). Ghosts kept as hashes in one array, the read count kept in the entry rather than in a
dictionary of its own, and shared headers packed as numbers (`SHARED_HEADERS`) took another 180 bytes
an entry off."""

MIN_SEGMENTS = 64
"""A cache of fewer bytes than this many segments (16 MB) keeps its values in place: the segments being
filled, one per queue, would be much of it."""

MAX_AGE = 600.0
"""Seconds a cached response lives even when no content changed: bounds how stale its view count gets
(content changes drop entries at once, whatever their age). Ten minutes: a uniform mix of readers
comes back to one of 40,000 articles-in-a-language every minute or two, so at 60 s most entries had
expired before their second reader (issue 15: 7-9% of the ceiling for uniform reads at 10,000 articles);
a shared cache in front keeps pages, views included, for an hour when purged
(`library.settings.SHARED_MAX_AGE_PURGED`)."""


class SharedPart:
    """A part of many cached pages kept once (a language's calendar in every page's sidebar), ready
    to be inserted into them as they are sent: its bytes, and compressed, to go between a page's own
    compressed pieces (`library.web.encoding`).

    It is built from content (`ContentMemo`); ``generation`` is the memo's when it was built, so a page
    holding it can tell, when it is sent, that content changed since and a new part must be taken
    from the memo (``key``), while the page itself, which does not depend on that content, stays.
    """

    __slots__ = ("html", "segment", "key", "generation")

    def __init__(self, html: bytes, key: Hashable, generation: int) -> None:
        self.html = html
        self.segment = Segment(html, final=False, coder=SHARED)
        self.key = key
        self.generation = generation


@dataclass(eq=False, slots=True)
class CachedResponse:
    """A reader response ready to send, gzip-compressed once, and what the read counters need to know.

    A client that does not accept gzip gets the body decompressed (`library.web.responses.send`). The
    cache keeps it as one bytes object (`packed`, in `marshal`'s format), which the garbage collector
    never looks at: kept as objects, tens of thousands of entries made each of its full collections a
    stall of 150-230 ms (issue 15), and their dozen objects each (header pairs, segments) weighed
    three times the bytes. `ResponseCache.get` gives it back as an object (`unpacked`, about 1 µs).
    """

    body: bytes
    """The body as one gzip member; empty for a page with a shared part (then see ``segments``)."""
    etag: str
    """The strong ETag of the identity body ("" for pages, which have none); the gzip body's is
    `library.web.encoding.gzip_etag` of it."""
    headers: tuple[tuple[bytes, bytes], ...]
    """Every header but the body's own (ETag, Content-Encoding, Content-Length), encoded for ASGI
    (`library.web.responses.encode_headers`)."""
    article_id: int | None = None
    served: str | None = None
    expires: float = 0.0
    misses: tuple[tuple[str, str, str | None], ...] = ()
    """Interface strings its rendering did not find in the reader's catalog: counted again at each hit."""
    tags: tuple[str, ...] = ()
    """The surrogate keys (`library.edge.keys`) of what its bytes depend on: a commit that purges one
    of them from the caches in front drops it here too (`ResponseCache.invalidate`)."""
    shared: Hashable | None = None
    """The `ContentMemo` key of a part many responses share (a page's calendar), kept once there and
    inserted between the two ``segments`` when sent; not counted in this entry's size, and not among
    its ``tags``."""
    segments: tuple[Segment, Segment] | None = None
    """With a shared part: the body before it and after it, each compressed on its own."""
    crc: tuple[int, int] | None = None
    """The CRC-32 of the whole body with the shared part in it, and the part's generation it was
    computed with (combining costs a hit a fifth of its time)."""
    part: SharedPart | None = None
    """The shared part this response is sent with (`with_part`); not kept in the cache."""

    def with_part(self, part: SharedPart) -> bool:
        """Send with ``part`` (the current one of ``shared``); True when the CRC-32 of the whole had
        to be computed anew for it (the cache may keep the new one: `ResponseCache.refresh`)."""
        self.part = part
        if self.segments is None or (self.crc is not None and self.crc[0] == part.generation):
            return False
        head, tail = self.segments
        self.crc = (part.generation, encoding.crc_of((head, part.segment, tail)))
        return True

    def gzip(self) -> bytes:
        """The body to send to a client accepting gzip: one gzip member."""
        if self.segments is None:
            return self.body
        part = self._part()
        self.with_part(part)  # the CRC-32 of the whole with this part, unless kept
        head, tail = self.segments
        return encoding.gzip((head, part.segment, tail), self.crc[1])  # type: ignore[index]

    def content(self) -> bytes:
        """The body to send to a client that does not accept gzip."""
        if self.segments is None:
            return encoding.gunzip(self.body)
        head, tail = self.segments
        return b"".join((head.inflate(), self._part().html, tail.inflate()))

    def _part(self) -> SharedPart:
        if self.part is None:
            raise RuntimeError("a page with a shared part is sent after with_part()")
        return self.part

    def packed(self) -> bytes:
        """Its fields (bytes, strings, numbers and tuples of them) as one bytes object: what the cache keeps."""
        segments = None if self.segments is None else tuple(segment.packed() for segment in self.segments)
        headers = tuple(_header_number(pair) if pair[0] in SHARED_HEADERS else pair for pair in self.headers)
        return marshal.dumps((self.body, self.etag, headers, self.article_id, self.served, self.expires,
                              self.misses, self.tags, self.shared, segments, self.crc))

    @staticmethod
    def packed_tags(packed: bytes) -> tuple[str, ...]:
        """The ``tags`` of a packed entry, without making the entry (an eviction needs only them)."""
        return marshal.loads(packed)[7]

    @classmethod
    def unpacked(cls, packed: bytes) -> CachedResponse:
        fields = marshal.loads(packed)
        segments = fields[9]
        if segments is not None:
            segments = (Segment.unpacked(segments[0]), Segment.unpacked(segments[1]))
        table = _header_table
        headers = tuple(table[pair] if pair.__class__ is int else pair for pair in fields[2])
        return cls(fields[0], fields[1], headers, *fields[3:9], segments, fields[10])


SHARED_HEADERS = frozenset({b"content-type", b"content-language", b"cache-control", b"vary", b"content-encoding"})
"""Headers whose values many responses share (a handful of each): a packed entry names such a header by
its number in a table kept once per process, not by its bytes (190 of an article read's 1.7 KB), and
`library.web.responses.encode_headers` keeps each as one object (`shared_header`)."""

MAX_SHARED_HEADERS = 4096
"""Distinct shared headers numbered at most (a bound, should a value come from a request): any more
are kept in each entry, as other headers are."""

_header_table: list[tuple[bytes, bytes]] = []
_header_numbers: dict[tuple[bytes, bytes], int] = {}


def shared_header(pair: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    """The one object this process keeps for a shared header (``pair`` itself once the table is full)."""
    number = _header_number(pair)
    return _header_table[number] if number.__class__ is int else pair  # type: ignore[index]


def _header_number(pair: tuple[bytes, bytes]) -> int | tuple[bytes, bytes]:
    number = _header_numbers.get(pair)
    if number is None:
        if len(_header_table) >= MAX_SHARED_HEADERS:
            return pair
        _header_table.append(pair)  # appended before it is numbered: a reader never sees a number too far
        number = _header_numbers[pair] = len(_header_table) - 1
    return number


def strong_etag(body: bytes) -> str:
    """A strong validator: it changes exactly when the encoded body does (its revisions, views...)."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class ContentMemo:
    """Values derived from content alone, one per key, until the content version moves.

    For the few values every page shares (a handful per language), so it is not bounded by bytes.
    Pages are built in reader threads, or on the event loop (`library.web.responses.off_the_loop`), and
    staff pages in anyio's threads. One thread builds a missing value while the others asking for it
    wait (right after a publish, sixteen readers must not run the same archive query sixteen times),
    and a value built before a clear is not kept.
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

    @property
    def generation(self) -> int:
        """Goes up at each `clear`: a `SharedPart` built in an older one is out of date."""
        return self._generation

    def peek(self, key: Hashable) -> Any:
        """The value for ``key`` if the memo has it (None otherwise); never builds, never waits."""
        return self._values.get(key)

    def clear(self) -> None:
        with self._lock:
            self._values = {}
            self._generation += 1


class ResponseCache:
    """Encoded responses bounded in bytes, evicted by S3-FIFO (chosen by measurement: see `S3Fifo`);
    0 bytes disables it. Each entry also expires ``max_age`` seconds after it was built.

    Each entry carries the surrogate keys of what it depends on (`CachedResponse.tags`), indexed here,
    so a commit drops just the entries naming one of its keys (`invalidate`). ``memo`` (`ContentMemo`:
    listings' ids, archive counts, calendars) depends on every article's place in the listings and the
    calendar, which any change may move, so it is emptied whenever listings or the archive are.
    """

    def __init__(self, max_bytes: int, max_age: float = MAX_AGE) -> None:
        self.memo = ContentMemo()
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.version: int | None = None
        """The content version the cached responses were built at (None until first checked)."""
        self.generation = 0
        """Goes up each time entries are dropped for a change; a build started in an older generation
        is not stored (it may have read what the change replaced)."""
        log = SegmentLog() if max_bytes >= MIN_SEGMENTS * SEGMENT else None
        self._entries = S3Fifo(max_bytes, self._untag, log)
        self._tagged: dict[str, str | dict[str, None]] = {}
        """Tag: the key of the one entry naming it, or a dictionary of the keys of several (dictionaries,
        not sets: the collector stops tracking a dictionary of untracked keys, never a set). Most tags
        of a large library are named by one entry (the articles a page links to), and a dictionary
        weighs some 200 bytes more than the key alone: with ghosts kept as hashes, a full cache at
        100,000 articles held 10 MB fewer small objects (105 -> 95 MB in CPython's allocator)."""
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
        key = _flat(key)
        packed = self._entries.get(key)
        entry = None if packed is None else CachedResponse.unpacked(packed)
        if entry is not None and entry.expires < time.monotonic():
            self._entries.pop(key)
            entry = None
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, key: Hashable, entry: CachedResponse, generation: int) -> CachedResponse:
        """Store ``entry`` unless entries were dropped since ``generation``; returns it with its expiry set."""
        entry.expires = time.monotonic() + self.max_age
        if generation != self.generation or not self.max_bytes:
            return entry  # not kept: nothing to pack
        key, packed = _flat(key), entry.packed()
        size = len(packed) + ENTRY_OVERHEAD
        if size <= self.max_bytes:
            self._entries.put(key, packed, size)
            self._tag(key, entry.tags)
        return entry

    def _tag(self, key: str, tags: tuple[str, ...]) -> None:
        tagged = self._tagged
        for tag in _index_tags(tags):
            keys = tagged.get(tag)
            if keys is None:
                tagged[tag] = key
            elif isinstance(keys, str):
                if keys != key:
                    tagged[tag] = {keys: None, key: None}
            else:
                keys[key] = None

    def refresh(self, key: Hashable, entry: CachedResponse) -> None:
        """Keep what a hit learnt about ``key``'s entry (the checksum of a page with a new shared part)."""
        self._entries.replace(_flat(key), entry.packed())

    def _untag(self, key: Hashable, packed: bytes) -> None:
        tagged = self._tagged
        for tag in _index_tags(CachedResponse.packed_tags(packed)):
            keys = tagged.get(tag)
            if keys is None:
                continue
            if isinstance(keys, str):
                if keys == key:
                    del tagged[tag]
                continue
            keys.pop(key, None)
            if len(keys) == 1:
                tagged[tag] = next(iter(keys))
            elif not keys:
                del tagged[tag]

    def saw_version(self, version: int, changed: Iterable[str] | None = None, since: int | None = None) -> bool:
        """Record the content version just read (returns True when it moved). ``changed`` lists the
        surrogate keys of every commit after version ``since`` up to ``version``: when they cover
        every version since the one this cache knew, only the entries naming them are dropped;
        otherwise (not known, the version went back) everything is."""
        if version == self.version:
            return False
        covered = (changed is not None and since is not None and self.version is not None
                   and since <= self.version < version)
        self.version = version
        if covered:
            self.invalidate(changed)
        else:
            self.clear()
        return True

    def invalidate(self, keys: Iterable[str]) -> None:
        """Drop every entry naming one of the surrogate ``keys``, and the memo with listings or the
        archive; ``library`` (everything) empties the cache."""
        keys = set(keys)
        if not all(map(_indexed, keys)):  # everything, or a key entries are not found by
            self.clear()
            return
        self.generation += 1
        if keys & {LISTINGS, ARCHIVE}:
            self.memo.clear()
        for tag in (*keys, EVERYTHING):  # an entry naming nothing may depend on anything
            named = self._tagged.get(tag, ())
            for key in [named] if isinstance(named, str) else list(named):
                self._entries.pop(key)

    def clear(self) -> None:
        self._entries.clear()
        self._tagged.clear()
        self.generation += 1
        self.memo.clear()


def _indexed(tag: str) -> bool:
    """Whether entries are found by ``tag``: not by `EVERYTHING` (it drops them all), nor by a
    language's key, which no content change names (`library.edge.keys.keys_for`; an operator purges
    it from the caches in front after a catalog fix) and which would index a quarter of the cache."""
    return tag != EVERYTHING and not tag.startswith(LANGUAGE_PREFIX)


def _flat(key: Hashable) -> str:
    """``key`` (a tuple of what a response is asked for) as one string: a string is never tracked by the
    garbage collector, so neither are the cache's tables of them (the index of tags held tens of
    thousands of dictionaries of tuples, re-tracked at every put and walked at every full collection)."""
    return repr(key)


def _index_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """The keys an entry with these ``tags`` is found by: its own, or `EVERYTHING` when it names no
    other (every change drops it)."""
    return tuple(filter(_indexed, tags)) or (EVERYTHING,)
