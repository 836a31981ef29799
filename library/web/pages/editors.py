"""The editors' coverage dashboard and the translators' workbench, as server-rendered pages.

Both need a signed-in account (`signin`): a reader is sent to the login page. The dashboard reads
`library.coverage.report.coverage_report` (a fixed number of queries); the workbench reads the
workflow's queue and saves through `library.workflow.review.save_text` with the variant's version,
so a translator who started from an older revision gets both texts back, never an overwrite.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from babel.numbers import format_percent
from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect
from sqlalchemy import select

from library.catalogs.lazy import N_, use_translator
from library.content.models import Revision, Variant
from library.content.service import VariantText, get_article
from library.coverage.report import coverage_report
from library.quality.errors import QualityBlocked
from library.quality.findings import Note, current_notes
from library.reading import derive_name, section_name
from library.storage import session_scope
from library.web.pages import chart, routes
from library.web.pages.signin import login_redirect, signed_in
from library.web.pages.templating import short_date
from library.workflow.accounts import require_role
from library.workflow.diff import field_diffs
from library.workflow.models import Role
from library.workflow.queue import best_source, localized_queue, queue
from library.workflow.review import Precondition, save_text, transition, version_tag

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
    return {s.slug: derive_name(*section_name(s.names, reader.chain, s.slug), reader) for s in sections}


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
    principal = signed_in(request)
    if principal is None:
        return login_redirect(request, language)
    require_role(principal, Role.EDITOR)
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
    principal = signed_in(request)
    if principal is None:
        return login_redirect(request, language)
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


def _read_view(state, slug: str, target: str) -> dict:
    """`_editor_view` in a read-only unit of work of its own (after a write has committed)."""
    with session_scope(state.engine, write=False) as session:
        return _editor_view(session, state.languages, slug, target)


def _editor_view(session, registry, slug: str, target: str) -> dict:
    """What the side-by-side editor shows: the source, the target as it stands, the source's diff
    since the target was translated, and what the content checks found in the target's current text."""
    article = get_article(session, slug)
    variants = {v.language: v for v in session.scalars(select(Variant).where(Variant.article_id == article.id))}
    current = variants.get(target)
    source = best_source(article.source_language, registry.chain(target), variants)
    diffs = []
    if current is not None and current.outdated and current.source_revision and current.translated_from:
        origin = variants.get(current.translated_from)
        old = session.scalar(select(Revision).where(Revision.variant_id == origin.id,
                                                    Revision.number == current.source_revision)) if origin else None
        if old is not None:
            fields = ("title", "summary", "body")
            diffs = field_diffs({f: getattr(old, f) for f in fields}, {f: getattr(origin, f) for f in fields},
                                old_label=f"r{old.number}", new_label=f"r{origin.revision}")
    return {"slug": slug, "target": target, "source": _text(source), "source_language": source.language,
            "source_revision": source.revision, "current": _text(current) if current else None,
            "status": current.status if current else None, "version": version_tag(current) or "",
            "diffs": diffs, "findings": current_notes(session, [current.id]).get(current.id, []) if current else []}


def _text(variant) -> dict[str, str]:
    return {"title": variant.title, "summary": variant.summary, "body": variant.body}


def _editor(request: Request, language: str, principal, view: dict, *, status: int = 200,
            mine: dict | None = None, notice: str | None = None, alert: bool = False) -> Response:
    state = request.app.state
    page = routes.page_for(request, language, f"/translate/{view['slug']}/{view['target']}")
    view = {**view, "findings": _localized(request, language, view["findings"])}
    return routes.html(request, page, "translate.html", status=status, heading=WORKBENCH, view=view,
                       mine=mine, notice=notice, alert=alert or mine is not None,
                       names=state.languages.names_in(language), principal=principal)


@get("/{lang:str}/translate/{slug:str}/{target:str}", include_in_schema=False, sync_to_thread=True)
def translate_form(request: Request, lang: FromPath[str], slug: FromPath[str], target: FromPath[str]) -> Response:
    language = routes.check_language(request, lang)
    principal = signed_in(request)
    if principal is None:
        return login_redirect(request, language)
    state = request.app.state
    state.languages.get(target)
    view = _read_view(state, slug, target)
    return _editor(request, language, principal, view)


SAVED = N_("Saved.")
BLOCKED = N_("Not published: the content checks found errors in this text. Correct it, or give a reason "
             "to publish it all the same.")
CONFLICT = N_("Someone else saved this translation after you opened it. Both texts are shown below: "
              "merge them into the form and save again.")


@post("/{lang:str}/translate/{slug:str}/{target:str}/save", include_in_schema=False, sync_to_thread=True)
def save(request: Request, lang: FromPath[str], slug: FromPath[str], target: FromPath[str],
         data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response:
    language = routes.check_language(request, lang)
    principal = signed_in(request)
    if principal is None:
        return login_redirect(request, language)
    state = request.app.state
    mine = {f: data.get(f, "") for f in ("title", "summary", "body")}
    version = data.get("version", "")
    precondition = Precondition(tags=(version,)) if version else Precondition(create=True)
    source_revision = int(data["source_revision"]) if data.get("source_revision", "").isdigit() else None
    with session_scope(state.engine) as session:
        result = save_text(session, principal, slug, target, VariantText(**mine), precondition,
                           translated_from=data.get("source_language") or None, source_revision=source_revision,
                           max_text_kb=state.settings.max_text_kb)
        if result.refused is None and data.get("action") == "submit":
            transition(session, principal, slug, target, "submit",
                       Precondition(tags=(version_tag(result.variant),)))
    view = _read_view(state, slug, target)
    if result.refused is not None:
        return _editor(request, language, principal, view, status=409, mine=mine, notice=CONFLICT)
    return _editor(request, language, principal, view, notice=SAVED)


@post("/{lang:str}/translate/{slug:str}/{target:str}/review", include_in_schema=False, sync_to_thread=True)
def review(request: Request, lang: FromPath[str], slug: FromPath[str], target: FromPath[str],
           data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response:
    """Editors publish a translation in review, or send it back to draft with a comment."""
    language = routes.check_language(request, lang)
    principal = signed_in(request)
    if principal is None:
        return login_redirect(request, language)
    action = "publish" if data.get("action") == "publish" else "reject"
    state = request.app.state
    try:
        with session_scope(state.engine) as session:
            transition(session, principal, slug, target, action, Precondition(tags=(data.get("version", ""),)),
                       comment=data.get("comment") or None, override=data.get("override") or None)
    except QualityBlocked:
        # The findings are on the page again, beside the form that takes the override reason.
        view = _read_view(state, slug, target)
        return _editor(request, language, principal, view, status=409, notice=BLOCKED, alert=True)
    return Redirect(f"/{language}/translate/{slug}/{target}", status_code=303)


ROUTES = [dashboard, workbench, translate_form, save, review]
