"""Message templates of the workflow, marked for the interface catalogs and formatted late.

Errors and import-report lines keep their English template and their facts apart, so the web layer
can translate the template into the reader's language (``library.catalogs``) and then fill in the
facts; the CLI and the logs use the English text. Templates use named brace fields (``{language}``),
which ``library catalogs check`` verifies in every translation.
"""

from __future__ import annotations

from collections.abc import Mapping

from library.catalogs.lazy import N_
from library.errors import Translate, render

__all__ = ["N_", "Place", "Translate", "render", "render_place"]

Place = tuple[str, Mapping[str, object]]
"""Where something is, as a template and its facts: (N_("line {line}"), {"line": 12})."""


def render_place(place: Place, translate: Translate | None = None) -> str:
    return render(place[0], place[1], translate)
