"""The surrogate keys of each content commit, kept beside the content version, so that every server
process's own response cache drops just what a commit changed (issue 15), as the caches in front do.

A process learns that the content version moved (a notification, or its poll): that says something
changed, not what. `record` is a ``committing`` reaction listed right after the version's bump
(`library.bootstrap.content_events`): it stores the keys of the commit's `Changes`
(`library.edge.keys.keys_for`, the very keys the purge sends) under the version the commit sets. The
bump's row lock makes versions follow commit order, so when a process reads version w, every row up to
w is committed. `since` gives a process the keys of every commit after the version it knew; when one
is missing (a version bumped by hand, a process so far behind that the log was pruned past it, an
older release writing), it answers None and the process drops everything, as it did before.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from library.content.events import Changes
from library.content.models import ContentChange
from library.content.version import current_version
from library.edge.keys import EVERYTHING, keys_for

KEEP = 1000
"""Versions kept in the log: a process learns of changes every 0.4 s at the latest, so it falls this
far behind only when it was cut off from the database, and then dropping everything is right."""

MAX_KEYS = 500
"""Keys of one commit kept at most; a bigger change (a bulk save) is stored as everything."""

_RECORD = text("INSERT INTO content_change (version, keys) SELECT version, :keys FROM content_version WHERE id = 1")
_PRUNE = text("DELETE FROM content_change WHERE version <= (SELECT version FROM content_version WHERE id = 1) - :keep")


def record(session: Session, changes: Changes) -> None:
    """Store the keys of this commit under the version it sets (a ``committing`` reaction after
    `library.content.version.bump_version`), and forget versions older than `KEEP`."""
    keys = keys_for(changes)
    if len(keys) > MAX_KEYS:
        keys = [EVERYTHING]
    session.execute(_RECORD, {"keys": " ".join(keys)})
    session.execute(_PRUNE, {"keep": KEEP})


def since(connection: Connection | Session, known: int | None) -> tuple[int, list[str] | None]:
    """The content version now and the keys of every commit after ``known`` up to it (once each);
    None for the keys when one of those commits is not in the log (then everything may have changed)."""
    version = current_version(connection)
    if known is None or version <= known:
        return version, None if version != known else []
    rows = connection.execute(select(ContentChange.keys).where(
        ContentChange.version > known, ContentChange.version <= version)).scalars().all()
    if len(rows) != version - known:
        return version, None
    return version, list(dict.fromkeys(key for row in rows for key in row.split()))
