"""Writing content: sections, articles, and variant saves that keep every revision.

Every save of a variant goes through `save_variant`, which appends a `Revision`, keeps the
published pointer, and maintains the outdated relation: a non-minor save of a text marks every
variant translated from an older revision of it as outdated. It also keeps each variant's copy of
the source word count (what coverage weighs by) equal to the article's, and notes the changed section
so coverage history can record a snapshot at commit. Every write notes that the unit of work changes
content (`library.content.events`), so its commit runs the reactions the bootstrap listed: coverage
snapshots, and the content version's bump that response caches watch.
The work of a save that writes nothing (cleaning, counting words, the content checks) can be done
first with `prepare_text`, outside the write transaction, so a writer holds the lock briefly (issue 13).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from library.content import limits
from library.content.errors import (
    ArticleNotFound,
    DuplicateSlug,
    InvalidContent,
    SectionNotFound,
    StaleRevision,
)
from library.content.events import Draft, OnSave, SavedVariant, note_change, prepare, saved
from library.content.models import Article, ArticleLink, Revision, Section, Status, Variant
from library.content.text import count_words, sanitise_html
from library.storage.types import utcnow

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _check_slug(kind: str, slug: str) -> None:
    if not SLUG.match(slug) or len(slug) > 200:
        raise InvalidContent(
            f"{slug!r} is not a valid {kind} slug: use lower-case letters, digits and single hyphens.",
            slug=slug,
        )


def create_section(session: Session, slug: str, names: Mapping[str, str], position: int = 0) -> Section:
    _check_slug("section", slug)
    if session.scalar(select(Section.id).where(Section.slug == slug)) is not None:
        raise DuplicateSlug("section", slug)
    section = Section(slug=slug, names=dict(names), position=position)
    note_change(session, everything=True)  # every page's section menu
    session.add(section)
    session.flush()
    return section


def get_section(session: Session, slug: str) -> Section:
    section = session.scalar(select(Section).where(Section.slug == slug))
    if section is None:
        raise SectionNotFound(slug)
    return section


def get_article(session: Session, slug: str) -> Article:
    article = session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise ArticleNotFound(slug)
    return article


def create_article(
    session: Session,
    *,
    slug: str,
    section: Section,
    published_at: datetime,
    source_language: str,
    tags: Iterable[str] = (),
) -> Article:
    """A new article with no variants yet; its source variant is saved next with `save_variant`."""
    _check_slug("article", slug)
    if session.scalar(select(Article.id).where(Article.slug == slug)) is not None:
        raise DuplicateSlug("article", slug)
    article = Article(
        slug=slug,
        section_id=section.id,
        published_at=published_at,
        source_language=source_language,
        tags=list(tags),
    )
    session.add(article)
    session.flush()
    note_change(session, article.section_id, article_id=article.id)
    return article


def set_see_also(session: Session, article: Article, target_slugs: Iterable[str]) -> None:
    """Replace the article's "See also" links with the given articles, in that order."""
    slugs = list(dict.fromkeys(target_slugs))
    if article.slug in slugs:
        raise InvalidContent(f"Article {article.slug!r} cannot link to itself.", slug=article.slug)
    found = dict(session.execute(select(Article.slug, Article.id).where(Article.slug.in_(slugs))).all())
    for slug in slugs:
        if slug not in found:
            raise ArticleNotFound(slug)
    note_change(session, article.section_id, article_id=article.id)
    session.execute(delete(ArticleLink).where(ArticleLink.article_id == article.id))
    session.add_all(
        ArticleLink(article_id=article.id, target_id=found[slug], position=i) for i, slug in enumerate(slugs)
    )
    session.flush()


@dataclass(frozen=True)
class VariantText:
    title: str
    summary: str = ""
    body: str = ""

    def validate(self, max_kb: int | None = limits.DEFAULT_MAX_TEXT_KB) -> None:
        """A title, and no text breaking `library.content.limits` (its size unchecked when ``max_kb`` is None)."""
        if not self.title.strip():
            raise InvalidContent("A variant needs a title.")
        for name in ("title", "summary", "body"):
            limits.check_text(limits.field(name), getattr(self, name), max_kb=max_kb)

    def cleaned(self) -> VariantText:
        """The text as it is stored: validated (its size is the callers' business: they know the
        setting), title and summary stripped, the body sanitised."""
        self.validate(max_kb=None)
        return VariantText(self.title.strip(), self.summary.strip(), sanitise_html(self.body))


