"""Translation coverage: how much of each section a reader can read in each language, and what is left.

One function, `compute_coverage`, computes the whole language x section matrix from the coverage
counters (`library.coverage.counters`: a few hundred rows kept up to date by every content write,
whatever the library's size; issue 15), so the API, the CLI, the history and the dashboard all show
the same numbers, and ``library coverage --verify`` checks them against a recount.

Definitions, for a language L and a section S (an article belongs to exactly one section):

``articles``
    Articles in S, whatever their state: the denominator of every percentage.
``published``
    Articles of S a reader can read in L: the L variant has a published revision
    (``published_revision`` is not null), even if a newer draft of it is being worked on.
``in_review`` / ``draft``
    Articles of S whose L variant exists but was never published; its working copy is in review
    or a draft.
``missing``
    Articles of S with no L variant at all: ``articles - published - in_review - draft``, computed
    from per-section totals minus per-(language, section) variant counts.

published + in review + draft + missing = articles: the four states partition the section.

``outdated``
    Among articles with an L variant (in any state), those whose variant was translated from an
    older major revision of its source than the source's current one (the variant's ``outdated``
    flag, kept by `library.content.service.save_variant`). Overlaps the partition; a source
    variant is never outdated.
``with_errors`` / ``with_warnings``
    Variants of the cell whose current revision (the text translators work on) has error / warning
    findings of the content checks (`library.quality`); a variant with both counts in each. Like
    demand, they follow the findings table, not the library; ``quality=False`` leaves them out.
``demand``
    Reader requests (from the ``demand`` table) for the missing articles of the cell: readers asked
    for them in L and got a fallback (counted as `library.demand.missing` says); ``demand=False``
    leaves it out (history does).
Percentages
    ``100 * part / articles`` to one decimal; a section without articles counts as 100 %
    published and 0 % everything else (nothing to translate).
Word-weighted figures (``*_words``)
    The same sums with each article weighted by its source variant's word count
    (``Article.source_words``, copied onto each variant as ``Variant.source_words``): what a
    translator actually has to do. ``words`` is the section's total.

Totals per language (over the chosen sections), per section (over the chosen languages: an
article counts once per language) and overall are sums of cells, with percentages of the sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from library.content.errors import SectionNotFound
from library.content.models import CHECK_ERRORS, CHECK_WARNINGS, Section
from library.coverage.counters import Tally, counted_tally
from library.coverage.interface import InterfaceCoverage, interface_coverage
from library.errors import Invalid
from library.storage.types import utcnow

STATES = ("published", "in_review", "draft", "missing")
"""The partition of a section's articles in one language, in reporting order."""
MEASURES = (*STATES, "outdated")


@dataclass(frozen=True)
class Cell:
    """Coverage of one section in one language; a total when ``language`` or ``section`` is None."""

    language: str | None
    section: str | None
    articles: int = 0
    published: int = 0
    in_review: int = 0
    draft: int = 0
    outdated: int = 0
    demand: int = 0
    with_errors: int = 0
    with_warnings: int = 0
    words: int = 0
    published_words: int = 0
    in_review_words: int = 0
    draft_words: int = 0
    outdated_words: int = 0

    @property
    def missing(self) -> int:
        return self.articles - self.published - self.in_review - self.draft

    @property
    def missing_words(self) -> int:
        return self.words - self.published_words - self.in_review_words - self.draft_words

    def count(self, measure: str, *, words: bool = False) -> int:
        return getattr(self, f"{measure}_words" if words else measure)

    def percent(self, measure: str, *, words: bool = False) -> float:
        """``measure`` as a percentage of the articles (or of the words), to one decimal."""
        whole = self.words if words else self.articles
        if not whole:
            return 100.0 if measure == "published" else 0.0
        return round(100 * self.count(measure, words=words) / whole, 1)


_SUMMED = tuple(f.name for f in fields(Cell) if f.name not in ("language", "section"))
_FROM_VARIANTS = (*(f"{m}{w}" for m in ("published", "in_review", "draft", "outdated") for w in ("", "_words")),
                  "with_errors", "with_warnings")


def combine(cells: Iterable[Cell], language: str | None = None, section: str | None = None) -> Cell:
    """The sum of ``cells``, labelled as the given total."""
    sums = dict.fromkeys(_SUMMED, 0)
    for cell in cells:
        for name in _SUMMED:
            sums[name] += getattr(cell, name)
    return Cell(language, section, **sums)


@dataclass(frozen=True)
class SectionInfo:
    id: int
    slug: str
    position: int
    names: dict[str, str]


@dataclass(frozen=True)
class Coverage:
    """The matrix: ``cells`` in section order, languages in the order asked, with every total."""

    languages: tuple[str, ...]
    sections: tuple[SectionInfo, ...]
    cells: tuple[Cell, ...]
    interface: tuple[InterfaceCoverage, ...]
    generated_at: datetime
    demand_counted: bool = True
    """False when the caller skipped reader demand (every cell's ``demand`` is then 0)."""
    quality_counted: bool = True
    """False when the caller skipped the content-check counts (``with_errors``/``with_warnings`` are 0)."""

    def cell(self, language: str, section: str) -> Cell:
        for cell in self.cells:
            if cell.language == language and cell.section == section:
                return cell
        raise KeyError((language, section))

    @property
    def by_language(self) -> tuple[Cell, ...]:
        return tuple(combine((c for c in self.cells if c.language == lang), language=lang) for lang in self.languages)

    @property
    def by_section(self) -> tuple[Cell, ...]:
        return tuple(combine((c for c in self.cells if c.section == s.slug), section=s.slug) for s in self.sections)

    @property
    def total(self) -> Cell:
        return combine(self.cells)


