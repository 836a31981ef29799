"""What travels in an exchange file: one unit per segment of an article, and the key that ties it back.

The key ``slug|segment|language@revision`` (PO msgctxt, XLIFF trans-unit id) names the article, the
segment (`library.content.segments`: ``body-3f2a9c1b4d5e``, its field first) and the exact source
revision the text was exported from, so an import can tell whether the source changed in the meantime
and put each translated segment back in its place with the source's markup. An outdated translation's
untouched segments travel translated; a segment whose source changed comes pre-filled with its old
translation, marked for review, with its old source text beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from library.content.segments import Segment
from library.memory.suggest import Suggestion
from library.workflow.diff import FIELDS
from library.workflow.messages import Place
from library.workflow.queue import QueuePage
from library.workflow.segments import CHANGED, segment_sheet

_KEY = re.compile(r"^(?P<article>[a-z0-9]+(?:-[a-z0-9]+)*)\|(?P<segment>(?P<field>[a-z]+)-[0-9a-f]{12}(?:~[0-9]{1,7})?)"
                  r"\|(?P<language>[a-z]{2,8})@(?P<revision>\d{1,9})$")


@dataclass(frozen=True, order=True)
class UnitKey:
    article: str
    segment: str
    """The segment's id (`library.content.segments.Segment.id`)."""
    source_language: str
    source_revision: int

    @property
    def field(self) -> str:
        return self.segment.partition("-")[0]

    def __str__(self) -> str:
        return f"{self.article}|{self.segment}|{self.source_language}@{self.source_revision}"

    @classmethod
    def parse(cls, text: str | None) -> UnitKey | None:
        match = _KEY.match(text or "")
        if match is None or match["field"] not in FIELDS:
            return None
        return cls(match["article"], match["segment"], match["language"], int(match["revision"]))


@dataclass(frozen=True)
class ExportUnit:
    key: UnitKey
    segment: Segment
    """The source's segment: its text with tokens (``source``) and the markup they stand for."""
    target: str
    """The segment's current translation when there is one (an untouched segment of an outdated
    translation, a draft in progress, or the old translation of a changed segment), else empty."""
    previous_source: str | None
    """For a segment whose source changed since it was translated: its old text."""
    final: bool
    """The translation is of this very source text (not a changed segment's old one): the CAT tool may
    take it as done."""
    url: str
    reason: str
    demand: int
    terms: tuple[str, ...] = ()
    """Notes for the translator on the term base's terms this source uses (`library.quality.terms`)."""
    suggestions: tuple[Suggestion, ...] = ()
    """The translation memory's suggestions for this source, best first, then the machine translation's."""

    @property
    def source(self) -> str:
        return self.segment.text

    def code_notes(self) -> list[str]:
        """What each token stands for, for the translator: "{1}…{/1} = <a href="...">"."""
        return [f"{'…'.join(code.tokens)} = {code.opening}" for code in self.segment.codes if code.tag]


@dataclass(frozen=True)
class ReadUnit:
    """One unit as a file gives it back."""

    where: Place
    """How to find it in the file (its line and key)."""
    raw_key: str | None
    source: str
    target: str
    done: bool
    """Translated and confirmed (not fuzzy, not "needs review")."""
    problem: tuple[str, dict[str, object]] | None = None
    """A format-level problem found while reading (template, facts), e.g. an unknown inline element."""

    @property
    def key(self) -> UnitKey | None:
        return UnitKey.parse(self.raw_key)


@dataclass
class ReadFile:
    """What a reader of one format found: the declared target language, the units, file-level problems."""

    language: str | None
    units: list[ReadUnit]
    problems: list[tuple[Place, str, dict[str, object]]]
    """(where, template, facts) for problems that make the file unreadable as a whole."""


def article_url(base_url: str, language: str, slug: str) -> str:
    """Where a reader finds the article: given to translators as context."""
    return f"{base_url.rstrip('/')}/{language}/articles/{slug}"


def units_of(page: QueuePage, base_url: str) -> list[ExportUnit]:
    """The units of a queue page: every segment of every item's source (`segment_sheet`)."""
    units = []
    for item in page.items:
        old = item.diff.old if item.diff and item.diff.language == item.source.language else None
        target = item.target.text.fields() if item.target else None
        sheet = segment_sheet(item.source.fields(), target, old)
        for work in sheet.work:
            changed = work.state == CHANGED
            units.append(ExportUnit(
                key=UnitKey(item.article, work.segment.id, item.source.language, item.source.revision),
                segment=work.segment, target=work.translation or (work.previous_translation or "" if changed else ""),
                previous_source=work.previous_source if changed else None, final=work.done and not changed,
                url=article_url(base_url, item.source.language, item.article),
                reason=item.reason, demand=item.demand))
    return units
