"""One Core SELECT compiled once per dialect and run on the driver's cursor: the hottest reader read.

A reader's uncached article read is one statement (`library.reading.resolve`). Run through
SQLAlchemy's ``Connection.execute`` it costs more in Python than in the database: a statement cache
lookup, an execution context, a cursor result with its row processors, and on a plain connection
BEGIN and COMMIT (issue 15 measured 105 µs for the read inside 213 µs for a whole uncached API
response, and the execute path was half of the read). `Prepared` does that work once: the SQL
string, the parameter order of positional drivers, the defaults of the statement's literal
parameters and the result processors (aware UTC datetimes, `library.storage.types`) are computed at
the first use on each dialect; a read is then one ``cursor.execute`` and one ``fetchall`` whose rows
are named tuples with the statement's column names, holding the values ``Connection.execute`` gives.

`Prepared.read` runs on a connection `DirectReads` keeps, without a transaction: one SELECT is its
own consistent snapshot on both engines (SQLite connections run in autocommit here,
`library.storage.engine`; PostgreSQL connections are kept in autocommit). `Prepared.rows` runs the
statement the ordinary way in a caller's transaction instead, for a read replica's unit of work.
Driver errors are raised as SQLAlchemy's `DBAPIError` like any other read's, so
`library.storage.availability` tells an outage the same way, and a connection the driver reports
lost is dropped from the pool, not handed out again.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import Select


class _Compiled:
    """``statement`` as one dialect runs it."""

    __slots__ = ("sql", "defaults", "order", "binds", "processors", "row")

    def __init__(self, statement: Select, dialect: Dialect, row: type) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        required = [name for name, bind in compiled.binds.items() if bind.required]
        params = compiled.construct_params(dict.fromkeys(required))
        self.defaults = {name: value for name, value in params.items() if name not in required}
        self.order = tuple(compiled.positiontup) if dialect.positional else None
        self.binds = {name: processor for name in required
                      if (processor := compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))}
        processors = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                      for column in statement.selected_columns]
        self.processors = tuple((i, processor) for i, processor in enumerate(processors) if processor is not None)
        self.row = row

    def parameters(self, values: dict[str, Any]) -> Any:
        for name, processor in self.binds.items():
            values[name] = processor(values[name])
        values = {**self.defaults, **values}
        return values if self.order is None else [values[name] for name in self.order]

    def make(self, raw: list[Any]) -> list[Any]:
        row, processors = self.row, self.processors
        if not processors:
            return [row._make(values) for values in raw]
        rows = []
        for values in raw:
            values = list(values)
            for i, processor in processors:
                values[i] = processor(values[i])
            rows.append(row._make(values))
        return rows


class Prepared:
    """A SELECT whose rows are read straight from the driver (see the module's docstring)."""

    def __init__(self, statement: Select, name: str) -> None:
        self.statement = statement
        self.row = namedtuple(name, list(statement.selected_columns.keys()))  # type: ignore[misc]
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.setdefault(dialect.name, _Compiled(self.statement, dialect, self.row))
        return compiled

    def rows(self, source: Connection | Session, **values: Any) -> list[Any]:
        """The statement's rows run the ordinary way, in ``source``'s transaction (a read replica's unit
        of work, which checks the replica's freshness in the same transaction first)."""
        return list(source.execute(self.statement, values).all())

    def read(self, reads: DirectReads, **values: Any) -> list[Any]:
        """The statement's rows on one of ``reads``' connections, without a transaction of its own."""
        compiled = self.compiled(reads.dialect)
        return compiled.make(reads.run(compiled, values))


class KeptConnections:
    """What connections kept out of ``engine``'s pool between reads need (`DirectReads`, and on
    PostgreSQL `library.storage.async_reads.AsyncReads`): a count of the pool's disposals, so that
    connections taken before one are closed and not read on again, and whether they were all given up."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self._pool = 0
        """Goes up when the engine's pool is disposed of: connections taken before are closed, not
        kept (a SQLite file moved away or restored, a server switched over, must not go on being read
        through an old handle)."""
        self._closed = False
        event.listen(engine, "engine_disposed", self._disposed)

    def _disposed(self, engine: Engine) -> None:
        self._pool += 1

    def _stop(self) -> None:
        """No connection is kept from now on (closing twice is closing once)."""
        if not self._closed:
            self._closed = True
            event.remove(self.engine, "engine_disposed", self._disposed)


class DirectReads(KeptConnections):
    """The connections `Prepared` reads run on: taken from ``engine``'s pool once and kept, one per read
    running at the same time (the event loop's and the reader threads', `library.web.responses`).

    Checking a connection out of the pool for each read cost more than the read: SQLAlchemy's pool
    and, on PostgreSQL, the ``SELECT 1`` it sends first to check the connection (``pool_pre_ping``;
    78 µs of a 267 µs read on this machine, 41 µs of its 119 µs of CPU). Kept connections are not
    checked: a read whose connection turns out lost (a restarted server) drops it and reads again
    once on a fresh one, which the pool does check. PostgreSQL connections are in autocommit while
    kept (one SELECT is its own snapshot: no BEGIN and COMMIT) and are switched back when given back.
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._idle: list[tuple[PoolProxiedConnection, int]] = []

    def run(self, compiled: _Compiled, values: dict[str, Any]) -> list[Any]:
        for attempt in (1, 2):
            raw, pool = self._take()
            try:
                return _run(raw, self.dialect, compiled, values)
            except DBAPIError as error:
                if error.connection_invalidated and attempt == 1:
                    continue  # lost since it was last used: once more, on a connection the pool checks
                raise
            finally:
                self._give_back(raw, pool)
        raise AssertionError("unreachable")

    def _take(self) -> tuple[PoolProxiedConnection, int]:
        while True:
            try:
                raw, pool = self._idle.pop()  # atomic: threads never share one
            except IndexError:
                break
            if pool == self._pool:
                return raw, pool
            self._release(raw)
        pool = self._pool
        raw = self.engine.raw_connection()
        if self.dialect.name == "postgresql":
            raw.driver_connection.autocommit = True
        return raw, pool

    def _give_back(self, raw: PoolProxiedConnection, pool: int) -> None:
        if self._closed or pool != self._pool or not raw.is_valid:
            self._release(raw)
        else:
            self._idle.append((raw, pool))

    def _release(self, raw: PoolProxiedConnection) -> None:
        """Back to the pool it came from (which closes it if it was disposed of, or invalidated)."""
        if raw.is_valid and self.dialect.name == "postgresql":
            raw.driver_connection.autocommit = False
        raw.close()

    def close(self) -> None:
        """Give every kept connection back to the pool (before the engine is disposed of)."""
        self._stop()
        while self._idle:
            self._release(self._idle.pop()[0])


def _run(raw: PoolProxiedConnection, dialect: Dialect, compiled: _Compiled, values: dict[str, Any]) -> list[Any]:
    """Execute on the pooled DB-API connection ``raw``. A driver error comes out as SQLAlchemy's
    `DBAPIError`; when the driver says the connection is lost, the connection is invalidated first."""
    parameters = compiled.parameters(dict(values))
    cursor = raw.cursor()
    try:
        cursor.execute(compiled.sql, parameters)
        return cursor.fetchall()
    except dialect.loaded_dbapi.Error as error:
        lost = dialect.is_disconnect(error, raw, cursor)
        if lost:
            raw.invalidate(error)
        raise DBAPIError.instance(compiled.sql, parameters, error, dialect.loaded_dbapi.Error,
                                  connection_invalidated=lost, dialect=dialect) from error
    finally:
        if raw.is_valid:
            cursor.close()
