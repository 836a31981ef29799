"""What editors should look at first: the translations readers ask for most, and the stalest ones.

Both lists are one query each, ordered and limited in SQL, for the coverage dashboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from library.content.models import Article, Section, Variant
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
    """The most requested articles that have no published variant in the requested language."""
    source = aliased(Variant)
    query = (
        select(Article.slug, Section.slug, Demand.language, source.title, Demand.count, Demand.last_seen,
               Variant.status, Article.source_words)
        .join(Article, Article.id == Demand.article_id)
        .join(Section, Section.id == Article.section_id)
        .outerjoin(source, and_(source.article_id == Article.id, source.language == Article.source_language))
        .outerjoin(Variant, and_(Variant.article_id == Demand.article_id, Variant.language == Demand.language))
        .where(Demand.language.in_(list(languages)),
               or_(Variant.id.is_(None), Variant.published_revision.is_(None)))
        .order_by(Demand.count.desc(), Article.slug, Demand.language)
        .limit(limit)
    )
    if section_ids is not None:
        query = query.where(Article.section_id.in_(list(section_ids)))
    return [Requested(article, section, language, title or article, count, last, status or "missing", words)
            for article, section, language, title, count, last, status, words in session.execute(query)]


def outdated_items(
    session: Session, languages: Sequence[str], section_ids: Sequence[int] | None = None, limit: int = 20
) -> list[Outdated]:
    """Outdated variants, furthest behind first (then the most words, then by article)."""
    source = aliased(Variant)
    behind = source.major_revision - Variant.source_revision
    query = (
        select(Article.slug, Section.slug, Variant.language, source.title, Variant.translated_from,
               Variant.source_revision, source.major_revision, Variant.published_revision.is_not(None),
               Variant.source_words, Variant.updated_at)
        .join(Article, Article.id == Variant.article_id)
        .join(Section, Section.id == Variant.section_id)
        .join(source, and_(source.article_id == Variant.article_id, source.language == Variant.translated_from))
        .where(Variant.language.in_(list(languages)), Variant.outdated.is_(True))
        .order_by(behind.desc(), Variant.source_words.desc(), Article.slug, Variant.language)
        .limit(limit)
    )
    if section_ids is not None:
        query = query.where(Variant.section_id.in_(list(section_ids)))
    return [Outdated(article, section, language, title, src_language, revision, current, bool(published), words,
                     updated)
            for article, section, language, title, src_language, revision, current, published, words, updated
            in session.execute(query)]
