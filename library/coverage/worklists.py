"""What editors should look at first: the translations readers ask for most, the stalest ones, and
those the content checks flagged.

Each list is one query, ordered and limited in SQL, for the coverage dashboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, literal, literal_column, or_, select, true, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session

from library.content.models import CHECK_ERRORS, CHECK_WARNINGS, Article, Section, Variant
from library.demand.models import Demand


@dataclass(frozen=True)
class Requested:
    """An article readers asked for in ``language`` and could not read in it."""

    article: str
    section: str
    language: str
    title: str
    """The source variant's title (what the editor recognises)."""
    requests: int
    last_requested: datetime
    state: str
    """``missing`` (no variant yet), ``draft`` or ``in_review`` (being translated, never published)."""
    source_words: int


@dataclass(frozen=True)
class Outdated:
    """A variant translated from an older major revision of its source than the current one."""

    article: str
    section: str
    language: str
    title: str
    translated_from: str
    source_revision: int
    current_source_revision: int
    published: bool
    source_words: int
    updated_at: datetime

    @property
    def behind(self) -> int:
        """How far behind: the source's current major revision minus the revision translated from."""
        return self.current_source_revision - self.source_revision


def top_requested(
    session: Session, languages: Sequence[str], section_ids: Sequence[int] | None = None, limit: int = 20
) -> list[Requested]:
    """The most requested articles that have no published variant in the requested language.

    One statement: per language, ``ix_demand_language_count`` is walked from the highest count down
    and stops after ``limit`` hits (ties broken by the newest article), instead of joining every
    demand row; the per-language lists are then merged.
    """
    source = aliased(Variant)
    per_language = []
    for language in languages:
        query = (
            select(Article.slug.label("article"), Section.slug.label("section"), Demand.language,
                   source.title, Demand.count, Demand.last_seen, Variant.status, Article.source_words,
                   Demand.article_id)
            .join(Article, Article.id == Demand.article_id)
            .join(Section, Section.id == Article.section_id)
            .outerjoin(source, and_(source.article_id == Article.id, source.language == Article.source_language))
            .outerjoin(Variant, and_(Variant.article_id == Demand.article_id, Variant.language == Demand.language))
            .where(Demand.language == language, or_(Variant.id.is_(None), Variant.published_revision.is_(None)))
            .order_by(Demand.count.desc(), Demand.article_id.desc())
            .limit(limit)
        )
        if section_ids is not None:
            query = query.where(Article.section_id.in_(list(section_ids)))
        per_language.append(select(query.subquery()))
    if not per_language:
        return []
    merged = union_all(*per_language).subquery()
    ordered = select(merged).order_by(merged.c.count.desc(), merged.c.article_id.desc(), merged.c.language)
    return [Requested(article, section, language, title or article, count, last, status or "missing", words)
            for article, section, language, title, count, last, status, words, _ in
            session.execute(ordered.limit(limit))]


def outdated_items(
    session: Session, languages: Sequence[str], section_ids: Sequence[int] | None = None, limit: int = 20
) -> list[Outdated]:
    """Outdated variants, furthest behind first (then the most words, then the newest variant).

    The top of the partial index ``ix_variant_outdated`` (outdated variants by ``behind``) gives
    the ``limit`` chosen; only they are joined to their sources, articles and sections.
    """
    ranked = (
        select(Variant.id)
        .where(Variant.outdated == true(), Variant.language.in_(list(languages)))
        .order_by(Variant.behind.desc(), Variant.source_words.desc(), Variant.id.desc())
        .limit(limit)
    )
    if section_ids is not None:
        ranked = ranked.where(Variant.section_id.in_(list(section_ids)))
    top = ranked.subquery()
    source = aliased(Variant)
    query = (
        select(Article.slug, Section.slug, Variant.language, source.title, Variant.translated_from,
               Variant.source_revision, source.major_revision, Variant.published_revision.is_not(None),
               Variant.source_words, Variant.updated_at)
        .join(top, top.c.id == Variant.id)
        .join(Article, Article.id == Variant.article_id)
        .join(Section, Section.id == Variant.section_id)
        .join(source, and_(source.article_id == Variant.article_id, source.language == Variant.translated_from))
        .order_by(Variant.behind.desc(), Variant.source_words.desc(), Variant.id.desc())
    )
    return [Outdated(article, section, language, title, src_language, revision, current, bool(published), words,
                     updated)
            for article, section, language, title, src_language, revision, current, published, words, updated
            in session.execute(query)]


@dataclass(frozen=True)
class Flagged:
    """A variant whose current text the content checks found errors or warnings in."""

    article: str
    section: str
    language: str
    title: str
    """The variant's own title (the text with the findings)."""
    errors: bool
    warnings: bool
    status: str
    updated_at: datetime


def flagged_items(
    session: Session, languages: Sequence[str], section_ids: Sequence[int] | None = None, limit: int = 20
) -> list[Flagged]:
    """Variants whose current revision has findings: those with errors first (they cannot be
    published without an override), then the most recently saved.

    Each value of the check flags (errors, warnings, both) has its own partial index, newest first
    (``ix_variant_flagged_errors`` ...): each gives its newest ``limit`` and only those are merged
    (issue 15: ordering every flagged variant by "has errors" first sorted them all, a cost that
    grew with the library); only the chosen are joined to their articles.
    """
    per_flags = []
    for flags in (CHECK_ERRORS, CHECK_ERRORS | CHECK_WARNINGS, CHECK_WARNINGS):
        newest = (
            select(Variant.id, literal(1 if flags & CHECK_ERRORS else 0).label("has_errors"), Variant.updated_at)
            # the value written into the SQL: a partial index is chosen only for the condition it was made with
            .where(Variant.check_flags == literal_column(str(int(flags))), Variant.language.in_(list(languages)))
            .order_by(Variant.updated_at.desc(), Variant.id.desc())
            .limit(limit)
        )
        if section_ids is not None:
            newest = newest.where(Variant.section_id.in_(list(section_ids)))
        per_flags.append(select(newest.subquery()))
    merged = union_all(*per_flags).subquery()
    ranked = (select(merged).order_by(merged.c.has_errors.desc(), merged.c.updated_at.desc(), merged.c.id.desc())
              .limit(limit))
    top = ranked.subquery()
    query = (
        select(Article.slug, Section.slug, Variant.language, Variant.title, Variant.check_flags, Variant.status,
               Variant.updated_at)
        .join(top, top.c.id == Variant.id)
        .join(Article, Article.id == Variant.article_id)
        .join(Section, Section.id == Variant.section_id)
        .order_by(top.c.has_errors.desc(), top.c.updated_at.desc(), top.c.id.desc())
    )
    return [Flagged(article, section, language, title, bool(flags & CHECK_ERRORS), bool(flags & CHECK_WARNINGS),
                    status, updated)
            for article, section, language, title, flags, status, updated in session.execute(query)]