def pick_languages(supported: Sequence[str], requested: Iterable[str] | None) -> tuple[str, ...]:
    """The requested languages (all supported ones when none), checked and in the supported order."""
    wanted = {code.strip().lower() for code in requested or () if code.strip()}
    unknown = sorted(wanted - set(supported))
    if unknown:
        raise Invalid(f"Unknown language {', '.join(unknown)}: choose among {', '.join(supported)}.",
                      language=unknown[0], supported=list(supported))
    return tuple(code for code in supported if not wanted or code in wanted)


def load_sections(
    session: Session, slugs: Iterable[str] | None = None, *, ids: Iterable[int] | None = None
) -> tuple[SectionInfo, ...]:
    """The sections asked for by slug or by id (all when neither), in report order.

    An unknown slug raises `SectionNotFound`; unknown ids are skipped (a section deleted meanwhile).
    """
    wanted = list(dict.fromkeys(s.strip() for s in slugs or () if s.strip()))
    query = select(Section.id, Section.slug, Section.position, Section.names).order_by(Section.position, Section.slug)
    if wanted:
        query = query.where(Section.slug.in_(wanted))
    if ids is not None:
        query = query.where(Section.id.in_(list(ids)))
    sections = tuple(SectionInfo(*row) for row in session.execute(query))
    found = {s.slug for s in sections}
    for slug in wanted:
        if slug not in found:
            raise SectionNotFound(slug)
    return sections


def compute_coverage(
    session: Session,
    languages: Sequence[str],
    sections: Sequence[str] | None = None,
    *,
    locales_dir: Path | None = None,
    demand: bool = True,
    quality: bool = True,
) -> Coverage:
    """The coverage matrix of ``languages`` x ``sections`` (every section when None) in five queries
    of a few hundred rows at most (sections, three counter tables, interface misses; four without
    ``demand``).

    ``locales_dir`` is where the interface catalogs are read from (None: interface counts from the
    runtime misses only). ``demand=False`` leaves reader demand at 0; ``quality=False`` likewise for
    the content-check counts.
    """
    chosen = load_sections(session, sections)
    cells = matrix_cells(session, tuple(languages), chosen, restricted=bool(sections), demand=demand,
                         quality=quality)
    return Coverage(tuple(languages), chosen, cells, interface_coverage(session, tuple(languages), locales_dir),
                    utcnow(), demand_counted=demand, quality_counted=quality)


def matrix_cells(
    session: Session, languages: tuple[str, ...], chosen: tuple[SectionInfo, ...], *, restricted: bool = True,
    demand: bool = True, quality: bool = False, tally: Tally | None = None,
) -> tuple[Cell, ...]:
    """The cells of ``languages`` x ``chosen`` sections, folded from the coverage counters (three reads
    of a few hundred rows: `library.coverage.counters`) or from the ``tally`` given (a recount);
    ``restricted=False`` when ``chosen`` is every section, which spares the engines an IN list.
    ``demand`` and ``quality`` leave their figures at 0 when False."""
    ids = [s.id for s in chosen] if restricted else None
    tally = tally if tally is not None else counted_tally(session, languages, ids, demand=demand)
    wanted = set(languages)
    figures: dict[tuple[str, int], dict[str, int]] = {}
    for (language, section_id, code, flags), (count, words) in tally.variants.items():
        if language not in wanted:
            continue
        cell = figures.setdefault((language, section_id), dict.fromkeys(_FROM_VARIANTS, 0))
        state = _STATE_OF_CODE[code & ~1]
        cell[state] += count
        cell[f"{state}_words"] += words
        if code & 1:
            cell["outdated"] += count
            cell["outdated_words"] += words
        if quality:
            cell["with_errors"] += count if flags & CHECK_ERRORS else 0
            cell["with_warnings"] += count if flags & CHECK_WARNINGS else 0
    cells = []
    for section in chosen:
        articles, words = tally.totals.get(section.id, (0, 0))
        for language in languages:
            cells.append(Cell(language, section.slug, articles=articles, words=words,
                              demand=tally.demand.get((language, section.id), 0) if demand else 0,
                              **figures.get((language, section.id), {})))
    return tuple(cells)


_STATE_OF_CODE = {0: "published", 2: "in_review", 4: "draft"}
"""`library.content.models.COVERAGE_STATE` without its outdated bit (1)."""


def below_thresholds(coverage: Coverage, thresholds: dict[str, float], *, words: bool = False) -> list[Cell]:
    """Language totals whose published percentage is under the caller's threshold for that language."""
    return [cell for cell in coverage.by_language
            if cell.language in thresholds and cell.percent("published", words=words) < thresholds[cell.language]]


def parse_thresholds(raw: str, languages: Sequence[str]) -> dict[str, float]:
    """``"kk=90,en=60"`` -> ``{"kk": 90.0, "en": 60.0}``; anything malformed raises `Invalid`."""
    thresholds: dict[str, float] = {}
    for part in (p.strip() for p in raw.split(",")):
        language, sep, value = part.partition("=")
        try:
            percent = float(value) if sep and language.strip() else None
        except ValueError:
            percent = None
        if percent is None or not 0 <= percent <= 100:
            raise Invalid(f"--fail-under: {part!r} is not language=percent with a percent from 0 to 100 "
                          f"(e.g. kk=90,en=60)", value=part)
        thresholds[pick_languages(languages, [language])[0]] = percent
    return thresholds
