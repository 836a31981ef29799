"""The outdated relation computed from the revisions themselves: the reference the stored flag is tested against."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from library.content.models import Article, Variant


@dataclass(frozen=True)
class OutdatedVariant:
    article: str
    language: str
    translated_from: str
    source_revision: int
    current_source_revision: int


def outdated_variants(session: Session, language: str | None = None) -> list[OutdatedVariant]:
    """Variants translated from an older major revision of their source than the source's current one.

    Computed from the revisions themselves (not the stored ``outdated`` flag), so it is the
    reference the flag is tested against.
    """
    source = aliased(Variant)
    query = (
        select(Article.slug, Variant.language, Variant.translated_from, Variant.source_revision,
               source.major_revision)
        .join(Article, Article.id == Variant.article_id)
        .join(source, and_(source.article_id == Variant.article_id, source.language == Variant.translated_from))
        .where(Variant.source_revision < source.major_revision)
        .order_by(Article.slug, Variant.language)
    )
    if language is not None:
        query = query.where(Variant.language == language)
    return [OutdatedVariant(*row) for row in session.execute(query).all()]
