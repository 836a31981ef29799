"""Translation coverage: how much of each section a reader can read in each language, and what is left.

One function, `compute_coverage`, computes the whole language x section matrix with a constant
number of SQL queries (GROUP BY on covering indexes, never a query or a join per article), so the
API, the CLI, the history and the dashboard all show the same numbers.

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
    for them in L and got a fallback. Its query probes one index entry per demand row, so its cost
    follows the demand table, not the library; ``demand=False`` leaves it out (history does).
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

from sqlalchemy import func, select
from sqlmodel import Session

from library.content.errors import SectionNotFound
from library.content.models import Article, Section, Variant
from library.coverage.interface import InterfaceCoverage, interface_coverage
from library.demand.models import Demand
from library.errors import Invalid
from library.quality.findings import flagged_counts
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
_FROM_VARIANTS = tuple(f"{m}{w}" for m in ("published", "in_review", "draft", "outdated") for w in ("", "_words"))


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
    """The coverage matrix of ``languages`` x ``sections`` (every section when None) in six queries.

    ``locales_dir`` is where the interface catalogs are read from (None: interface counts from the
    runtime misses only). ``demand=False`` leaves reader demand at 0 and saves its query, the one
    whose cost grows with the demand table (an index probe per demanded article and language);
    ``quality=False`` likewise for the content-check counts.
    """
    chosen = load_sections(session, sections)
    cells = matrix_cells(session, tuple(languages), chosen, restricted=bool(sections), demand=demand,
                         quality=quality)
    return Coverage(tuple(languages), chosen, cells, interface_coverage(session, tuple(languages), locales_dir),
                    utcnow(), demand_counted=demand, quality_counted=quality)


def matrix_cells(
    session: Session, languages: tuple[str, ...], chosen: tuple[SectionInfo, ...], *, restricted: bool = True,
    demand: bool = True, quality: bool = False,
) -> tuple[Cell, ...]:
    """The cells of ``languages`` x ``chosen`` sections (two queries, one more each for ``demand`` and
    ``quality``); ``restricted=False`` when ``chosen`` is every section, which spares the engines an
    IN list."""
    ids = [s.id for s in chosen] if restricted else None
    totals = _article_totals(session, ids)
    variants = _variant_counts(session, languages, ids)
    demand = _missing_demand(session, languages, ids) if demand else {}
    flagged = flagged_counts(session, languages, ids) if quality else {}
    cells = []
    for section in chosen:
        articles, words = totals.get(section.id, (0, 0))
        for language in languages:
            counts = variants.get((language, section.id), {})
            checks = flagged.get((language, section.id), {})
            cells.append(Cell(language, section.slug, articles=articles, words=words,
                              demand=demand.get((language, section.id), 0),
                              with_errors=checks.get("errors", 0), with_warnings=checks.get("warnings", 0),
                              **counts))
    return tuple(cells)


def _article_totals(session: Session, section_ids: list[int] | None) -> dict[int, tuple[int, int]]:
    query = select(Article.section_id, func.count(), func.coalesce(func.sum(Article.source_words), 0)).group_by(
        Article.section_id)
    if section_ids is not None:
        query = query.where(Article.section_id.in_(section_ids))
    return {section_id: (count, words) for section_id, count, words in session.execute(query)}


_STATE_OF_CODE = {0: "published", 2: "in_review", 4: "draft"}
"""`library.content.models.COVERAGE_STATE` without its outdated bit (1)."""


def _variant_counts(
    session: Session, languages: tuple[str, ...], section_ids: list[int] | None
) -> dict[tuple[str, int], dict[str, int]]:
    """Per (language, section): published / in review / draft / outdated counts and words.

    Grouped by exactly the leading columns of ``ix_variant_coverage`` (language, section, the
    generated coverage state) with only count and sum, so both engines stream the covering index
    without sorting or reading a row (issue 8); the few dozen groups are folded into cells here.
    Over every section, several languages are filtered here rather than with an IN list, which costs
    more per variant than it saves; one language, or a choice of sections, is a range of the index
    per language and section, so the filter goes to SQL (a snapshot at commit reads one section).
    """
    query = (
        select(Variant.language, Variant.section_id, Variant.coverage_state, func.count(),
               func.coalesce(func.sum(Variant.source_words), 0))
        .group_by(Variant.language, Variant.section_id, Variant.coverage_state)
    )
    if len(languages) == 1:
        query = query.where(Variant.language == languages[0])
    if section_ids is not None:
        query = query.where(Variant.section_id.in_(section_ids))
        if len(languages) > 1:
            query = query.where(Variant.language.in_(languages))
    wanted = set(languages)
    result: dict[tuple[str, int], dict[str, int]] = {}
    for language, section_id, code, count, words in session.execute(query):
        if language not in wanted:
            continue
        cell = result.setdefault((language, section_id), dict.fromkeys(_FROM_VARIANTS, 0))
        state = _STATE_OF_CODE[code & ~1]
        cell[state] += count
        cell[f"{state}_words"] += words
        if code & 1:
            cell["outdated"] += count
            cell["outdated_words"] += words
    return result


def _missing_demand(
    session: Session, languages: tuple[str, ...], section_ids: list[int] | None
) -> dict[tuple[str, int], int]:
    """Reader requests per (language, section) for articles with no variant in that language.

    NOT EXISTS, not an outer join: PostgreSQL then probes the (article, language) unique index once
    per demand row instead of hashing every variant.
    """
    has_variant = select(Variant.id).where(Variant.article_id == Demand.article_id,
                                           Variant.language == Demand.language).exists()
    query = (
        select(Demand.language, Article.section_id, func.sum(Demand.count))
        .join(Article, Article.id == Demand.article_id)
        .where(Demand.language.in_(languages), ~has_variant)
        .group_by(Demand.language, Article.section_id)
    )
    if section_ids is not None:
        query = query.where(Article.section_id.in_(section_ids))
    return {(language, section_id): int(total) for language, section_id, total in session.execute(query)}


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
