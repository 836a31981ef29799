"""Tables of the translation memory: its units, and the index that finds fuzzy candidates quickly.

A `MemoryUnit` is one segment of a published translation (a title, a summary, a paragraph) beside the
segment of the source it was made from, or a unit imported from a TMX file. Units are only ever
inserted, and kept when their article goes: the memory outlives what it was learnt from.

Fuzzy search must not compare a segment with all 100,000 units, so each unit's source is indexed by
its word keys (`library.memory.text.keys`: the first letters of each word, so that inflected forms
share a key) in `MemoryKey`, with the unit's length beside the key for the length band, and
`MemoryKeyCount` keeps how many units carry each key, so that a search probes its rarest keys first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from library.storage.types import UTCDateTime, utcnow


class MemoryUnit(SQLModel, table=True):
    """A source segment and its translation, with where and when it was learnt.

    ``source_hash`` is the digest of the normalised source (`library.memory.text.digest`), so an exact
    match is one index lookup; ``size`` the normalised source's length, for the length band of fuzzy
    matches. ``article_id`` and ``revision`` (the target variant's published revision) are None for a
    unit imported from a file; ``origin`` says which (``library`` or ``tmx``).
    """

    __tablename__ = "memory_unit"
    __table_args__ = (
        Index("ix_memory_unit_exact", "source_language", "target_language", "source_hash"),
        Index("ix_memory_unit_article", "article_id", "target_language", "revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_language: str = Field(max_length=16)
    target_language: str = Field(max_length=16)
    source_text: str = Field(sa_column=Column(Text, nullable=False))
    target_text: str = Field(sa_column=Column(Text, nullable=False))
    source_hash: str = Field(sa_column=Column(String(40), nullable=False))
    size: int = Field(description="Length of the normalised source, in characters (tags count one).")
    place: str = Field(default="", max_length=40, description="title, summary, or paragraph N (empty: imported).")
    article_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("article.id", ondelete="SET NULL"), nullable=True))
    revision: int | None = Field(default=None, description="The target variant's revision it was published in.")
    origin: str = Field(default="library", max_length=16)
    changed_by: str | None = Field(default=None, max_length=100)
    changed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class MemoryKey(SQLModel, table=True):
    """One word key of a unit's source: the posting lists of the fuzzy search.

    The primary key (key, size, unit) is the index a search reads: one key, a band of sizes, the units.
    ``key`` already includes the language pair (`library.memory.text.keys`)."""

    __tablename__ = "memory_key"

    key: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    size: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    unit_id: int = Field(sa_column=Column(Integer, ForeignKey("memory_unit.id", ondelete="CASCADE"),
                                          primary_key=True, autoincrement=False))


class MemoryKeyCount(SQLModel, table=True):
    """How many units carry a key: a search probes the rarest keys of a segment, not the common ones."""

    __tablename__ = "memory_key_count"

    key: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    units: int = Field(default=0)
