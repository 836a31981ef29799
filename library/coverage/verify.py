"""Checking the coverage counters against a recount, and rewriting them from it (``library coverage
--verify`` / ``--repair``).

The counters follow every content write through the content events (`library.coverage.counters`);
a write that bypassed them (a hand-made SQL fix, a restore of one table) makes them drift. Drift is
reported per cell, as the matrix would show it wrong, plus any difference in the raw counter rows
that happens to cancel out in the cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from sqlalchemy import text
from sqlmodel import Session

from library.coverage.counters import Tally, counted_tally, recount, recounted_tally
from library.coverage.service import Cell, load_sections, matrix_cells

_MEASURES = tuple(f.name for f in fields(Cell) if f.name not in ("language", "section"))
_LOCKED = ("demand", "coverage_count", "coverage_section_total", "missing_demand")
"""Locked (SHARE) on PostgreSQL while verifying: writers wait, so the counters and the recount
describe the same moment. Demand first: the order every writer locks in."""


@dataclass(frozen=True)
class Drift:
    """One figure of one cell whose counter differs from the recount. ``measure`` is a `Cell` field
    name, or ``rows`` when the raw counter rows differ although the cell's figures agree (then
    ``counted`` and ``recounted`` are numbers of rows)."""

    language: str
    section: str
    measure: str
    counted: int
    recounted: int


@dataclass(frozen=True)
class Verification:
    drift: tuple[Drift, ...]
    cells: int
    """How many (language, section) cells were compared."""
    variants: int
    """Variants recounted."""


def verify_counters(session: Session, languages: Sequence[str]) -> Verification:
    """Compare every counter with a recount, for ``languages`` and any other language the library
    holds variants or demand in. Reads the whole library; on PostgreSQL content writes wait meanwhile."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {', '.join(_LOCKED)} IN SHARE MODE"))
    recounted, counted = recounted_tally(session), counted_tally(session, None)
    every = tuple(dict.fromkeys([*languages, *sorted(
        {k[0] for tally in (recounted, counted) for k in (*tally.variants, *tally.demand)})]))
    chosen = load_sections(session)
    found = matrix_cells(session, every, chosen, restricted=False, quality=True, tally=counted)
    expected = matrix_cells(session, every, chosen, restricted=False, quality=True, tally=recounted)
    ids = {s.slug: s.id for s in chosen}
    drift = []
    for have, want in zip(found, expected, strict=True):
        measures = [m for m in _MEASURES if getattr(have, m) != getattr(want, m)]
        drift += [Drift(want.language, want.section, m, getattr(have, m), getattr(want, m)) for m in measures]
        have_rows, want_rows = (_rows(tally, want.language, ids[want.section]) for tally in (counted, recounted))
        if not measures and have_rows != want_rows:
            drift.append(Drift(want.language, want.section, "rows", len(have_rows), len(want_rows)))
    return Verification(tuple(drift), len(expected), sum(n for n, _ in recounted.variants.values()))


def _rows(tally: Tally, language: str, section_id: int) -> dict[tuple[int, int], tuple[int, int]]:
    return {(state, flags): figures for (lang, sid, state, flags), figures in tally.variants.items()
            if lang == language and sid == section_id and figures != (0, 0)}


def repair_counters(session: Session, languages: Sequence[str]) -> Verification:
    """`verify_counters`, then every counter rewritten from the recount (in the same transaction)."""
    verification = verify_counters(session, languages)
    if verification.drift:
        recount(session)
    return verification
