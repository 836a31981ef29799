"""Moves buffered counters into the database in batches: every few seconds, and once more on shutdown.

Any number of counters can be registered, each as a pair: a ``drain`` that empties it and a
``write`` that adds what was drained within a unit of work (reader demand and views, interface
strings missed at run time...). Each pair is written in its own transaction; a batch that fails to
write (database unreachable) is kept and written with the next flush, so no count is lost; the flush
at shutdown retries for a few seconds before giving up (issue 13). A counter that can ``merge`` its
batches has its kept ones merged before the transaction begins, so a backlog is written as one batch:
the write lock is held for one statement per kind, not one per batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from library.storage import session_scope
from library.storage.availability import unavailable

log = logging.getLogger("library.demand")

MAX_KEPT_BATCHES = 1000
"""Failed batches kept per counter for the next flush; beyond this the oldest are dropped (and logged)."""

EXIT_PATIENCE = 5.0
"""Seconds the flush at shutdown keeps retrying while the database is unavailable."""


@dataclass
class _Sink:
    name: str
    drain: Callable[[], Any]
    write: Callable[[Session, Any], None]
    merge: Callable[[list[Any]], Any] | None = None
    kept: list[Any] = field(default_factory=list)


class Flusher:
    """Flushes registered counters to the database; `flush` is safe to call from any thread."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sinks: list[_Sink] = []
        self._lock = threading.Lock()

    def register(self, name: str, drain: Callable[[], Any], write: Callable[[Session, Any], None],
                 merge: Callable[[list[Any]], Any] | None = None) -> None:
        """Flush what ``drain()`` returns with ``write(session, batch)``; empty batches are skipped.
        ``merge(batches)``, when given, adds several batches up into one."""
        self._sinks.append(_Sink(name, drain, write, merge))

    def flush(self) -> bool:
        """Write every counter's pending counts; False when some could not be written (kept for next time)."""
        with self._lock:
            return all([self._flush(sink) for sink in self._sinks])

    def flush_before_exit(self, patience: float = EXIT_PATIENCE, pause: float = 0.25) -> bool:
        """The last flush of a process: retried for up to ``patience`` seconds while it fails (a database
        restarting comes back within them); what is still unwritten then is logged, as it is lost."""
        deadline = time.monotonic() + patience
        while not self.flush():
            if time.monotonic() >= deadline:
                unwritten = {sink.name: len(sink.kept) for sink in self._sinks if sink.kept}
                log.error("exiting with unwritten counts (batches per counter): %s", unwritten)
                return False
            time.sleep(pause)
        return True

    def _flush(self, sink: _Sink) -> bool:
        batch = sink.drain()
        if batch:
            sink.kept.append(batch)
        if not sink.kept:
            return True
        if sink.merge is not None and len(sink.kept) > 1:
            sink.kept[:] = [sink.merge(sink.kept)]
        try:
            with session_scope(self._engine) as session:
                for kept in sink.kept:
                    sink.write(session, kept)
        except Exception as error:
            if (outage := unavailable(error)) is not None:  # expected to pass: no traceback every few seconds
                log.warning("database unavailable; keeping %d %s batch(es) for the next flush: %s",
                            len(sink.kept), sink.name, outage.reason)
            else:
                log.exception("could not flush %s counts; keeping %d batch(es) for the next flush",
                              sink.name, len(sink.kept))
            if len(sink.kept) > MAX_KEPT_BATCHES:
                log.error("dropping %d old %s batch(es)", len(sink.kept) - MAX_KEPT_BATCHES, sink.name)
                del sink.kept[:-MAX_KEPT_BATCHES]
            return False
        sink.kept.clear()
        return True