@dataclass(frozen=True)
class PreparedText:
    """A text made ready to save before the write transaction begins (issue 13): cleaned, its words
    counted, and the content events' expensive work done (the content checks), so that a writer holds
    SQLite's write lock only for its reads and writes.

    `save_variant` takes it in place of that work for the text it was made from only; each reaction
    checks that what its result depends on (the source text, the term base) is still the same.
    """

    given: VariantText
    """The text as the writer gave it."""
    language: str
    text: VariantText
    """The text as it will be stored (`VariantText.cleaned`)."""
    words: int
    reactions: Mapping[OnSave, object] = field(default_factory=dict)
    """The content events' prepare steps' results, by reaction."""

    def fits(self, text: VariantText, language: str) -> bool:
        """Whether this is the preparation of ``text``: the text it was made from, or the text as
        stored (a transition saves the stored text again; cleaning a cleaned text changes nothing)."""
        return self.language == language and text in (self.given, self.text)


def _translation_of(session: Session, article: Article, language: str, translated_from: str | None,
                    source_revision: int | None) -> tuple[str | None, int | None]:
    """(source language, source revision) a save of ``language`` records: none for the article's source
    language; by default the article's source language at its current major revision."""
    if language == article.source_language:
        return None, None
    translated_from = translated_from or article.source_language
    if source_revision is None:
        source_revision = _source_major(session, article, translated_from)
    return translated_from, source_revision


def _prepared(text: VariantText, language: str) -> PreparedText:
    clean = text.cleaned()
    return PreparedText(text, language, clean, count_words(clean.title, clean.summary, clean.body))


def prepare_text(session: Session, article: Article, language: str, text: VariantText, *,
                 translated_from: str | None = None, source_revision: int | None = None) -> PreparedText:
    """Everything a save of ``text`` computes without writing: call it in a read-only unit of work,
    then pass the result to `save_variant` (``prepared=``) in the writing one. Raises what a save
    of an invalid text raises (`InvalidContent`)."""
    prepared = _prepared(text, language)
    translated_from, source_revision = _translation_of(session, article, language, translated_from, source_revision)
    clean = prepared.text
    draft = Draft(article, language, clean.title, clean.summary, clean.body, translated_from, source_revision)
    return replace(prepared, reactions=prepare(session, draft))


def lock_variant(session: Session, article: Article, language: str) -> Variant | None:
    """The variant, its row locked until the transaction ends and read after the lock was granted.

    The lock serialises concurrent writers of one variant on PostgreSQL (SQLite writers are already
    serialised by BEGIN IMMEDIATE), so a precondition checked on what it returns cannot race; the
    object is refreshed from that row (``populate_existing``), not left as the session last saw it.
    FOR NO KEY UPDATE, not FOR UPDATE: that would also block the foreign-key checks (FOR KEY SHARE)
    of every other transaction writing a row that names the variant, which need not wait for a save;
    a search reindex that checked them while holding the index a save writes last deadlocked with it
    (2026-12-04, before the index lost its foreign keys in migration 0017).
    """
    return session.scalar(
        select(Variant)
        .where(Variant.article_id == article.id, Variant.language == language)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )


def _source_major(session: Session, article: Article, language: str) -> int | None:
    return session.scalar(
        select(Variant.major_revision).where(Variant.article_id == article.id, Variant.language == language)
    )


