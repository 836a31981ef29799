"""Reader demand for translations that do not exist yet, counted per (language, section) as it changes.

The coverage matrix shows, per cell, how often readers asked for its missing articles. Summing the
demand table for that at every view grows with the demand; instead `MissingDemand` holds the sums,
and each demand row remembers how much of its count is in them (``Demand.counted``: all of it while
the article has no variant in the language, else 0). Two writers change that: a demand flush (the
count grows, or a new row appears) and a content write (a variant appears). On PostgreSQL they must
not decide at the same time, each blind to the other's uncommitted row: so the flush locks its
articles' rows (FOR NO KEY UPDATE, `lock_for_flush`) before it writes any demand, and a content write
locks them FOR SHARE at commit (`count_missing_demand`), which conflict; whichever comes second
waits, then sees what the first committed, so no request is counted twice or lost. Two content
writes take compatible locks and queue on the demand rows instead. Every writer locks articles,
then demand rows, then counter rows, each in key order, so they never deadlock.
A flush can run at any moment, so this is the demand domain's own code, which coverage's counters
call for every content write (`library.coverage.counters`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import ARRAY, Integer, bindparam, case, cast, exists, func, select, update
from sqlalchemy.orm import Session

from library.content.models import Article, Variant
from library.demand.models import Demand, MissingDemand
from library.storage.upsert import replace_all, upsert

CHUNK = 500
"""Articles per IN list: keeps statements small whatever a unit of work touched."""

_KEY = ("language", "section_id")


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``ids`` sorted, in lists of at most ``size``."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def _has_variant():
    return exists().where(Variant.article_id == Demand.article_id, Variant.language == Demand.language)


def count_missing_demand(session: Session, article_ids: Iterable[int]) -> None:
    """Bring `MissingDemand` up to date with the demand for ``article_ids`` and their variants."""
    deltas: dict[tuple[str, int], int] = {}
    changed: list[dict[str, object]] = []
    for chunk in chunks(article_ids):
        # Lock first, read after: a statement that waited for another writer's lock would still
        # decide with the snapshot it started with; the next statement sees what that writer committed.
        session.execute(select(Article.id).where(Article.id.in_(chunk)).order_by(Article.id)
                        .with_for_update(read=True))
        session.execute(select(Demand.article_id).where(Demand.article_id.in_(chunk))
                        .order_by(Demand.article_id, Demand.language).with_for_update())
        rows = session.execute(
            select(Demand.article_id, Demand.language, Demand.count, Demand.counted, Article.section_id,
                   _has_variant())
            .join(Article, Article.id == Demand.article_id)
            .where(Demand.article_id.in_(chunk)))
        for article_id, language, count, counted, section_id, has_variant in rows:
            wanted = 0 if has_variant else count
            if wanted != counted:
                deltas[(language, section_id)] = deltas.get((language, section_id), 0) + wanted - counted
                changed.append({"a": article_id, "l": language, "n": wanted})
    upsert(session, MissingDemand.__table__, _KEY,
           ({"language": language, "section_id": section_id, "requests": n}
            for (language, section_id), n in deltas.items() if n), add=("requests",))
    if changed:
        table = Demand.__table__
        session.execute(update(table).where(table.c.article_id == bindparam("a"), table.c.language == bindparam("l"))
                        .values(counted=bindparam("n")), changed)


def lock_for_flush(session: Session, article_ids: Iterable[int]) -> None:
    """Lock the rows of ``article_ids`` as a demand flush must before writing their demand (see above).
    FOR NO KEY UPDATE: it waits for a content write's FOR SHARE, not for a variant or demand row being
    inserted (their foreign keys take FOR KEY SHARE). One statement with an array on PostgreSQL (its
    rows locked as the sort hands them out, in key order); none on SQLite, whose writers take the one
    database lock instead of rows."""
    ids = sorted(set(article_ids))
    if ids and session.get_bind().dialect.name == "postgresql":
        session.execute(select(Article.id).where(Article.id == func.any(cast(ids, ARRAY(Integer))))
                        .order_by(Article.id).with_for_update(key_share=True))


def recounted_missing_demand(
    session: Session, languages: Sequence[str] | None = None, section_ids: Sequence[int] | None = None
) -> dict[tuple[str, int], int]:
    """Reader requests per (language, section) for articles with no variant in that language, summed
    from the demand table (what `MissingDemand` must hold; its cost follows the demand table).

    NOT EXISTS, not an outer join: PostgreSQL then probes the (article, language) unique index once
    per demand row instead of hashing every variant.
    """
    query = (
        select(Demand.language, Article.section_id, func.sum(Demand.count))
        .join(Article, Article.id == Demand.article_id)
        .where(~_has_variant())
        .group_by(Demand.language, Article.section_id)
    )
    if languages is not None:
        query = query.where(Demand.language.in_(list(languages)))
    if section_ids is not None:
        query = query.where(Article.section_id.in_(list(section_ids)))
    return {(language, section_id): int(total) for language, section_id, total in session.execute(query)}


def stored_missing_demand(
    session: Session, languages: Sequence[str] | None = None, section_ids: Sequence[int] | None = None
) -> dict[tuple[str, int], int]:
    """What `MissingDemand` holds, per (language, section) (rows of 0 left out)."""
    query = select(MissingDemand.language, MissingDemand.section_id, MissingDemand.requests).where(
        MissingDemand.requests != 0)
    if languages is not None:
        query = query.where(MissingDemand.language.in_(list(languages)))
    if section_ids is not None:
        query = query.where(MissingDemand.section_id.in_(list(section_ids)))
    return {(language, section_id): int(n) for language, section_id, n in session.execute(query)}


def recount_missing_demand(session: Session) -> None:
    """Rewrite `MissingDemand` and every ``Demand.counted`` from the demand table and the variants
    (after a bulk import, or to repair drift)."""
    wanted = case((_has_variant(), 0), else_=Demand.count)
    session.execute(update(Demand).where(Demand.counted != wanted).values(counted=wanted)
                    .execution_options(synchronize_session=False))
    replace_all(session, MissingDemand.__table__, _KEY, [
        {"language": language, "section_id": section_id, "requests": n}
        for (language, section_id), n in recounted_missing_demand(session).items()], ("requests",))
