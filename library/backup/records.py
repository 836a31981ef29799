"""The records of a library backup: one msgspec struct per kind of line, checked as it is read, and
how a record is written as one line of JSON."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

import msgspec

from library.content.models import Article, ArticleLink, Revision, Section, Status, Variant
from library.coverage.models import CoverageSnapshot
from library.demand.models import Demand
from library.quality.models import QualityFinding, QualityOverride
from library.quality.terms import TermFields
from library.workflow.audit import AuditFields
from library.workflow.models import AuditEntry, RefusedEdit

FORMAT = 2
"""The format this version writes; it reads every format up to it (1 lacks the kinds format 2 added)."""
HEADER = {"kind": "library", "format": FORMAT}


class SectionRecord(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    slug: str
    position: int
    names: dict[str, str]


class ArticleRecord(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    slug: str
    section: str
    published_at: datetime
    source_language: str
    views: int
    source_words: int
    tags: list[str]
    see_also: list[str]
    created_at: datetime


class TextFields(msgspec.Struct):
    title: str
    summary: str
    body: str
    status: Status
    translated_from: str | None
    source_revision: int | None


class VariantRecord(TextFields, forbid_unknown_fields=True):
    kind: str
    article: str
    language: str
    revision: int
    major_revision: int
    published_revision: int | None
    outdated: bool
    words: int
    updated_by: str | None
    updated_at: datetime
    created_at: datetime


class RevisionRecord(TextFields, forbid_unknown_fields=True):
    kind: str
    article: str
    language: str
    number: int
    minor: bool
    comment: str | None
    changed_by: str | None
    changed_at: datetime


class DemandRecord(msgspec.Struct, forbid_unknown_fields=True):
    """Reads that wanted ``language`` and were served another one (the translators' signal)."""

    kind: str
    article: str
    language: str
    count: int
    first_seen: datetime
    last_seen: datetime


class RefusedRecord(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    article: str
    language: str
    based_on: int
    current_revision: int
    title: str
    summary: str
    body: str
    translated_from: str | None
    source_revision: int | None
    by: str
    at: datetime


class AuditRecord(AuditFields, forbid_unknown_fields=True):
    kind: str


class TermRecord(TermFields, forbid_unknown_fields=True):
    kind: str


class FindingRecord(msgspec.Struct, forbid_unknown_fields=True):
    """A content-check finding on revision ``revision`` of a variant."""

    kind: str
    article: str
    language: str
    revision: int
    code: str
    severity: Literal["error", "warning"]
    message: str
    details: dict[str, Any]
    created_at: datetime


class OverrideRecord(msgspec.Struct, forbid_unknown_fields=True):
    """An editor's reason to publish revision ``revision`` of a variant despite its errors."""

    kind: str
    article: str
    language: str
    revision: int
    reason: str
    codes: list[str]
    by: str | None
    at: datetime


class SnapshotRecord(msgspec.Struct, forbid_unknown_fields=True):
    """The coverage of one section in one language at the end of ``day`` (see `CoverageSnapshot`)."""

    kind: str
    section: str
    language: str
    day: date
    articles: int
    published: int
    in_review: int
    draft: int
    missing: int
    outdated: int
    words: int
    published_words: int
    in_review_words: int
    draft_words: int
    missing_words: int
    outdated_words: int
    recorded_at: datetime


RECORDS = {"term": TermRecord, "section": SectionRecord, "article": ArticleRecord, "variant": VariantRecord,
           "revision": RevisionRecord, "finding": FindingRecord, "override": OverrideRecord,
           "refused": RefusedRecord, "audit": AuditRecord, "demand": DemandRecord, "snapshot": SnapshotRecord}
FORMAT_1 = ("section", "article", "variant", "revision", "refused", "audit", "demand")
"""The kinds a format 1 file may hold."""
# Children first, for deletes. The term base (no foreign keys) is cleared apart: see `clear_library`.
TABLES = (AuditEntry, RefusedEdit, QualityOverride, QualityFinding, CoverageSnapshot, Demand, Revision, Variant,
          ArticleLink, Article, Section)


def encode_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def _default(value: object) -> str:
    if isinstance(value, date):  # and datetime, a subclass
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")

