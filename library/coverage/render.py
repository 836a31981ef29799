"""Coverage as text: the JSON shape the API and ``--format json`` share, CSV, and the terminal table.

One shape for machines (`coverage_dict`) so the API and the CLI can never disagree; the CSV is the
same figures flattened, one row per cell and per total, with a ``scope`` column saying which.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from library.coverage.history import Series
from library.coverage.interface import InterfaceCoverage
from library.coverage.service import MEASURES, Cell, Coverage


def cell_dict(cell: Cell) -> dict[str, Any]:
    return {
        "language": cell.language,
        "section": cell.section,
        "articles": cell.articles,
        **{m: cell.count(m) for m in MEASURES},
        "demand": cell.demand,
        "with_errors": cell.with_errors,
        "with_warnings": cell.with_warnings,
        "percent": {m: cell.percent(m) for m in MEASURES},
        "words": {"total": cell.words, **{m: cell.count(m, words=True) for m in MEASURES}},
        "words_percent": {m: cell.percent(m, words=True) for m in MEASURES},
    }


def interface_dict(item: InterfaceCoverage) -> dict[str, Any]:
    catalog = None
    if item.catalog is not None:
        catalog = {"translated": item.catalog.translated, "fuzzy": item.catalog.fuzzy,
                   "untranslated": item.catalog.untranslated, "obsolete": item.catalog.obsolete, "total": item.total,
                   "percent_translated": item.percent_translated}
    return {"language": item.language, "catalog": catalog, "missed_strings": item.missed_strings,
            "missed_requests": item.missed_requests}


def coverage_dict(coverage: Coverage) -> dict[str, Any]:
    return {
        "generated_at": coverage.generated_at.isoformat(),
        "demand_counted": coverage.demand_counted,
        "quality_counted": coverage.quality_counted,
        "languages": list(coverage.languages),
        "sections": [{"slug": s.slug, "position": s.position, "names": s.names} for s in coverage.sections],
        "cells": [cell_dict(c) for c in coverage.cells],
        "totals": {
            "languages": [cell_dict(c) for c in coverage.by_language],
            "sections": [cell_dict(c) for c in coverage.by_section],
            "all": cell_dict(coverage.total),
        },
        "interface": [interface_dict(i) for i in coverage.interface],
    }


#: Cell keys not in a snapshot (see `library.coverage.history`).
HISTORY_LEFT_OUT = ("language", "section", "demand", "with_errors", "with_warnings")


def history_dict(series: tuple[Series, ...]) -> dict[str, Any]:
    return {"series": [
        {"language": s.language,
         "points": [{"day": p.day.isoformat(), **{k: v for k, v in cell_dict(p.cell).items()
                                                  if k not in HISTORY_LEFT_OUT}}
                    for p in s.points]}
        for s in series]}


CSV_COLUMNS = (
    "scope", "language", "section", "articles", *MEASURES, "demand",
    *(f"{m}_percent" for m in MEASURES),
    "words", *(f"{m}_words" for m in MEASURES), *(f"{m}_words_percent" for m in MEASURES),
    "with_errors", "with_warnings",
)


def _csv_row(scope: str, cell: Cell) -> list[object]:
    return [scope, cell.language or "", cell.section or "", cell.articles, *(cell.count(m) for m in MEASURES),
            cell.demand, *(cell.percent(m) for m in MEASURES), cell.words,
            *(cell.count(m, words=True) for m in MEASURES), *(cell.percent(m, words=True) for m in MEASURES),
            cell.with_errors, cell.with_warnings]


def coverage_csv(coverage: Coverage) -> str:
    """Header, then a row per cell (scope ``cell``), per language, per section, and overall (``all``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row("cell", c) for c in coverage.cells)
    writer.writerows(_csv_row("language", c) for c in coverage.by_language)
    writer.writerows(_csv_row("section", c) for c in coverage.by_section)
    writer.writerow(_csv_row("all", coverage.total))
    return out.getvalue()


TABLE_HEADER = ("section", "lang", "articles", "published", "in review", "draft", "missing", "outdated",
                "demand", "words published", "checks")


def _pct(cell: Cell, measure: str) -> str:
    return f"{cell.count(measure)} ({cell.percent(measure):.1f}%)"


def _table_row(cell: Cell) -> tuple[str, ...]:
    return (cell.section or "total", cell.language or "all", str(cell.articles),
            *(_pct(cell, m) for m in MEASURES), str(cell.demand),
            f"{cell.published_words}/{cell.words} ({cell.percent('published', words=True):.1f}%)",
            _checks(cell))


def _checks(cell: Cell) -> str:
    """Variants whose current text the content checks flagged: "2 err, 5 warn", or "-" for none."""
    flagged = [f"{n} {label}" for n, label in ((cell.with_errors, "err"), (cell.with_warnings, "warn")) if n]
    return ", ".join(flagged) or "-"


def coverage_table(coverage: Coverage) -> str:
    """An aligned table: a row per cell, then a total per language; interface strings below it."""
    rows = [TABLE_HEADER, *(_table_row(c) for c in coverage.cells), *(_table_row(c) for c in coverage.by_language)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_HEADER))]
    lines = []
    for number, row in enumerate(rows):
        cells = [value.ljust(widths[i]) if i < 2 else value.rjust(widths[i]) for i, value in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if number == 0 or number == len(coverage.cells):
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.extend(_interface_line(item) for item in coverage.interface)
    return "\n".join(lines) + "\n"


def _interface_line(item: InterfaceCoverage) -> str:
    missed = f"readers met {item.missed_strings} untranslated strings {item.missed_requests} times"
    if item.catalog is None:
        return f"interface {item.language}: no catalog; {missed}"
    c = item.catalog
    return (f"interface {item.language}: {c.translated}/{item.total} strings translated "
            f"({item.percent_translated:.1f}%), {c.fuzzy} fuzzy, {c.untranslated} untranslated; {missed}")
