"""Errors of the translation memory."""

from __future__ import annotations

from collections.abc import Sequence

from library.catalogs.lazy import N_
from library.errors import Invalid, Localized, MessageLanguage, render


class InvalidTmx(Localized, Invalid):
    """A TMX file with problems: nothing was imported. ``problems`` are (line, message) for each."""

    title = "TMX file refused"
    # Translators: {first} is the first problem, e.g. "line 12: a <tu> needs at least two <tuv>".
    template = N_("The TMX file was not imported: {first} (problems found: {count}). Nothing was changed.")

    def __init__(self, problems: Sequence) -> None:
        self.problems = list(problems)
        lines = self._lines(None)
        super().__init__(render(self.template, {"first": lines[0], "count": len(lines)}), count=len(lines),
                         problems=lines)

    def _lines(self, language: MessageLanguage | None) -> list[str]:
        translate = language.gettext if language else None
        where = N_("line {line}")
        return [f"{render(where, {'line': p.line}, translate)}: {render(p.message, p.facts, translate)}"
                for p in self.problems]

    def localized(self, language: MessageLanguage) -> tuple[str, dict[str, object]]:
        lines = self._lines(language)
        return (render(self.template, {"first": lines[0], "count": len(lines)}, language.gettext),
                {"count": len(lines), "problems": lines})
