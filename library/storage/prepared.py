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

`Prepared.read` takes a pooled connection without a transaction: one SELECT is its own consistent
snapshot on both engines (SQLite connections run in autocommit here, `library.storage.engine`;
PostgreSQL connections are switched to autocommit for the read and back). `Prepared.rows` runs the
statement the ordinary way in a caller's transaction instead, for a read replica's unit of work.
Driver errors are raised as SQLAlchemy's `DBAPIError` like any other read's, so
`library.storage.availability` tells an outage the same way, and a connection the driver reports
lost is dropped from the pool, not handed out again.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from typing import Any

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

    def read(self, engine: Engine, **values: Any) -> list[Any]:
        """The statement's rows on a pooled connection of ``engine``, without a transaction of its own."""
        dialect = engine.dialect
        compiled = self.compiled(dialect)
        raw = engine.raw_connection()
        try:
            driver = raw.driver_connection
            autocommit = dialect.name == "postgresql" and not driver.autocommit
            if autocommit:
                driver.autocommit = True
            try:
                rows = _run(raw, dialect, compiled, values)
            finally:
                if autocommit and raw.is_valid:
                    driver.autocommit = False
        finally:
            raw.close()  # back to the pool, or discarded when invalidated
        return compiled.make(rows)


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
