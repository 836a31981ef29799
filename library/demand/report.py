"""What translators should do next: article variants readers miss or get outdated, and interface
strings that fell back at run time, most demanded first.

An article counts as a gap in a language when readers can read it in some language but get no
published text in that one (missing), or get a text translated from an older revision of its source
than the current one (outdated). Unpublished articles are not translators' business yet.
Three statements whatever the size of the library: totals, the top gaps per language, the misses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec
from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session

from library.content.errors import SectionNotFound
from library.content.models import Article, Revision, Section, Variant
from library.demand.models import Demand, InterfaceMiss, SearchMiss
from library.demand.store import CONTEXT_SEPARATOR

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class UntranslatedArticle(msgspec.Struct, kw_only=True):
    slug: str
    section: str
    source_language: str
    title: str | None
    """The published title in the article's source language, when there is one."""
    state: str
    """``missing`` (nothing published in this language) or ``outdated`` (published from an older source)."""
    status: str | None
    """Workflow status of the variant's working copy in this language, if there is one; only for
    staff (``states=True``): readers do not learn what is being written before it is published."""
    demand: int
    """Reads that wanted this language and were served another one."""
    views: int
    """Reads of the article in any language."""


class MissedString(msgspec.Struct, kw_only=True):
    msgid: str
    context: str | None
    count: int
    first_seen: datetime
    last_seen: datetime


class MissedSearch(msgspec.Struct, kw_only=True):
    """A query that found nothing in any language: what readers look for and the library lacks."""

    query: str
    count: int
    first_seen: datetime
    last_seen: datetime


class LanguageGaps(msgspec.Struct, kw_only=True):
    language: str
    missing: int
    outdated: int
    articles: list[UntranslatedArticle]
    """The most demanded gaps first (then the most read), at most ``limit``."""
    interface: list[MissedString]
    """Interface strings shown in a fallback language at run time, most missed first, at most ``limit``."""
    searches: list[MissedSearch] | None = None
    """Searches in this language that found nothing, most frequent first, at most ``limit``: only for
    editors (``searches=True``), since a query may name a person; None for everyone else."""


class UntranslatedReport(msgspec.Struct, kw_only=True):
    section: str | None
    languages: list[LanguageGaps]


_variant = aliased(Variant, name="variant")
_revision = aliased(Revision, name="revision")
_source = aliased(Variant, name="source")
_original = aliased(Variant, name="original")
_original_revision = aliased(Revision, name="original_revision")


def _gaps(languages: Sequence[str], section: str | None):
    """Columns and FROM clause of every (readable article, language) gap, before ordering or grouping."""
    codes = union_all(*(select(literal(code).label("code")) for code in languages)).subquery("languages")
    code = codes.c.code
    outdated = and_(_revision.source_revision.is_not(None), _revision.source_revision < _source.major_revision)
    state = case((_variant.published_revision.is_(None), literal("missing")), else_=literal("outdated"))
    readable = exists().where(Variant.article_id == Article.id, Variant.published_revision.is_not(None))
    query = (
        select(code.label("language"), state.label("state"), Article.slug, Article.views,
               Article.source_language, Section.slug.label("section"), _variant.status,
               func.coalesce(Demand.count, 0).label("demand"))
        .select_from(Article)
        .join(Section, Section.id == Article.section_id)
        .join(codes, literal(True))
        .outerjoin(_variant, and_(_variant.article_id == Article.id, _variant.language == code))
        .outerjoin(_revision, and_(_revision.variant_id == _variant.id,
                                   _revision.number == _variant.published_revision))
        .outerjoin(_source, and_(_source.article_id == Article.id, _source.language == _revision.translated_from))
        .outerjoin(Demand, and_(Demand.article_id == Article.id, Demand.language == code))
        .where(readable.correlate(Article), or_(_variant.published_revision.is_(None), outdated))
    )
    if section is not None:
        query = query.where(Section.slug == section)
    return query


