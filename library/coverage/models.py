"""Stored coverage history: one snapshot per day, language and section (the latest of the day wins)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from library.storage.types import UTCDateTime


class CoverageSnapshot(SQLModel, table=True):
    """The coverage of one section in one language as it stood at the end of a UTC day.

    The primary key makes "at most one per day per pair" a fact of the schema; writers upsert,
    so the latest recording of the day replaces the earlier ones. The counts mean what they mean
    in `library.coverage.service` (published, in review and draft partition the variants).
    """

    __tablename__ = "coverage_snapshot"
    __table_args__ = (Index("ix_coverage_snapshot_language_day", "language", "day"),)

    language: str = Field(sa_column=Column(String(16), primary_key=True))
    section_id: int = Field(
        sa_column=Column(Integer, ForeignKey("section.id", ondelete="CASCADE"), primary_key=True)
    )
    day: date = Field(sa_column=Column(Date, primary_key=True))
    articles: int = 0
    published: int = 0
    in_review: int = 0
    draft: int = 0
    missing: int = 0
    outdated: int = 0
    words: int = 0
    published_words: int = 0
    in_review_words: int = 0
    draft_words: int = 0
    missing_words: int = 0
    outdated_words: int = 0
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
