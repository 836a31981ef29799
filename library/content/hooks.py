"""Callbacks that `save_variant` runs after every save, so that content never imports who reacts.

Dependencies point one way: ``quality`` (which checks texts) imports ``content``; ``content`` knows
only this list. A domain registers its callback when it is imported (``library.quality`` does, and
every entry point imports it: the CLI, the web app, the demo loader). A callback runs inside the
saving transaction with the saved revision; raising a `LibraryError` refuses the save, and the
caller's unit of work rolls it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


SaveHook = Callable[[Session, SavedVariant], None]
_hooks: list[SaveHook] = []


def register(hook: SaveHook) -> SaveHook:
    """Run ``hook`` after every save of a variant (registering it twice runs it once)."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def registered() -> tuple[SaveHook, ...]:
    return tuple(_hooks)


def run(session: Session, saved: SavedVariant) -> None:
    for hook in tuple(_hooks):
        hook(session, saved)
