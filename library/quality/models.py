"""Tables of the quality domain: the term base, findings per variant revision, and publishing overrides.

A finding belongs to one revision of one variant: a new save is checked afresh, and the findings of
older revisions stay as the record of what was wrong with them. An override is the written reason an
editor gave for publishing a revision despite its errors; rows are only ever inserted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from library.storage.types import UTCDateTime, utcnow

SEVERITY_CHECK = "severity IN ('error', 'warning')"


def _variant_fk() -> Column:
    return Column(Integer, ForeignKey("variant.id", ondelete="CASCADE"), nullable=False)


class Term(SQLModel, table=True):
    """A name that must read the same way in every text: its form in each language.

    ``forms`` maps a language to the form to use ("Межведомственная рабочая группа (МРГ)"; a trailing
    parenthesis is an abbreviation that counts as the term on its own). ``forbidden`` maps a
    language to forms a translation must not use.
    """

    __tablename__ = "term"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, unique=True, description="Stable name of the term in files and URLs.")
    forms: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    forbidden: dict[str, list[str]] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    updated_by: str | None = Field(default=None, max_length=100)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class QualityFinding(SQLModel, table=True):
    """One finding of the content checks on one revision of a variant."""

    __tablename__ = "quality_finding"
    __table_args__ = (
        CheckConstraint(SEVERITY_CHECK, name="ck_quality_finding_severity"),
        Index("ix_quality_finding_variant_revision", "variant_id", "revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    variant_id: int = Field(sa_column=_variant_fk())
    revision: int = Field(description="The variant's revision number the finding was made on.")
    code: str = Field(max_length=40)
    severity: str = Field(sa_column=Column(String(8), nullable=False))
    message: str = Field(sa_column=Column(Text, nullable=False), description="English; see quality.messages.")
    details: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class QualityOverride(SQLModel, table=True):
    """An editor published a revision despite its error findings, and said why."""

    __tablename__ = "quality_override"
    __table_args__ = (UniqueConstraint("variant_id", "revision", name="uq_quality_override_variant_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    variant_id: int = Field(sa_column=_variant_fk())
    revision: int
    reason: str = Field(sa_column=Column(Text, nullable=False))
    codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False),
                             description="The error codes overridden.")
    by: str | None = Field(default=None, max_length=100)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
