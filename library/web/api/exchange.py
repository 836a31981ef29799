"""CAT-tool exchange over HTTP: download a language's queue as PO or XLIFF, upload a filled file back.

An upload is checked as a whole before anything is written: a file with any error is refused with a
422 problem detail listing every problem (and nothing changes); otherwise the answer is the import
report (applied, conflicts, skipped).
"""

from __future__ import annotations

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromQuery, RawBody

from library.memory import machine
from library.storage import read_only, session_scope
from library.web.auth import Lang, Staff
from library.web.i18n import request_translator
from library.web.problems import problem_responses
from library.workflow.accounts import Principal
from library.workflow.exchange.report import ImportReport
from library.workflow.exchange.service import export_file, guess_format, import_file, prepare_import

PROBLEMS = problem_responses(401, 403, 422)
#: Every route: run in a worker thread (they use the database), errors documented as problem details.
ROUTE = {"sync_to_thread": True, "responses": PROBLEMS}


class ReportOut(msgspec.Struct):
    language: str
    format: str
    written: bool
    summary: dict[str, int]
    lines: list[str]


@get("/exchange/{language:str}", summary="The language's queue (or a section of it) as a PO or XLIFF file",
     **ROUTE)
def export_queue(request: Request, state: State, principal: Staff, language: Lang,
                 format: FromQuery[str] = "po", section: FromQuery[str | None] = None) -> Response[bytes]:
    engine = machine.engine(state.settings.machine_translation)
    with session_scope(state.engine, write=False) as session:
        exported = export_file(session, state.languages, principal, language, format,
                               base_url=str(request.base_url), section=section, engine=engine)
    return Response(exported.data, media_type=exported.media_type, headers={
        "Content-Disposition": f'attachment; filename="{exported.filename}"',
        "X-Library-Units": str(exported.units)})


def _import(state: State, principal: Principal, language: str, data: bytes, fmt: str, dry_run: bool) -> ImportReport:
    limit = state.settings.max_text_kb
    prepared = None if dry_run else read_only(state.engine, prepare_import, state.languages, principal, language,
                                              data, fmt, max_text_kb=limit)
    with session_scope(state.engine, write=not dry_run) as session:
        return import_file(session, state.languages, principal, language, data, fmt, dry_run=dry_run,
                           prepared=prepared, max_text_kb=limit)


@post("/exchange/{language:str}", summary="Import a filled PO or XLIFF file (all or nothing)", status_code=200,
      **ROUTE)
def import_translations(request: Request, state: State, principal: Staff, language: Lang, body: RawBody,
                        format: FromQuery[str | None] = None, dry_run: FromQuery[bool] = False) -> ReportOut:
    """The request body is the file itself (any content type); ``format`` defaults to what the content looks like.

    Report lines are in the interface language of the request (cookie, Accept-Language).
    """
    report = _import(state, principal, language, body, format or guess_format(None, body), dry_run)
    translator = request_translator(request)
    lines = report.messages(translate=translator.gettext if translator else None)
    return ReportOut(report.language, report.format, report.written, report.summary(), lines)
