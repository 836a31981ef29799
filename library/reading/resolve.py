"""Resolve one article (and its "See also" links) for a reader, in one SQL statement.

The statement returns a row per published variant of the article and of every linked article, each
with its published revision's text, whatever the requested language: picking the first language of
the fallback chain is then a dictionary lookup, and no reader query ever touches a working copy.
Linked articles' summaries and bodies are not fetched (the statement nulls them out). Given
`DirectReads`, the statement runs straight on the driver (`library.storage.prepared`): that is a
reader's uncached read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case, literal, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlmodel import Session

from library.content.models import Article, ArticleLink, Revision, Section, Variant
from library.languages.registry import Language
from library.reading.derived import derive_article
from library.reading.errors import ArticleUnavailable
from library.reading.types import ArticleView, SeeAlso
from library.storage.prepared import DirectReads, Prepared

_source = aliased(Variant, name="source")


def published_texts(summary, body) -> tuple:
    """The columns every reader query selects: article, section, and one published revision per row.

    ``summary`` and ``body`` are the expressions to select for those texts, so a query can leave out
    the long texts it does not show.
    """
    return (
        Article.id.label("article_id"), Article.slug, Article.published_at, Article.views,
        Section.slug.label("section"), Variant.language, Revision.id.label("revision_id"), Revision.title,
        summary.label("summary"), body.label("body"),
        Revision.changed_at, Revision.source_revision, _source.major_revision.label("source_major"),
    )


def join_published(query, article_id):
    """Join section and every published variant with its published revision to rows keyed by ``article_id``.

    Outer joins keep an article with nothing published (its language is NULL), so a caller can tell
    "unknown slug" from "nothing published" and still count demand for the latter.
    """
    return (
        query.join(Article, Article.id == article_id)
        .join(Section, Section.id == Article.section_id)
        .outerjoin(Variant, and_(Variant.article_id == Article.id, Variant.published_revision.is_not(None)))
        .outerjoin(Revision, and_(Revision.variant_id == Variant.id, Revision.number == Variant.published_revision))
        .outerjoin(_source, and_(_source.article_id == Article.id, _source.language == Revision.translated_from))
    )


def _article_statement():
    slug = bindparam("slug")
    target = select(Article.id).where(Article.slug == slug).scalar_subquery()
    ids = union_all(
        select(Article.id.label("id"), literal(-1).label("position")).where(Article.slug == slug),
        select(ArticleLink.target_id, ArticleLink.position).where(ArticleLink.article_id == target),
    ).subquery("ids")
    own = ids.c.position < 0
    texts = published_texts(case((own, Revision.summary), else_=literal("")),
                            case((own, Revision.body), else_=literal("")))
    query = select(ids.c.position, *texts).select_from(ids)
    return join_published(query, ids.c.id)


ARTICLE = Prepared(_article_statement(), "ArticleRow")


@dataclass(frozen=True)
class ResolvedArticle:
    view: ArticleView
    """What the reader is shown: for a derived language (kk-Latn), the base's texts already transformed."""
    article_id: int
    published_in: tuple[str, ...]
    """The stored languages the article is published in, in display order (for hreflang alternates)."""
    revisions: tuple[int, ...]
    """Ids of every revision the view shows (the article's and its links'): what its ETag is made of."""
    linked: tuple[int, ...] = ()
    """Ids of every article it links to, shown or not (one published later would appear): what else
    the view depends on, for the surrogate keys of an HTTP cache in front (`library.edge.keys`)."""


@dataclass(frozen=True)
class Choice:
    """The revision of one article a reader gets, chosen from its published ones."""

    row: Any
    available: tuple[str, ...]

    @property
    def outdated(self) -> bool:
        row = self.row
        return row.source_revision is not None and row.source_major is not None and (
            row.source_revision < row.source_major)


def choose(rows: Iterable[Any], chain: Sequence[str]) -> Choice | None:
    """The first language of ``chain`` among one article's published rows, or None if it has none."""
    by_language = {row.language: row for row in rows if row.language is not None}
    for language in chain:
        if language in by_language:
            return Choice(by_language[language], tuple(by_language))
    return None


def read_article(source: Session | Connection | DirectReads, slug: str, language: Language,
                 display_order: Sequence[str]) -> ResolvedArticle:
    """The article ``slug`` as a reader of ``language`` sees it: in that language, or the first published
    fallback of its chain, with its "See also" links; for a derived language, made its own.

    ``source`` is a unit of work to read in, or connections to read on without one (`Prepared.read`).
    Raises `ArticleUnavailable` when no article has the slug or none of its variants is published.
    """
    rows = ARTICLE.read(source, slug=slug) if isinstance(source, DirectReads) else ARTICLE.rows(source, slug=slug)
    return article_of(rows, slug, language, display_order)


def article_of(rows: Sequence[Any], slug: str, language: Language, display_order: Sequence[str]) -> ResolvedArticle:
    """`read_article` of the rows of `ARTICLE` read already (awaited on the event loop,
    `library.storage.replica.ReaderDatabase.fetch`)."""
    resolved = _resolve(rows, slug, language.chain, display_order)
    derive_article(resolved.view, language)
    return resolved


def _resolve(rows: Sequence[Any], slug: str, chain: Sequence[str], display_order: Sequence[str]) -> ResolvedArticle:
    own = [row for row in rows if row.position < 0]
    choice = choose(own, chain)
    if choice is None:
        raise ArticleUnavailable(slug, chain[0], article_id=own[0].article_id if own else None)
    links = _links(rows, chain)
    row = choice.row
    view = ArticleView(
        slug=row.slug, section=row.section, published_at=row.published_at, language=row.language,
        requested_language=chain[0], fallback=row.language != chain[0], outdated=choice.outdated,
        available_languages=[code for code in display_order if code in choice.available],
        title=row.title, summary=row.summary, body=row.body, views=row.views, saved_at=row.changed_at,
        see_also=[link for link, _ in links],
    )
    revisions = (row.revision_id, *(revision for _, revision in links))
    linked = tuple(sorted({link.article_id for link in rows if link.position >= 0}))
    return ResolvedArticle(view=view, article_id=row.article_id, published_in=tuple(view.available_languages),
                           revisions=revisions, linked=linked)


def _links(rows: Sequence[Any], chain: Sequence[str]) -> list[tuple[SeeAlso, int]]:
    """Linked articles in link order, each resolved along ``chain``; unreadable ones are left out."""
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        if row.position >= 0:
            grouped.setdefault(row.position, []).append(row)
    links = []
    for position in sorted(grouped):
        choice = choose(grouped[position], chain)
        if choice is not None:
            row = choice.row
            links.append((SeeAlso(slug=row.slug, section=row.section, published_at=row.published_at,
                                  language=row.language, fallback=row.language != chain[0],
                                  outdated=choice.outdated, title=row.title), row.revision_id))
    return links


_PUBLISHED_LANGUAGES = select(Variant.article_id, Variant.language).where(
    Variant.article_id.in_(bindparam("ids", expanding=True)), Variant.published_revision.is_not(None))


def served_languages(session: Session, article_ids: Iterable[int], chain: Sequence[str]) -> dict[int, str]:
    """The language each of these articles is served in to a reader of ``chain`` (`choose` on their
    published variants); articles with nothing published are left out. One statement, ids only."""
    ids = sorted(set(article_ids))
    if not ids:
        return {}
    rows = session.execute(_PUBLISHED_LANGUAGES, {"ids": ids}).all()
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.article_id, []).append(row)
    return {article_id: choice.row.language for article_id, group in grouped.items()
            if (choice := choose(group, chain)) is not None}
