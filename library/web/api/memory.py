"""The translation memory over HTTP, for editors: the whole memory as TMX 1.4b, and a TMX file added to it.

An upload is read and checked whole before anything is written: a file with any problem is refused
with a 422 problem detail (``problems``: each with its line) and the memory is unchanged.
"""

from __future__ import annotations

import msgspec
from litestar import Response, Router, get, post
from litestar.datastructures import State
from litestar.params import RawBody

from library.memory import files
from library.memory.tmx import MEDIA_TYPE
from library.storage import session_scope
from library.web.auth import PRINCIPAL, Staff
from library.web.problems import problem_responses
from library.workflow.models import Role
from library.workflow.permissions import require_role

ROUTE = {"sync_to_thread": True, "responses": problem_responses(401, 403, 422)}


class ImportOut(msgspec.Struct):
    added: int
    unchanged: int
    """Units the memory (or the file itself) held already."""
    skipped: int
    """Translations into or out of languages this library does not hold."""


@get("/tmx", summary="The whole translation memory as a TMX 1.4b file (editors)", **ROUTE)
def export_memory(state: State, principal: Staff) -> Response[bytes]:
    require_role(principal, Role.EDITOR)
    with session_scope(state.engine, write=False) as session:
        data, count = files.export_tmx(session)
    return Response(data, media_type=MEDIA_TYPE, headers={
        "Content-Disposition": 'attachment; filename="library-memory.tmx"', "X-Library-Units": str(count)})


@post("/tmx", summary="Add a TMX file's units to the memory, all or none (editors)", status_code=200, **ROUTE)
def import_memory(state: State, principal: Staff, body: RawBody) -> ImportOut:
    """The request body is the TMX file itself (any content type)."""
    require_role(principal, Role.EDITOR)
    with session_scope(state.engine) as session:
        result = files.import_tmx(session, body, languages=state.settings.languages, by=principal.username,
                                  max_text_kb=state.settings.max_text_kb)
    return ImportOut(result.added, result.unchanged, result.skipped)


def router() -> Router:
    return Router(path="/memory", dependencies=PRINCIPAL, tags=["memory"],
                  route_handlers=[export_memory, import_memory])
