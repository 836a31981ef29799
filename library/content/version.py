"""The content version: a counter every content write bumps in its own transaction.

Readers' responses are cached per server process. Rather than tell every process about every
write, writers bump one counter at commit and each process polls it (see `library.web.cache`).
The bump runs as the last statement before COMMIT, after the final flush, so the transaction takes
the counter's row lock only when it has no other lock left to wait for: two writers queue on it,
they never deadlock over it.
"""

from __future__ import annotations

from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from library.content.models import ContentVersion

_CHANGED = "library.content_changed"

# An upsert, so the counter survives its row being deleted (tests empty every table).
_BUMP = text(
    "INSERT INTO content_version (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = content_version.version + 1"
)


def mark_changed(session: Session) -> None:
    """Note that this unit of work changes content: its commit will bump the content version."""
    if session.info.get(_CHANGED):
        return
    session.info[_CHANGED] = True
    if not event.contains(session, "before_commit", _bump):
        event.listen(session, "before_commit", _bump)
        event.listen(session, "after_rollback", _forget)


def _bump(session: Session) -> None:
    # SQLAlchemy calls before_commit when a SAVEPOINT is released too; the bump waits for the COMMIT.
    if session.in_nested_transaction():
        return
    if session.info.pop(_CHANGED, False):
        session.flush()
        session.execute(_BUMP)


def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def current_version(connection: Connection | Session) -> int:
    """The content version now (0 before the first write)."""
    value = connection.execute(select(ContentVersion.version).where(ContentVersion.id == 1)).scalar()
    return value or 0
