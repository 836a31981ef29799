"""The content version: a counter every content write bumps in its own transaction.

Readers' responses are cached per server process. Writers bump one counter at commit; on
PostgreSQL they also notify `CHANNEL` with the new version (`notify_version`), delivered to every
listening process when, and only if, the transaction commits. Each process listens
(`library.storage.listen`) and polls the counter only while it cannot (see `library.web.cache`).
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


CHANNEL = "library_content"
"""The PostgreSQL notification channel a commit that changed content notifies, with the new version."""

_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', version::text) FROM content_version WHERE id = 1")


def notify_version(session: Session, _changes: Changes | None = None) -> None:
    """Tell every listening process the new content version at COMMIT (a `committing` reaction after
    `bump_version`; PostgreSQL only: SQLite has one host, whose processes poll)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_NOTIFY)


def current_version(connection: Connection | Session) -> int:
    """The content version now (0 before the first write)."""
    value = connection.execute(select(ContentVersion.version).where(ContentVersion.id == 1)).scalar()
    return value or 0
