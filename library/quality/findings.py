"""Content checks applied to stored variants: findings kept per revision, and publishing gated on them.

`on_save` is the quality gate, a `saved` reaction of the content events (listed by `library.bootstrap`):
it checks the saved revision against the source revision it was translated from (not the source's newest text: an
outdated translation is judged against what its translator saw) and the term base, stores the
findings, sets the variant's `check_flags`, and refuses to publish a revision with error findings
unless the save carries an override reason, which is kept in `QualityOverride`. The checks are slow
on a long text, so its prepare step `prepare_checks` runs them before the write transaction, and
`on_save` only confirms they were run on what it stores (issue 13). `check_library`
checks current texts afresh for reports (the CLI), without storing anything, so a report reflects
today's term base.

Where people work, the findings of each variant's current revision are shown: `current_notes` for the
translator queue and the workbench (as `Note`, rendered in the reader's language); the coverage
matrix's quality column counts `check_flags` in its counters (`library.coverage.counters`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import and_, select
from sqlmodel import Session

from library.content.events import Draft, SavedVariant
from library.content.models import (
    Article,
    Revision,
    Section,
    Status,
    Variant,
    check_flags,
)
from library.errors import MessageLanguage
from library.quality import messages
from library.quality.checks import Finding, TermEntry, Text, check_text
from library.quality.errors import QualityBlocked
from library.quality.models import QualityFinding, QualityOverride
from library.quality.terms import term_entries
from library.storage.types import utcnow


def source_text(session: Session, variant: Variant) -> Text | None:
    """The text ``variant`` was translated from: its source's revision ``source_revision`` (the
    source's current text when that revision is unknown). None for a source variant."""
    return _source_of(session, variant.article_id, variant.translated_from, variant.source_revision)


def _source_of(session: Session, article_id: int, language: str | None, number: int | None) -> Text | None:
    if not language:
        return None
    source = session.scalar(select(Variant).where(Variant.article_id == article_id, Variant.language == language))
    if source is None:
        return None
    revision = None
    if number is not None:
        revision = session.scalar(select(Revision).where(Revision.variant_id == source.id, Revision.number == number))
    text = revision or source
    return Text(source.language, text.title, text.summary, text.body)


def check_variant(session: Session, variant: Variant, terms: Sequence[TermEntry] | None = None) -> list[Finding]:
    """Findings for the variant's current text (its working copy)."""
    target = Text(variant.language, variant.title, variant.summary, variant.body)
    return check_text(target, source_text(session, variant), term_entries(session) if terms is None else terms)


@dataclass(frozen=True)
class Checked:
    """Findings computed before a save's transaction, with everything they were computed from."""

    target: Text
    source: Text | None
    terms: tuple[TermEntry, ...]
    findings: tuple[Finding, ...]

    def inputs(self) -> tuple[Text, Text | None, tuple[TermEntry, ...]]:
        return self.target, self.source, self.terms


def prepare_checks(session: Session, draft: Draft) -> Checked:
    """The content checks of a text about to be saved, run before the write transaction (the
    prepare step of `on_save`: the slow part of a save, language detection and term matching)."""
    target = Text(draft.language, draft.title, draft.summary, draft.body)
    source = _source_of(session, draft.article.id, draft.translated_from, draft.source_revision)
    terms = tuple(term_entries(session))
    return Checked(target, source, terms, tuple(check_text(target, source, terms)))


def _saved_findings(session: Session, variant: Variant, prepared: object | None) -> list[Finding]:
    """The findings of the revision just saved: those prepared before the transaction when they were
    computed from exactly the stored text, its source revision and today's term base (a source
    or a term saved in between makes them stale); computed afresh otherwise."""
    inputs = (Text(variant.language, variant.title, variant.summary, variant.body), source_text(session, variant),
              tuple(term_entries(session)))
    if isinstance(prepared, Checked) and prepared.inputs() == inputs:
        return list(prepared.findings)
    return check_text(*inputs)


def store_findings(session: Session, variant_id: int, revision: int, findings: Sequence[Finding]) -> None:
    """Keep ``findings`` as those of revision ``revision``, a revision just saved (revisions are
    never saved twice, so nothing is stored for it yet)."""
    if not findings:
        return
    now = utcnow()
    session.add_all(QualityFinding(variant_id=variant_id, revision=revision, code=f.code, severity=f.severity,
                                   message=f.message, details=dict(f.facts), created_at=now) for f in findings)
    session.flush()


