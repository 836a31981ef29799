"""Content events: what reacts to a content write, listed in one object built at start.

Content must not import the domains that react to its writes (the quality gate, coverage history,
the caches, a search index), and no domain registers itself by being imported. So `library.bootstrap`
builds one `ContentEvents` listing every reaction and attaches it to the engine (`attach`); every
unit of work opened on that engine carries it, and tests build their own. Two moments:

- **saved**: after each `save_variant`, inside its transaction, with the saved revision. Raising a
  `LibraryError` refuses the save; the unit of work rolls it back (the quality gate does this). A
  reaction with expensive work (the content checks) has a ``prepare`` step too: it runs on a `Draft`
  before the write transaction begins (`library.content.service.prepare_text`), so that on SQLite the
  write lock is held only for reads and writes (issue 13). Its result reaches the reaction as
  `SavedVariant.prepared`; the text or what it depends on may have changed meanwhile, so the reaction
  uses it only when its inputs are still those of the saved revision, and recomputes otherwise.
- **committing**: once per unit of work that changed content, just before COMMIT and after the last
  flush, with the ids of the sections it changed (none for a bulk import). Reactions run in the listed
  order; the content version's bump, which the response caches watch, is listed last so that its row
  lock is the last one the transaction takes (two writers queue on it, they never deadlock over it).

A rolled-back unit of work announces nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

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
    prepared: object | None = None
    """What this reaction's prepare step made of the text before the transaction (None: nothing)."""


@dataclass(frozen=True)
class Draft:
    """A text about to be saved, as the prepare steps see it: sanitised, with the source it is
    translated from resolved (``translated_from`` None for the article's source language)."""

    article: Article
    language: str
    title: str
    summary: str
    body: str
    translated_from: str | None
    source_revision: int | None


@dataclass(frozen=True)
class OnSave:
    """A reaction to each save, and optionally the part of its work done before the transaction."""

    react: Callable[[Session, SavedVariant], None]
    prepare: Callable[[Session, Draft], object] | None = None


CommitReaction = Callable[[Session, frozenset[int]], None]
"""Called with the committing session and the ids of the sections the unit of work changed."""


@dataclass(frozen=True)
class ContentEvents:
    """Every reaction to content writes, in the order they run."""

    saved: Sequence[OnSave] = ()
    committing: Sequence[CommitReaction] = ()

    def prepare(self, session: Session, draft: Draft) -> dict[OnSave, object]:
        """Every prepare step's result for ``draft``, by reaction."""
        return {reaction: reaction.prepare(session, draft) for reaction in self.saved if reaction.prepare}

    def on_saved(self, session: Session, saved: SavedVariant,
                 prepared: Mapping[OnSave, object] | None = None) -> None:
        for reaction in self.saved:
            reaction.react(session, replace(saved, prepared=(prepared or {}).get(reaction)))

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


def prepare(session: Session, draft: Draft) -> dict[OnSave, object]:
    """The prepare steps' results for ``draft`` (called by `library.content.service.prepare_text`)."""
    return events_of(session).prepare(session, draft)


def saved(session: Session, what: SavedVariant, prepared: Mapping[OnSave, object] | None = None) -> None:
    """Tell the `saved` reactions about one save (called by `library.content.service.save_variant`)."""
    events_of(session).on_saved(session, what, prepared)


def _announce(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: announce at the real COMMIT
        return
    sections = session.info.pop(_CHANGED, None)
    if sections is None:
        return
    session.flush()
    events_of(session).on_committing(session, frozenset(sections))


def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
