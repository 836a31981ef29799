"""The content version: a counter every content write bumps in its own transaction.

Readers' responses are cached per server process. Rather than tell every process about every
write, writers bump one counter at commit and each process polls it (see `library.web.cache`).
`bump_version` is the last `committing` reaction of the content events (`library.bootstrap`): it runs
as the last statement before COMMIT, after the final flush, so the transaction takes the counter's
row lock only when it has no other lock left to wait for: two writers queue on it, they never
deadlock over it.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from library.content.events import Changes
from library.content.models import ContentVersion

# An upsert, so the counter survives its row being deleted (tests empty every table).
_BUMP = text(
    "INSERT INTO content_version (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = content_version.version + 1"
)


def bump_version(session: Session, _changes: Changes | None = None) -> None:
    """Add one to the content version (a `committing` reaction: it ignores what changed)."""
    session.execute(_BUMP)


def current_version(connection: Connection | Session) -> int:
    """The content version now (0 before the first write)."""
    value = connection.execute(select(ContentVersion.version).where(ContentVersion.id == 1)).scalar()
    return value or 0
