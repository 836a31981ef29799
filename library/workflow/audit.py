"""The audit log: every change to a variant, account or token, with who, when and which revisions.

Entries are written in the same transaction as the change they describe, so the log never claims
a change that was rolled back, and never misses one that stuck.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlmodel import Session

from library.storage.types import utcnow
from library.workflow.models import AuditEntry

MAX_PAGE = 500


class AuditFields(msgspec.Struct, kw_only=True):
    """An entry as it leaves the database: the API's answer (with its id) and a backup's record (with
    its kind) both extend it. Keyword-only, so the fields a subclass adds come first."""

    at: datetime
    actor: str
    action: str
    article: str | None
    language: str | None
    from_revision: int | None
    to_revision: int | None
    detail: str


def fields_of(entry: AuditEntry) -> dict[str, object]:
    """The `AuditFields` of ``entry``, by name."""
    return {name: getattr(entry, name) for name in AuditFields.__struct_fields__}


def record(session: Session, actor: str, action: str, *, article: str | None = None,
           language: str | None = None, from_revision: int | None = None, to_revision: int | None = None,
           detail: str = "", at: datetime | None = None) -> AuditEntry:
    entry = AuditEntry(at=at or utcnow(), actor=actor, action=action, article=article, language=language,
                       from_revision=from_revision, to_revision=to_revision, detail=detail)
    session.add(entry)
    return entry


def entries(session: Session, *, article: str | None = None, language: str | None = None,
            actor: str | None = None, before_id: int | None = None, limit: int = 100) -> Sequence[AuditEntry]:
    """Newest first; page with ``before_id`` (the smallest id of the previous page)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, MAX_PAGE)))
    if article is not None:
        query = query.where(AuditEntry.article == article)
    if language is not None:
        query = query.where(AuditEntry.language == language)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return session.scalars(query).all()
