"""A PostgreSQL ``LISTEN`` on a dedicated connection, for hearing of other processes' commits at once (issue 16).

Each server process keeps its own response cache and must drop it when any process, on any host,
changes content. Polling the content version does that within `CHECK_INTERVAL` at the cost of a
query per process several times a second; a notification sent at commit (``pg_notify``, delivered
only if the transaction commits, in commit order) does it within a round trip and costs nothing
while nothing changes.

A notification is only as good as the connection it travels on, and that connection can be lost
without a word: PgBouncer in transaction pooling accepts ``LISTEN`` and never forwards a
notification, a restart or a network cut ends it. So the listener proves its path: after ``LISTEN``
and then every `HEARTBEAT` seconds it notifies a channel of its own and must hear itself within
`PROBE_TIMEOUT`. Until it has, and from the moment it fails, it reports `polling` so the caller keeps
polling; it reconnects by itself with a growing pause. What changed is not taken from the payload:
the caller re-reads the content version (`on_notify`), so an old notification overtaking a fresh
read can never move the cache backwards.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from library.storage.types import utcnow

log = logging.getLogger("library.storage")

HEARTBEAT = 2.0
"""Seconds between two probes of a listening connection: bounds how long a silently dead one goes unseen."""

PROBE_TIMEOUT = 1.0
"""Seconds a probe may take to come back before the connection counts as deaf."""

CONNECT_TIMEOUT = 3
"""Seconds (libpq counts whole seconds) to open the listening connection."""

RETRY_PAUSES = (0.5, 1.0, 2.0, 5.0)
"""Pauses before reconnecting, one after the other; the last repeats while the connection keeps failing."""

LISTENING = "listening"
POLLING = "polling"


@dataclass(frozen=True)
class ListenState:
    """How this process hears of other processes' writes, since when, and why when it is polling."""

    mode: str
    since: datetime
    reason: str | None = None


class Deaf(Exception):
    """The connection is open but its notifications do not come back (a pooler, a cut path)."""


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL ``database_url`` as a libpq connection string (no ``+psycopg`` driver part)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """Listens on ``channel`` of the database at ``database_url``; ``on_notify()`` runs after each burst
    of notifications and once each time listening (re)starts, so nothing committed meanwhile is missed.

    Runs in the event loop (`run`, a task the app starts and cancels); `state` and `listening` may be
    read from any thread.
    """

    def __init__(self, database_url: str, channel: str, on_notify: Callable[[], Awaitable[None]], *,
                 heartbeat: float = HEARTBEAT, probe_timeout: float = PROBE_TIMEOUT,
                 retry_pauses: tuple[float, ...] = RETRY_PAUSES) -> None:
        self.conninfo = libpq_url(database_url)
        self.channel = channel
        self.probe_channel = f"{channel}_probe_{secrets.token_hex(6)}"
        self.on_notify = on_notify
        self.heartbeat = heartbeat
        self.probe_timeout = probe_timeout
        self.retry_pauses = retry_pauses
        self.state = ListenState(POLLING, utcnow(), "not connected yet")

    @property
    def listening(self) -> bool:
        return self.state.mode == LISTENING

    async def run(self) -> None:
        """Listen until cancelled, reconnecting after every failure."""
        failures = 0
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure means: poll, and try again shortly
                failures = 0 if self.listening else failures  # a connection that worked: retry at once
                self._fall_back(_reason(error))
            failures += 1
            await asyncio.sleep(self.retry_pauses[min(failures - 1, len(self.retry_pauses) - 1)])

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(
                self.conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                application_name="library-listener") as connection:
            await self._subscribe(connection)
            await self._probe(connection)
            await self.on_notify()  # writes committed before LISTEN took effect
            self._listening()
            while True:
                heard = await self._wait(connection, self.heartbeat)
                if heard:
                    await self.on_notify()
                else:
                    await self._probe(connection)

    async def _subscribe(self, connection: psycopg.AsyncConnection) -> None:
        for name in (self.channel, self.probe_channel):
            await connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(name)))

    async def _wait(self, connection: psycopg.AsyncConnection, seconds: float) -> bool:
        """Wait up to ``seconds`` for a notification on the content channel; True when one came (the
        others already queued are taken with it: one `on_notify` per burst)."""
        heard = False
        async for note in connection.notifies(timeout=seconds, stop_after=1):
            heard = note.channel == self.channel
        if heard:
            async for _ in connection.notifies(timeout=0.0):
                pass
        return heard

    async def _probe(self, connection: psycopg.AsyncConnection) -> None:
        token = secrets.token_hex(8)
        await connection.execute("SELECT pg_notify(%s, %s)", (self.probe_channel, token))
        deadline = asyncio.get_running_loop().time() + self.probe_timeout
        content = False
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            async for note in connection.notifies(timeout=left, stop_after=1):
                if note.channel == self.probe_channel and note.payload == token:
                    if content:
                        await self.on_notify()
                    return
                content = content or note.channel == self.channel
        raise Deaf(f"a notification did not come back within {self.probe_timeout:g} s")

    def _listening(self) -> None:
        if not self.listening:
            log.info("hearing of content changes by LISTEN/NOTIFY (polling stops)")
        self.state = ListenState(LISTENING, utcnow())

    def _fall_back(self, reason: str) -> None:
        """Report polling; logged when listening stops and when the reason changes (not at every retry)."""
        if self.listening or self.state.reason != reason:
            log.warning("not listening for content changes, polling the content version: %s", reason)
            self.state = ListenState(POLLING, utcnow() if self.listening else self.state.since, reason)


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines() or [type(error).__name__])[0][:200]
