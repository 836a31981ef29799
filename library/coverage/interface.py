"""Interface-string coverage: catalog completeness per language plus what readers met untranslated.

The catalog half reads the ``.po`` files. It counts as GNU ``msgfmt --statistics`` counts (see
I18N-NOTES.md): header and obsolete entries are ignored; an entry whose first msgstr is empty is
untranslated, even if flagged fuzzy; otherwise a fuzzy entry is fuzzy; the rest are translated.
`library.catalogs.stats` (branch ``catalogs``) implements the same rule; once it is on main,
`catalog_counts` becomes one call to it and the local counter goes.
The runtime half comes from the ``interface_miss`` table the reader's miss counter fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib
from sqlalchemy import func, select
from sqlmodel import Session

from library.demand.models import InterfaceMiss
from library.errors import Invalid


@dataclass(frozen=True)
class CatalogCounts:
    translated: int
    fuzzy: int
    untranslated: int


@dataclass(frozen=True)
class InterfaceCoverage:
    """One language's interface strings. ``catalog`` is None when the language has no catalog file."""

    language: str
    catalog: CatalogCounts | None
    missed_strings: int
    """Distinct interface strings readers were shown in a fallback language."""
    missed_requests: int
    """How many times that happened in all."""

    @property
    def total(self) -> int:
        c = self.catalog
        return c.translated + c.fuzzy + c.untranslated if c else 0

    @property
    def percent_translated(self) -> float | None:
        """Translated share of the live messages, one decimal; None without a catalog."""
        if self.catalog is None:
            return None
        return round(100 * self.catalog.translated / self.total, 1) if self.total else 100.0


def _po_path(locales_dir: Path, language: str) -> Path:
    return Path(locales_dir) / language / "LC_MESSAGES" / "messages.po"


def catalog_counts(locales_dir: Path, language: str) -> CatalogCounts | None:
    """Translated, fuzzy and untranslated messages of ``language``'s catalog (None: no catalog)."""
    path = _po_path(locales_dir, language)
    if not path.is_file():
        return None
    try:
        po = polib.pofile(str(path))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise Invalid(f"{path}: cannot be read as a PO catalog: {error}", path=str(path)) from None
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for entry in po:
        if entry.obsolete:
            continue
        first = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        counts["untranslated" if not first else "fuzzy" if entry.fuzzy else "translated"] += 1
    return CatalogCounts(**counts)


def interface_coverage(
    session: Session, languages: tuple[str, ...], locales_dir: Path | None
) -> tuple[InterfaceCoverage, ...]:
    """Catalog completeness and runtime misses of each language, in the order given (one query)."""
    misses = {
        language: (strings, requests or 0)
        for language, strings, requests in session.execute(
            select(InterfaceMiss.language, func.count(), func.sum(InterfaceMiss.count))
            .where(InterfaceMiss.language.in_(languages))
            .group_by(InterfaceMiss.language)
        )
    }
    return tuple(
        InterfaceCoverage(
            language=language,
            catalog=catalog_counts(locales_dir, language) if locales_dir is not None else None,
            missed_strings=misses.get(language, (0, 0))[0],
            missed_requests=misses.get(language, (0, 0))[1],
        )
        for language in languages
    )
