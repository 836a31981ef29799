"""Stored coverage: the counters the matrix reads, and the history (one snapshot per day, language and
section; the latest of the day wins)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, Integer, SmallInteger, String
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


class CoverageCount(SQLModel, table=True):
    """How many variants of a section in a language are in one coverage state with one set of check
    flags, and their source words: the coverage matrix and its check columns summed from a few hundred
    rows whatever the library's size (issue 15). Kept in the same transaction as every content write
    by `library.coverage.counters`; ``library coverage --verify`` compares them with a recount.

    ``state`` is `library.content.models.COVERAGE_STATE`, ``flags`` `Variant.check_flags`.
    """

    __tablename__ = "coverage_count"

    language: str = Field(sa_column=Column(String(16), primary_key=True))
    section_id: int = Field(
        sa_column=Column(Integer, ForeignKey("section.id", ondelete="CASCADE"), primary_key=True)
    )
    state: int = Field(sa_column=Column(SmallInteger, primary_key=True, autoincrement=False))
    flags: int = Field(sa_column=Column(SmallInteger, primary_key=True, autoincrement=False))
    variants: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    words: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class SectionTotal(SQLModel, table=True):
    """A section's articles and their source words: the denominator of every coverage percentage,
    kept like `CoverageCount`."""

    __tablename__ = "coverage_section_total"

    section_id: int = Field(
        sa_column=Column(Integer, ForeignKey("section.id", ondelete="CASCADE"), primary_key=True,
                         autoincrement=False)
    )
    articles: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    words: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
