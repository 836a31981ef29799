"""Suggestions from the memory for the segments a translator is working on.

For each segment: exact matches first (its normalised source's digest, one index lookup), then fuzzy
matches of at least `THRESHOLD` % (`library.memory.text.similarity`), ranked by similarity, then by
whether they keep the term base's forms, then by recency; each with the difference between the stored
source and the current one. A suggestion that breaks a term (the current source uses a term whose
target form the suggestion lacks, or the suggestion uses a forbidden form) is marked with its key.

Fuzzy candidates come from the key index, never from a scan of every unit (see `library.memory.models`):
a segment's keys are looked up in the key counts, its rarest keys' posting lists are read within the
length band that can reach the threshold, the units sharing most keys are the candidates, and only
those are compared with rapidfuzz (the database counts the shared keys and returns only the best
`CANDIDATES`). A segment's search reads at most `POSTING_BUDGET` postings, so a
segment of common words costs no more than a rare one (it may then miss a match: recall is measured by
``scripts/bench_memory.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from library.content.models import Article
from library.memory import text as memtext
from library.memory.models import MemoryKey, MemoryKeyCount, MemoryUnit
from library.quality import extract, matching
from library.quality.checks import TermEntry

THRESHOLD = 70
#: Suggestions kept per segment.
LIMIT = 3
#: Units compared with rapidfuzz per segment, the best candidates by shared keys.
CANDIDATES = 25
#: Postings read per segment at most (see the module docstring).
POSTING_BUDGET = 2_000
#: Segments longer than this (normalised characters) get exact matches only.
MAX_FUZZY_CHARS = 4_000
_IN_CHUNK = 500


@dataclass(frozen=True)
class Suggestion:
    """A translation offered for a segment."""

    kind: str
    """``memory`` (a unit of the memory) or ``machine`` (the machine-translation hook's output)."""
    target: str
    """The translation to insert, with its inline markup."""
    source: str
    """The source it translates: the stored one, or the current segment for a machine translation."""
    match: int | None
    """Similarity of the stored source to the current one, 0-100 (100: exact); None for a machine one."""
    changes: list[memtext.Change] = field(default_factory=list)
    """How the stored source differs from the current one (empty for an exact or machine suggestion)."""
    breaks_terms: tuple[str, ...] = ()
    """Keys of the term base's terms the suggestion does not keep."""
    origin: str = "library"
    """``library`` (learnt from a published translation), ``tmx`` (imported), or the engine's name."""
    article: str | None = None
    revision: int | None = None
    by: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class _Candidate:
    unit_id: int
    match: float


def suggest(session: Session, source_language: str, target_language: str, segments: Sequence[str], *,
            terms: Sequence[TermEntry] = (), limit: int = LIMIT, threshold: int = THRESHOLD) -> list[list[Suggestion]]:
    """The suggestions for each of ``segments`` (source texts with inline markup), in their order."""
    normalised = [memtext.normalise(segment) for segment in segments]
    exact = _exact(session, source_language, target_language, normalised)
    counts = _key_counts(session, {key for text in normalised if len(text) <= MAX_FUZZY_CHARS
                                   for key in memtext.keys(text, source_language, target_language)})
    found: list[list[_Candidate]] = [[_Candidate(unit_id, 100.0) for unit_id in exact.get(memtext.digest(text), [])]
                                     for text in normalised]
    fuzzy = _fuzzy_ids(session, [text if len(text) <= MAX_FUZZY_CHARS else "" for text in normalised],
                       source_language, target_language, counts)
    for candidates, more in zip(found, fuzzy, strict=True):
        known = {c.unit_id for c in candidates}
        candidates += [_Candidate(unit_id, 0.0) for unit_id in more if unit_id not in known][:CANDIDATES]
    units = _units(session, {c.unit_id for candidates in found for c in candidates})
    result = []
    for segment, text, candidates in zip(segments, normalised, found, strict=True):
        scored = []
        for candidate in candidates:
            unit = units[candidate.unit_id][0]
            match = candidate.match if candidate.match == 100.0 else memtext.similarity(
                text, memtext.normalise(unit.source_text))
            if match >= threshold:
                scored.append((match, unit, units[candidate.unit_id][1]))
        result.append(_ranked(segment, scored, source_language, target_language, terms, limit))
    return result


def _ranked(segment: str, scored: list, source_language: str, target_language: str,
            terms: Sequence[TermEntry], limit: int) -> list[Suggestion]:
    suggestions = []
    for match, unit, slug in scored:
        exact = match == 100.0
        suggestions.append(Suggestion(
            "memory", unit.target_text, unit.source_text, 100 if exact else min(99, int(match)),
            [] if exact else memtext.difference(unit.source_text, segment),
            broken_terms(terms, segment, unit.target_text, source_language, target_language),
            unit.origin, slug, unit.revision, unit.changed_by, unit.changed_at))
    suggestions.sort(key=lambda s: (-s.match, bool(s.breaks_terms), -s.at.timestamp()))
    kept, seen = [], set()
    for suggestion in suggestions:  # one suggestion per distinct translation: the best, then the newest
        if suggestion.target not in seen:
            seen.add(suggestion.target)
            kept.append(suggestion)
    return kept[:limit]


def broken_terms(terms: Sequence[TermEntry], source: str, target: str, source_language: str,
                 target_language: str) -> tuple[str, ...]:
    """Keys of the terms ``target`` breaks as a translation of ``source``: a term the source uses whose
    target form it lacks, or a form the term base forbids in the target language."""
    if not terms:
        return ()
    source_tokens = matching.tokens(extract.plain(source))
    target_tokens = matching.tokens(extract.plain(target))
    broken = []
    for term in terms:
        expected = term.forms.get(target_language)
        if not expected:
            continue
        forbidden = term.forbidden.get(target_language, ())
        source_form = term.forms.get(source_language)
        uses = source_form is not None and matching.find_form(source_tokens, source_form, source_language) is not None
        if (uses and matching.find_form(target_tokens, expected, target_language) is None) or (
                forbidden and matching.find_any(target_tokens, forbidden, target_language)):
            broken.append(term.key)
    return tuple(broken)


def _chunks(values: Iterable, size: int = _IN_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _inline(name: str, numbers: list[int]):
    """A list of integers the library computed, written into the statement rather than bound: hundreds of
    bound parameters cost the PostgreSQL driver more to parse than the database to answer."""
    return bindparam(name, [int(n) for n in numbers], expanding=True, literal_execute=True)


def _exact(session: Session, source_language: str, target_language: str, normalised: list[str]) -> dict[str, list[int]]:
    by_digest: dict[str, list[int]] = {}
    for chunk in _chunks({memtext.digest(text) for text in normalised}):
        rows = session.execute(select(MemoryUnit.source_hash, MemoryUnit.id).where(
            MemoryUnit.source_language == source_language, MemoryUnit.target_language == target_language,
            MemoryUnit.source_hash.in_(chunk)))
        for digest, unit_id in rows:
            by_digest.setdefault(digest, []).append(unit_id)
    return by_digest


def _key_counts(session: Session, keys: set[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for chunk in _chunks(keys):
        rows = session.execute(select(MemoryKeyCount.key, MemoryKeyCount.units)
                               .where(MemoryKeyCount.key.in_(_inline("keys", chunk))))
        counts.update((key, units) for key, units in rows)
    return counts


def _probe(text: str, source_language: str, target_language: str, counts: dict[int, int]) -> list[int]:
    """The rarest keys of ``text`` that the memory holds, within the posting budget."""
    present = sorted((counts[key], key) for key in memtext.keys(text, source_language, target_language)
                     if key in counts)
    # A unit reaching the threshold shares most of the keys; probing the rarest ones finds it.
    wanted = max(1, len(present) - len(present) * 2 // 5) if present else 0
    probe, read = [], 0
    for units, key in present[:wanted]:
        if probe and read + units > POSTING_BUDGET:
            break
        probe.append(key)
        read += units
    return probe


def _fuzzy_ids(session: Session, texts: list[str], source_language: str, target_language: str,
               counts: dict[int, int]) -> list[list[int]]:
    """For each text, the units sharing most of its rarest keys within its length band, best first (see
    the module docstring), at most `CANDIDATES` each. On PostgreSQL one query for all the texts (a UNION of
    each text's top-N), so that the round trips to the server do not grow with the segments; SQLite has
    no round trips, and a query per text is quicker there (measured with scripts/bench_memory.py)."""
    if session.get_bind().dialect.name == "sqlite":
        return [_candidates_of(session, text, source_language, target_language, counts) for text in texts]
    parts = []
    for number, text in enumerate(texts):
        probe = _probe(text, source_language, target_language, counts) if text else []
        if probe:
            low, high = memtext.size_band(len(text), THRESHOLD)
            shared = func.count().label("shared")
            best = (select(literal_column(str(int(number))).label("segment"), MemoryKey.unit_id, shared)
                    .where(MemoryKey.key.in_(_inline(f"probe_{number}", probe)),
                           MemoryKey.size.between(literal_column(str(int(low))), literal_column(str(int(high)))))
                    .group_by(MemoryKey.unit_id).order_by(shared.desc(), MemoryKey.unit_id.desc())
                    .limit(CANDIDATES).subquery())
            parts.append(select(best.c.segment, best.c.unit_id, best.c.shared))
    found: list[list[int]] = [[] for _ in texts]
    for chunk in _chunks(parts, 50):
        query = union_all(*chunk) if len(chunk) > 1 else chunk[0]
        for number, unit_id, _ in session.execute(query):
            found[number].append(unit_id)
    return found


def _candidates_of(session: Session, text: str, source_language: str, target_language: str,
                   counts: dict[int, int]) -> list[int]:
    probe = _probe(text, source_language, target_language, counts) if text else []
    if not probe:
        return []
    low, high = memtext.size_band(len(text), THRESHOLD)
    shared = func.count().label("shared")
    query = (select(MemoryKey.unit_id, shared)
             .where(MemoryKey.key.in_(_inline("probe", probe)), MemoryKey.size.between(low, high))
             .group_by(MemoryKey.unit_id).order_by(shared.desc(), MemoryKey.unit_id.desc()).limit(CANDIDATES))
    return [unit_id for unit_id, _ in session.execute(query)]


@dataclass(frozen=True)
class _Unit:
    source_text: str
    target_text: str
    origin: str
    revision: int | None
    changed_by: str | None
    changed_at: datetime


def _units(session: Session, ids: set[int]) -> dict[int, tuple[_Unit, str | None]]:
    """The candidates' texts, as plain rows (building ORM objects cost more than the search)."""
    found = {}
    columns = (MemoryUnit.id, MemoryUnit.source_text, MemoryUnit.target_text, MemoryUnit.origin, MemoryUnit.revision,
               MemoryUnit.changed_by, MemoryUnit.changed_at, Article.slug)
    for chunk in _chunks(ids):
        rows = session.execute(select(*columns).outerjoin(Article, Article.id == MemoryUnit.article_id)
                               .where(MemoryUnit.id.in_(_inline("ids", chunk))))
        for unit_id, source, target, origin, revision, by, at, slug in rows:
            found[unit_id] = (_Unit(source, target, origin, revision, by, at), slug)
    return found
