"""The translator queue: every missing and outdated variant of a language, most wanted first.

Ranked by reader demand (how often readers asked for the article in that language and got a
fallback), then views, then recency. Each item carries the best source text along the language's
fallback chain and, for an outdated variant, its current text and a diff of the source since it
was translated, and what the content checks found in the target's current text (so a translator sees
the warnings of the text in hand). A page costs the same five queries whatever its size (no query
per item); asked for, the translation memory's suggestions for each segment of each source add a few
queries per segment (`library.memory.service`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from library.content.models import Article, Revision, Section, Status, Variant
from library.demand.models import Demand
from library.errors import MessageLanguage
from library.languages.registry import LanguageRegistry
from library.memory.machine import MachineTranslator
from library.memory.service import SegmentSuggestions, TextToTranslate, suggestions_for_texts
from library.quality.findings import Note, current_notes
from library.workflow.diff import FIELDS, FieldDiff, field_diffs
from library.workflow.permissions import Principal, require_language
from library.workflow.review import version_tag

MAX_PAGE = 200


@dataclass(frozen=True)
class Text:
    """A variant's text at one revision, and who it is for."""

    language: str
    revision: int
    title: str
    summary: str
    body: str

    def fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELDS}


@dataclass(frozen=True)
class Target:
    """The variant being translated as it stands now (drafts included: this is the workflow's view)."""

    text: Text
    status: str
    published_revision: int | None
    translated_from: str | None
    source_revision: int | None
    version: str
    """Send it back quoted in If-Match to save a new revision of this target."""


@dataclass(frozen=True)
class SourceDiff:
    """How the source changed since the target was translated from it."""

    language: str
    from_revision: int
    to_revision: int
    fields: list[FieldDiff]
    old: dict[str, str]
    """The source's fields at ``from_revision`` (what the current translation says)."""


@dataclass(frozen=True)
class QueueItem:
    article: str
    section: str
    language: str
    reason: str
    """``missing`` (readers get no text in this language) or ``outdated`` (its source changed since)."""
    demand: int
    views: int
    published_at: datetime
    source_words: int
    source: Text
    """The best text to translate from: the first language of the fallback chain that is the
    original or a current, published translation. Its ``revision`` is what a translation of it
    records as ``source_revision``."""
    target: Target | None
    diff: SourceDiff | None
    findings: list[Note] = field(default_factory=list)
    """What the content checks found in the target's current revision, errors first (none for a
    missing variant)."""
    suggestions: list[SegmentSuggestions] = field(default_factory=list)
    """The source's segments (title, summary, paragraphs), each with the translation memory's
    suggestions and the machine translation's (`library.memory`); empty unless asked for."""


@dataclass(frozen=True)
class QueuePage:
    language: str
    total: int
    items: list[QueueItem]


def queue(session: Session, registry: LanguageRegistry, principal: Principal, language: str, *,
          section: str | None = None, limit: int | None = 50, offset: int = 0, suggestions: bool = False,
          engine: MachineTranslator | None = None) -> QueuePage:
    """A page of the queue for ``language`` (``limit=None``: all of it, for file exports); with
    ``suggestions``, each item's source segments with the memory's suggestions (and ``engine``'s)."""
    registry.get(language)
    require_language(principal, language)
    candidates = _candidates(language, section)
    total = session.scalar(select(func.count()).select_from(candidates.subquery()))
    query = candidates.offset(max(0, offset))
    if limit is not None:
        query = query.limit(max(1, min(limit, MAX_PAGE)))
    rows = session.execute(query).all()
    variants = variants_of(session, [row.id for row in rows])
    old_sources = old_source_revisions(session, [(row.target, variants.get(row.id, {}).get(row.target.translated_from))
                                                 for row in rows if row.target is not None])
    notes = current_notes(session, [row.target.id for row in rows if row.target is not None])
    chain = registry.chain(language)[1:]
    items = [_item(row, language, chain, variants.get(row.id, {}), old_sources, notes) for row in rows]
    if suggestions and items:
        texts = [TextToTranslate(i.source.language, language, i.source.title, i.source.summary, i.source.body)
                 for i in items]
        found = suggestions_for_texts(session, texts, engine=engine)
        items = [replace(item, suggestions=segments) for item, segments in zip(items, found, strict=True)]
    return QueuePage(language, total or 0, items)


def localized_queue(page: QueuePage, language: MessageLanguage) -> QueuePage:
    """``page`` with its findings' messages in ``language``."""
    items = [replace(item, findings=[note.localized(language) for note in item.findings])
             if item.findings else item for item in page.items]
    return replace(page, items=items)


