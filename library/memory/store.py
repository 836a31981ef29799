"""Writing the memory: units added with their index keys, learnt from published translations.

Every writer goes through `add_units` (the content-event reaction on publish, TMX imports, the 0013
migration's fill, the benchmark), so a unit never exists without its keys and counts. Learning pairs
the segments of a published translation with those of the source revision it was made from, both cut
by the one segmenter (`library.content.segments`; `pairs_of`): title with title, summary with summary,
paragraph with paragraph (sentence with sentence in a long one) when both texts have as many; a
translation whose paragraphs were merged or split teaches only its title and summary rather than wrong
pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from library.content import segments as segmenter
from library.content.events import Changes
from library.content.models import Revision, Variant
from library.memory import text as memtext
from library.memory.models import MemoryKey, MemoryKeyCount, MemoryUnit

#: Longest segment the memory keeps (characters): longer ones are documents, not reusable segments.
MAX_UNIT_CHARS = 10_000
_BATCH = 2_000
#: A write of this many units or more refreshes PostgreSQL's statistics of the memory's tables at once:
#: planned on the statistics of an empty table, the fuzzy search reads the postings several times slower
#: until autovacuum comes by (measured with scripts/bench_memory.py after a 50,000-unit import).
ANALYZE_AFTER = 10_000


@dataclass(frozen=True)
class NewUnit:
    """A unit about to be stored."""

    source_language: str
    target_language: str
    source_text: str
    target_text: str
    changed_at: datetime
    changed_by: str | None = None
    place: str = ""
    article_id: int | None = None
    revision: int | None = None
    origin: str = "library"


def _row(unit: NewUnit) -> tuple[dict, set[int]]:
    normalised = memtext.normalise(unit.source_text)
    row = {"source_language": unit.source_language, "target_language": unit.target_language,
           "source_text": unit.source_text, "target_text": unit.target_text,
           "source_hash": memtext.digest(normalised), "size": len(normalised), "place": unit.place[:40],
           "article_id": unit.article_id, "revision": unit.revision, "origin": unit.origin,
           "changed_by": unit.changed_by, "changed_at": unit.changed_at}
    return row, memtext.keys(normalised, unit.source_language, unit.target_language)


def add_units(connection: Connection | Session, units: Iterable[NewUnit]) -> int:
    """Store ``units`` with their index keys and key counts; how many were stored. Works on a session
    or on a bare connection (a migration)."""
    stored = 0
    batch: list[NewUnit] = []
    for unit in units:
        batch.append(unit)
        if len(batch) >= _BATCH:
            stored += _add_batch(connection, batch)
            batch = []
    if batch:
        stored += _add_batch(connection, batch)
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    if stored >= ANALYZE_AFTER and bind.dialect.name == "postgresql":
        connection.execute(text("ANALYZE memory_unit, memory_key, memory_key_count"))
    return stored


def _add_batch(connection: Connection | Session, units: Sequence[NewUnit]) -> int:
    rows, unit_keys = zip(*(_row(unit) for unit in units), strict=True)
    ids = connection.execute(insert(MemoryUnit).returning(MemoryUnit.id, sort_by_parameter_order=True),
                             list(rows)).scalars().all()
    postings = [{"key": key, "size": row["size"], "unit_id": unit_id}
                for unit_id, row, found in zip(ids, rows, unit_keys, strict=True) for key in found]
    if postings:
        connection.execute(insert(MemoryKey), postings)
        _count(connection, Counter(posting["key"] for posting in postings))
    return len(ids)


def _count(connection: Connection | Session, counts: Counter[int]) -> None:
    """Add ``counts`` to the key counts, in key order (two writers lock the rows in the same order)."""
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    rows = [{"key": key, "units": counts[key]} for key in sorted(counts)]
    statement = upsert(MemoryKeyCount)
    statement = statement.on_conflict_do_update(index_elements=["key"],
                                                set_={"units": MemoryKeyCount.units + statement.excluded.units})
    for start in range(0, len(rows), _BATCH):
        connection.execute(statement, rows[start:start + _BATCH])


def pairs_of(source: Revision | dict, target: Revision | dict) -> list[tuple[str, str, str]]:
    """(place, source segment, target segment) for each segment of ``target`` that can be paired with
    one of ``source`` (see the module docstring); copies of the source and huge segments are left out."""
    def cut(revision) -> segmenter.Segmentation:
        get = revision.__getitem__ if isinstance(revision, dict) else revision.__getattribute__
        return segmenter.segment_variant(get("title"), get("summary"), get("body"))

    mine, theirs = cut(source), cut(target)
    my_segments, their_segments = memtext.of_segmentation(mine), memtext.of_segmentation(theirs)
    pairs = []
    for name in segmenter.FIELDS:
        for my_run, their_run in _paired_runs(mine.runs.get(name, ()), theirs.runs.get(name, ())):
            if len(my_run) != len(their_run):
                continue  # a paragraph cut into other sentences: no sure pairs
            for s_index, t_index in zip(my_run, their_run, strict=True):
                original, translated = my_segments[s_index], their_segments[t_index]
                if original is None or translated is None:
                    continue
                if len(original.text) > MAX_UNIT_CHARS or len(translated.text) > MAX_UNIT_CHARS:
                    continue
                if memtext.normalise(original.text) == memtext.normalise(translated.text):
                    continue
                pairs.append((translated.place, original.text, translated.text))
    return pairs


def _paired_runs(mine: Sequence[tuple[int, ...]], theirs: Sequence[tuple[int, ...]]) -> list[tuple]:
    """The stretches between block boundaries of a source and its translation, paired in order when both
    have as many (or as many non-empty ones); none otherwise: merged or split paragraphs teach nothing."""
    if len(mine) != len(theirs):
        mine, theirs = [run for run in mine if run], [run for run in theirs if run]
        if len(mine) != len(theirs):
            return []
    return list(zip(mine, theirs, strict=True))


def learn(session: Session, changes: Changes) -> None:
    """The content-event reaction (`library.bootstrap.content_events`): every translation whose current
    published revision the memory does not hold yet becomes units, in the publishing transaction."""
    if changes.everything:
        candidates = select(Variant).where(Variant.published_revision.is_not(None),
                                           Variant.translated_from.is_not(None))
    elif changes.variants:
        wanted = sorted(changes.variants)
        candidates = select(Variant).where(
            Variant.published_revision.is_not(None), Variant.translated_from.is_not(None),
            or_(*(and_(Variant.article_id == article, Variant.language == language) for article, language in wanted)))
    else:
        return
    known = aliased(MemoryUnit)
    candidates = candidates.where(~select(known.id).where(
        known.article_id == Variant.article_id, known.target_language == Variant.language,
        known.revision == Variant.published_revision).exists())
    for variant in session.scalars(candidates).all():
        add_units(session, units_of_variant(session, variant))


def units_of_variant(session: Session, variant: Variant) -> list[NewUnit]:
    """The units a published translation teaches (none when its source revision is gone)."""
    target = session.scalar(select(Revision).where(Revision.variant_id == variant.id,
                                                   Revision.number == variant.published_revision))
    source_variant = aliased(Variant)
    source = session.scalar(
        select(Revision).join(source_variant, source_variant.id == Revision.variant_id)
        .where(source_variant.article_id == variant.article_id, source_variant.language == variant.translated_from,
               Revision.number == target.source_revision)) if target and target.source_revision else None
    if source is None:
        return []
    author = session.scalar(
        select(Revision.changed_by).where(Revision.variant_id == variant.id, Revision.minor.is_(False),
                                          Revision.number <= variant.published_revision)
        .order_by(Revision.number.desc()).limit(1)) or target.changed_by
    return [NewUnit(target.translated_from or variant.translated_from, variant.language, source_text, target_text,
                    changed_at=target.changed_at, changed_by=author, place=place, article_id=variant.article_id,
                    revision=target.number)
            for place, source_text, target_text in pairs_of(source, target)]