def save_variant(
    session: Session,
    article: Article,
    language: str,
    text: VariantText,
    *,
    status: Status = Status.DRAFT,
    by: str | None = None,
    minor: bool = False,
    translated_from: str | None = None,
    source_revision: int | None = None,
    expected_revision: int | None = None,
    comment: str | None = None,
    at: datetime | None = None,
    publish_override: str | None = None,
    prepared: PreparedText | None = None,
) -> Variant:
    """Save a new revision of ``article`` in ``language`` (creating the variant on first save).

    ``expected_revision`` is the revision the writer started from: a different current revision
    raises `StaleRevision`, so a second writer never silently overwrites the first. A translation
    records the source language and revision it was made from (default: the source's current
    major revision); ``minor`` saves of a source leave its translations current.

    The `saved` reactions of the content events run last (`library.content.events`; the quality
    gate of ``library.quality`` is one): one may refuse to publish a revision, unless
    ``publish_override`` gives the writer's reason to publish it anyway.

    ``prepared`` is the work done on ``text`` before the transaction (`prepare_text`); without it,
    or when it was made for another text, the work is done here, holding the write lock.
    """
    if prepared is None or not prepared.fits(text, language):
        prepared = _prepared(text, language)
    text = prepared.text
    at = at or utcnow()
    is_source = language == article.source_language
    translated_from, source_revision = _translation_of(session, article, language, translated_from, source_revision)
    variant = lock_variant(session, article, language)
    if variant is None:
        if expected_revision not in (None, 0):
            raise StaleRevision(article.slug, language, expected_revision, 0)
        variant = Variant(article_id=article.id, section_id=article.section_id, language=language,
                          revision=0, major_revision=0, created_at=at, title=text.title,
                          source_words=article.source_words)
        session.add(variant)
    elif expected_revision is not None and expected_revision != variant.revision:
        raise StaleRevision(article.slug, language, expected_revision, variant.revision)
    note_change(session, article.section_id, article_id=article.id, languages=(language,))
    _apply(variant, text, prepared.words, status, by, at, minor, translated_from, source_revision)
    if not is_source:
        source_major = _source_major(session, article, translated_from) or 0
        variant.behind = max(source_major - (source_revision or 0), 0)
        variant.outdated = variant.behind > 0
    revision = Revision(variant_id=_flushed_id(session, variant), number=variant.revision, title=text.title,
                        summary=text.summary, body=text.body, status=status, minor=minor,
                        translated_from=translated_from, source_revision=source_revision,
                        comment=comment, changed_by=by, changed_at=at)
    session.add(revision)
    try:
        session.flush()
    except IntegrityError:
        # Another writer inserted the same revision number between our read and our write.
        raise StaleRevision(article.slug, language, variant.revision - 1, variant.revision) from None
    if not minor:
        outdated = _mark_translations_outdated(session, article, language, variant.major_revision)
        note_change(session, article.section_id, article_id=article.id, languages=outdated)
    if is_source:
        _set_source_words(session, article, variant.words)
    saved(session, SavedVariant(article, variant, revision, by, publish_override), prepared.reactions)
    return variant


def _set_source_words(session: Session, article: Article, words: int) -> None:
    """Copy the source's word count onto the article and every variant of it.

    Coverage sums ``Variant.source_words`` from its covering index instead of joining 1M variants
    to their articles (issue 8), so the copies must follow every save of the source.
    """
    article.source_words = words
    session.add(article)
    session.execute(
        update(Variant)
        .where(Variant.article_id == article.id, Variant.source_words != words)
        .values(source_words=words)
    )


def _apply(variant: Variant, text: VariantText, words: int, status: Status, by: str | None, at: datetime,
           minor: bool, translated_from: str | None, source_revision: int | None) -> None:
    variant.title, variant.summary, variant.body = text.title, text.summary, text.body
    variant.status = Status(status)
    variant.revision += 1
    if not minor or variant.major_revision == 0:
        variant.major_revision = variant.revision
    if variant.status is Status.PUBLISHED:
        variant.published_revision = variant.revision
    variant.translated_from, variant.source_revision = translated_from, source_revision
    variant.words = words
    variant.updated_by, variant.updated_at = by, at


def _flushed_id(session: Session, variant: Variant) -> int:
    if variant.id is None:
        session.flush()
    return variant.id


def _mark_translations_outdated(session: Session, article: Article, language: str, major: int) -> list[str]:
    """Mark the translations of ``language`` older than ``major`` outdated; the languages it marked."""
    return list(session.scalars(
        update(Variant)
        .where(
            Variant.article_id == article.id,
            Variant.translated_from == language,
            Variant.source_revision < major,
        )
        # coverage_state carries the outdated flag as its lowest bit (see Variant; CHECKs hold both).
        .values(outdated=True, behind=major - Variant.source_revision,
                coverage_state=case((Variant.outdated, Variant.coverage_state), else_=Variant.coverage_state + 1))
        .returning(Variant.language)
    ))


def revisions(session: Session, variant: Variant) -> list[Revision]:
    """Every saved state of ``variant``, oldest first."""
    return list(session.scalars(select(Revision).where(Revision.variant_id == variant.id).order_by(Revision.number)))