#: Built once: the same alias objects let SQLAlchemy reuse its compiled statement between calls.
_TARGET = aliased(Variant, name="target")
_ORIGINAL = aliased(Variant, name="original")


def _candidates(language: str, section: str | None):
    target, original = _TARGET, _ORIGINAL
    demand = func.coalesce(Demand.count, 0).label("demand")
    query = (
        select(Article.id, Article.slug, Article.source_language, Article.views, Article.published_at,
               Article.source_words, Section.slug.label("section"), demand, target)
        .join(Section, Section.id == Article.section_id)
        .join(original, and_(original.article_id == Article.id, original.language == Article.source_language,
                             original.published_revision.is_not(None)))
        .outerjoin(target, and_(target.article_id == Article.id, target.language == language))
        .outerjoin(Demand, and_(Demand.article_id == Article.id, Demand.language == language))
        .where(Article.source_language != language)
        .where(or_(target.id.is_(None), target.published_revision.is_(None), target.outdated.is_(True)))
        .order_by(demand.desc(), Article.views.desc(), Article.published_at.desc(), Article.id.desc())
    )
    if section is not None:
        query = query.where(Section.slug == section)
    return query


def variants_of(session: Session, article_ids: list[int]) -> dict[int, dict[str, Variant]]:
    """Every variant of the articles, by article id and language, in one query."""
    found: dict[int, dict[str, Variant]] = {}
    if article_ids:
        for variant in session.scalars(select(Variant).where(Variant.article_id.in_(article_ids))):
            found.setdefault(variant.article_id, {})[variant.language] = variant
    return found


def old_source_revisions(session: Session, pairs: Iterable[tuple[Variant, Variant | None]]) -> dict[tuple, Revision]:
    """The source revisions outdated targets were translated from, in one query, for (target, the
    variant it was translated from) pairs; keyed by (source variant id, revision number)."""
    wanted = {(source.id, target.source_revision) for target, source in pairs
              if source is not None and target.outdated and target.source_revision}
    if not wanted:
        return {}
    query = select(Revision).where(or_(*(and_(Revision.variant_id == v, Revision.number == n) for v, n in wanted)))
    return {(r.variant_id, r.number): r for r in session.scalars(query)}


def text_of(variant: Variant, revision: int | None = None) -> Text:
    """The variant's current text (labelled with ``revision`` when given)."""
    return Text(variant.language, revision or variant.revision, variant.title, variant.summary, variant.body)


def best_source(article_source: str, chain: tuple[str, ...], variants: dict[str, Variant]) -> Variant:
    """The first language of ``chain`` whose text is fit to translate from.

    The original always is; a translation is when its current text is published and not outdated
    (a draft or an outdated translation would pass its own gaps on).
    """
    for code in chain:
        variant = variants.get(code)
        if variant is None:
            continue
        if code == article_source or (variant.status == Status.PUBLISHED and not variant.outdated):
            return variant
    return variants[article_source]


def _item(row, language: str, chain: tuple[str, ...], variants: dict[str, Variant],
          old_sources: dict[tuple, Revision], notes: dict[int, list[Note]]) -> QueueItem:
    source = best_source(row.source_language, chain, variants)
    target: Variant | None = row.target
    diff = None
    if target is not None and target.outdated:
        diff = source_diff(target, variants.get(target.translated_from), old_sources)
    return QueueItem(
        article=row.slug, section=row.section, language=language,
        reason="outdated" if target is not None and target.outdated else "missing",
        demand=row.demand, views=row.views, published_at=row.published_at, source_words=row.source_words,
        source=text_of(source),
        target=None if target is None else Target(
            text_of(target), target.status, target.published_revision, target.translated_from,
            target.source_revision, version_tag(target)),
        diff=diff,
        findings=notes.get(target.id, []) if target is not None else [],
    )


def source_diff(target: Variant, source: Variant | None, old_sources: dict[tuple, Revision]) -> SourceDiff | None:
    """How ``source`` changed since the outdated ``target`` was translated from it (None when it cannot
    be told), labelled "ru@3" -> "ru@5"; ``old_sources`` from `old_source_revisions`."""
    if source is None:
        return None
    old = old_sources.get((source.id, target.source_revision))
    if old is None:
        return None
    label, before = source.language, {f: getattr(old, f) for f in FIELDS}
    fields = field_diffs(before, {f: getattr(source, f) for f in FIELDS},
                         old_label=f"{label}@{old.number}", new_label=f"{label}@{source.revision}")
    return SourceDiff(label, old.number, source.revision, fields, before)
