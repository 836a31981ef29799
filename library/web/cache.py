"""Encoded responses cached per server process, dropped when any process changes content.

Readers' responses change only when content does, so each process keeps them ready-encoded, with
their ETag and headers, keyed by what they depend on (route, language, filters). Writers bump the
content version in their transaction (`library.content.version`); a background task in every
process reads it every `CHECK_INTERVAL` seconds and empties the cache when it moved, so an edit
published in one process is served by every process within a second.

The cache is only touched from the event loop's thread: no lock. A response built from the database
while the version moved is not stored (its generation is stale), so nothing stale outlives a check.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

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


def strong_etag(body: bytes) -> str:
    """A strong validator: it changes exactly when the encoded body does (its revisions, views...)."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class ResponseCache:
    """A least-recently-used map of encoded responses bounded in bytes; 0 bytes disables it."""

    def __init__(self, max_bytes: int, max_age: float = MAX_AGE) -> None:
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.version: int | None = None
        """The content version the cached responses were built at (None until first checked)."""
        self.generation = 0
        """Goes up each time the cache is emptied; a build started in an older generation is not stored."""
        self._entries: OrderedDict[Hashable, CachedResponse] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> CachedResponse | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires < time.monotonic():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: Hashable, entry: CachedResponse, generation: int) -> CachedResponse:
        """Store ``entry`` unless the cache was emptied since ``generation``; returns it with its expiry set."""
        entry.expires = time.monotonic() + self.max_age
        size = len(entry.body) + 512  # headers, key and object overhead, roughly
        if generation != self.generation or size > self.max_bytes:
            return entry
        self._drop(key)
        self._entries[key] = entry
        self._bytes += size
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))
        return entry

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body) + 512

    def saw_version(self, version: int) -> bool:
        """Record the content version just read; empties the cache (and returns True) when it moved."""
        if version == self.version:
            return False
        self.version = version
        self.clear()
        return True

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self.generation += 1
