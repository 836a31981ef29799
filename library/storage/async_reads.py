"""PostgreSQL: the hottest reader read run on the event loop itself, on psycopg's async connections.

A reader's uncached read on PostgreSQL waits on the network. Waiting in a thread kept the event loop
free, but each hand-off to a thread and back cost more CPU than the wait it overlapped: on this
machine, with a local server, uncached article reads went 1,107 -> 1,393 req/s when built on the loop
(blocking it during each round trip) instead of in two threads, and 1,565 -> 2,351 req/s in a mix of
hits and misses, with half the p99. A loop blocked on the database is no answer either: a server that
stops answering (a network cut) would stall every reader of the process, cache hits too. An async
connection gives both: the loop serves other requests while the statement is on the wire, and no
thread is involved (psycopg's async path costs about 25 µs more CPU a read than its blocking one).

`AsyncReads` keeps a few such connections (`CONNECTIONS`), in autocommit (one SELECT is its own
snapshot), one per read in flight; like `library.storage.prepared.DirectReads` they are not checked
before use, and a read whose connection turns out lost reads again once on a new one. Driver errors
come out as SQLAlchemy's `DBAPIError`, as the blocking reads' do, so `library.storage.availability`
tells an outage the same way. Connections belong to the event loop they were opened on: one found from
another loop (an app started again in the same process) is closed, not used.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

import psycopg
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from library.storage.prepared import KeptConnections, Prepared, _Compiled

CONNECTIONS = 4
"""Reads in flight at once, each on a connection of its own, kept for the next: a read waits for the
database about half as long as its response takes to make on the loop, so more connections would
only queue at the server (and each is a server process). Further reads wait for one to be free."""


class AsyncReads(KeptConnections):
    """Connections of ``engine``'s PostgreSQL database for reads awaited on the event loop."""

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("async reads are for PostgreSQL")
        super().__init__(engine)
        self._idle: list[tuple[psycopg.AsyncConnection, int, asyncio.AbstractEventLoop]] = []
        self._open = 0
        """Connections open, idle or in use: at most `CONNECTIONS`."""
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def read(self, prepared: Prepared, /, **values: Any) -> list[Any]:
        """The rows of ``prepared`` with ``values``, as `Prepared.read` gives them."""
        compiled = prepared.compiled(self.dialect)
        return compiled.make(await self.run(compiled, values))

    async def run(self, compiled: _Compiled, values: dict[str, Any]) -> list[Any]:
        """The raw rows of ``compiled`` with ``values``."""
        for attempt in (1, 2):
            connection, pool, kept = await self._take()
            try:
                return await self._execute(connection, compiled, values)
            except DBAPIError as error:
                if error.connection_invalidated and kept and attempt == 1:
                    continue  # lost since it was last used: once more, on a new connection
                raise
            finally:
                self._give_back(connection, pool)
        raise AssertionError("unreachable")

    async def _execute(self, connection: psycopg.AsyncConnection, compiled: _Compiled,
                       values: dict[str, Any]) -> list[Any]:
        parameters = compiled.parameters(dict(values))
        try:
            async with connection.cursor() as cursor:
                await cursor.execute(compiled.sql, parameters)
                return await cursor.fetchall()
        except psycopg.Error as error:
            lost = self.dialect.is_disconnect(error, connection, None)
            raise DBAPIError.instance(compiled.sql, parameters, error, psycopg.Error,
                                      connection_invalidated=lost, dialect=self.dialect) from error

    async def _take(self) -> tuple[psycopg.AsyncConnection, int, bool]:
        loop = asyncio.get_running_loop()
        while True:
            while self._idle:
                connection, pool, opened_on = self._idle.pop()
                if pool == self._pool and opened_on is loop and not connection.closed:
                    return connection, pool, True
                self._drop(connection)
            if self._open < CONNECTIONS:
                break
            waiter = loop.create_future()
            self._waiting.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiting:
                    self._waiting.remove(waiter)  # cancelled while waiting
        self._open += 1
        pool = self._pool
        arguments, options = self.dialect.create_connect_args(self.engine.url)
        try:
            connection = await psycopg.AsyncConnection.connect(*arguments, **options, autocommit=True)
        except BaseException as error:
            self._open -= 1
            self._wake()
            if isinstance(error, psycopg.Error):
                raise DBAPIError.instance(None, None, error, psycopg.Error, dialect=self.dialect) from error
            raise
        return connection, pool, False

    def _give_back(self, connection: psycopg.AsyncConnection, pool: int) -> None:
        if (self._closed or pool != self._pool or connection.closed
                or connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE):
            self._drop(connection)
        else:
            self._idle.append((connection, pool, asyncio.get_running_loop()))
        self._wake()

    def _drop(self, connection: psycopg.AsyncConnection) -> None:
        _close(connection)
        self._open -= 1

    def _wake(self) -> None:
        """Let the first read waiting for a connection try again."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    @property
    def idle(self) -> int:
        """Connections kept for the next reads (for the tests)."""
        return len(self._idle)

    def close(self) -> None:
        """Close every kept connection (the process is stopping, or the engine is disposed of)."""
        self._stop()
        while self._idle:
            self._drop(self._idle.pop()[0])


def _close(connection: psycopg.AsyncConnection) -> None:
    """Close without awaiting (libpq's own close does not wait on the server), from any loop or none."""
    connection.pgconn.finish()
