"""Translators' view of reader demand: what readers wanted and did not get, most demanded first.

Open to everyone; the workflow state of unpublished texts (draft, in review) only for staff, signed
in by bearer token or session cookie (`library.workflow.permissions.may_see_states`), and the
searches that found nothing only for editors (a query may name a person). Not cached: demand moves
with every flush.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.datastructures import State
from litestar.params import QueryParameter

from library.demand.report import DEFAULT_LIMIT, MAX_LIMIT, UntranslatedReport, untranslated
from library.languages import negotiate
from library.reading import InvalidQuery
from library.reading.listing import whole_number as parse_whole_number
from library.web.api import whole_number
from library.web.auth import optional_principal
from library.web.problems import problem_responses
from library.workflow.models import Role
from library.workflow.permissions import has_role, may_see_states


@get(
    "/untranslated",
    summary="Missing and outdated article variants per language with their demand and views, "
    "interface strings missed at run time and, for editors, searches that found nothing",
    tags=["translation"],
    responses=problem_responses(400, 401, 404),
    sync_to_thread=True,
)
def untranslated_report(
    request: Request[Any, Any, State],
    lang: Annotated[str | None, QueryParameter(description="Only this language (default: every language).")] = None,
    section: Annotated[str | None, QueryParameter(description="Only this section (its slug).")] = None,
    limit: Annotated[str, whole_number("Articles and strings listed per language.", 1, MAX_LIMIT,
                                       default=DEFAULT_LIMIT)] = "",
) -> UntranslatedReport:
    state = request.app.state
    registry = state.languages
    languages = (negotiate(registry, explicit=lang).language,) if lang else registry.codes
    count = parse_whole_number("limit", limit, 1, MAX_LIMIT)
    count = DEFAULT_LIMIT if count is None else count
    if not 1 <= count <= MAX_LIMIT:
        raise InvalidQuery("limit", count, low=1, high=MAX_LIMIT)
    principal = optional_principal(request)
    return state.readers.read(untranslated, languages, section or None, count, states=may_see_states(principal),
                              searches=has_role(principal, Role.EDITOR))
