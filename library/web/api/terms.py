"""The term base over HTTP: read by anyone, written (POST, PUT, DELETE) by editors and admins.

Handlers parse and shape; `library.quality.terms` checks and stores. Writes need a bearer token
(401 without one) of an editor or admin (403 otherwise), like the workflow's routes; the role is
checked here because the quality domain sits below the workflow and does not know accounts.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Response, Router, delete, get, post, put
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery, JSONBody

from library.quality import terms as service
from library.quality.models import Term
from library.storage import session_scope
from library.web.auth import PRINCIPAL, Staff
from library.web.problems import PROBLEM_RESPONSES, problem_responses
from library.workflow.models import Role
from library.workflow.permissions import Principal, require_role

#: Write routes: the signed-in account is required, and their errors include 401, 403 and 409.
WRITE = {"sync_to_thread": True, "dependencies": PRINCIPAL, "responses": problem_responses(401, 403, 409)}


class TermOut(service.TermFields):
    pass


class TermIn(msgspec.Struct, forbid_unknown_fields=True):
    forms: Annotated[dict[str, str], msgspec.Meta(min_length=1)]
    """The term's form per language code, at least one."""
    key: str = ""
    """Lower-case letters, digits, single hyphens; made from the English form when empty."""
    forbidden: dict[str, list[str]] = msgspec.field(default_factory=dict)
    note: str = ""

    def data(self) -> service.TermData:
        return service.TermData(self.key, self.forms, self.forbidden, self.note)


def _out(term: Term) -> TermOut:
    return TermOut(**service.fields_of(term))


def _editor(principal: Principal) -> str:
    """The username of an editor or admin; anyone else gets a 403."""
    require_role(principal, Role.EDITOR)
    return principal.username


@get("/", summary="The term base, by key", sync_to_thread=True, responses=PROBLEM_RESPONSES)
def list_terms(state: State, lang: FromQuery[str | None] = None, q: FromQuery[str | None] = None) -> list[TermOut]:
    with session_scope(state.engine, write=False) as session:
        return [_out(term) for term in service.list_terms(session, language=lang, query=q)]


@get("/{key:str}", summary="One term", sync_to_thread=True, responses=PROBLEM_RESPONSES)
def get_term(state: State, key: FromPath[str]) -> TermOut:
    with session_scope(state.engine, write=False) as session:
        return _out(service.get_term(session, key))


@post("/", summary="Add a term (editors)", **WRITE)
def create_term(state: State, data: JSONBody[TermIn], principal: Staff) -> Response[TermOut]:
    by = _editor(principal)
    with session_scope(state.engine) as session:
        term = _out(service.create_term(session, data.data(), languages=state.settings.languages, by=by))
    return Response(term, status_code=201, headers={"Location": f"/api/v1/terms/{term.key}"})


@put("/{key:str}", summary="Replace a term, whose key may change (editors)", **WRITE)
def update_term(state: State, key: FromPath[str], data: JSONBody[TermIn], principal: Staff) -> TermOut:
    by = _editor(principal)
    with session_scope(state.engine) as session:
        return _out(service.update_term(session, key, data.data(), languages=state.settings.languages, by=by))


@delete("/{key:str}", summary="Remove a term (editors)", **WRITE)
def delete_term(state: State, key: FromPath[str], principal: Staff) -> None:
    _editor(principal)
    with session_scope(state.engine) as session:
        service.delete_term(session, key)


router = Router(path="/terms", route_handlers=[list_terms, get_term, create_term, update_term, delete_term],
                tags=["terms"])
