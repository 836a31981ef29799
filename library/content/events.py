"""Content events: what reacts to a content write, listed in one object built at start.

Content must not import the domains that react to its writes (the quality gate, coverage history,
the caches, a search index), and no domain registers itself by being imported. So `library.bootstrap`
builds one `ContentEvents` listing every reaction and attaches it to the engine (`attach`); every
unit of work opened on that engine carries it, and tests build their own. Two moments:

- **saved**: after each `save_variant`, inside its transaction, with the saved revision. Raising a
  `LibraryError` refuses the save; the unit of work rolls it back (the quality gate does this).
- **committing**: once per unit of work that changed content, just before COMMIT and after the last
  flush, with the ids of the sections it changed (none for a bulk import). Reactions run in the listed
  order; the content version's bump, which the response caches watch, is listed last so that its row
  lock is the last one the transaction takes (two writers queue on it, they never deadlock over it).

A rolled-back unit of work announces nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from library.content.models import Article, Revision, Variant


@dataclass(frozen=True)
class SavedVariant:
    """What a reaction to a save is told."""

    article: Article
    variant: Variant
    revision: Revision
    by: str | None
    publish_override: str | None
    """The writer's reason to publish although a check would block it (None: no override)."""


SaveReaction = Callable[[Session, SavedVariant], None]
CommitReaction = Callable[[Session, frozenset[int]], None]
"""Called with the committing session and the ids of the sections the unit of work changed."""


@dataclass(frozen=True)
class ContentEvents:
    """Every reaction to content writes, in the order they run."""

    saved: Sequence[SaveReaction] = ()
    committing: Sequence[CommitReaction] = field(default=())

    def on_saved(self, session: Session, saved: SavedVariant) -> None:
        for reaction in self.saved:
            reaction(session, saved)

    def on_committing(self, session: Session, sections: frozenset[int]) -> None:
        for reaction in self.committing:
            reaction(session, sections)


NONE = ContentEvents()
"""For an engine nothing was attached to: writes change content and nothing else happens."""

_OPTION = "library_content_events"
_CHANGED = "library.changed_sections"


def attach(engine: Engine, events: ContentEvents) -> Engine:
    """``engine`` (sharing its pool and settings) whose units of work carry ``events``."""
    return engine.execution_options(**{_OPTION: events})


def events_of(session: Session) -> ContentEvents:
    """The events attached to the engine ``session`` works on (`NONE` when there are none)."""
    return session.connection().get_execution_options().get(_OPTION, NONE)


def note_change(session: Session, section_id: int | None = None) -> None:
    """Note that this unit of work changes content (in section ``section_id``, when it is known):
    its commit will announce it once to the `committing` reactions."""
    pending: set[int] = session.info.setdefault(_CHANGED, set())
    if section_id is not None:
        pending.add(section_id)
    if not event.contains(session, "before_commit", _announce):
        event.listen(session, "before_commit", _announce)
        event.listen(session, "after_rollback", _forget)


def saved(session: Session, what: SavedVariant) -> None:
    """Tell the `saved` reactions about one save (called by `library.content.service.save_variant`)."""
    events_of(session).on_saved(session, what)


def _announce(session: Session) -> None:
    sections = session.info.pop(_CHANGED, None)
    if sections is None:
        return
    session.flush()
    events_of(session).on_committing(session, frozenset(sections))


def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
