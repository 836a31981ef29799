"""The content model: an article is stored once; each language is a variant with its own revisions.

Language-neutral facts (section, date, tags, links, views) live on `Article`. Everything a
translator writes lives on `Variant` (the working copy) and `Revision` (every saved state,
append-only). A variant records which revision of its source it was translated from, so a later
change to the source can mark it outdated.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlmodel import Field, SQLModel

from library.storage.types import UTCDateTime, utcnow


class Status(StrEnum):
    """Workflow state of a variant's working copy. Only ``published`` text reaches readers."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"


STATUS_CHECK = "status IN ('draft', 'in_review', 'published')"

COVERAGE_STATE = (
    "(CASE WHEN published_revision IS NOT NULL THEN 0 WHEN status = 'in_review' THEN 2 ELSE 4 END)"
    " + (CASE WHEN outdated THEN 1 ELSE 0 END)"
)
"""What a reader gets, as one small integer: 0 published (readers can read it), 2 in review,
4 draft (never published), plus 1 when outdated. A CHECK constraint holds the column to it."""


def coverage_state(status: str, published_revision: int | None, outdated: bool) -> int:
    """`COVERAGE_STATE` computed in Python, for writers that insert rows themselves (import, bulk loads)."""
    base = 0 if published_revision is not None else 2 if status == Status.IN_REVIEW else 4
    return base + (1 if outdated else 0)


def _fk(target: str, *, index: bool = True, nullable: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), index=index, nullable=nullable)


class Section(SQLModel, table=True):
    """A part of the portal ("SDG statistics", "Events"), named in every language."""

    __tablename__ = "section"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    position: int = Field(default=0, description="Order in menus and reports.")
    names: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))


class Article(SQLModel, table=True):
    """What an article is regardless of language; its texts are its variants."""

    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_section_published", "section_id", "published_at"),
        # Covers the per-section totals of coverage (count and words) without reading rows.
        Index("ix_article_section_words", "section_id", "source_words"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=200, unique=True)
    section_id: int = Field(sa_column=_fk("section.id", index=False))
    published_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    source_language: str = Field(max_length=16)
    views: int = Field(default=0)
    source_words: int = Field(
        default=0, description="Words in the source variant's current text: what a translation costs."
    )
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    counted_words: int | None = Field(
        default=None, description="The source_words that coverage's section totals hold for this article "
        "(`library.coverage.counters`); None while it is not counted yet.")


class ArticleLink(SQLModel, table=True):
    """A "See also" link from one article to another, in display order."""

    __tablename__ = "article_link"

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    target_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int = 0


FLAGGED_INDEXES = {"errors": 1, "warnings": 2, "both": 3}
"""A partial index of the variants per value of `Variant.check_flags` (`check_flags` below)."""


