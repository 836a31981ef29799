"""Coverage counters: the matrix's figures kept up to date by every content write, so that reading
them costs a few hundred rows whatever the library's size (issue 15).

Three small tables hold them: `CoverageCount` (variants and their source words per language, section,
coverage state and check flags), `SectionTotal` (articles and words per section) and the demand
domain's `MissingDemand` (reader requests for translations that do not exist).

`count_changes` is a `committing` reaction of the content events (`library.bootstrap`): at the commit
of every unit of work that wrote content it recounts the contribution of each article the unit of
work touched and adds the difference to the counters, in the same transaction. A save changes more
than its own variant (outdated marks, ``source_words`` copied to every variant when the source
changes), so the reaction compares every variant of a touched article with what was counted for it,
which the row itself remembers (``Variant.counted_*``, ``Article.counted_words``). Keeping that on
the row rather than in a table of its own makes PostgreSQL's row locks guard it too: only the writer
holding a variant's lock can have changed it, so only that writer finds a difference for it, and a
concurrent writer that reads the row sees either the old state counted or the new one counted, never
a mix. Counter rows are changed with additive UPSERTs in key order (`library.storage.upsert`).
A unit of work that changed ``everything`` (a backup import, the library cleared, a new section)
triggers `recount`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from library.content.events import Changes, pending_changes
from library.content.models import Article, Variant
from library.coverage.models import CoverageCount, SectionTotal
from library.demand.missing import (
    chunks,
    count_missing_demand,
    recount_missing_demand,
    recounted_missing_demand,
    stored_missing_demand,
)
from library.storage.upsert import replace_all, upsert

_COUNT_KEY = ("language", "section_id", "state", "flags")


@dataclass
class Tally:
    """The raw figures the matrix is folded from (`library.coverage.service.matrix_cells`), as the
    counters hold them or as a recount finds them; keys with nothing counted are left out."""

    totals: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Section id -> (articles, source words)."""
    variants: dict[tuple[str, int, int, int], tuple[int, int]] = field(default_factory=dict)
    """(language, section id, coverage state, check flags) -> (variants, source words)."""
    demand: dict[tuple[str, int], int] = field(default_factory=dict)
    """(language, section id) -> reader requests for articles with no variant in the language."""


def counted_tally(session: Session, languages: Sequence[str] | None, section_ids: Sequence[int] | None = None, *,
                  demand: bool = True) -> Tally:
    """What the counters hold for ``languages`` (every language when None) and ``section_ids`` (every
    section when None): three reads of a few hundred rows (two without ``demand``, which leaves
    `Tally.demand` empty). A unit of work that wrote content sees its own writes: what it changed is
    counted first (its commit then finds nothing left to count)."""
    if (changes := pending_changes(session)) is not None:
        count_changes(session, changes)
    counts = select(CoverageCount.language, CoverageCount.section_id, CoverageCount.state, CoverageCount.flags,
                    CoverageCount.variants, CoverageCount.words).where(
        or_(CoverageCount.variants != 0, CoverageCount.words != 0))
    if languages is not None:
        counts = counts.where(CoverageCount.language.in_(list(languages)))
    totals = select(SectionTotal.section_id, SectionTotal.articles, SectionTotal.words).where(
        or_(SectionTotal.articles != 0, SectionTotal.words != 0))
    if section_ids is not None:
        counts = counts.where(CoverageCount.section_id.in_(list(section_ids)))
        totals = totals.where(SectionTotal.section_id.in_(list(section_ids)))
    return Tally(
        totals={section_id: (articles, int(words)) for section_id, articles, words in session.execute(totals)},
        variants={(language, section_id, state, flags): (n, int(words))
                  for language, section_id, state, flags, n, words in session.execute(counts)},
        demand=stored_missing_demand(session, languages, section_ids) if demand else {},
    )


def recounted_tally(session: Session, languages: Sequence[str] | None = None,
                    section_ids: Sequence[int] | None = None) -> Tally:
    """The same figures counted from the articles, variants and demand (cost: the whole library)."""
    counts = select(Variant.language, Variant.section_id, Variant.coverage_state, Variant.check_flags, func.count(),
                    func.coalesce(func.sum(Variant.source_words), 0)).group_by(
        Variant.language, Variant.section_id, Variant.coverage_state, Variant.check_flags)
    totals = select(Article.section_id, func.count(), func.coalesce(func.sum(Article.source_words), 0)).group_by(
        Article.section_id)
    if languages is not None:
        counts = counts.where(Variant.language.in_(list(languages)))
    if section_ids is not None:
        counts = counts.where(Variant.section_id.in_(list(section_ids)))
        totals = totals.where(Article.section_id.in_(list(section_ids)))
    return Tally(
        totals={section_id: (n, int(words)) for section_id, n, words in session.execute(totals)},
        variants={(language, section_id, state, flags): (n, int(words))
                  for language, section_id, state, flags, n, words in session.execute(counts)},
        demand=recounted_missing_demand(session, languages, section_ids),
    )


