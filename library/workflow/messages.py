"""Message templates of the workflow, marked for the interface catalogs and formatted late.

Errors and import-report lines keep their English template and their facts apart, so the web layer
can translate the template into the reader's language and then fill in the facts; the CLI and the
logs use the English text. `N_` only marks a string for extraction (the catalogs' keyword).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


def render(template: str, facts: Mapping[str, object], translate: Translate | None = None) -> str:
    """``template`` (translated first when ``translate`` is given) with ``{name}`` fields filled from ``facts``."""
    text = translate(template) if translate else template
    try:
        return text.format(**facts)
    except (KeyError, IndexError, ValueError):
        # A catalog entry with a broken placeholder must not turn an error message into a 500.
        return template.format(**facts)
