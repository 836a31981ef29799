"""How far each catalog is translated, counted exactly as GNU ``msgfmt --statistics`` counts.

msgfmt's rule (checked with gettext 0.21): header and obsolete entries are not counted; an entry whose
first msgstr (``msgstr`` or ``msgstr[0]``) is empty is untranslated, even when flagged fuzzy or when a
later plural form is filled; otherwise a fuzzy entry is fuzzy; everything else is translated, including
a plural entry with only ``msgstr[0]`` filled. polib's own ``translated_entries()`` and
``pybabel compile --statistics`` count differently, so neither is used. Incomplete plurals are reported
by `library.catalogs.checks`, not here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import polib

from library.catalogs.files import load_catalogs

State = Literal["translated", "fuzzy", "untranslated"]


def first_msgstr(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return entry.msgstr_plural.get(0, "")
    return entry.msgstr


def entry_state(entry: polib.POEntry) -> State:
    """msgfmt's classification of a live (not obsolete) entry."""
    if not first_msgstr(entry):
        return "untranslated"
    if entry.fuzzy:
        return "fuzzy"
    return "translated"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


@dataclass(frozen=True)
class CatalogStats:
    language: str
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int

    @property
    def total(self) -> int:
        """Live messages: translated + fuzzy + untranslated (obsolete ones are not counted)."""
        return self.translated + self.fuzzy + self.untranslated

    def percent(self, part: int) -> float:
        """``part`` as a percentage of `total`, to one decimal; an empty catalog is 100% translated."""
        if not self.total:
            return 100.0 if part == self.translated else 0.0
        return round(100 * part / self.total, 1)

    @property
    def percent_translated(self) -> float:
        return self.percent(self.translated)

    def msgfmt_line(self) -> str:
        """The line ``LC_ALL=C msgfmt --statistics`` prints on stderr for the same catalog."""
        parts = [_plural(self.translated, "translated message", "translated messages")]
        if self.fuzzy:
            parts.append(_plural(self.fuzzy, "fuzzy translation", "fuzzy translations"))
        if self.untranslated:
            parts.append(_plural(self.untranslated, "untranslated message", "untranslated messages"))
        return ", ".join(parts) + "."

    def as_dict(self) -> dict[str, object]:
        return {
            **asdict(self),
            "total": self.total,
            "percent_translated": self.percent_translated,
            "percent_fuzzy": self.percent(self.fuzzy),
            "percent_untranslated": self.percent(self.untranslated),
        }


def catalog_stats(po: polib.POFile, language: str) -> CatalogStats:
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    obsolete = 0
    for entry in po:
        if entry.obsolete:
            obsolete += 1
        else:
            counts[entry_state(entry)] += 1
    return CatalogStats(language=language, obsolete=obsolete, **counts)


def stats_for(locales_dir: Path, languages: tuple[str, ...]) -> list[CatalogStats]:
    """Statistics of each language's catalog, in the order given."""
    catalogs = load_catalogs(locales_dir, languages)
    return [catalog_stats(po, language) for language, po in catalogs.items()]
