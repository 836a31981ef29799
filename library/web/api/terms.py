"""The term base over HTTP: read by anyone, written with POST, PUT and DELETE.

Handlers parse and shape; `library.quality.terms` checks and stores. Writes are meant for editors:
the main branch has no accounts yet, so `writer` names nobody and lets every write through; when the
workflow's bearer-token principal lands, `writer` is where the editor role is required (issue 9).
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Response, Router, delete, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from library.quality import terms as service
from library.quality.models import Term
from library.storage import session_scope
from library.web.problems import PROBLEM_RESPONSES


class TermOut(msgspec.Struct):
    key: str
    forms: dict[str, str]
    """The form to use, per language; a trailing "(ABBR)" is an abbreviation that counts as the term."""
    forbidden: dict[str, list[str]]
    """Forms a text in that language must not use."""
    note: str
    updated_by: str | None
    updated_at: datetime


class TermIn(msgspec.Struct, forbid_unknown_fields=True):
    forms: dict[str, str]
    key: str = ""
    """Lower-case letters, digits, single hyphens; made from the English form when empty."""
    forbidden: dict[str, list[str]] = msgspec.field(default_factory=dict)
    note: str = ""

    def data(self) -> service.TermData:
        return service.TermData(self.key, self.forms, self.forbidden, self.note)


def _out(term: Term) -> TermOut:
    return TermOut(term.key, dict(term.forms), {k: list(v) for k, v in term.forbidden.items()}, term.note,
                   term.updated_by, term.updated_at)


Writer = NamedDependency[str | None]


def writer() -> str | None:
    """Who is writing. No accounts exist yet on this branch: nobody, and every write is allowed."""
    return None


@get("/", summary="The term base, by key", sync_to_thread=True, responses=PROBLEM_RESPONSES)
def list_terms(state: State, lang: FromQuery[str | None] = None, q: FromQuery[str | None] = None) -> list[TermOut]:
    with session_scope(state.engine, write=False) as session:
        return [_out(term) for term in service.list_terms(session, language=lang, query=q)]


@get("/{key:str}", summary="One term", sync_to_thread=True, responses=PROBLEM_RESPONSES)
def get_term(state: State, key: FromPath[str]) -> TermOut:
    with session_scope(state.engine, write=False) as session:
        return _out(service.get_term(session, key))


@post("/", summary="Add a term", sync_to_thread=True, responses=PROBLEM_RESPONSES)
def create_term(state: State, data: JSONBody[TermIn], by: Writer) -> Response[TermOut]:
    with session_scope(state.engine) as session:
        term = _out(service.create_term(session, data.data(), languages=state.settings.languages, by=by))
    return Response(term, status_code=201, headers={"Location": f"/api/v1/terms/{term.key}"})


@put("/{key:str}", summary="Replace a term (its key may change)", sync_to_thread=True,
     responses=PROBLEM_RESPONSES)
def update_term(state: State, key: FromPath[str], data: JSONBody[TermIn], by: Writer) -> TermOut:
    with session_scope(state.engine) as session:
        return _out(service.update_term(session, key, data.data(), languages=state.settings.languages, by=by))


@delete("/{key:str}", summary="Remove a term", sync_to_thread=True, responses=PROBLEM_RESPONSES)
def delete_term(state: State, key: FromPath[str], by: Writer) -> None:
    with session_scope(state.engine) as session:
        service.delete_term(session, key)


router = Router(path="/terms", route_handlers=[list_terms, get_term, create_term, update_term, delete_term],
                tags=["terms"], dependencies={"by": Provide(writer, sync_to_thread=False)})
