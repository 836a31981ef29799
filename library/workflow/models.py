"""Tables of the workflow: accounts, API tokens, failed sign-ins, refused writes kept for history,
and the audit log.

Secrets are never stored: passwords as Argon2 hashes, API tokens as SHA-256 digests. The audit log
and the refused writes name people and articles by text (username, slug) rather than by foreign
key, so they outlive a deleted account or article and read the same in a backup.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from library.storage.types import UTCDateTime, utcnow


class Role(StrEnum):
    """What an account may do. Anonymous visitors are readers; a ``reader`` account is one too."""

    READER = "reader"
    TRANSLATOR = "translator"
    EDITOR = "editor"
    ADMIN = "admin"


ROLE_CHECK = "role IN ('reader', 'translator', 'editor', 'admin')"


class User(SQLModel, table=True):
    """A person who signs in. Translators work only in ``languages``; editors and admins in every one."""

    __tablename__ = "account"  # "user" is reserved in PostgreSQL
    __table_args__ = (CheckConstraint(ROLE_CHECK, name="ck_account_role"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    role: str = Field(sa_column=Column(String(16), nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    """When one of its tokens was last presented; recorded in batches, so up to a flush interval late."""


class ApiToken(SQLModel, table=True):
    """A bearer token. Only the SHA-256 digest of the secret is kept; the secret is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("account.id", ondelete="CASCADE"),
                                          nullable=False, index=True))
    digest: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    """When it was last presented; recorded in batches, so up to a flush interval late."""


class SignInFailure(SQLModel, table=True):
    """One wrong password, counted against the account name and against the client address (one row
    each), so every server process sees the same count. Rows older than the throttling window mean
    nothing and are deleted as new failures are recorded."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_key_at", "key", "at"), Index("ix_sign_in_failure_at", "at"))

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, description="``account:<username>`` or ``address:<client address>``.")
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class RefusedEdit(SQLModel, table=True):
    """A write refused because somebody else saved the variant first (HTTP 412).

    The text is kept so nothing anybody typed is lost: it appears in the variant's history next
    to the revision it lost to, and can be restored into a new revision.
    """

    __tablename__ = "refused_edit"
    __table_args__ = (Index("ix_refused_edit_variant", "variant_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    variant_id: int = Field(sa_column=Column(Integer, ForeignKey("variant.id", ondelete="CASCADE"),
                                             nullable=False))
    based_on: int = Field(description="The revision the writer started from (0: a new variant).")
    current_revision: int = Field(description="The revision that was current when the write was refused.")
    title: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    translated_from: str | None = Field(default=None, max_length=16)
    source_revision: int | None = None
    by: str = Field(max_length=100)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, and from which revision to which. Rows are only ever inserted."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_at", "at"),
        Index("ix_audit_entry_subject", "article", "language"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    actor: str = Field(max_length=100)
    action: str = Field(max_length=32)
    article: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=16)
    from_revision: int | None = None
    to_revision: int | None = None
    detail: str = Field(default="", sa_column=Column(Text, nullable=False))
