"""Callbacks that `save_variant` runs after every save, so that content never imports who reacts.

Dependencies point one way: ``quality`` (which checks texts) imports ``content``; ``content`` knows
only this list. A domain registers its callback when it is imported (``library.quality`` does, and
every entry point imports it: the CLI, the web app, the demo loader). A callback runs inside the
saving transaction with the saved revision; raising a `LibraryError` refuses the save, and the
caller's unit of work rolls it back.

A callback with expensive work (the content checks) also registers a ``prepare`` step: it runs on a
`Draft` before the write transaction begins (`library.content.service.prepare_text`), so that on
SQLite the write lock is held only for reads and writes (issue 13). Its result reaches the callback
as `SavedVariant.prepared`; the text or what it depends on may have changed meanwhile, so the
callback uses it only when its inputs are still those of the saved revision, and recomputes otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from sqlmodel import Session

from library.content.models import Article, Revision, Variant


@dataclass(frozen=True)
class SavedVariant:
    """What a callback is told about one save."""

    article: Article
    variant: Variant
    revision: Revision
    by: str | None
    publish_override: str | None
    """The writer's reason to publish although a check would block it (None: no override)."""
    prepared: object | None = None
    """What this callback's prepare step made of the text before the transaction (None: nothing)."""


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


SaveHook = Callable[[Session, SavedVariant], None]
PrepareStep = Callable[[Session, Draft], object]
_hooks: list[SaveHook] = []
_prepare: dict[SaveHook, PrepareStep] = {}


def register(hook: SaveHook, *, prepare: PrepareStep | None = None) -> SaveHook:
    """Run ``hook`` after every save of a variant (registering it twice runs it once); ``prepare``,
    when given, does its expensive part before the write transaction, in a read-only one."""
    if hook not in _hooks:
        _hooks.append(hook)
    if prepare is not None:
        _prepare[hook] = prepare
    return hook


def registered() -> tuple[SaveHook, ...]:
    return tuple(_hooks)


def prepare(session: Session, draft: Draft) -> dict[SaveHook, object]:
    """Every registered prepare step's result for ``draft``, by callback."""
    return {hook: _prepare[hook](session, draft) for hook in tuple(_hooks) if hook in _prepare}


def run(session: Session, saved: SavedVariant, prepared: Mapping[SaveHook, object] | None = None) -> None:
    for hook in tuple(_hooks):
        hook(session, replace(saved, prepared=(prepared or {}).get(hook)))
