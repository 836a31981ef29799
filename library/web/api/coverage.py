"""Coverage API for editors: the language x section matrix as JSON or CSV, and its history.

Every route needs a bearer token of an editor or admin (401 without one, 403 for other roles, as the
workflow routes answer). ``lang`` and ``section`` may be repeated or comma-separated; an unknown
language is a 400 and an unknown section a 404 (problem details).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from litestar import Response, Router, get
from litestar.datastructures import State
from litestar.params import Parameter

from library.coverage import render
from library.coverage.history import coverage_history
from library.coverage.service import Coverage, compute_coverage, pick_languages
from library.storage import session_scope
from library.web.auth import PRINCIPAL, Staff
from library.web.problems import problem_responses
from library.workflow.models import Role
from library.workflow.permissions import Principal, require_role

T = TypeVar("T")
Codes = Annotated[list[str] | None, Parameter(description="Languages to report (repeat or comma-separate).")]
Slugs = Annotated[list[str] | None, Parameter(description="Section slugs to report (repeat or comma-separate).")]


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _read(state: State, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with session_scope(state.engine, write=False) as session:
        return work(session, *args, **kwargs)


def _coverage(state: State, principal: Principal, lang: list[str] | None, section: list[str] | None) -> Coverage:
    require_role(principal, Role.EDITOR)
    languages = pick_languages(state.settings.languages, _split(lang))
    return _read(state, compute_coverage, languages, _split(section) or None, locales_dir=state.settings.locales_dir)


ROUTE = {"sync_to_thread": True, "responses": problem_responses(401, 403)}


@get("/coverage", summary="Translation coverage per language and section, with totals", **ROUTE)
def coverage_json(state: State, principal: Staff, lang: Codes = None, section: Slugs = None) -> dict[str, Any]:
    """Published, in review, draft, missing and outdated articles per cell, by count and by source words,
    with reader demand for the missing ones, the variants whose current text the content checks flagged
    (``with_errors``, ``with_warnings``), totals per language and section, and interface catalogs."""
    return render.coverage_dict(_coverage(state, principal, lang, section))


@get("/coverage.csv", summary="Translation coverage as CSV", media_type="text/csv; charset=utf-8", **ROUTE)
def coverage_csv(state: State, principal: Staff, lang: Codes = None, section: Slugs = None) -> Response[str]:
    """One row per cell and per total (the ``scope`` column says which), the figures of the JSON."""
    text = render.coverage_csv(_coverage(state, principal, lang, section))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="coverage.csv"'})


@get("/coverage/history", summary="Coverage over time, one series per language", **ROUTE)
def coverage_history_json(
    state: State, principal: Staff, lang: Codes = None, section: Slugs = None,
    since: Annotated[date | None, Parameter(description="First day (ISO date); default: all history.")] = None,
) -> dict[str, Any]:
    """A point per day on which coverage was recorded: each section's latest figures summed."""
    require_role(principal, Role.EDITOR)
    languages = pick_languages(state.settings.languages, _split(lang))
    return render.history_dict(_read(state, coverage_history, languages, since, _split(section) or None))


def router() -> Router:
    return Router(path="/", dependencies=PRINCIPAL, tags=["coverage"],
                  route_handlers=[coverage_json, coverage_csv, coverage_history_json])
