"""Writing variants in the workflow: lost-update protection, review states, history and restore.

States: draft -> in_review -> published, or in_review -> draft with the reviewer's comment; only
editors publish. Every write names the revision it is based on (a `Precondition`, If-Match in HTTP);
a write based on an older revision is refused, and its text is kept as a `RefusedEdit` beside the
history, so two translators saving at once lose nothing: one text becomes a revision, the other a
refused edit that either can restore. Every change is a revision and an audit entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from library.content import service
from library.content.errors import StaleRevision, VariantNotFound
from library.content.limits import DEFAULT_MAX_TEXT_KB
from library.content.models import Article, Revision, Status, Variant
from library.content.service import PreparedText, VariantText, get_article, save_variant
from library.quality.findings import override_for
from library.storage.types import utcnow
from library.workflow import audit
from library.workflow.errors import (
    CommentRequired,
    InvalidTransition,
    MinorNotAllowed,
    NoSuchSource,
    NoSuchSourceRevision,
    RefusedEditNotFound,
    RevisionNotFound,
    RevisionRequired,
    SelfTranslation,
    StaleWrite,
)
from library.workflow.models import RefusedEdit, Role
from library.workflow.permissions import Principal, require_language, require_role

_TAG = re.compile(r"^v(\d+)-r(\d+)$")


def version_tag(variant: Variant | None) -> str | None:
    """The variant's version as an opaque string (the HTTP ETag, quoted): ``v{variant id}-r{revision}``.

    It names the variant as well as the revision, so a tag copied from another variant never matches.
    """
    return None if variant is None else f"v{variant.id}-r{variant.revision}"


@dataclass(frozen=True)
class Precondition:
    """The version a writer started from: tags from If-Match, or ``create`` (If-None-Match: *)."""

    tags: tuple[str, ...] = ()
    create: bool = False

    def require(self) -> Precondition:
        if not self.tags and not self.create:
            raise RevisionRequired()
        return self

    def expected_revision(self, variant: Variant | None) -> tuple[bool, int]:
        """(matches, the revision the writer claims to start from)."""
        if self.create:
            return variant is None, 0
        claimed = [tuple(map(int, m.groups())) for t in self.tags if (m := _TAG.match(t))]
        if variant is None:
            return False, claimed[0][1] if claimed else 0
        mine = [revision for variant_id, revision in claimed if variant_id == variant.id]
        if variant.revision in mine:
            return True, variant.revision
        return False, (mine or [revision for _, revision in claimed] or [0])[0]


@dataclass
class SaveResult:
    """What a write did: the saved variant, or the refusal to raise after the refused edit is committed."""

    article: Article
    variant: Variant | None
    refused: StaleWrite | None = None


@dataclass
class History:
    article: Article
    variant: Variant
    revisions: list[Revision]
    refused: list[RefusedEdit] = field(default_factory=list)


def _find(session: Session, principal: Principal, slug: str, language: str) -> tuple[Article, Variant]:
    require_language(principal, language)
    article = get_article(session, slug)
    variant = service.lock_variant(session, article, language)
    if variant is None:
        raise VariantNotFound(slug, language)
    return article, variant


def _check_source(session: Session, article: Article, language: str, translated_from: str | None,
                  source_revision: int | None) -> None:
    if language == article.source_language or translated_from is None:
        return
    if translated_from == language:
        raise SelfTranslation(language=language)
    latest = session.scalar(select(Variant.revision)
                            .where(Variant.article_id == article.id, Variant.language == translated_from))
    if latest is None:
        raise NoSuchSource(slug=article.slug, language=translated_from)
    if source_revision is not None and not 1 <= source_revision <= latest:
        raise NoSuchSourceRevision(slug=article.slug, language=translated_from, revision=source_revision)


def _check_status(principal: Principal, status: Status) -> None:
    if status is Status.PUBLISHED:
        require_role(principal, Role.EDITOR)


def _check_save(session: Session, principal: Principal, slug: str, language: str, text: VariantText,
                precondition: Precondition, status: Status, minor: bool, translated_from: str | None,
                source_revision: int | None, max_text_kb: int | None) -> tuple[Article, str | None]:
    """What a save is refused for before its precondition is compared; (article, source language).

    ``max_text_kb`` bounds each text (`Settings.max_text_kb`; None for a text the library already holds)."""
    require_language(principal, language)
    if minor and not principal.is_editor:
        raise MinorNotAllowed()
    _check_status(principal, status)
    precondition.require()
    text.validate(max_text_kb)
    article = get_article(session, slug)
    if language != article.source_language:
        translated_from = translated_from or article.source_language
    _check_source(session, article, language, translated_from, source_revision)
    return article, translated_from


def prepare_text(session: Session, principal: Principal, slug: str, language: str, text: VariantText,
                 precondition: Precondition, *, status: Status = Status.DRAFT, minor: bool = False,
                 translated_from: str | None = None, source_revision: int | None = None,
                 max_text_kb: int | None = DEFAULT_MAX_TEXT_KB) -> PreparedText | None:
    """The work `save_text` with the same arguments does without writing (the content checks, issue 13):
    call it in a read-only unit of work and pass the result to `save_text` as ``prepared``.

    It refuses what `save_text` would refuse before comparing the precondition, with the same errors;
    None when the precondition already fails (that text will be kept as a refused edit, not checked).
    """
    article, translated_from = _check_save(session, principal, slug, language, text, precondition, status, minor,
                                           translated_from, source_revision, max_text_kb)
    variant = session.scalar(select(Variant).where(Variant.article_id == article.id, Variant.language == language))
    if not precondition.expected_revision(variant)[0]:
        return None
    return service.prepare_text(session, article, language, text, translated_from=translated_from,
                                source_revision=source_revision)


def save_text(session: Session, principal: Principal, slug: str, language: str, text: VariantText,
              precondition: Precondition, *, status: Status = Status.DRAFT, minor: bool = False,
              translated_from: str | None = None, source_revision: int | None = None,
              comment: str | None = None, action: str = "variant.save", keep_refused: bool = True,
              override: str | None = None, at: datetime | None = None,
              prepared: PreparedText | None = None, max_text_kb: int | None = DEFAULT_MAX_TEXT_KB) -> SaveResult:
    """Save a new revision of a variant, or keep the text as a refused edit when the variant moved on.

    ``max_text_kb`` bounds each text (`Settings.max_text_kb`; None for a text the library already holds).

    ``keep_refused=False`` is for texts already kept elsewhere (a restore): a refusal then keeps nothing.
    ``override`` is an editor's reason to publish a text with error findings (see `_audit_override`).
    ``prepared`` is what `prepare_text` computed before this unit of work.
    """
    article, translated_from = _check_save(session, principal, slug, language, text, precondition, status, minor,
                                           translated_from, source_revision, max_text_kb)
    at = at or utcnow()
    variant = service.lock_variant(session, article, language)
    matches, expected = precondition.expected_revision(variant)
    if not matches:
        return _refuse(session, principal, article, language, variant, text, expected, at,
                       translated_from, source_revision, keep=keep_refused)
    before = variant.revision if variant else 0
    try:
        with session.begin_nested():
            saved = save_variant(session, article, language, text, status=status, by=principal.username,
                                 minor=minor, translated_from=translated_from, source_revision=source_revision,
                                 expected_revision=expected, comment=comment, at=at, publish_override=override,
                                 prepared=prepared)
    except (StaleRevision, IntegrityError):
        # Another writer created or saved the variant between our lock and our insert
        # (two creations of a new variant race on its unique key on PostgreSQL).
        variant = service.lock_variant(session, article, language)
        return _refuse(session, principal, article, language, variant, text, expected, at,
                       translated_from, source_revision, keep=keep_refused)
    audit.record(session, principal.username, action, article=slug, language=language, from_revision=before,
                 to_revision=saved.revision, detail=_detail(status, minor, comment), at=at)
    _audit_override(session, principal, slug, saved, at)
    return SaveResult(article, saved)


def _audit_override(session: Session, principal: Principal, slug: str, saved: Variant, at: datetime | None) -> None:
    """Log an override the content checks accepted: which errors were published, and why.

    The content checks (``library.quality``) refuse to publish a revision with error findings unless
    the save gives a reason, and keep the reason with the revision; the audit log says it too.
    """
    kept = override_for(session, saved, saved.revision)
    if kept is not None:
        audit.record(session, principal.username, "variant.override", article=slug, language=saved.language,
                     to_revision=saved.revision, detail=f"{', '.join(kept.codes)}: {kept.reason}", at=at)


def _detail(status: Status, minor: bool, comment: str | None) -> str:
    parts = [str(Status(status))] + (["minor"] if minor else []) + ([comment] if comment else [])
    return "; ".join(parts)


def _refuse(session: Session, principal: Principal, article: Article, language: str, variant: Variant | None,
            text: VariantText, expected: int, at: datetime, translated_from: str | None,
            source_revision: int | None, *, keep: bool) -> SaveResult:
    """Keep ``text`` as a refused edit of ``variant`` (when ``keep``) and return the 412 to raise."""
    current = variant.revision if variant else 0
    refused_id = None
    if variant is not None and keep:
        refused = RefusedEdit(variant_id=variant.id, based_on=expected, current_revision=current,
                              title=text.title, summary=text.summary, body=text.body, by=principal.username,
                              translated_from=translated_from, source_revision=source_revision, at=at)
        session.add(refused)
        session.flush()
        refused_id = refused.id
        audit.record(session, principal.username, "variant.refused", article=article.slug, language=language,
                     from_revision=expected, to_revision=current, detail=f"refused edit {refused_id}", at=at)
    error = StaleWrite(article.slug, language, expected, current, version=version_tag(variant), refused_id=refused_id)
    return SaveResult(article, variant, error)


#: action -> (states it may start from, resulting state, minimum role)
TRANSITIONS = {
    "submit": ({Status.DRAFT}, Status.IN_REVIEW, Role.TRANSLATOR),
    "publish": ({Status.IN_REVIEW}, Status.PUBLISHED, Role.EDITOR),
    "reject": ({Status.IN_REVIEW}, Status.DRAFT, Role.EDITOR),
}


def _check_transition(variant: Variant, slug: str, action: str, precondition: Precondition,
                      comment: str | None) -> None:
    allowed_from, _, _ = TRANSITIONS[action]
    matches, expected = precondition.expected_revision(variant)
    if not matches:
        raise StaleWrite(slug, variant.language, expected, variant.revision, version=version_tag(variant),
                         refused_id=None)
    if Status(variant.status) not in allowed_from:
        raise InvalidTransition(slug=slug, language=variant.language, status=variant.status, action=action)
    if action == "reject" and not (comment or "").strip():
        raise CommentRequired()


def _current_text(variant: Variant) -> VariantText:
    return VariantText(variant.title, variant.summary, variant.body)


def prepare_transition(session: Session, principal: Principal, slug: str, language: str, action: str,
                       precondition: Precondition, *, comment: str | None = None) -> PreparedText:
    """The checks of the text a `transition` saves again, run before its unit of work (like
    `prepare_text`), refusing what the transition would refuse, with the same errors."""
    require_role(principal, TRANSITIONS[action][2])
    require_language(principal, language)  # who may, before what the request lacks
    precondition.require()
    article, variant = working_copy(session, principal, slug, language)
    _check_transition(variant, slug, action, precondition, comment)
    return service.prepare_text(session, article, language, _current_text(variant),
                                translated_from=variant.translated_from, source_revision=variant.source_revision)


def transition(session: Session, principal: Principal, slug: str, language: str, action: str,
               precondition: Precondition, *, comment: str | None = None, override: str | None = None,
               at: datetime | None = None, prepared: PreparedText | None = None) -> Variant:
    """Move a variant to its next state; the text is unchanged, so the new revision is minor.

    Publishing a text with error findings needs ``override``, the editor's reason (`_audit_override`).
    ``prepared`` is what `prepare_transition` (or `prepare_text`, for the same text) computed before.
    """
    _, target, minimum = TRANSITIONS[action]
    require_role(principal, minimum)
    require_language(principal, language)  # who may, before what the request lacks
    precondition.require()
    article, variant = _find(session, principal, slug, language)
    _check_transition(variant, slug, action, precondition, comment)
    before = variant.revision
    saved = save_variant(session, article, language, _current_text(variant), status=target, by=principal.username,
                         minor=True, translated_from=variant.translated_from, source_revision=variant.source_revision,
                         expected_revision=before, comment=comment, at=at, publish_override=override,
                         prepared=prepared)
    audit.record(session, principal.username, f"variant.{action}", article=slug, language=language,
                 from_revision=before, to_revision=saved.revision, detail=comment or "", at=at)
    _audit_override(session, principal, slug, saved, at)
    return saved


@dataclass(frozen=True)
class _Restored:
    text: VariantText
    translated_from: str | None
    source_revision: int | None
    label: str


def _restored(session: Session, slug: str, language: str, variant: Variant, revision: int | None,
              refused_id: int | None) -> _Restored:
    """The text a restore saves again: an old revision's, or a refused edit's."""
    if refused_id is not None:
        old = session.get(RefusedEdit, refused_id)
        if old is None or old.variant_id != variant.id:
            raise RefusedEditNotFound(slug=slug, language=language, refused_id=refused_id)
        label = f"restored refused edit {refused_id}"
    else:
        old = session.scalar(select(Revision).where(Revision.variant_id == variant.id, Revision.number == revision))
        if old is None:
            raise RevisionNotFound(slug=slug, language=language, revision=revision)
        label = f"restored revision {revision}"
    # The restored text keeps the source revision it was translated from, so restoring an old
    # translation brings back its outdated flag too.
    return _Restored(VariantText(old.title, old.summary, old.body), old.translated_from, old.source_revision, label)


def prepare_restore(session: Session, principal: Principal, slug: str, language: str, precondition: Precondition,
                    *, revision: int | None = None, refused_id: int | None = None) -> PreparedText | None:
    """The checks of the text a `restore` saves, run before its unit of work (see `prepare_text`)."""
    _, variant = working_copy(session, principal, slug, language)
    old = _restored(session, slug, language, variant, revision, refused_id)
    return prepare_text(session, principal, slug, language, old.text, precondition,
                        translated_from=old.translated_from, source_revision=old.source_revision, max_text_kb=None)


def restore(session: Session, principal: Principal, slug: str, language: str, precondition: Precondition, *,
            revision: int | None = None, refused_id: int | None = None, at: datetime | None = None,
            prepared: PreparedText | None = None) -> SaveResult:
    """Save an old revision's text (or a refused edit's) as a new draft revision; history only grows."""
    require_language(principal, language)
    _, variant = _find(session, principal, slug, language)
    old = _restored(session, slug, language, variant, revision, refused_id)
    return save_text(session, principal, slug, language, old.text, precondition, translated_from=old.translated_from,
                     source_revision=old.source_revision, comment=old.label, action="variant.restore",
                     keep_refused=False, at=at, prepared=prepared, max_text_kb=None)


def working_copy(session: Session, principal: Principal, slug: str, language: str) -> tuple[Article, Variant]:
    """The variant as the workflow sees it (drafts included): only for people who may work in ``language``."""
    require_language(principal, language)
    article = get_article(session, slug)
    variant = session.scalar(select(Variant).where(Variant.article_id == article.id, Variant.language == language))
    if variant is None:
        raise VariantNotFound(slug, language)
    return article, variant


def history(session: Session, principal: Principal, slug: str, language: str) -> History:
    """Every revision of the variant, oldest first, and every refused edit beside them."""
    article, variant = working_copy(session, principal, slug, language)
    revisions = list(session.scalars(select(Revision).where(Revision.variant_id == variant.id)
                                     .order_by(Revision.number)))
    refused = list(session.scalars(select(RefusedEdit).where(RefusedEdit.variant_id == variant.id)
                                   .order_by(RefusedEdit.id)))
    return History(article, variant, revisions, refused)
