"""Workflow routes: the translator queue, variant writes with If-Match, review states, history, audit.

Handlers parse HTTP (headers, query, body), call the workflow services in one unit of work (after
a read-only one that prepares a write's content checks, so the write lock is held briefly), and
shape the answer; who may do what is decided by the services. Writes answer with the new ETag; a
refused write commits its refused edit first and then answers 412 with the current revision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, post, put
from litestar.datastructures import State
from litestar.params import FromQuery, JSONBody, QueryParameter

from library.content.models import Status, Variant
from library.content.service import VariantText
from library.memory import machine
from library.quality.findings import current_notes
from library.storage import read_only, session_scope
from library.web.auth import PRINCIPAL, Lang, Slug, Staff, etag, precondition
from library.web.i18n import request_translator
from library.web.problems import problem_responses
from library.workflow import audit, review
from library.workflow.errors import RestoreWhat
from library.workflow.models import Role
from library.workflow.permissions import Principal, require_role
from library.workflow.queue import QueuePage, localized_queue, queue
from library.workflow.review import version_tag

PROBLEMS = problem_responses(401, 403, 409, 412, 428)
#: Every route: run in a worker thread (they use the database), errors documented as problem details.
ROUTE = {"sync_to_thread": True, "responses": PROBLEMS}


class FindingOut(msgspec.Struct):
    """What the content checks found in the variant's current revision."""

    code: str
    severity: str
    """``error`` (blocks publishing without an editor's override) or ``warning``."""
    message: str
    """In the request's interface language (Accept-Language, cookie)."""
    facts: dict[str, Any]


class VariantOut(msgspec.Struct):
    article: str
    language: str
    status: str
    revision: int
    published_revision: int | None
    outdated: bool
    translated_from: str | None
    source_revision: int | None
    title: str
    summary: str
    body: str
    updated_by: str | None
    updated_at: datetime
    version: str
    """The variant's version; the ETag header is this in quotes, to send back in If-Match."""
    findings: list[FindingOut] = []
    """What the content checks found in this revision, errors first."""