class Variant(SQLModel, table=True):
    """One article in one language: the working copy plus which revision readers get.

    ``revision`` counts every save; ``major_revision`` is the last save that was not marked minor,
    which is what translations are compared against. ``published_revision`` is the revision readers
    are served (None while nothing was ever published), so a new draft never hides published text.
    ``section_id`` and ``source_words`` repeat the article's section and source word count so
    coverage can GROUP BY and SUM from one covering index, never joining to articles (issue 8);
    `library.content.service.save_variant` keeps the copies equal to the article's.
    ``coverage_state`` sums up the publication state, status and outdated flag (`COVERAGE_STATE`):
    grouping by one integer instead of three columns makes the coverage scan of 1M variants about a
    quarter faster. It is a plain column (SQLite does not read generated columns from a covering
    index), set on every ORM flush by `_keep_coverage_state` and held true by a CHECK constraint, so
    a Core UPDATE that forgets it fails loudly instead of drifting. ``behind`` says by how many
    revisions an outdated translation trails its source, kept by the content service beside
    ``outdated`` (a CHECK ties the two), so the stalest translations come from a small index.
    """

    __tablename__ = "variant"
    __table_args__ = (
        UniqueConstraint("article_id", "language", name="uq_variant_article_language"),
        CheckConstraint(STATUS_CHECK, name="ck_variant_status"),
        CheckConstraint(f"coverage_state = {COVERAGE_STATE}", name="ck_variant_coverage_state"),
        Index("ix_variant_language_status", "language", "status"),
        Index("ix_variant_coverage", "language", "section_id", "coverage_state", "source_words"),
        CheckConstraint("behind >= 0 AND (behind > 0) = outdated", name="ck_variant_behind"),
        # Only the outdated variants, furthest behind first: the dashboard's list reads the top of it.
        Index("ix_variant_outdated", "behind", "source_words", "language", "section_id",
              sqlite_where=text("outdated = 1"), postgresql_where=text("outdated = true")),
        # Covers "is the article readable in some language?" without reading the texts (issue 6).
        Index("ix_variant_article_published", "article_id", "published_revision"),
        # Only the variants the content checks flagged: the coverage matrix's quality column and the
        # dashboard's list of flagged translations read it without touching the table (issue 9).
        Index("ix_variant_flagged", "language", "section_id", "check_flags", "updated_at", "id",
              sqlite_where=text("check_flags > 0"), postgresql_where=text("check_flags > 0")),
        # The same variants, one index per value of the check flags, newest first: the dashboard's list
        # of the latest flagged translations reads the top of each (issue 15).
        *(Index(f"ix_variant_flagged_{name}", "updated_at", "id", "language", "section_id",
                sqlite_where=text(f"check_flags = {flags}"), postgresql_where=text(f"check_flags = {flags}"))
          for name, flags in FLAGGED_INDEXES.items()),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(sa_column=_fk("article.id", index=False))
    section_id: int = Field(sa_column=_fk("section.id", index=False))
    language: str = Field(max_length=16)
    title: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default=Status.DRAFT, sa_column=Column(String(16), nullable=False))
    revision: int = Field(default=1)
    major_revision: int = Field(default=1)
    published_revision: int | None = Field(default=None)
    translated_from: str | None = Field(default=None, max_length=16)
    source_revision: int | None = Field(
        default=None, description="The source variant's major revision this text was translated from."
    )
    outdated: bool = Field(default=False)
    words: int = Field(default=0)
    source_words: int = Field(
        default=0, description="Copy of the article's source word count: the cost of translating it."
    )
    coverage_state: int = Field(default=4, sa_column=Column(SmallInteger, nullable=False))
    behind: int = Field(
        default=0, description="How far behind its source a translation is: the source's current major "
        "revision minus source_revision; 0 when current (a CHECK ties it to outdated)."
    )
    check_flags: int = Field(default=0, sa_column=Column(SmallInteger, nullable=False, server_default="0"))
    counted_state: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    """What coverage's counters hold for this variant (`library.coverage.counters`): its coverage_state,
    check_flags and source_words as of the last commit that counted it; None while it is not counted.
    Kept on the row itself so that the writer's row lock also guards what was counted."""
    counted_flags: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    counted_words: int | None = Field(default=None)
    updated_by: str | None = Field(default=None, max_length=100)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


CHECK_ERRORS = 1
CHECK_WARNINGS = 2


def check_flags(severities: Iterable[str]) -> int:
    """`Variant.check_flags` for findings of these severities: errors 1, warnings 2, both 3."""
    found = set(severities)
    return (CHECK_ERRORS if "error" in found else 0) | (CHECK_WARNINGS if "warning" in found else 0)


@event.listens_for(Variant, "before_insert")
@event.listens_for(Variant, "before_update")
def _keep_coverage_state(mapper, connection, variant: Variant) -> None:
    variant.coverage_state = coverage_state(variant.status, variant.published_revision, variant.outdated)


class Revision(SQLModel, table=True):
    """A saved state of a variant. Rows are only ever inserted: no edit is lost."""

    __tablename__ = "revision"
    __table_args__ = (
        UniqueConstraint("variant_id", "number", name="uq_revision_variant_number"),
        CheckConstraint(STATUS_CHECK, name="ck_revision_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    variant_id: int = Field(sa_column=_fk("variant.id", index=False))
    number: int
    title: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(String(16), nullable=False))
    minor: bool = Field(default=False)
    translated_from: str | None = Field(default=None, max_length=16)
    source_revision: int | None = None
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    changed_by: str | None = Field(default=None, max_length=100)
    changed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class ContentVersion(SQLModel, table=True):
    """One row whose ``version`` goes up in the same transaction as every content write.

    Server processes cache whole responses; each polls this single row (a primary-key read) to learn
    that another process has published or edited something, and drops its cache (issue 6).
    """

    __tablename__ = "content_version"

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    version: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class ContentChange(SQLModel, table=True):
    """What the commit that set the content version to ``version`` changed, as the surrogate keys a
    cache must drop (`library.edge.keys`), written in that commit (`library.edge.changes`).

    A server process that learns the version moved from v to w reads the rows after v up to w and
    drops only the cached responses carrying those keys; a row missing (a version bumped by hand, the
    log pruned past it) makes it drop everything. Only the last few hundred versions are kept.
    """

    __tablename__ = "content_change"

    version: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    keys: str = Field(default="", sa_column=Column(Text, nullable=False))
    """Space-separated surrogate keys; ``library`` when the scope was not known (everything)."""
