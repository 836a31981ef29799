"""The side-by-side editor's view of one translation: what the workbench page shows a translator.

Built from the same pieces as the translator queue (`library.workflow.queue`): the best source along
the target's fallback chain, the source's diff since the target was translated (labelled "ru@3" ->
"ru@5" in both), and the findings of the target's current text. So the page and the queue never
disagree about a translation, and the web runs no query of its own.

The page works segment by segment (issue 18): `EditorView.sheet` says for each segment of the source
what the target has and whether its source changed since the last published translation, and
`segment_text_of` turns the segments a translator sends back into the variant's text, with the
source's markup, or says which segments cannot be put back and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlmodel import Session

from library.catalogs.lazy import N_
from library.content.models import Revision, Variant
from library.content.segments import Problem, Segmentation, render, segment_text, token_problem
from library.content.service import VariantText, get_article
from library.languages.registry import LanguageRegistry
from library.memory.machine import MachineTranslator
from library.memory.service import suggestions_for_segments
from library.memory.suggest import Suggestion
from library.memory.text import in_tokens_of, markup_of
from library.quality.findings import Note, current_notes
from library.workflow.diff import FieldDiff
from library.workflow.exchange.markup import markup_problem
from library.workflow.permissions import Principal, require_language
from library.workflow.queue import (
    SourceDiff,
    Text,
    best_source,
    old_source_revisions,
    source_diff,
    text_of,
    variants_of,
)
from library.workflow.review import version_tag
from library.workflow.segments import SegmentSheet, segment_sheet


@dataclass(frozen=True)
class EditorView:
    slug: str
    target: str
    """The language being translated into."""
    source: Text
    """The best text to translate from (the original, or a published and current translation)."""
    current: Text | None
    """The target as it stands (drafts included), None when it was never saved."""
    status: str | None
    version: str
    """The target's version tag, sent back with a save ("" for a new variant)."""
    diff: SourceDiff | None = None
    """For an outdated target: how its source changed since it was translated."""
    findings: list[Note] = field(default_factory=list)
    sheet: SegmentSheet | None = None
    """The source segment by segment, with the target's translations (`library.workflow.segments`)."""
    suggestions: dict[str, list[Suggestion]] = field(default_factory=dict)
    """By segment id: the translation memory's suggestions and the machine translation's, in the
    segment's tokens (`library.memory`), best first."""

    @property
    def source_language(self) -> str:
        return self.source.language

    @property
    def source_revision(self) -> int:
        return self.source.revision

    @property
    def diffs(self) -> list[FieldDiff]:
        return self.diff.fields if self.diff is not None else []


def editor_view(session: Session, registry: LanguageRegistry, principal: Principal, slug: str,
                target: str, *, engine: MachineTranslator | None = None) -> EditorView:
    """What the editor shows ``principal`` for the ``target`` translation of article ``slug``, with the
    suggestions of the memory (and of ``engine``) beside each segment."""
    view = _editor_view(session, registry, principal, slug, target)
    return replace(view, suggestions=_suggestions(session, view, engine)) if view.sheet is not None else view


def _suggestions(session: Session, view: EditorView, engine: MachineTranslator | None) -> dict[str, list[Suggestion]]:
    """By segment id, the memory's and the engine's suggestions in the segment's tokens; one that repeats
    the segment's previous translation (shown first already) is left out."""
    works = view.sheet.work
    found = suggestions_for_segments(session, view.source_language, view.target,
                                     [markup_of(work.segment) for work in works], engine=engine)
    result = {}
    for work, answer in zip(works, found, strict=True):
        tokened = [replace(s, source=in_tokens_of(s.source, work.segment), target=in_tokens_of(s.target, work.segment))
                   for s in answer]
        result[work.segment.id] = [s for s in tokened if s.target != work.previous_translation]
    return result


def _editor_view(session: Session, registry: LanguageRegistry, principal: Principal, slug: str,
                 target: str) -> EditorView:
    registry.get(target)
    require_language(principal, target)
    article = get_article(session, slug)
    variants = variants_of(session, [article.id]).get(article.id, {})
    current = variants.get(target)
    source = best_source(article.source_language, registry.chain(target)[1:], variants)
    source_text = text_of(source)
    if current is None:
        return EditorView(slug, target, source_text, None, None, "", sheet=segment_sheet(source_text.fields()))
    origin = variants.get(current.translated_from) if current.outdated else None
    diff = source_diff(current, origin, old_source_revisions(session, [(current, origin)])) if origin else None
    return EditorView(slug, target, source_text, text_of(current), current.status, version_tag(current) or "",
                      diff, current_notes(session, [current.id]).get(current.id, []),
                      _sheet(session, source, current))


def _fields(row: Variant | Revision) -> dict[str, str]:
    return {"title": row.title, "summary": row.summary, "body": row.body}


def _revision(session: Session, variant: Variant, number: int | None) -> Variant | Revision | None:
    if number is None:
        return None
    if number == variant.revision:
        return variant
    return session.scalar(select(Revision).where(Revision.variant_id == variant.id, Revision.number == number))


def _sheet(session: Session, source: Variant, current: Variant) -> SegmentSheet:
    """``current`` segment by segment against ``source``: the text it was made from, and as the baseline
    the source text its published revision was made from (when that is an earlier one)."""
    made_from = None
    if current.translated_from == source.language:
        made_from = _revision(session, source, current.source_revision)
    baseline = baseline_from = None
    if current.published_revision is not None and current.published_revision != current.revision:
        published = _revision(session, current, current.published_revision)
        if published is not None and published.translated_from == source.language:
            baseline_from = _revision(session, source, published.source_revision)
            baseline = published if baseline_from is not None else None
    return segment_sheet(_fields(source), _fields(current), _fields(made_from) if made_from else None,
                         _fields(baseline_from) if baseline_from else None, _fields(baseline) if baseline else None)


NOT_TRANSLATED = N_("the segment is not translated")


def segment_text_of(session: Session, registry: LanguageRegistry, principal: Principal, slug: str, target: str,
                    source_language: str, source_revision: int | None, translations: Mapping[str, str], *,
                    complete: bool) -> tuple[VariantText | None, Segmentation | None, dict[str, Problem]]:
    """The variant text the translated segments (by id) make with the source's markup, the source's
    segmentation at ``source_revision`` they were made for, and the problems by segment id (then no text):
    broken tokens or placeholders, and an empty segment when ``complete`` (to submit) or the title."""
    registry.get(target)
    require_language(principal, target)
    article = get_article(session, slug)
    source = session.scalar(select(Variant).where(Variant.article_id == article.id,
                                                  Variant.language == source_language))
    at = _revision(session, source, source_revision) if source is not None else None
    if at is None:
        return None, None, {}
    segmentation = segment_text(_fields(at))
    problems: dict[str, Problem] = {}
    for segment in segmentation.segments:
        text = translations.get(segment.id, "")
        if not text.strip():
            if complete or segment.field == "title":
                problems[segment.id] = (NOT_TRANSLATED, {})
            continue
        problem = token_problem(segment, text) or markup_problem(render(segment, segment.text)[0],
                                                                 render(segment, text)[0])
        if problem is not None:
            problems[segment.id] = problem
    if problems:
        return None, segmentation, problems
    fields = segmentation.rebuild(translations, missing="empty")
    return VariantText(fields["title"], fields["summary"], fields["body"]), segmentation, {}
