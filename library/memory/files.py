"""The whole memory in and out as TMX: what ``library memory export|import`` and the editors' API call.

An import is all or nothing: the file is read and checked whole (`library.memory.tmx.read_tmx`), any
problem raises `InvalidTmx` naming every line before anything is written, and units the memory holds
already (same languages, same normalised source, same translation) or that the file repeats are
counted, not stored twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from library.content import limits
from library.content.models import Article
from library.memory import text as memtext
from library.memory import tmx
from library.memory.errors import InvalidTmx
from library.memory.models import MemoryUnit
from library.memory.store import NewUnit, add_units
from library.storage.types import utcnow

_CHUNK = 500


def max_file_bytes(max_text_kb: int) -> int:
    """The largest TMX file accepted: as much as 64 of the largest texts (`Settings.max_text_kb`); the web
    edge bounds uploads further (`library.web.guard`)."""
    return 64 * max_text_kb * 1024


def export_tmx(session: Session, *, at: datetime | None = None) -> tuple[bytes, int]:
    """The whole memory as a TMX 1.4b document, oldest unit first, and how many units it holds."""
    rows = session.execute(select(MemoryUnit, Article.slug).outerjoin(Article, Article.id == MemoryUnit.article_id)
                           .order_by(MemoryUnit.id)).all()
    units = [tmx.TmxUnit(unit.source_language, unit.target_language, unit.source_text, unit.target_text,
                         at=unit.changed_at, by=unit.changed_by, props=_props(unit, slug)) for unit, slug in rows]
    return tmx.write_tmx(units, exported_at=at or utcnow()), len(units)


def _props(unit: MemoryUnit, slug: str | None) -> dict[str, str]:
    props = {"origin": unit.origin}
    if slug:
        props["article"] = slug
    if unit.revision is not None:
        props["revision"] = str(unit.revision)
    if unit.place:
        props["place"] = unit.place
    return props


@dataclass(frozen=True)
class ImportResult:
    added: int
    unchanged: int
    """Units the memory (or the file itself) held already."""
    skipped: int
    """Translations into or out of languages the library does not hold."""


def import_tmx(session: Session, data: bytes, *, languages: Sequence[str], by: str | None = None,
               max_text_kb: int = limits.DEFAULT_MAX_TEXT_KB, at: datetime | None = None) -> ImportResult:
    """Add the units of a TMX file to the memory, all of them or none (see the module docstring)."""
    found = tmx.read_tmx(data, languages, max_bytes=max_file_bytes(max_text_kb), max_text_kb=max_text_kb)
    if found.problems:
        raise InvalidTmx(found.problems)
    at = at or utcnow()
    keyed = [((u.source_language, u.target_language, memtext.digest(memtext.normalise(u.source)), u.target), u)
             for u in found.units]
    known = _known(session, {key[2] for key, _ in keyed})
    fresh: list[NewUnit] = []
    for key, unit in keyed:
        if key in known:
            continue
        known.add(key)
        fresh.append(NewUnit(unit.source_language, unit.target_language, unit.source, unit.target,
                             changed_at=unit.at or at, changed_by=(unit.by or by or "")[:100] or None,
                             place=unit.props.get("place", ""), origin="tmx"))
    added = add_units(session, fresh)
    return ImportResult(added, len(keyed) - added, found.skipped)


def _known(session: Session, digests: set[str]) -> set[tuple[str, str, str, str]]:
    known = set()
    ordered = sorted(digests)
    for start in range(0, len(ordered), _CHUNK):
        rows = session.execute(select(MemoryUnit.source_language, MemoryUnit.target_language, MemoryUnit.source_hash,
                                      MemoryUnit.target_text)
                               .where(MemoryUnit.source_hash.in_(ordered[start:start + _CHUNK])))
        known.update((a, b, c, d) for a, b, c, d in rows)
    return known
