"""Which sections a unit of work changed, announced once at commit to whoever subscribed.

Content must not import the domains that react to it (coverage history records a snapshot of every
section whose articles or variants changed). So the content service only notes the changed section
ids on the session, and at commit every subscriber gets them in one call, inside the transaction,
after the last flush. A rolled-back unit of work announces nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

Listener = Callable[[Session, frozenset[int]], None]
"""Called with the committing session and the ids of the sections it changed."""

_KEY = "library.changed_sections"
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Call ``listener`` at every commit that changed content (subscribing twice is subscribing once)."""
    if listener not in _listeners:
        _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def note_changed(session: Session, section_id: int) -> None:
    """Remember that this unit of work changes the coverage of section ``section_id``."""
    pending = session.info.setdefault(_KEY, set())
    pending.add(section_id)
    if not event.contains(session, "before_commit", _announce):
        # insert=True: subscribers run before other commit hooks (the reader's content-version bump
        # wants to be the very last statement, so it never holds its lock while waiting on ours).
        event.listen(session, "before_commit", _announce, insert=True)
        event.listen(session, "after_rollback", _forget)


def _announce(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: announce at the real COMMIT
        return
    sections = session.info.pop(_KEY, None)
    if not sections or not _listeners:
        return
    session.flush()
    for listener in list(_listeners):
        listener(session, frozenset(sections))


def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)