def count_changes(session: Session, changes: Changes) -> None:
    """The `committing` reaction: the counters follow what this unit of work changed."""
    if changes.everything:
        recount(session)
    elif changes.articles:
        count_articles(session, changes.articles)


def count_articles(session: Session, article_ids: Iterable[int]) -> None:
    """Add to the counters the difference between what ``article_ids`` contribute now and what was
    counted for them. A variant's language and section never change, so its old figures leave the
    same (language, section) it is in."""
    ids = sorted(set(article_ids))
    count_missing_demand(session, ids)  # demand rows first: every writer locks in this order
    variants: dict[tuple[str, int, int, int], list[int]] = {}
    totals: dict[int, list[int]] = {}
    counted_variants: list[dict[str, int]] = []
    counted_articles: list[dict[str, int]] = []

    def add(bucket: dict, key, n: int, words: int) -> None:
        figures = bucket.setdefault(key, [0, 0])
        figures[0] += n
        figures[1] += words

    for chunk in chunks(ids):
        for row in session.execute(
                select(Variant.id, Variant.language, Variant.section_id, Variant.coverage_state, Variant.check_flags,
                       Variant.source_words, Variant.counted_state, Variant.counted_flags, Variant.counted_words)
                .where(Variant.article_id.in_(chunk))):
            now = (row.coverage_state, row.check_flags, row.source_words)
            before = (row.counted_state, row.counted_flags, row.counted_words)
            if now == before:
                continue
            if row.counted_state is not None:
                add(variants, (row.language, row.section_id, row.counted_state, row.counted_flags or 0), -1,
                    -(row.counted_words or 0))
            add(variants, (row.language, row.section_id, *now[:2]), 1, now[2])
            counted_variants.append({"vid": row.id, "s": now[0], "f": now[1], "w": now[2]})
        for article_id, section_id, words, counted in session.execute(
                select(Article.id, Article.section_id, Article.source_words, Article.counted_words)
                .where(Article.id.in_(chunk))):
            if counted != words:
                add(totals, section_id, 0 if counted is not None else 1, words - (counted or 0))
                counted_articles.append({"aid": article_id, "w": words})
    upsert(session, CoverageCount.__table__, _COUNT_KEY,
           ({"language": k[0], "section_id": k[1], "state": k[2], "flags": k[3], "variants": n, "words": w}
            for k, (n, w) in variants.items() if n or w), add=("variants", "words"))
    upsert(session, SectionTotal.__table__, ("section_id",),
           ({"section_id": k, "articles": n, "words": w} for k, (n, w) in totals.items() if n or w),
           add=("articles", "words"))
    if counted_variants:
        table = Variant.__table__
        session.execute(update(table).where(table.c.id == bindparam("vid")).values(
            counted_state=bindparam("s"), counted_flags=bindparam("f"), counted_words=bindparam("w")),
            counted_variants)
    if counted_articles:
        table = Article.__table__
        session.execute(update(table).where(table.c.id == bindparam("aid")).values(counted_words=bindparam("w")),
                        counted_articles)


def recount(session: Session) -> None:
    """Rewrite every counter, and what each row remembers as counted, from the library itself.

    The rows' marks come first, then the counters, the order every writer locks in; on PostgreSQL
    a writer that commits meanwhile either waits for this transaction or was counted by it.
    """
    recount_missing_demand(session)
    session.execute(update(Variant).where(or_(
        Variant.counted_state.is_(None), Variant.counted_state != Variant.coverage_state,
        Variant.counted_flags != Variant.check_flags, Variant.counted_words != Variant.source_words))
        .values(counted_state=Variant.coverage_state, counted_flags=Variant.check_flags,
                counted_words=Variant.source_words).execution_options(synchronize_session=False))
    session.execute(update(Article).where(or_(
        Article.counted_words.is_(None), Article.counted_words != Article.source_words))
        .values(counted_words=Article.source_words).execution_options(synchronize_session=False))
    tally = recounted_tally(session)
    replace_all(session, CoverageCount.__table__, _COUNT_KEY, [
        {"language": k[0], "section_id": k[1], "state": k[2], "flags": k[3], "variants": n, "words": w}
        for k, (n, w) in tally.variants.items()], ("variants", "words"))
    replace_all(session, SectionTotal.__table__, ("section_id",), [
        {"section_id": k, "articles": n, "words": w} for k, (n, w) in tally.totals.items()], ("articles", "words"))
