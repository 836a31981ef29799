"""A counter of the SQL statements a request runs: those run through SQLAlchemy (its cursor events) and
those a `library.storage.prepared.Prepared` runs on the driver itself, which no event sees."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from library.storage import prepared
from library.storage.async_reads import AsyncReads


class Statements:
    """SQL statements run on an engine, leaving out SQLite's BEGIN and the background check of the
    content version (so counts are the same on both engines)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if "content_version" not in statement and not statement.startswith("BEGIN"):
            self.seen.append(statement)

    def __len__(self) -> int:
        return len(self.seen)


@contextmanager
def count_statements(engine) -> Iterator[Statements]:
    statements = Statements()
    run = prepared._run

    def counted(raw, dialect, compiled, values):
        statements(None, None, compiled.sql, values, None, False)
        return run(raw, dialect, compiled, values)

    execute = AsyncReads._execute

    async def counted_async(self, connection, compiled, values):  # PostgreSQL's article read, awaited
        statements(None, None, compiled.sql, values, None, False)
        return await execute(self, connection, compiled, values)

    event.listen(engine, "before_cursor_execute", statements)
    prepared._run, AsyncReads._execute = counted, counted_async
    try:
        yield statements
    finally:
        prepared._run, AsyncReads._execute = run, execute
        event.remove(engine, "before_cursor_execute", statements)
