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
  flush, with its `Changes` (the sections, articles and variants it touched, or ``everything`` for a
  bulk import or a new section). Reactions run in the listed order and write in the same transaction
  (coverage counters and snapshots, a search index); the content version's bump, which the response
  caches watch, is listed last so that its row lock is the last one the transaction takes (two
  writers queue on it, they never deadlock over it).
- **committed**: after the COMMIT succeeded, with the same `Changes`, for what must not happen unless
  the write stuck and must never hold it up (purging an HTTP cache in front). These reactions get no
  session; one that fails is logged and the others still run.

A rolled-back unit of work announces nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from library.content.models import Article, Revision, Variant

log = logging.getLogger("library.content")


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


@dataclass(frozen=True)
class Changes:
    """What one unit of work changed, as its commit announces it.

    ``variants`` are (article id, language) pairs whose text or state changed; ``articles`` every
    article touched (a variant saved, its links or metadata changed); ``sections`` the sections they
    are in. ``everything`` says the scope is not known in detail (a backup imported, the library
    cleared, a section created or renamed): a reaction then treats all content as changed.
    """

    sections: frozenset[int] = frozenset()
    articles: frozenset[int] = frozenset()
    variants: frozenset[tuple[int, str]] = frozenset()
    everything: bool = False


@dataclass
class _Pending:
    """`Changes` being collected in one unit of work (``session.info``)."""

    sections: set[int] = field(default_factory=set)
    articles: set[int] = field(default_factory=set)
    variants: set[tuple[int, str]] = field(default_factory=set)
    everything: bool = False

    def freeze(self) -> Changes:
        return Changes(frozenset(self.sections), frozenset(self.articles), frozenset(self.variants), self.everything)


CommitReaction = Callable[[Session, Changes], None]
"""Called with the committing session and what its unit of work changed."""

CommittedReaction = Callable[[Changes], None]
"""Called after the commit with what it changed (no session: the transaction is over)."""


@dataclass(frozen=True)
class ContentEvents:
    """Every reaction to content writes, in the order they run."""

    saved: Sequence[OnSave] = ()
    committing: Sequence[CommitReaction] = ()
    committed: Sequence[CommittedReaction] = ()

    def prepare(self, session: Session, draft: Draft) -> dict[OnSave, object]:
        """Every prepare step's result for ``draft``, by reaction."""
        return {reaction: reaction.prepare(session, draft) for reaction in self.saved if reaction.prepare}

    def on_saved(self, session: Session, saved: SavedVariant,
                 prepared: Mapping[OnSave, object] | None = None) -> None:
        for reaction in self.saved:
            reaction.react(session, replace(saved, prepared=(prepared or {}).get(reaction)))

    def on_committing(self, session: Session, changes: Changes) -> None:
        for reaction in self.committing:
            reaction(session, changes)

    def on_committed(self, changes: Changes) -> None:
        for reaction in self.committed:
            try:
                reaction(changes)
            except Exception:  # the write stuck; a reaction after it must not turn it into an error
                log.exception("content event reaction %r failed after a commit", reaction)


NONE = ContentEvents()
"""For an engine nothing was attached to: writes change content and nothing else happens."""

_OPTION = "library_content_events"
_CHANGED = "library.changes"
_ANNOUNCED = "library.changes_committed"


def attach(engine: Engine, events: ContentEvents) -> Engine:
    """``engine`` (sharing its pool and settings) whose units of work carry ``events``."""
    return engine.execution_options(**{_OPTION: events})


def events_of(session: Session) -> ContentEvents:
    """The events attached to the engine ``session`` works on (`NONE` when there are none)."""
    return session.connection().get_execution_options().get(_OPTION, NONE)


def note_change(session: Session, section_id: int | None = None, *, article_id: int | None = None,
                languages: Iterable[str] = (), everything: bool = False) -> None:
    """Note that this unit of work changes content: in section ``section_id`` and article
    ``article_id`` (its variants in ``languages``) when they are known, or ``everything``. Its commit
    announces all it noted once, to the `committing` and then the `committed` reactions."""
    pending: _Pending = session.info.setdefault(_CHANGED, _Pending())
    if section_id is not None:
        pending.sections.add(section_id)
    if article_id is not None:
        pending.articles.add(article_id)
        pending.variants.update((article_id, language) for language in languages)
    pending.everything = pending.everything or everything
    if not event.contains(session, "before_commit", _announce):
        event.listen(session, "before_commit", _announce)
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_rollback", _forget)


def pending_changes(session: Session) -> Changes | None:
    """What this unit of work noted so far and its commit will announce (None: no content write):
    for a reader of derived figures that must see the unit of work's own writes before its commit."""
    pending: _Pending | None = session.info.get(_CHANGED)
    return pending.freeze() if pending is not None else None


def prepare(session: Session, draft: Draft) -> dict[OnSave, object]:
    """The prepare steps' results for ``draft`` (called by `library.content.service.prepare_text`)."""
    return events_of(session).prepare(session, draft)


def saved(session: Session, what: SavedVariant, prepared: Mapping[OnSave, object] | None = None) -> None:
    """Tell the `saved` reactions about one save (called by `library.content.service.save_variant`)."""
    events_of(session).on_saved(session, what, prepared)


def _announce(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released: announce at the real COMMIT
        return
    pending: _Pending | None = session.info.pop(_CHANGED, None)
    if pending is None:
        return
    session.flush()
    events = events_of(session)
    changes = pending.freeze()
    events.on_committing(session, changes)
    if events.committed:
        session.info[_ANNOUNCED] = (events, changes)


def _committed(session: Session) -> None:
    announced = session.info.pop(_ANNOUNCED, None)
    if announced is not None:
        events, changes = announced
        events.on_committed(changes)


def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_ANNOUNCED, None)
