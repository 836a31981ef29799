"""Listings, the archive and the sections, each in a constant number of SQL statements.

An article is listed when it is readable in some language, exactly as `read_article` would serve it:
an article published only in Russian is in the Kazakh listing, flagged as a fallback. Counts use
the same rule, so a listing's total and the archive's counts agree with what a reader can open.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from babel import Locale
from sqlalchemy import bindparam, exists, extract, func, literal, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from library.content.errors import SectionNotFound
from library.content.models import Article, Revision, Section, Variant
from library.languages.registry import Language
from library.reading.derived import derive_archive, derive_listing, derive_name, derive_sections
from library.reading.errors import InvalidQuery
from library.reading.resolve import choose, join_published, published_texts
from library.reading.types import (
    Archive,
    ArchiveMonth,
    ArchiveYear,
    ArticlePage,
    ListedArticle,
    SectionList,
    SectionView,
)

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 100_000
RANGES = {"page": (1, MAX_PAGE), "per_page": (1, MAX_PER_PAGE), "year": (1, 9998), "month": (1, 12)}
"""Allowed values of the integer query parameters, both ends included."""
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")

_READABLE = (
    exists()
    .where(Variant.article_id == Article.id, Variant.published_revision.is_not(None))
    .correlate(Article)
)


@dataclass(frozen=True)
class ListingQuery:
    """Filters and page of an article listing; `check` raises `InvalidQuery` for values out of range."""

    section: str | None = None
    year: int | None = None
    month: int | None = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def parse(cls, section: str | None = None, year: str | None = None, month: str | None = None,
              page: str | None = None, per_page: str | None = None) -> ListingQuery:
        """A checked query from query-string values; empty values mean "not given"."""
        page_number, size = whole_number("page", page), whole_number("per_page", per_page)
        query = cls(section=section or None, year=whole_number("year", year), month=whole_number("month", month),
                    page=1 if page_number is None else page_number,
                    per_page=DEFAULT_PER_PAGE if size is None else size)
        query.check()
        return query

    def check(self) -> None:
        for name in ("page", "per_page", "year", "month"):
            value = getattr(self, name)
            low, high = RANGES[name]
            if value is not None and not low <= value <= high:
                raise InvalidQuery(name, value, low=low, high=high)
        if self.month is not None and self.year is None:
            raise InvalidQuery("month", self.month, requires="year")

    def filters(self) -> list[Any]:
        """WHERE clauses on `Article` (the caller joins `Section` when a section is named)."""
        clauses = [_READABLE]
        if self.section is not None:
            clauses.append(Section.slug == self.section)
        if self.year is not None:
            start, end = _period(self.year, self.month)
            clauses += [Article.published_at >= start, Article.published_at < end]
        return clauses


def whole_number(name: str, raw: str | None, low: int | None = None, high: int | None = None) -> int | None:
    """``raw`` as an int (None when empty); `InvalidQuery` when it is not a whole number in ASCII digits.

    Without bounds, those of `RANGES` are named in the error.
    """
    if raw is None or raw == "":
        return None
    if not _WHOLE_NUMBER.fullmatch(raw.strip()):
        low, high = (low, high) if low is not None else RANGES[name]
        raise InvalidQuery(name, raw, low=low, high=high)
    return int(raw)


def _period(year: int, month: int | None) -> tuple[datetime, datetime]:
    if month is None:
        return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime(year, month, 1, tzinfo=UTC), datetime(*after, 1, tzinfo=UTC)


def _matching(query: ListingQuery, *columns: Any):
    statement = select(*columns).select_from(Article)
    if query.section is not None:
        statement = statement.join(Section, Section.id == Article.section_id)
    return statement.where(*query.filters())


def listed_ids(session: Session | Connection, query: ListingQuery) -> array[int]:
    """The ids of every readable article matching ``query``'s filters (not its page), newest first.

    The same for every reader language (an article is listed when readable in any), and changed only
    by content: the web layer keeps it per content version (`library.web.cache.ContentMemo`), so any
    page of a listing costs one statement for its own rows, however deep it is (an OFFSET would read
    every row before it). 100,000 ids take 800 KB.
    """
    statement = _matching(query, Article.id).order_by(Article.published_at.desc(), Article.id.desc())
    return array("q", session.execute(statement).scalars())


def list_articles(session: Session | Connection, language: Language, query: ListingQuery,
                  ids: Sequence[int] | None = None) -> ArticlePage:
    """A page of readable articles, newest first, each in the first published language of ``language``'s
    chain (made the reader's own for a derived language).

    ``ids`` are `listed_ids` for the query when the caller keeps them; else they are read first. Then
    one statement reads the page's articles with every published revision of each (none when the page
    is past the end); a third only when nothing matches a named section, to tell whether it exists.
    """
    query.check()
    chain = language.chain
    ids = listed_ids(session, query) if ids is None else ids
    if not ids and query.section is not None:
        _require_section(session, query.section)
    offset = (query.page - 1) * query.per_page
    wanted = list(ids[offset:offset + query.per_page])
    grouped: dict[int, list[Any]] = {article_id: [] for article_id in wanted}
    if wanted:
        for row in session.execute(_PAGE, {"ids": wanted}).all():
            grouped[row.article_id].append(row)
    items = [_listed(choice, chain[0]) for group in grouped.values() if (choice := choose(group, chain))]
    total = len(ids)
    page = ArticlePage(language=chain[0], total=total, page=query.page, per_page=query.per_page,
                       pages=-(-total // query.per_page), items=items)
    return derive_listing(page, language)


def _page_statement():
    page = select(Article.id.label("id")).where(Article.id.in_(bindparam("ids", expanding=True))).subquery("page")
    return join_published(select(*published_texts(Revision.summary, literal(""))).select_from(page), page.c.id)


_PAGE = _page_statement()
"""A listing page's articles with every published revision of each: built once (building it cost more
than running it)."""


def _listed(choice, requested: str) -> ListedArticle:
    row = choice.row
    return ListedArticle(slug=row.slug, section=row.section, published_at=row.published_at, language=row.language,
                         fallback=row.language != requested, outdated=choice.outdated, title=row.title,
                         summary=row.summary)


def _require_section(session: Session | Connection, slug: str) -> None:
    if session.scalar(select(Section.id).where(Section.slug == slug)) is None:
        raise SectionNotFound(slug)


def _year_and_month(dialect: str) -> tuple[Any, Any]:
    """Year and month of ``published_at`` (UTC) as SQL expressions.

    On SQLite the stored text ("2024-05-09 09:00:00.000000") is cut rather than parsed: strftime,
    which ``extract`` compiles to, made the archive twice as slow there.
    """
    if dialect == "sqlite":
        return func.substr(Article.published_at, 1, 4), func.substr(Article.published_at, 6, 2)
    return extract("year", Article.published_at), extract("month", Article.published_at)


@lru_cache(maxsize=32)
def month_names(language: str) -> dict[int, str]:
    """Stand-alone month names (the calendar's headings, not the genitive of dates) from CLDR."""
    return dict(Locale.parse(language).months["stand-alone"]["wide"])


MonthCounts = tuple[tuple[int, int, int], ...]
"""(year, month, readable articles) per month with any: the same for every reader language."""


def archive_counts(session: Session, section: str | None = None) -> MonthCounts:
    """How many readable articles each month has (all sections, or ``section``).

    One GROUP BY statement over the whole library; a second only when a named section has nothing, to
    tell whether it exists. The web layer keeps the result per content version (`ContentMemo`).
    """
    year, month = _year_and_month(session.get_bind().dialect.name)
    statement = _matching(ListingQuery(section=section), year, month, func.count()).group_by(year, month)
    counts = tuple((int(y), int(m), n) for y, m, n in session.execute(statement).all())
    if not counts and section is not None:
        _require_section(session, section)
    return counts


def archive(session: Session | None, language: Language, section: str | None = None,
            counts: MonthCounts | None = None) -> Archive:
    """Years and months that have readable articles, newest first, month names in ``language`` (from
    its base's CLDR data, transformed, for a derived language: Babel has no kk_Latn).

    From ``counts`` (`archive_counts`) when the caller keeps them: then no statement at all.
    """
    counts = archive_counts(session, section) if counts is None else counts
    names = month_names(language.stored)
    years: dict[int, list[ArchiveMonth]] = {}
    for y, m, n in sorted(counts, reverse=True):
        years.setdefault(y, []).append(ArchiveMonth(month=m, name=names[m], count=n))
    calendar = Archive(
        language=language.stored, section=section, total=sum(n for *_, n in counts),
        years=[ArchiveYear(year=y, count=sum(m.count for m in months), months=months) for y, months in years.items()],
    )
    return derive_archive(calendar, language)


def _first_name(names: Mapping[str, str], chain: Sequence[str], slug: str) -> tuple[str, str]:
    code = next((c for c in chain if names.get(c)), chain[0])
    return names.get(code, slug), code


def section_name(names: Mapping[str, str], language: Language, slug: str) -> tuple[str, str]:
    """A section's name for a reader of ``language``: in the first language of its chain that has one
    (the slug when none has), with the language it is in; a derived language's own from its base's."""
    return derive_name(*_first_name(names, language.chain, slug), language)


def list_sections(session: Session, language: Language) -> SectionList:
    """Every section named for a reader of ``language`` (`section_name`), with its readable articles."""
    chain = language.chain
    readable = (
        select(Article.section_id, func.count().label("articles")).where(_READABLE).group_by(Article.section_id)
    ).subquery("readable")
    statement = (
        select(Section.slug, Section.names, Section.position, func.coalesce(readable.c.articles, 0))
        .outerjoin(readable, readable.c.section_id == Section.id)
        .order_by(Section.position, Section.slug)
    )
    sections = []
    for slug, names, position, articles in session.execute(statement).all():
        name, name_language = _first_name(names, chain, slug)
        sections.append(SectionView(slug=slug, name=name, name_language=name_language, position=position,
                                    articles=articles))
    return derive_sections(SectionList(language=chain[0], sections=sections), language)


@dataclass(frozen=True)
class ListedText:
    """An article as listings show it, with the served text's body (HTML) for a search snippet.

    ``item`` is already made the reader's own for a derived language; ``body`` is as stored (in the
    stored language): whoever cuts a snippet from it transforms the snippet (`Language.transform`)
    when ``item.language`` is the derived one.
    """

    item: ListedArticle
    body: str


def _listed_texts_statement():
    ids = select(Article.id.label("id")).where(Article.id.in_(bindparam("ids", expanding=True))).subquery("wanted")
    return join_published(select(*published_texts(Revision.summary, Revision.body)).select_from(ids), ids.c.id)


_LISTED_TEXTS = _listed_texts_statement()
"""Built once: SQLAlchemy caches its compiled form, which a statement made per call would not reuse."""


def listed_texts(session: Session, language: Language, article_ids: Sequence[int]) -> dict[int, ListedText]:
    """These articles resolved for a reader of ``language`` exactly as listings resolve them (the first
    published language of the chain), by id; unreadable ones are left out. One statement."""
    if not article_ids:
        return {}
    grouped: dict[int, list[Any]] = {}
    for row in session.execute(_LISTED_TEXTS, {"ids": list(article_ids)}).all():
        grouped.setdefault(row.article_id, []).append(row)
    found = {}
    for article_id, group in grouped.items():
        if (choice := choose(group, language.chain)) is not None:
            page = derive_listing(ArticlePage(language=language.chain[0], total=1, page=1, per_page=1, pages=1,
                                              items=[_listed(choice, language.chain[0])]), language)
            found[article_id] = ListedText(page.items[0], choice.row.body)
    return found
