"""Coverage history: a snapshot per language and section and UTC day, and the series built from them.

Snapshots are recorded when content changes (`CoverageRecorder`, a `committing` reaction of the
content events listed by `library.bootstrap`, records the sections a unit of work touched, inside its
transaction, at commit) and on demand (``library
coverage snapshot``). The table's primary key allows one row per (language, section, day), and a
writer upserts, so the latest recording of the day wins.

A day's figure for a language is the sum, over sections, of each section's latest snapshot on or
before that day: a section that did not change keeps its last figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from library.content.events import Changes
from library.coverage.models import CoverageSnapshot
from library.coverage.service import Cell, combine, load_sections, matrix_cells
from library.storage.types import utcnow

_KEY = ("language", "section_id", "day")
_FIGURES = tuple(f.name for f in fields(Cell)
                 if f.name not in ("language", "section", "demand", "with_errors", "with_warnings"))
"""The cell figures a snapshot keeps (reader demand and the content checks' counts are today's
figures, not history)."""


def record_snapshots(
    session: Session,
    languages: Sequence[str],
    section_ids: Iterable[int] | None = None,
    *,
    at: datetime | None = None,
) -> int:
    """Record the coverage of ``section_ids`` (every section when None) in each language, as of ``at``.

    Returns the number of snapshots written. Rows are claimed (upserted, hence locked) before the
    figures are computed: on PostgreSQL a concurrent writer that touched the same section waits
    for us, or we for it, and the later of the two computes after the earlier committed, so the
    latest of the day really is the latest state.
    """
    at = at or utcnow()
    chosen = load_sections(session, ids=section_ids)
    if not chosen or not languages:
        return 0
    keys = sorted((language, s.id) for language in languages for s in chosen)  # one lock order for all
    day = at.date()
    _upsert(session, [{"language": lang, "section_id": sid, "day": day, "recorded_at": at} for lang, sid in keys],
            update=("recorded_at",))
    ids = {s.slug: s.id for s in chosen}
    cells = matrix_cells(session, tuple(languages), chosen, demand=False)
    rows = [_row(cell, ids[cell.section], day, at) for cell in cells]
    _upsert(session, sorted(rows, key=lambda r: (r["language"], r["section_id"])),
            update=(*_FIGURES, "missing", "missing_words", "recorded_at"))
    return len(rows)


def _row(cell: Cell, section_id: int, day: date, at: datetime) -> dict[str, object]:
    return {"language": cell.language, "section_id": section_id, "day": day, "recorded_at": at,
            "missing": cell.missing, "missing_words": cell.missing_words,
            **{name: getattr(cell, name) for name in _FIGURES}}


def _upsert(session: Session, rows: list[dict[str, object]], update: Sequence[str]) -> None:
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(CoverageSnapshot).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=list(_KEY), set_={name: statement.excluded[name] for name in update})
    session.execute(statement)


@dataclass(frozen=True)
class Point:
    day: date
    cell: Cell
    """Totals over the chosen sections as they stood at the end of ``day``."""


@dataclass(frozen=True)
class Series:
    language: str
    points: tuple[Point, ...]


def coverage_history(
    session: Session,
    languages: Sequence[str],
    since: date | None = None,
    sections: Sequence[str] | None = None,
) -> tuple[Series, ...]:
    """One series per language: a point for every day since ``since`` on which a snapshot was recorded.

    Three queries whatever the length of the history: the sections, the snapshots since ``since``,
    and the latest snapshot of each pair before it (the figures a series starts from).
    """
    chosen = load_sections(session, sections)
    slugs = {s.id: s.slug for s in chosen}
    base = select(CoverageSnapshot).where(CoverageSnapshot.language.in_(list(languages)))
    if sections:
        base = base.where(CoverageSnapshot.section_id.in_(list(slugs)))
    rows = list(session.scalars(base.where(CoverageSnapshot.day >= since) if since else base))
    before = _latest_before(session, base, since) if since else []
    return tuple(
        Series(language, _points([r for r in before if r.language == language],
                                 [r for r in rows if r.language == language], slugs, language, since))
        for language in languages)


def _latest_before(session: Session, base, since: date) -> list[CoverageSnapshot]:
    latest = (
        select(CoverageSnapshot.language, CoverageSnapshot.section_id, func.max(CoverageSnapshot.day).label("day"))
        .where(CoverageSnapshot.day < since)
        .group_by(CoverageSnapshot.language, CoverageSnapshot.section_id)
        .subquery()
    )
    return list(session.scalars(base.join(latest, and_(
        latest.c.language == CoverageSnapshot.language, latest.c.section_id == CoverageSnapshot.section_id,
        latest.c.day == CoverageSnapshot.day))))


def _points(before: list[CoverageSnapshot], rows: list[CoverageSnapshot], slugs: dict[int, str],
            language: str, since: date | None) -> tuple[Point, ...]:
    """Carry each section's latest figures forward; one point per day (the state at its end).

    With ``since``, the snapshots before it set the starting figures, shown as a point on ``since``.
    """
    def cell(row: CoverageSnapshot) -> Cell:
        return Cell(language, slugs[row.section_id], **{name: getattr(row, name) for name in _FIGURES})

    state = {row.section_id: cell(row) for row in before if row.section_id in slugs}
    points = [Point(since, combine(state.values(), language=language))] if state and since else []
    for row in sorted((r for r in rows if r.section_id in slugs), key=lambda r: r.day):
        state[row.section_id] = cell(row)
        point = Point(row.day, combine(state.values(), language=language))
        if points and points[-1].day == row.day:
            points[-1] = point
        else:
            points.append(point)
    return tuple(points)


class CoverageRecorder:
    """The `committing` reaction that snapshots the sections each unit of work changed, for ``languages``
    (``clock`` gives the time of the snapshot; tests set it)."""

    def __init__(self, languages: Sequence[str], clock: Callable[[], datetime] = utcnow) -> None:
        self.languages = tuple(languages)
        self.clock = clock

    def __call__(self, session: Session, changes: Changes) -> None:
        if changes.sections:
            record_snapshots(session, self.languages, sorted(changes.sections), at=self.clock())
