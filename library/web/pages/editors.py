"""The editors' coverage dashboard and the translators' workbench, as server-rendered pages.

Who may open what is decided by `library.workflow.permissions`, as for the API: nobody signed in is
sent to the login page (the pages' error handler turns `NotAuthenticated` into that redirect), an
account without the right gets a 403 page in the reader's language. The dashboard reads
`library.coverage.report.coverage_report` (a fixed number of queries); the workbench reads the
workflow's queue and saves through `library.workflow.review.save_text` with the variant's version,
so a translator who started from an older revision gets both texts back, never an overwrite.

The workbench works segment by segment (issue 18): each segment of the source beside its own field,
its inline markup as protected tokens; what is saved is rebuilt with the source's markup
(`library.workflow.editor.segment_text_of`), so a translator never types HTML. It is a plain form
(``seg-<id>`` fields); `site.js` adds the keyboard and the live progress.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated

from babel.numbers import format_percent
from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from library.catalogs.lazy import N_, use_translator
from library.content.segments import TOKEN, Segment
from library.coverage.report import coverage_report
from library.errors import render as render_message
from library.memory import machine
from library.quality.errors import QualityBlocked
from library.quality.findings import Note
from library.reading import section_name
from library.storage import read_only, session_scope
from library.web.auth import session_principal
from library.web.pages import chart, routes
from library.web.pages.templating import short_date
from library.workflow.editor import EditorView, editor_view, segment_text_of
from library.workflow.models import Role
from library.workflow.permissions import require_editor, require_language, require_role
from library.workflow.queue import localized_queue, queue
from library.workflow.review import (
    Precondition,
    prepare_text,
    prepare_transition,
    save_text,
    transition,
    version_tag,
)

COVERAGE = N_("Translation coverage")
WORKBENCH = N_("Translation workbench")
CHART_TITLE = N_("Published share of articles over time, per language")
CHART_SERIES = N_("{language}: {percent} on {date}")


def _percent(value: float, locale: str) -> str:
    """``value`` % in CLDR's format for ``locale`` ("12.5%", "12,5 %"): a stored language's code, since
    Babel has no kk_Latn (its digits and signs are the same as kk's)."""
    return format_percent(value / 100, "#,##0.0%", locale=locale)


def _section_names(registry, language: str, sections) -> dict[str, tuple[str, str]]:
    """slug -> (name, the language it is in), named as the reader API names them (`list_sections`)."""
    reader = registry.get(language)
    return {s.slug: section_name(s.names, reader, s.slug) for s in sections}


def _history_lines(report, registry, language: str) -> list[chart.Line]:
    today = date.today()
    lines = []
    for series, total in zip(report.history, report.coverage.by_language, strict=True):
        points = [(p.day, p.cell.percent("published")) for p in series.points]
        if not points or points[-1][0] < today:
            points.append((today, total.percent("published")))
        lines.append(chart.Line(registry.name_of(series.language, language), points))
    return lines


def _chart(state, report, language: str):
    translator = state.catalogs.translator(language)
    lines = _history_lines(report, state.languages, language)
    with use_translator(translator):
        desc = "; ".join(translator.gettext(CHART_SERIES).format(
            language=line.label, percent=_percent(line.points[-1][1], translator.locale),
            date=short_date(line.points[-1][0])) for line in lines)
        return chart.line_chart(lines, title=translator.gettext(CHART_TITLE), desc=desc, fmt_date=short_date,
                                fmt_percent=lambda v: _percent(v, translator.locale))


@get("/{lang:str}/editor/coverage", include_in_schema=False, sync_to_thread=True)
def dashboard(request: Request, lang: FromPath[str]) -> Response:
    language = routes.check_language(request, lang)
    principal = require_editor(session_principal(request))
    state = request.app.state
    with session_scope(state.engine, write=False) as session:
        report = coverage_report(session, state.languages.codes, locales_dir=state.settings.locales_dir)
    names = state.languages.names_in(language)
    return routes.html(request, routes.page_for(request, language, "/editor/coverage"), "dashboard.html",
                       heading=COVERAGE, report=report, names=names, principal=principal,
                       section_names=_section_names(state.languages, language, report.coverage.sections),
                       chart=_chart(state, report, language),
                       percent=lambda v: _percent(v, state.languages.get(language).stored))


@get("/{lang:str}/translate", include_in_schema=False, sync_to_thread=True)
def workbench(request: Request, lang: FromPath[str]) -> Response:
    language = routes.check_language(request, lang)
    principal = require_role(session_principal(request), Role.TRANSLATOR)
    state = request.app.state
    mine = principal.languages or state.languages.codes
    translator = state.catalogs.translator(language)
    with session_scope(state.engine, write=False) as session:
        queues = [localized_queue(queue(session, state.languages, principal, code, limit=25), translator)
                  for code in mine]
    return routes.html(request, routes.page_for(request, language, "/translate"), "workbench.html",
                       heading=WORKBENCH, queues=queues, names=state.languages.names_in(language),
                       principal=principal)


def _localized(request: Request, language: str, notes: list[Note]) -> list[Note]:
    translator = request.app.state.catalogs.translator(language)
    return [note.localized(translator) for note in notes]


def _read_view(state, principal, slug: str, target: str) -> EditorView:
    """The editor's view (`library.workflow.editor`) in a read-only unit of work of its own (after a
    write has committed)."""
    return read_only(state.engine, editor_view, state.languages, principal, slug, target,
                     engine=machine.engine(state.settings.machine_translation))


def _editor(request: Request, language: str, principal, view: EditorView, *, status: int = 200,
            mine: dict | None = None, conflict: bool = False, problems: dict | None = None,
            notice: str | None = None, alert: bool = False) -> Response:
    """The workbench page. ``mine``: the translator's segments as sent (kept in the form, and beside the
    saved ones when ``conflict``); ``problems``: why some of them could not be saved, by segment id."""
    state = request.app.state
    page = routes.page_for(request, language, f"/translate/{view.slug}/{view.target}")
    view = replace(view, findings=_localized(request, language, view.findings))
    translator = state.catalogs.translator(language)
    shown = {key: render_message(template, facts, translator.gettext)
             for key, (template, facts) in (problems or {}).items()}
    return routes.html(request, page, "translate.html", status=status, heading=WORKBENCH, view=view,
                       mine=mine, conflict=conflict, problems=shown, notice=notice, token_pieces=token_pieces,
                       alert=alert or conflict or bool(problems),
                       names=state.languages.names_in(language), principal=principal)


@get("/{lang:str}/translate/{slug:str}/{target:str}", include_in_schema=False, sync_to_thread=True)
def translate_form(request: Request, lang: FromPath[str], slug: FromPath[str], target: FromPath[str]) -> Response:
    language = routes.check_language(request, lang)
    principal = require_language(session_principal(request), target)
    state = request.app.state
    state.languages.get(target)
    view = _read_view(state, principal, slug, target)
    return _editor(request, language, principal, view)


SAVED = N_("Saved.")
NOT_SAVED = N_("Not saved: some segments need your attention (marked below). Your text is kept in the form.")
BLOCKED = N_("Not published: the content checks found errors in this text. Correct it, or give a reason "
             "to publish it all the same.")
CONFLICT = N_("Someone else saved this translation after you opened it. Where your segments differ from "
              "theirs, both are shown: merge them into the form and save again.")


def token_pieces(segment: Segment) -> list[tuple[str, str, str]]:
    """("text" | "token", text, the markup a token stands for) of a segment's source, for the page."""
    codes = {code.number: code for code in segment.codes}
    pieces, position = [], 0
    for match in TOKEN.finditer(segment.text):
        pieces.append(("text", segment.text[position:match.start()], ""))
        code = codes.get(int(match[2]))
        markup = (code.closing if match[1] else code.opening) if code else ""
        pieces.append(("token", match.group(), markup if code is None or code.tag else markup))
        position = match.end()
    pieces.append(("text", segment.text[position:], ""))
    return [piece for piece in pieces if piece[1]]


#: Form fields of the segments: ``seg-`` and the segment's id.
SEGMENT_FIELD = "seg-"


@post("/{lang:str}/translate/{slug:str}/{target:str}/save", include_in_schema=False, sync_to_thread=True)
def save(request: Request, lang: FromPath[str], slug: FromPath[str], target: FromPath[str],
         data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response:
    """A draft of the segments sent (empty ones stay empty), or with ``action=submit`` every segment,
    rebuilt with the markup of the source revision the form was made from."""
    language = routes.check_language(request, lang)
    principal = require_language(session_principal(request), target)
    state = request.app.state
    mine = {key[len(SEGMENT_FIELD):]: value.replace("\r\n", "\n") for key, value in data.items()
            if key.startswith(SEGMENT_FIELD)}
    version = data.get("version", "")
    precondition = Precondition(tags=(version,)) if version else Precondition(create=True)
    source = {"translated_from": data.get("source_language") or None,
              "source_revision": int(data["source_revision"]) if data.get("source_revision", "").isdigit() else None}
    submit = data.get("action") == "submit"
    text, _, problems = read_only(state.engine, segment_text_of, state.languages, principal, slug, target,
                                  source["translated_from"] or "", source["source_revision"], mine, complete=submit)
    view = _read_view(state, principal, slug, target)
    if text is None:
        return _editor(request, language, principal, view, status=422, mine=mine, problems=problems or
                       {"": (NOT_SAVED, {})}, notice=NOT_SAVED)
    prepared = read_only(state.engine, prepare_text, principal, slug, target, text, precondition, **source,
                         max_text_kb=state.settings.max_text_kb)
    with session_scope(state.engine) as session:
        result = save_text(session, principal, slug, target, text, precondition, **source, prepared=prepared,
                           max_text_kb=state.settings.max_text_kb)
        if result.refused is None and submit:
            transition(session, principal, slug, target, "submit",
                       Precondition(tags=(version_tag(result.variant),)), prepared=prepared)
    view = _read_view(state, principal, slug, target)
    if result.refused is not None:
        return _editor(request, language, principal, view, status=409, mine=mine, conflict=True, notice=CONFLICT)
    return _editor(request, language, principal, view, notice=SAVED)


@post("/{lang:str}/translate/{slug:str}/{target:str}/review", include_in_schema=False, sync_to_thread=True)
def review(request: Request, lang: FromPath[str], slug: FromPath[str], target: FromPath[str],
           data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response:
    """Editors publish a translation in review, or send it back to draft with a comment."""
    language = routes.check_language(request, lang)
    principal = require_editor(session_principal(request))
    action = "publish" if data.get("action") == "publish" else "reject"
    state = request.app.state
    condition, comment = Precondition(tags=(data.get("version", ""),)), data.get("comment") or None
    try:
        prepared = read_only(state.engine, prepare_transition, principal, slug, target, action, condition,
                             comment=comment)
        with session_scope(state.engine) as session:
            transition(session, principal, slug, target, action, condition, comment=comment,
                       override=data.get("override") or None, prepared=prepared)
    except QualityBlocked:
        # The findings are on the page again, beside the form that takes the override reason.
        view = _read_view(state, principal, slug, target)
        return _editor(request, language, principal, view, status=409, notice=BLOCKED, alert=True)
    return Redirect(f"/{language}/translate/{slug}/{target}", status_code=303)


ROUTES = [dashboard, workbench, translate_form, save, review]