def stored_findings(session: Session, variant: Variant, revision: int | None = None) -> list[QualityFinding]:
    """The findings stored for ``revision`` of ``variant`` (default: its current revision), errors first."""
    number = variant.revision if revision is None else revision
    rows = session.scalars(select(QualityFinding).where(QualityFinding.variant_id == variant.id,
                                                        QualityFinding.revision == number)
                           .order_by(QualityFinding.id))
    return sorted(rows, key=lambda row: row.severity != "error")


@dataclass(frozen=True)
class Note:
    """A stored finding as the translator queue, the workbench and the API show it."""

    code: str
    severity: str
    message: str
    """In English as stored; `localized` renders it in another language."""
    facts: Mapping[str, object]

    def localized(self, language: MessageLanguage) -> Note:
        """This note with its message in ``language`` (see `messages.render`)."""
        return replace(self, message=messages.render(self.code, self.facts, language))


def _note(row: QualityFinding) -> Note:
    return Note(row.code, row.severity, row.message, dict(row.details))


#: A finding of a variant's current revision: the text translators and editors have in front of them.
_CURRENT = and_(Variant.id == QualityFinding.variant_id, Variant.revision == QualityFinding.revision)


def current_notes(session: Session, variant_ids: Iterable[int]) -> dict[int, list[Note]]:
    """The findings of each variant's current revision, errors first, in one query (variants without
    findings are left out)."""
    ids = list(set(variant_ids))
    found: dict[int, list[Note]] = {}
    if not ids:
        return found
    query = (select(QualityFinding).join(Variant, _CURRENT).where(QualityFinding.variant_id.in_(ids))
             .order_by(QualityFinding.variant_id, QualityFinding.id))
    for row in session.scalars(query):
        found.setdefault(row.variant_id, []).append(_note(row))
    for notes in found.values():
        notes.sort(key=lambda note: note.severity != "error")
    return found


def overrides(session: Session, variant: Variant) -> list[QualityOverride]:
    """Every override given to publish ``variant`` despite errors, oldest first."""
    return list(session.scalars(select(QualityOverride).where(QualityOverride.variant_id == variant.id)
                                .order_by(QualityOverride.revision)))


def override_for(session: Session, variant: Variant, revision: int) -> QualityOverride | None:
    """The override that let ``revision`` of ``variant`` be published despite errors, if one did."""
    return session.scalar(select(QualityOverride).where(QualityOverride.variant_id == variant.id,
                                                        QualityOverride.revision == revision))


def as_plain(finding: Finding) -> dict[str, object]:
    """A finding as JSON values: code, severity, message (English) and facts."""
    return {"code": finding.code, "severity": finding.severity, "message": finding.message,
            "facts": dict(finding.facts)}


def on_save(session: Session, saved: SavedVariant) -> None:
    """Check and record the saved revision; refuse to publish it with errors and no override."""
    variant, revision = saved.variant, saved.revision
    findings = _saved_findings(session, variant, saved.prepared)
    store_findings(session, variant.id, revision.number, findings)
    variant.check_flags = check_flags(finding.severity for finding in findings)
    errors = [finding for finding in findings if finding.is_error]
    if revision.status != Status.PUBLISHED or not errors:
        return
    reason = (saved.publish_override or "").strip()
    if not reason:
        raise QualityBlocked(saved.article.slug, variant.language, revision.number, [as_plain(e) for e in errors])
    session.add(QualityOverride(variant_id=variant.id, revision=revision.number, reason=reason,
                                codes=sorted({error.code for error in errors}), by=saved.by, at=revision.changed_at))
    session.flush()


@dataclass(frozen=True)
class VariantReport:
    """The findings of one variant's current text, for `library check content`."""

    article: str
    section: str
    language: str
    revision: int
    status: str
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(finding.is_error for finding in self.findings)


def check_library(session: Session, *, language: str | None = None, section: str | None = None) -> list[VariantReport]:
    """Every variant (of ``language``, in ``section``) checked afresh against today's term base."""
    query = (select(Variant, Article.slug, Section.slug)
             .join(Article, Article.id == Variant.article_id)
             .join(Section, Section.id == Variant.section_id)
             .order_by(Section.position, Article.published_at, Article.slug, Variant.language))
    if language:
        query = query.where(Variant.language == language)
    if section:
        query = query.where(Section.slug == section)
    terms = term_entries(session)
    return [VariantReport(article, section_slug, variant.language, variant.revision, variant.status,
                          check_variant(session, variant, terms))
            for variant, article, section_slug in session.execute(query).all()]
