"""Purging the HTTP caches in front after each content commit, off the writer's path (issue 16).

`Purger` is a ``committed`` reaction of the content events (`library.bootstrap.content_events`): it
turns the commit's `Changes` into surrogate keys (`library.edge.keys.keys_for`) and queues them; one
background thread per process sends them, so a slow or unreachable cache never holds up a write, and
a commit never waits for the network. The queue is bounded: past `MAX_PENDING` waiting purges they are
replaced by one purge of everything, which is what they add up to anyway.

Each purge is sent twice: at once, and again `AGAIN_AFTER` seconds later. Between the commit and the
moment every app process's own response cache notices it (`library.web.cache`, within 0.4 s), a
request the cache in front lets through could fetch the old answer from an app process and keep it;
the second purge drops that copy, so a publish is fresh through the cache within about 0.6 s.

Keys waiting together are sent in one request per cache (a burst of writes is a few purges, not
hundreds). A request that fails (refused connection, timeout, a status other than 2xx) is retried
with a doubling pause, `ATTEMPTS` times in all, each failure logged; after the last the keys are
dropped with an error in the log, and the cache keeps those responses at most ``s-maxage`` seconds
(`Settings.shared_max_age`).

Two ways to purge, as `Settings.purge_mode` says: ``xkey`` sends ``PURGE`` with an ``xkey`` header
listing the keys (Varnish with the xkey module, `scripts/varnish/library.vcl`); ``ban`` sends ``BAN``
with the same header, for a stock Varnish whose VCL bans the objects whose ``xkey`` header names one
of them (and everything under ``/`` for the key ``library``).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence

from library.content.events import Changes
from library.edge.keys import EVERYTHING, keys_for

log = logging.getLogger("library.edge")

ATTEMPTS = 5
"""Tries per purge request before its keys are given up (with `FIRST_PAUSE` doubling: about 3 s in all)."""
FIRST_PAUSE = 0.2
MAX_PENDING = 1000
"""Purges waiting at most; past it they become one purge of everything (memory stays bounded)."""
KEYS_PER_REQUEST = 200
"""Keys in one request at most, so its header stays well under a cache's limit (8 KB in Varnish)."""
TIMEOUT = 2.0
"""Seconds one purge request may take."""
AGAIN_AFTER = 0.6
"""Seconds after the first purge the second goes out: past the 0.4 s in which every app process's own
response cache drops what a commit changed (`library.web.cache.CHECK_INTERVAL`, a test pins it)."""
METHODS = {"xkey": "PURGE", "ban": "BAN"}

Send = Callable[[str, str, str], int]
"""(url, method, keys) -> HTTP status; raises OSError when the cache cannot be reached."""


def http_send(url: str, method: str, keys: str) -> int:
    request = urllib.request.Request(url, method=method, headers={"xkey": keys})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Purger:
    """Queues the keys of each commit and purges them from every cache in ``urls`` in the background."""

    def __init__(self, urls: Sequence[str], mode: str = "xkey", *, send: Send = http_send,
                 attempts: int = ATTEMPTS, first_pause: float = FIRST_PAUSE, max_pending: int = MAX_PENDING,
                 again_after: float | None = AGAIN_AFTER) -> None:
        self.urls = tuple(urls)
        self.method = METHODS[mode]
        self.send = send
        self.attempts = attempts
        self.first_pause = first_pause
        self.max_pending = max_pending
        self.again_after = again_after
        self.sent = 0
        """Purge requests a cache accepted (for tests and operators)."""
        self.failed = 0
        """Purge requests given up after every attempt."""
        self._pending: list[tuple[float, list[str]]] = []
        """(when it is due, keys), in the order queued."""
        self._busy = False
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None

    def __call__(self, changes: Changes) -> None:
        """The ``committed`` reaction: queue the keys ``changes`` purges; returns at once."""
        keys = keys_for(changes)
        if keys and self.urls:
            self.submit(keys)

    def __repr__(self) -> str:
        return f"Purger({', '.join(self.urls)}, {self.method})"

    def submit(self, keys: Sequence[str]) -> None:
        now = time.monotonic()
        due = [now] if self.again_after is None else [now, now + self.again_after]
        with self._lock:
            if len(self._pending) + len(due) > self.max_pending:
                log.warning("%d purges waiting: purging everything instead", len(self._pending))
                self._pending = []
                keys = [EVERYTHING]
            self._pending.extend((when, list(keys)) for when in due)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="library-purge", daemon=True)
                self._thread.start()
                atexit.register(self.wait, 5.0)  # a command's last commit is purged before it exits
            self._lock.notify()

    def wait(self, timeout: float = 5.0) -> bool:
        """Wait until every queued purge was sent or given up; False if ``timeout`` seconds passed first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def _run(self) -> None:
        while True:
            with self._lock:
                while True:
                    now = time.monotonic()
                    batch = [keys for when, keys in self._pending if when <= now]
                    if batch:
                        break
                    self._lock.wait(min((when for when, _ in self._pending), default=now + 3600) - now)
                self._pending = [(when, keys) for when, keys in self._pending if when > now]
                self._busy = True
            try:
                self._purge(_merge(batch))
            except Exception:  # never let the thread die: the next commit's purge must still go out
                log.exception("purge failed")
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()

    def _purge(self, keys: list[str]) -> None:
        for start in range(0, len(keys), KEYS_PER_REQUEST):
            value = " ".join(keys[start:start + KEYS_PER_REQUEST])
            for url in self.urls:
                self._send_with_retries(url, value)

    def _send_with_retries(self, url: str, keys: str) -> None:
        pause = self.first_pause
        for attempt in range(1, self.attempts + 1):
            try:
                status = self.send(url, self.method, keys)
                problem = None if 200 <= status < 300 else f"HTTP {status}"
            except OSError as error:
                problem = str(error) or type(error).__name__
            if problem is None:
                self.sent += 1
                if attempt > 1:
                    log.warning("purge at %s succeeded on attempt %d", url, attempt)
                return
            if attempt == self.attempts:
                self.failed += 1
                log.error("purge of %s at %s given up after %d attempts (%s): the cache keeps those "
                          "responses until their s-maxage", _short(keys), url, attempt, problem)
                return
            log.warning("purge at %s failed (%s), attempt %d of %d", url, problem, attempt, self.attempts)
            time.sleep(pause)
            pause *= 2


def _merge(batch: list[list[str]]) -> list[str]:
    """The keys of several purges, once each; one purge of everything covers all the rest."""
    keys = list(dict.fromkeys(key for keys in batch for key in keys))
    return [EVERYTHING] if EVERYTHING in keys else keys


def _short(keys: str, limit: int = 120) -> str:
    return keys if len(keys) <= limit else keys[:limit] + "..."
