"""How each server process hears that content changed, so its response cache never outlives an edit.

On PostgreSQL a `Listener` hears every commit's notification (`library.content.version.CHANNEL`) and
the process re-reads the content version at once; while it cannot (SQLite, ``LIBRARY_LISTEN_URL=off``,
a lost or deaf connection) the process polls the version every `CHECK_INTERVAL` seconds, as before
issue 16. Either way the process reads the version together with the surrogate keys of every commit
since the version its cache knew (`library.edge.changes.since`), and the cache learns both through its
one entry point, `ResponseCache.saw_version`: it drops what those commits changed, or everything when
the keys are not all known. `/api/v1/health` reports which of the two is in use, and since when.
"""

from __future__ import annotations

from collections.abc import Callable

from anyio import to_thread
from sqlalchemy.engine import Engine

from library.content.version import CHANNEL
from library.edge import changes
from library.settings import Settings
from library.storage import read_only
from library.storage.listen import POLLING, Listener, ListenState
from library.storage.types import utcnow
from library.web.cache import ResponseCache


class ContentWatch:
    """The listener (when there is something to listen to) and the polling that stands in for it."""

    def __init__(self, settings: Settings, engine: Engine, cache: ResponseCache) -> None:
        self.engine = engine
        self.cache = cache
        url = settings.listens
        self.listener = Listener(url, CHANNEL, self._notified) if url else None
        why = "SQLite: one host, polling" if settings.is_sqlite else "LIBRARY_LISTEN_URL=off"
        self._polling_only = ListenState(POLLING, utcnow(), why)

    @property
    def state(self) -> ListenState:
        return self.listener.state if self.listener else self._polling_only

    async def _notified(self) -> None:
        update = await to_thread.run_sync(self._read, self.cache.version)
        update()

    def _read(self, known: int | None) -> Callable[[], bool]:
        """Read the version and what changed since ``known`` (in a worker thread); returns the cache
        update for the event loop (the cache is touched from the loop only)."""
        version, changed = read_only(self.engine, changes.since, known)
        return lambda: self.cache.saw_version(version, changed, known)

    def poll(self) -> Callable[[], bool] | None:
        """Read the content version in a worker thread unless the listener hears every change."""
        if self.listener is not None and self.listener.listening:
            return None
        return self._read(self.cache.version)
