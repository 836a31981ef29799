"""A translation as a list of segments to do: what each source segment has, and what changed (issue 18).

The workbench, the PO and XLIFF exports and their imports all ask the same question of a translation:
for each segment of the current source, is there a translation, and was it made from this very text or
from an earlier one? `segment_sheet` answers it from texts alone (`library.content.segments` cuts them):

- the source as it is now;
- the target as it stands (a draft included) and the source text it was made from;
- the baseline: the source text the last *published* translation was made from, with that translation.
  A segment whose text is in the baseline is "translated" (an untouched segment keeps its translation);
  one that replaced a baseline segment is "changed", with that segment's old text (for the diff) and old
  translation; anything else is "new". The baseline stays until a translation of the new source is
  published, so a translator who saved a draft of half the changed segments still sees which they were.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from library.content.segments import Segment, Segmentation, align, retoken, segment_text

NEW, TRANSLATED, CHANGED = "new", "translated", "changed"
_WORDS = re.compile(r"\S+\s*|\s+")
#: Words (with the spaces after them) of a segment compared for its diff, at most (a long paragraph has a
#: few hundred): the matcher is quadratic in the worst case, so a hostile segment costs a bounded time.
MAX_DIFF_WORDS = 400


@dataclass(frozen=True)
class SegmentWork:
    segment: Segment
    """The current source's segment."""
    translation: str
    """Its translation as the target stands, in the segment's token numbers ("" when there is none)."""
    state: str
    """`NEW`, `TRANSLATED` (the baseline translated this very text) or `CHANGED` (it translated an
    earlier text, `previous_source`)."""
    previous_source: str | None = None
    previous_translation: str | None = None
    """For a changed segment: the baseline translation of `previous_source`, in this segment's tokens."""

    @property
    def done(self) -> bool:
        return bool(self.translation.strip())

    def diff(self) -> list[tuple[str, str]]:
        """How the source's text changed, word by word: ("equal" | "delete" | "insert", text)."""
        return word_diff(self.previous_source or "", self.segment.text) if self.state == CHANGED else []


@dataclass(frozen=True)
class SegmentSheet:
    source: Segmentation
    work: tuple[SegmentWork, ...]

    @property
    def done(self) -> int:
        return sum(1 for item in self.work if item.done)

    @property
    def total(self) -> int:
        return len(self.work)

    @property
    def changed(self) -> int:
        return sum(1 for item in self.work if item.state == CHANGED)

    def translations(self) -> dict[str, str]:
        return {item.segment.id: item.translation for item in self.work if item.done}


Fields = Mapping[str, str]


def segment_sheet(source: Fields, target: Fields | None = None, target_from: Fields | None = None,
                  baseline_from: Fields | None = None, baseline: Fields | None = None) -> SegmentSheet:
    """The segments of ``source`` with what ``target`` (made from ``target_from``; None: from
    ``source`` itself) has for each, judged against the ``baseline`` translation of ``baseline_from``
    (None: the target and what it was made from)."""
    now = segment_text(source)
    if target is None:
        return SegmentSheet(now, tuple(SegmentWork(s, "", NEW) for s in now.segments))
    made_from = segment_text(target_from) if target_from is not None else now
    found = align(made_from, segment_text(target))
    current = _carried(now, made_from, found)
    if baseline is None or baseline_from is None:
        base_source, base = made_from, found
    else:
        base_source = segment_text(baseline_from)
        base = align(base_source, segment_text(baseline))
    known = base_source.by_id()
    counterparts = _counterparts(now, base_source)
    work = []
    for segment in now.segments:
        translation = current.get(segment.id, "")
        if segment.id in known:
            carried = base.get(segment.id, "")
            work.append(SegmentWork(segment, translation or carried, TRANSLATED if translation or carried else NEW))
        elif (old := counterparts.get(segment.id)) is not None:
            previous = base.get(old.id)
            work.append(SegmentWork(segment, translation, CHANGED, old.text,
                                    _in_tokens_of(previous, old, segment) if previous else None))
        else:
            work.append(SegmentWork(segment, translation, NEW))
    return SegmentSheet(now, tuple(work))


def _carried(now: Segmentation, made_from: Segmentation, found: dict[str, str]) -> dict[str, str]:
    """The target's translations by the ids of ``now``: all of them when it was made from ``now``; else
    those of segments whose text did not change."""
    if made_from is now:
        return found
    ids = {s.id for s in now.segments}
    return {key: text for key, text in found.items() if key in ids}


def _counterparts(now: Segmentation, before: Segmentation) -> dict[str, Segment]:
    """For each segment of ``now`` that replaced one of ``before`` (same field, in a changed stretch), that
    one: paired in order within each replaced stretch."""
    found: dict[str, Segment] = {}
    for field in ("title", "summary", "body"):
        mine, theirs = now.of(field), before.of(field)
        matcher = difflib.SequenceMatcher(None, [s.id for s in theirs], [s.id for s in mine], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "replace":
                for old, new in zip(theirs[i1:i2], mine[j1:j2], strict=False):
                    found[new.id] = old
    return found


def _in_tokens_of(translation: str, old: Segment, new: Segment) -> str:
    """``translation`` of ``old`` with its tokens renumbered as ``new``'s, by the markup they stand for."""
    return retoken(Segment(old.id, old.field, old.kind, old.block, old.sentence, translation, old.codes), new)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """("equal" | "delete" | "insert", text) pieces that turn ``old`` into ``new``, word by word (spaces
    kept with the words); beyond `MAX_DIFF_WORDS` words, the rest as one deletion and one insertion."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    rest_a, rest_b = a[MAX_DIFF_WORDS:], b[MAX_DIFF_WORDS:]
    a, b = a[:MAX_DIFF_WORDS], b[:MAX_DIFF_WORDS]
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", "".join(b[j1:j2])))
    if rest_a:
        pieces.append(("delete", "".join(rest_a)))
    if rest_b:
        pieces.append(("insert", "".join(rest_b)))
    return pieces
