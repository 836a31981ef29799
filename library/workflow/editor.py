"""The side-by-side editor's view of one translation: what the workbench page shows a translator.

Built from the same pieces as the translator queue (`library.workflow.queue`): the best source along
the target's fallback chain, the source's diff since the target was translated (labelled "ru@3" ->
"ru@5" in both), and the findings of the target's current text. So the page and the queue never
disagree about a translation, and the web runs no query of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from library.content.service import get_article
from library.languages.registry import LanguageRegistry
from library.quality.findings import Note, current_notes
from library.workflow.diff import FieldDiff
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
                target: str) -> EditorView:
    """What the editor shows ``principal`` for the ``target`` translation of article ``slug``."""
    registry.get(target)
    require_language(principal, target)
    article = get_article(session, slug)
    variants = variants_of(session, [article.id]).get(article.id, {})
    current = variants.get(target)
    source = best_source(article.source_language, registry.chain(target)[1:], variants)
    if current is None:
        return EditorView(slug, target, text_of(source), None, None, "")
    origin = variants.get(current.translated_from) if current.outdated else None
    diff = source_diff(current, origin, old_source_revisions(session, [(current, origin)])) if origin else None
    return EditorView(slug, target, text_of(source), text_of(current), current.status, version_tag(current) or "",
                      diff, current_notes(session, [current.id]).get(current.id, []))
