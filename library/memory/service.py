"""What the workflow asks of the memory: the suggestions for whole texts, segment by segment.

The queue, the exchange files and the workbench all call `suggestions_for_texts`: it segments each
text (`library.memory.text.segments`), asks the memory once per source language for every segment of
every text (so a page of the queue costs a few queries per language, not a few per item), adds the
machine-translation engine's suggestion when one is configured, and returns them by text and segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from library.memory import machine
from library.memory.suggest import Suggestion, suggest
from library.memory.text import segments as split
from library.quality.checks import TermEntry
from library.quality.terms import term_entries


@dataclass(frozen=True)
class TextToTranslate:
    source_language: str
    target_language: str
    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class SegmentSuggestions:
    """The suggestions for one segment of a source text."""

    id: str
    """The segment's id (`library.content.segments`): the same in the workbench and the exchange files."""
    place: str
    """``title``, ``summary`` or ``paragraph N``."""
    source: str
    """The segment's current source, with its inline markup."""
    suggestions: list[Suggestion]
    """The memory's, best first, then the machine translation's (kind ``machine``) when one is configured."""


def suggestions_for_segments(session: Session, source_language: str, target_language: str,
                             segments: Sequence[str], *, terms: Sequence[TermEntry] | None = None,
                             engine: machine.MachineTranslator | None = None) -> list[list[Suggestion]]:
    """The suggestions for each of ``segments``: the memory's, then the engine's."""
    terms = term_entries(session) if terms is None else terms
    found = suggest(session, source_language, target_language, segments, terms=terms)
    machines = machine.machine_suggestions(engine, segments, source_language, target_language)
    return [[*memory, *([extra] if extra else [])] for memory, extra in zip(found, machines, strict=True)]


def suggestions_for_texts(session: Session, texts: Sequence[TextToTranslate], *,
                          engine: machine.MachineTranslator | None = None) -> list[list[SegmentSuggestions]]:
    """For each text, its segments with their suggestions, in reading order."""
    terms = term_entries(session)
    pieces = [split(t.title, t.summary, t.body) for t in texts]
    by_pair: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for number, (text, segments) in enumerate(zip(texts, pieces, strict=True)):
        by_pair.setdefault((text.source_language, text.target_language), []).extend(
            (number, index) for index in range(len(segments)))
    found: dict[tuple[int, int], list[Suggestion]] = {}
    for (source_language, target_language), places in by_pair.items():
        segments = [pieces[number][index].text for number, index in places]
        answers = suggestions_for_segments(session, source_language, target_language, segments, terms=terms,
                                           engine=engine)
        found.update(zip(places, answers, strict=True))
    return [[SegmentSuggestions(segment.id, segment.place, segment.text, found[(number, index)])
             for index, segment in enumerate(segments)] for number, segments in enumerate(pieces)]