def untranslated(session: Session, languages: Sequence[str], section: str | None = None,
                 limit: int = DEFAULT_LIMIT, *, states: bool = False, searches: bool = False) -> UntranslatedReport:
    """Gaps per language in ``languages`` (display order), optionally in one section; with ``states``
    each gap says the workflow status of its working copy (draft, in review), else its status is None;
    with ``searches`` each language lists the searches that found nothing (library-wide: a search
    that found nothing belongs to no section)."""
    if section is not None and session.scalar(select(Section.id).where(Section.slug == section)) is None:
        raise SectionNotFound(section)
    gaps = _gaps(languages, section).subquery("gaps")
    totals = {(language, state): n for language, state, n in session.execute(
        select(gaps.c.language, gaps.c.state, func.count()).group_by(gaps.c.language, gaps.c.state))}
    articles = _top_articles(session, gaps, limit, states)
    interface = _top_misses(session, languages, limit)
    missed = top_missed_searches(session, languages, limit) if searches else None
    return UntranslatedReport(section=section, languages=[
        LanguageGaps(language=code, missing=totals.get((code, "missing"), 0),
                     outdated=totals.get((code, "outdated"), 0), articles=articles.get(code, []),
                     interface=interface.get(code, []),
                     searches=None if missed is None else missed.get(code, []))
        for code in languages
    ])


def _top_articles(session: Session, gaps, limit: int, states: bool) -> dict[str, list[UntranslatedArticle]]:
    rank = func.row_number().over(partition_by=gaps.c.language,
                                  order_by=(gaps.c.demand.desc(), gaps.c.views.desc(), gaps.c.slug))
    ranked = select(gaps, rank.label("rank")).subquery("ranked")
    titles = (
        select(ranked, _original_revision.title)
        .outerjoin(Article, Article.slug == ranked.c.slug)
        .outerjoin(_original, and_(_original.article_id == Article.id,
                                   _original.language == Article.source_language))
        .outerjoin(_original_revision, and_(_original_revision.variant_id == _original.id,
                                            _original_revision.number == _original.published_revision))
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.language, ranked.c.rank)
    )
    result: dict[str, list[UntranslatedArticle]] = {}
    for row in session.execute(titles):
        result.setdefault(row.language, []).append(UntranslatedArticle(
            slug=row.slug, section=row.section, source_language=row.source_language, title=row.title,
            state=row.state, status=row.status if states else None, demand=row.demand, views=row.views))
    return result


def _top_misses(session: Session, languages: Sequence[str], limit: int) -> dict[str, list[MissedString]]:
    rank = func.row_number().over(partition_by=InterfaceMiss.language,
                                  order_by=(InterfaceMiss.count.desc(), InterfaceMiss.msgid))
    ranked = select(InterfaceMiss, rank.label("rank")).where(InterfaceMiss.language.in_(languages)).subquery()
    rows = session.execute(select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.language, ranked.c.rank))
    result: dict[str, list[MissedString]] = {}
    for row in rows:
        context, _, msgid = row.msgid.rpartition(CONTEXT_SEPARATOR)
        result.setdefault(row.language, []).append(MissedString(
            msgid=msgid, context=context or None, count=row.count, first_seen=row.first_seen,
            last_seen=row.last_seen))
    return result


class MissedSearches(msgspec.Struct, kw_only=True):
    language: str
    searches: list[MissedSearch]
    """Most frequent first."""


def top_missed_searches(session: Session, languages: Sequence[str],
                        limit: int = DEFAULT_LIMIT) -> dict[str, list[MissedSearch]]:
    """Per language, the searches that found nothing, most frequent first (counts, no readers): one
    statement however many languages."""
    rank = func.row_number().over(partition_by=SearchMiss.language,
                                  order_by=(SearchMiss.count.desc(), SearchMiss.last_seen.desc(), SearchMiss.query))
    ranked = select(SearchMiss, rank.label("rank")).where(SearchMiss.language.in_(languages)).subquery()
    rows = session.execute(select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.language, ranked.c.rank))
    result: dict[str, list[MissedSearch]] = {}
    for row in rows:
        result.setdefault(row.language, []).append(MissedSearch(
            query=row.query, count=row.count, first_seen=row.first_seen, last_seen=row.last_seen))
    return result


def missed_searches(session: Session, language: str, limit: int = DEFAULT_LIMIT) -> MissedSearches:
    """The searches in ``language`` that found nothing, most frequent first (counts, no readers)."""
    return MissedSearches(language=language, searches=top_missed_searches(session, [language], limit).get(language, []))
