"""Everything the editors' coverage dashboard shows, gathered by one call with a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from library.coverage.history import Series, coverage_history
from library.coverage.service import Coverage, compute_coverage
from library.coverage.worklists import Flagged, Outdated, Requested, flagged_items, outdated_items, top_requested
from library.demand.report import MissedSearch, top_missed_searches


@dataclass(frozen=True)
class CoverageReport:
    coverage: Coverage
    """The language x section matrix with totals and interface-catalog completeness."""
    history: tuple[Series, ...]
    """Published share over time, one series per language."""
    requested: list[Requested]
    """The most requested translations readers cannot read yet, with their demand."""
    outdated: list[Outdated]
    """Outdated translations, furthest behind their source first."""
    flagged: list[Flagged]
    """Translations the content checks flagged, those with errors first."""
    searches: dict[str, list[MissedSearch]]
    """Per language, the searches that found nothing, most frequent first (library-wide)."""


def coverage_report(
    session: Session,
    languages: Sequence[str],
    sections: Sequence[str] | None = None,
    *,
    since: date | None = None,
    locales_dir: Path | None = None,
    limit: int = 20,
) -> CoverageReport:
    coverage = compute_coverage(session, languages, sections, locales_dir=locales_dir)
    ids = [s.id for s in coverage.sections] if sections else None
    return CoverageReport(
        coverage=coverage,
        history=coverage_history(session, coverage.languages, since, sections),
        requested=top_requested(session, coverage.languages, ids, limit),
        outdated=outdated_items(session, coverage.languages, ids, limit),
        flagged=flagged_items(session, coverage.languages, ids, limit),
        searches=top_missed_searches(session, coverage.languages, limit),
    )
