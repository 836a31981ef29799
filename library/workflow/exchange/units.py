"""What travels in an exchange file: one unit per article field, and the key that ties it back.

The key ``slug|field|language@revision`` (PO msgctxt, XLIFF trans-unit id) names the article, the
field and the exact source revision the text was exported from, so an import can tell whether the
source changed in the meantime.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from library.memory.suggest import Suggestion
from library.workflow.diff import FIELDS
from library.workflow.messages import Place
from library.workflow.queue import QueuePage

_KEY = re.compile(r"^(?P<article>[a-z0-9]+(?:-[a-z0-9]+)*)\|(?P<field>[a-z]+)\|"
                  r"(?P<language>[a-z]{2,8})@(?P<revision>\d{1,9})$")


@dataclass(frozen=True, order=True)
class UnitKey:
    article: str
    field: str
    source_language: str
    source_revision: int

    def __str__(self) -> str:
        return f"{self.article}|{self.field}|{self.source_language}@{self.source_revision}"

    @classmethod
    def parse(cls, text: str | None) -> UnitKey | None:
        match = _KEY.match(text or "")
        if match is None or match["field"] not in FIELDS:
            return None
        return cls(match["article"], match["field"], match["language"], int(match["revision"]))


@dataclass(frozen=True)
class ExportUnit:
    key: UnitKey
    source: str
    target: str
    """The current translation when there is one (outdated, or a draft in progress), else empty."""
    previous_source: str | None
    """The source text the current translation was made from, when it was made from this language."""
    url: str
    reason: str
    demand: int
    terms: tuple[str, ...] = ()
    """Notes for the translator on the term base's terms this source uses (`library.quality.terms`)."""
    suggestions: tuple[Suggestion, ...] = ()
    """The translation memory's suggestions for this source, best first, then the machine translation's."""


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
    """The units of a queue page: every non-empty source field of every item."""
    units = []
    for item in page.items:
        old = item.diff.old if item.diff and item.diff.language == item.source.language else None
        for name in FIELDS:
            source = getattr(item.source, name)
            if not source.strip():
                continue
            target = getattr(item.target.text, name) if item.target else ""
            units.append(ExportUnit(
                key=UnitKey(item.article, name, item.source.language, item.source.revision),
                source=source, target=target, previous_source=(old or {}).get(name),
                url=article_url(base_url, item.source.language, item.article),
                reason=item.reason, demand=item.demand))
    return units
