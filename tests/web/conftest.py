"""A counter of the SQL statements a request runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


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
    event.listen(engine, "before_cursor_execute", statements)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", statements)
