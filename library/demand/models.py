"""Stored demand counters. Written only in batches by the buffered counter, never once per request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from library.storage.types import UTCDateTime


class Demand(SQLModel, table=True):
    """How often readers asked for an article in ``language`` and were served a fallback (or nothing)."""

    __tablename__ = "demand"
    __table_args__ = (Index("ix_demand_language_count", "language", "count"),)

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    language: str = Field(sa_column=Column(String(16), primary_key=True))
    count: int = Field(default=0)
    first_seen: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_seen: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    counted: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    """How much of ``count`` `MissingDemand` holds: all of it while the article has no variant in
    ``language``, else 0 (`library.demand.missing`)."""


class MissingDemand(SQLModel, table=True):
    """Reader requests per (language, section) for articles with no variant in that language: the
    coverage matrix's demand column, kept up to date by every demand flush and content write
    (`library.demand.missing`) so the matrix reads a few rows, not the demand table."""

    __tablename__ = "missing_demand"

    language: str = Field(sa_column=Column(String(16), primary_key=True))
    section_id: int = Field(
        sa_column=Column(Integer, ForeignKey("section.id", ondelete="CASCADE"), primary_key=True)
    )
    requests: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class InterfaceMiss(SQLModel, table=True):
    """An interface string that had to fall back to another language at run time."""

    __tablename__ = "interface_miss"

    language: str = Field(sa_column=Column(String(16), primary_key=True))
    msgid: str = Field(sa_column=Column(Text, primary_key=True))
    count: int = Field(default=0)
    first_seen: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_seen: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class SearchMiss(SQLModel, table=True):
    """A search that found nothing in any language, counted per language and query (issue 17).

    Counts only: the query as typed (normalised, cut to `MAX_QUERY`), never who asked.
    """

    __tablename__ = "search_miss"
    __table_args__ = (Index("ix_search_miss_language_count", "language", "count"),)

    language: str = Field(sa_column=Column(String(16), primary_key=True))
    query: str = Field(sa_column=Column(String(200), primary_key=True))
    count: int = Field(default=0)
    first_seen: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_seen: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
