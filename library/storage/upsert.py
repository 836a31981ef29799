"""Counter rows written by several transactions at once: one additive UPSERT per batch, never
read-modify-write, so two writers on PostgreSQL add up instead of one overwriting the other."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def upsert(session: Session, table: Table, keys: Sequence[str], rows: Iterable[dict[str, Any]], *,
           add: Sequence[str] = (), replace: Sequence[str] = ()) -> int:
    """Insert ``rows`` into ``table``; on a clash of ``keys``, add the ``add`` columns to the stored
    ones (``n = n + excluded.n``) and overwrite the ``replace`` ones. Rows are written in key order,
    so concurrent writers lock counter rows in one order and never deadlock over them. Returns the
    number of rows written."""
    ordered = sorted(rows, key=lambda row: tuple(row[key] for key in keys))
    if not ordered:
        return 0
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    changes = {name: table.c[name] + statement.excluded[name] for name in add}
    changes |= {name: statement.excluded[name] for name in replace}
    session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes), ordered)
    return len(ordered)


def replace_all(session: Session, table: Table, keys: Sequence[str], rows: Iterable[dict[str, Any]],
                values: Sequence[str]) -> int:
    """Make ``table`` hold exactly ``rows``: every other row deleted, these upserted (a row another
    writer added meanwhile on PostgreSQL is overwritten rather than a unique violation)."""
    session.execute(delete(table))
    return upsert(session, table, keys, rows, replace=values)
