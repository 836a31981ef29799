"""Interface-string coverage: catalog completeness per language plus what readers met untranslated.

The catalog half is `library.catalogs.stats` (counted as GNU ``msgfmt --statistics`` counts: an
entry with an empty first msgstr is untranslated even if fuzzy). The runtime half comes from the
``interface_miss`` table that the reader's miss counter fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from library.catalogs.files import load_po, po_path
from library.catalogs.stats import CatalogStats, catalog_stats
from library.demand.models import InterfaceMiss


@dataclass(frozen=True)
class InterfaceCoverage:
    """One language's interface strings. ``catalog`` is None when the language has no catalog file."""

    language: str
    catalog: CatalogStats | None
    missed_strings: int
    """Distinct interface strings readers were shown in a fallback language."""
    missed_requests: int
    """How many times that happened in all."""

    @property
    def total(self) -> int:
        return self.catalog.total if self.catalog else 0

    @property
    def percent_translated(self) -> float | None:
        """Translated share of the live messages, one decimal; None without a catalog."""
        return self.catalog.percent_translated if self.catalog else None


def catalog_counts(locales_dir: Path, language: str) -> CatalogStats | None:
    """Statistics of ``language``'s catalog; None when it has none (a malformed one raises `Invalid`)."""
    path = po_path(locales_dir, language)
    return catalog_stats(load_po(path), language) if path.is_file() else None


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