class VariantWrite(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    summary: str = ""
    body: str = ""
    status: Status = Status.DRAFT
    """draft (default) or in_review; published only for editors."""
    minor: bool = False
    """Editors only: a typo fix that does not outdate translations of this text."""
    translated_from: str | None = None
    source_revision: int | None = None
    """The source revision translated (the queue item's source.revision); default: the current one."""
    comment: str | None = None
    override: str | None = None
    """Editors publishing a text whose content checks found errors: the reason to publish it anyway
    (kept with the revision and in the audit log). Without it such a text is refused with 409."""


class Comment(msgspec.Struct, forbid_unknown_fields=True):
    comment: str | None = None


class PublishRequest(msgspec.Struct, forbid_unknown_fields=True):
    comment: str | None = None
    override: str | None = None
    """The reason to publish a text whose content checks found errors (409 without it)."""


class RestoreRequest(msgspec.Struct, forbid_unknown_fields=True):
    revision: int | None = None
    refused: int | None = None


class HistoryEntry(msgspec.Struct, omit_defaults=True):
    kind: str
    """``revision``, or ``refused``: a write refused with 412, kept so its text is not lost."""
    at: datetime
    by: str | None
    title: str
    summary: str
    body: str
    number: int | None = None
    status: str | None = None
    minor: bool = False
    comment: str | None = None
    translated_from: str | None = None
    source_revision: int | None = None
    refused_id: int | None = None
    based_on: int | None = None
    lost_to: int | None = None


class HistoryOut(msgspec.Struct):
    article: str
    language: str
    revision: int
    published_revision: int | None
    version: str
    entries: list[HistoryEntry]


class AuditOut(audit.AuditFields):
    id: int


def variant_out(slug: str, variant: Variant, findings: list[FindingOut] | None = None) -> VariantOut:
    return VariantOut(slug, variant.language, variant.status, variant.revision, variant.published_revision,
                      variant.outdated, variant.translated_from, variant.source_revision, variant.title,
                      variant.summary, variant.body, variant.updated_by, variant.updated_at,
                      version_tag(variant), findings or [])


def _findings(request: Request, session, variant: Variant) -> list[FindingOut]:
    """The current revision's findings, their messages in the request's interface language."""
    notes = current_notes(session, [variant.id]).get(variant.id, [])
    translator = request_translator(request)
    if translator is not None:
        notes = [note.localized(translator) for note in notes]
    return [FindingOut(note.code, note.severity, note.message, dict(note.facts)) for note in notes]


def _answer(request: Request, session, slug: str, variant: Variant, status_code: int = 200) -> Response[VariantOut]:
    """The variant as saved, read in the unit of work that saved it (its findings too)."""
    body = variant_out(slug, variant, _findings(request, session, variant))
    return Response(body, status_code=status_code, headers={"ETag": etag(variant)})


@get("/queue", summary="Missing and outdated variants of a language, most wanted first", **ROUTE)
def get_queue(request: Request, state: State, principal: Staff, lang: FromQuery[str],
              section: FromQuery[str | None] = None,
              limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
              offset: Annotated[int, QueryParameter(ge=0)] = 0, suggestions: FromQuery[bool] = True) -> QueuePage:
    """Each item's ``findings`` are in the request's interface language (Accept-Language, cookie).

    Each item's ``suggestions`` list its source's segments (title, summary, paragraphs), each with the
    translation memory's suggestions (kind ``memory``: exact, then fuzzy from 70 %, with ``match``, the
    ``changes`` from the stored source to the current one, and ``breaks_terms``), then the machine
    translation's (kind ``machine``) when the site configures an engine; ``suggestions=false`` leaves
    them out (a quicker page)."""
    engine = machine.engine(state.settings.machine_translation)
    with session_scope(state.engine, write=False) as session:
        page = queue(session, state.languages, principal, lang, section=section, limit=limit, offset=offset,
                     suggestions=suggestions, engine=engine)
    translator = request_translator(request)
    return page if translator is None else localized_queue(page, translator)


@get("/variants/{slug:str}/{language:str}", summary="A variant's working copy (drafts included) and ETag",
     **ROUTE)
def get_variant(request: Request, state: State, principal: Staff, slug: Slug,
                language: Lang) -> Response[VariantOut]:
    with session_scope(state.engine, write=False) as session:
        _, variant = review.working_copy(session, principal, slug, language)
        return _answer(request, session, slug, variant)


@put("/variants/{slug:str}/{language:str}", summary="Save a new revision (If-Match required)",
     **ROUTE)
def put_variant(request: Request, state: State, principal: Staff, slug: Slug, language: Lang,
                data: JSONBody[VariantWrite]) -> Response[VariantOut]:
    state.languages.get(language)
    condition = precondition(request)
    text = VariantText(data.title, data.summary, data.body)
    options = {"status": data.status, "minor": data.minor, "translated_from": data.translated_from,
               "source_revision": data.source_revision}
    prepared = read_only(state.engine, review.prepare_text, principal, slug, language, text, condition, **options,
                         max_text_kb=state.settings.max_text_kb)
    with session_scope(state.engine) as session:
        result = review.save_text(session, principal, slug, language, text, condition, **options,
                                  comment=data.comment, override=data.override, prepared=prepared,
                                  max_text_kb=state.settings.max_text_kb)
        if result.refused is None:
            answer = _answer(request, session, slug, result.variant, 200 if result.variant.revision > 1 else 201)
    if result.refused is not None:
        raise result.refused  # after the commit: the refused edit is kept
    return answer


def _transition(request: Request, state: State, principal: Principal, slug: str, language: str, action: str,
                comment: str | None = None, override: str | None = None) -> Response[VariantOut]:
    condition = precondition(request)
    prepared = read_only(state.engine, review.prepare_transition, principal, slug, language, action, condition,
                         comment=comment)
    with session_scope(state.engine) as session:
        variant = review.transition(session, principal, slug, language, action, condition, comment=comment,
                                    override=override, prepared=prepared)
        return _answer(request, session, slug, variant)


@post("/variants/{slug:str}/{language:str}/submit", summary="Draft -> in review", **ROUTE)
def submit(request: Request, state: State, principal: Staff, slug: Slug, language: Lang) -> Response[VariantOut]:
    return _transition(request, state, principal, slug, language, "submit")


@post("/variants/{slug:str}/{language:str}/publish", summary="In review -> published (editors)",
      **ROUTE)
def publish(request: Request, state: State, principal: Staff, slug: Slug, language: Lang,
            data: JSONBody[PublishRequest | None] = None) -> Response[VariantOut]:
    data = data or PublishRequest()
    return _transition(request, state, principal, slug, language, "publish", data.comment, data.override)


@post("/variants/{slug:str}/{language:str}/reject", summary="In review -> draft, with a comment (editors)",
      **ROUTE)
def reject(request: Request, state: State, principal: Staff, slug: Slug, language: Lang,
           data: JSONBody[Comment]) -> Response[VariantOut]:
    return _transition(request, state, principal, slug, language, "reject", data.comment)


@post("/variants/{slug:str}/{language:str}/restore",
      summary="Save an old revision (or a refused edit) as a new draft revision", **ROUTE)
def restore(request: Request, state: State, principal: Staff, slug: Slug, language: Lang,
            data: JSONBody[RestoreRequest]) -> Response[VariantOut]:
    condition = precondition(request)
    if (data.revision is None) == (data.refused is None):
        raise RestoreWhat()
    chosen = {"revision": data.revision, "refused_id": data.refused}
    prepared = read_only(state.engine, review.prepare_restore, principal, slug, language, condition, **chosen)
    with session_scope(state.engine) as session:
        result = review.restore(session, principal, slug, language, condition, **chosen, prepared=prepared)
        if result.refused is None:
            answer = _answer(request, session, slug, result.variant)
    if result.refused is not None:
        raise result.refused
    return answer


@get("/variants/{slug:str}/{language:str}/history", summary="Every revision and refused edit, oldest first",
     **ROUTE)
def history(state: State, principal: Staff, slug: Slug, language: Lang) -> HistoryOut:
    with session_scope(state.engine, write=False) as session:
        found = review.history(session, principal, slug, language)
    entries = [HistoryEntry("revision", r.changed_at, r.changed_by, r.title, r.summary, r.body, number=r.number,
                            status=r.status, minor=r.minor, comment=r.comment, translated_from=r.translated_from,
                            source_revision=r.source_revision) for r in found.revisions]
    entries += [HistoryEntry("refused", e.at, e.by, e.title, e.summary, e.body, refused_id=e.id,
                             based_on=e.based_on, lost_to=e.current_revision, translated_from=e.translated_from,
                             source_revision=e.source_revision) for e in found.refused]
    entries.sort(key=lambda e: (e.number if e.number is not None else e.lost_to, e.kind != "revision", e.at))
    v = found.variant
    return HistoryOut(slug, language, v.revision, v.published_revision, version_tag(v), entries)


@get("/audit", summary="The audit log, newest first (editors)", **ROUTE)
def audit_log(state: State, principal: Staff, article: FromQuery[str | None] = None,
              language: FromQuery[str | None] = None, actor: FromQuery[str | None] = None,
              before: FromQuery[int | None] = None,
              limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100) -> list[AuditOut]:
    require_role(principal, Role.EDITOR)
    with session_scope(state.engine, write=False) as session:
        rows = audit.entries(session, article=article, language=language, actor=actor, before_id=before,
                             limit=limit)
        return [AuditOut(r.id, **audit.fields_of(r)) for r in rows]


def router() -> Router:
    from library.web.api.exchange import export_queue, import_translations

    return Router(path="/workflow", dependencies=PRINCIPAL, tags=["workflow"], route_handlers=[
        get_queue, get_variant, put_variant, submit, publish, reject, restore, history, audit_log,
        export_queue, import_translations])
