"""The whole library as JSON Lines, for backup and for moving between SQLite and PostgreSQL.

The file is deterministic (records in a fixed order, keys sorted, no export time), so a round trip
SQLite -> file -> PostgreSQL -> file gives identical bytes. Import checks every line before it
writes anything, then writes everything in one transaction: a bad line changes nothing.

What a backup holds: content, every revision, the refused edits kept beside them (texts people wrote
that lost a race: "nothing is lost" includes backups), the audit log, reader demand (the translators'
signal of what to translate next), the term base, the content-check findings of every revision and
the publishing overrides (an editor's written reason to publish despite errors: an audit record),
and the coverage history (one snapshot per language, section and day). Records name what they
belong to by slug, language and revision number, never by database id.

Importing writes rows as they are (bulk inserts, not `save_variant`): the content checks do not run
again, so the findings are the file's and no more, and no coverage snapshot is recorded for the import.

What it leaves out, on purpose: accounts and tokens, and newsletter subscribers. A content backup is
shared more widely than credentials should be (an Argon2 hash can still be attacked offline), and
subscribers' e-mail addresses are personal data that has no business in it. Accounts are re-created
with ``library users add`` (or kept by backing up the database itself); tokens are re-issued;
subscribers stay in the database they gave their address to.

Format 2 added the term base, findings, overrides and coverage snapshots; a format 1 file (without
them) still imports. A format 1 file says nothing about the term base, so ``--replace`` with one
keeps the current terms; a format 2 file replaces them with its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import IO, Any, Literal

import msgspec
from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from library.content.models import (
    Article,
    ArticleLink,
    Revision,
    Section,
    Status,
    Variant,
    check_flags,
    coverage_state,
)
from library.content.text import sanitise_html
from library.content.version import mark_changed
from library.coverage.models import CoverageSnapshot
from library.demand.models import Demand
from library.errors import Conflict, Invalid
from library.quality.models import QualityFinding, QualityOverride, Term
from library.quality.terms import TermFields
from library.quality.terms import fields_of as term_fields
from library.workflow.audit import AuditFields
from library.workflow.audit import fields_of as audit_fields
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
_REFUSED = ("based_on", "current_revision", "title", "summary", "body", "translated_from", "source_revision", "by",
            "at")
_FINDING = ("code", "severity", "message", "details", "created_at")
_OVERRIDE = ("reason", "codes", "by", "at")
_SNAPSHOT = tuple(f for f in SnapshotRecord.__struct_fields__ if f not in ("kind", "section", "language", "day"))


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def _default(value: object) -> str:
    if isinstance(value, date):  # and datetime, a subclass
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _text_fields(row: Any) -> dict[str, Any]:
    return {f: getattr(row, f) for f in ("title", "summary", "body", "status", "translated_from", "source_revision")}


def export_lines(session: Session) -> Iterator[str]:
    """Every record of the library as a JSON line (without the newline), in a fixed order."""
    yield _line(HEADER)
    for t in session.scalars(select(Term).order_by(Term.key)):
        yield _line({"kind": "term", **term_fields(t)})
    for s in session.scalars(select(Section).order_by(Section.slug)):
        yield _line({"kind": "section", "slug": s.slug, "position": s.position, "names": s.names})
    slugs = dict(session.execute(select(Article.id, Article.slug)).all())
    sections = dict(session.execute(select(Section.id, Section.slug)).all())
    links: dict[int, list[str]] = {}
    for link in session.scalars(select(ArticleLink).order_by(ArticleLink.article_id, ArticleLink.position)):
        links.setdefault(link.article_id, []).append(slugs[link.target_id])
    for a in session.scalars(select(Article).order_by(Article.slug)):
        yield _line({"kind": "article", "slug": a.slug, "section": sections[a.section_id],
                     "published_at": a.published_at, "source_language": a.source_language, "views": a.views,
                     "source_words": a.source_words, "tags": a.tags, "see_also": links.get(a.id, []),
                     "created_at": a.created_at})
    yield from _variant_lines(session, slugs)
    demand = session.scalars(select(Demand)).all()
    for d in sorted(demand, key=lambda d: (slugs[d.article_id], d.language)):
        yield _line({"kind": "demand", "article": slugs[d.article_id], "language": d.language, "count": d.count,
                     "first_seen": d.first_seen, "last_seen": d.last_seen})
    snapshots = session.scalars(select(CoverageSnapshot)).all()
    for c in sorted(snapshots, key=lambda c: (sections[c.section_id], c.language, c.day)):
        yield _line({"kind": "snapshot", "section": sections[c.section_id], "language": c.language, "day": c.day,
                     **{f: getattr(c, f) for f in _SNAPSHOT}})


def _variant_lines(session: Session, slugs: dict[int, str]) -> Iterator[str]:
    keys: dict[int, tuple[str, str]] = {}
    variants = session.scalars(select(Variant)).all()
    for v in sorted(variants, key=lambda v: (slugs[v.article_id], v.language)):
        keys[v.id] = (slugs[v.article_id], v.language)
        yield _line({"kind": "variant", "article": keys[v.id][0], "language": v.language, **_text_fields(v),
                     "revision": v.revision, "major_revision": v.major_revision,
                     "published_revision": v.published_revision, "outdated": v.outdated, "words": v.words,
                     "updated_by": v.updated_by, "updated_at": v.updated_at, "created_at": v.created_at})
    revisions = session.scalars(select(Revision)).all()
    for r in sorted(revisions, key=lambda r: (keys[r.variant_id], r.number)):
        article, language = keys[r.variant_id]
        yield _line({"kind": "revision", "article": article, "language": language, "number": r.number,
                     **_text_fields(r), "minor": r.minor, "comment": r.comment, "changed_by": r.changed_by,
                     "changed_at": r.changed_at})
    yield from _quality_lines(session, keys)
    yield from _workflow_lines(session, keys)


def _quality_lines(session: Session, keys: dict[int, tuple[str, str]]) -> Iterator[str]:
    """Findings by variant, revision and the order they were made in (as `stored_findings` shows
    them: an import inserts them in file order), then overrides by variant and revision."""
    findings = session.scalars(select(QualityFinding)).all()
    for f in sorted(findings, key=lambda f: (keys[f.variant_id], f.revision, f.id)):
        article, language = keys[f.variant_id]
        yield _line({"kind": "finding", "article": article, "language": language, "revision": f.revision,
                     **{name: getattr(f, name) for name in _FINDING}})
    overrides = session.scalars(select(QualityOverride)).all()
    for o in sorted(overrides, key=lambda o: (keys[o.variant_id], o.revision)):
        article, language = keys[o.variant_id]
        yield _line({"kind": "override", "article": article, "language": language, "revision": o.revision,
                     **{name: getattr(o, name) for name in _OVERRIDE}})


def _workflow_lines(session: Session, keys: dict[int, tuple[str, str]]) -> Iterator[str]:
    """Refused edits by variant then time, then the audit log by time (ties broken by the whole line)."""
    refused = []
    for edit in session.scalars(select(RefusedEdit)):
        article, language = keys[edit.variant_id]
        record = {"kind": "refused", "article": article, "language": language,
                  **{f: getattr(edit, f) for f in _REFUSED}}
        refused.append(((article, language, edit.at), _line(record)))
    audit = [(entry.at, _line({"kind": "audit", **audit_fields(entry)}))
             for entry in session.scalars(select(AuditEntry))]
    for _, line in sorted(refused) + sorted(audit):
        yield line


#: One record per row of each of these tables: the term base and every table a backup replaces, but for
#: see-also links, which travel inside their article's record.
RECORD_TABLES = (Term, *(table for table in TABLES if table is not ArticleLink))
PROGRESS_EVERY = 1000


def record_count(session: Session) -> int:
    """How many records `export_library` will write (one query), for a progress bar."""
    counts = [select(func.count()).select_from(table).scalar_subquery() for table in RECORD_TABLES]
    return sum(session.execute(select(*counts)).one())


def export_library(session: Session, out: IO[str], progress: Callable[[int], None] | None = None) -> int:
    """Write the library to ``out``; returns the number of records (header excluded). ``progress`` is
    told how many more records were written, every `PROGRESS_EVERY` records and at the end."""
    count = -1
    for count, line in enumerate(export_lines(session)):  # noqa: B007 (count is the result)
        out.write(line + "\n")
        if progress is not None and count and count % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if progress is not None and count > 0:
        progress(count % PROGRESS_EVERY)
    return count


class ParsedLibrary:
    """Records read from a file and checked against each other, ready to write."""

    def __init__(self, format: int = FORMAT) -> None:
        self.format = format
        self.terms: dict[str, TermRecord] = {}
        self.sections: dict[str, SectionRecord] = {}
        self.articles: dict[str, ArticleRecord] = {}
        self.variants: dict[tuple[str, str], VariantRecord] = {}
        self.revisions: dict[tuple[str, str, int], RevisionRecord] = {}
        self.refused: dict[tuple[str, str, int], RefusedRecord] = {}
        self.audit: dict[int, AuditRecord] = {}
        self.demand: dict[tuple[str, str], DemandRecord] = {}
        self.findings: dict[tuple[str, str, int, int], FindingRecord] = {}
        self.overrides: dict[tuple[str, str, int], OverrideRecord] = {}
        self.snapshots: dict[tuple[str, str, date], SnapshotRecord] = {}

    @property
    def holds_terms(self) -> bool:
        """Whether the file speaks for the term base (format 2 on), even when it holds no term."""
        return self.format >= 2

    @property
    def counts(self) -> dict[str, int]:
        kinds = ("sections", "articles", "variants", "revisions", "refused", "audit", "demand", "terms", "findings",
                 "overrides", "snapshots")
        return {k: len(getattr(self, k)) for k in kinds}


def _invalid(number: int, message: str) -> Invalid:
    return Invalid(f"line {number}: {message}", line=number)


def parse_library(lines: Iterable[str | bytes]) -> ParsedLibrary:
    """Read and check every line; the first problem raises `Invalid` naming its line number."""
    parsed = ParsedLibrary()
    kinds = tuple(RECORDS)
    number = 0
    for number, raw in enumerate(lines, start=1):
        if number == 1:
            parsed.format = _check_header(raw)
            kinds = FORMAT_1 if parsed.format == 1 else kinds
            continue
        if not raw.strip():
            continue
        try:
            kind = msgspec.json.decode(raw, type=dict).get("kind")
            record = msgspec.json.decode(raw, type=RECORDS[kind]) if kind in kinds else None
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            raise _invalid(number, f"not a valid record ({error})") from None
        if record is None:
            raise _invalid(number, f"unknown record kind {kind!r} in a format {parsed.format} file; expected one "
                                   f"of {', '.join(kinds)}")
        _add(parsed, number, record)
    if number == 0:
        raise Invalid("the file is empty: expected a library export", line=0)
    _check_links(parsed)
    return parsed


def _check_header(raw: str | bytes) -> int:
    """The file's format, from its first line."""
    try:
        header = msgspec.json.decode(raw, type=dict)
    except msgspec.DecodeError:
        header = None
    if not isinstance(header, dict) or header.keys() != HEADER.keys() or header["kind"] != HEADER["kind"]:
        raise _invalid(1, f"not a library export: the first line must be {_line(HEADER)}")
    version = header["format"]
    if type(version) is not int or not 1 <= version <= FORMAT:
        raise _invalid(1, f"library export format {version!r}: this version reads formats 1 to {FORMAT}")
    return version


def _add(parsed: ParsedLibrary, number: int, record: msgspec.Struct) -> None:
    parent: tuple[str, object, bool] | None  # what the record belongs to, and whether an earlier line defined it
    if isinstance(record, TermRecord):
        table, key, parent = parsed.terms, record.key, None
    elif isinstance(record, SectionRecord):
        table, key, parent = parsed.sections, record.slug, None
    elif isinstance(record, ArticleRecord):
        table, key = parsed.articles, record.slug
        parent = ("section", record.section, record.section in parsed.sections)
    elif isinstance(record, VariantRecord):
        table, key = parsed.variants, (record.article, record.language)
        parent = ("article", record.article, record.article in parsed.articles)
    elif isinstance(record, DemandRecord):
        table, key = parsed.demand, (record.article, record.language)
        parent = ("article", record.article, record.article in parsed.articles)
    elif isinstance(record, SnapshotRecord):
        table, key = parsed.snapshots, (record.section, record.language, record.day)
        parent = ("section", record.section, record.section in parsed.sections)
    elif isinstance(record, RefusedRecord):  # keyed by line: two refusals may look alike
        table, key = parsed.refused, (record.article, record.language, number)
        parent = _variant(parsed, record.article, record.language)
    elif isinstance(record, AuditRecord):  # the log names articles by slug and outlives them: no parent
        table, key, parent = parsed.audit, number, None
    elif isinstance(record, FindingRecord):  # keyed by line too: one check may find the same thing twice
        table, key = parsed.findings, (record.article, record.language, record.revision, number)
        parent = _revision(parsed, record.article, record.language, record.revision)
    elif isinstance(record, OverrideRecord):
        table, key = parsed.overrides, (record.article, record.language, record.revision)
        parent = _revision(parsed, record.article, record.language, record.revision)
    else:
        table, key = parsed.revisions, (record.article, record.language, record.number)
        parent = _variant(parsed, record.article, record.language)
    if parent is not None and not parent[2]:
        raise _invalid(number, f"refers to a {parent[0]} {parent[1]!r} that no earlier line defines")
    if key in table:
        raise _invalid(number, f"duplicate {record.kind} {key!r}")
    for field in ("published_at", "created_at", "updated_at", "changed_at", "at", "first_seen", "last_seen",
                  "recorded_at"):
        value = getattr(record, field, None)
        if value is not None and value.tzinfo is None:
            raise _invalid(number, f"{field} has no time zone; write times in UTC with +00:00")
    table[key] = record


def _variant(parsed: ParsedLibrary, article: str, language: str) -> tuple[str, object, bool]:
    return "variant", (article, language), (article, language) in parsed.variants


def _revision(parsed: ParsedLibrary, article: str, language: str, number: int) -> tuple[str, object, bool]:
    if (article, language) not in parsed.variants:
        return _variant(parsed, article, language)
    return "revision", (article, language, number), (article, language, number) in parsed.revisions


def _check_links(parsed: ParsedLibrary) -> None:
    for article in parsed.articles.values():
        for target in article.see_also:
            if target not in parsed.articles:
                raise Invalid(f"article {article.slug!r} links to unknown article {target!r}", slug=article.slug)
    for (article, language), variant in parsed.variants.items():
        if (article, language, variant.revision) not in parsed.revisions:
            raise Invalid(f"variant {article}/{language} has no revision {variant.revision} in the file",
                          slug=article)


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Article)) and not session.scalar(
        select(func.count()).select_from(Section)
    )


def _has_terms(session: Session) -> bool:
    return session.scalar(select(Term.id).limit(1)) is not None


def clear_library(session: Session, *, terms: bool = False) -> None:
    """Delete every content row (children first), and the term base with ``terms``; the caller's
    transaction decides whether it sticks."""
    mark_changed(session)
    for table in TABLES:
        session.execute(delete(table))
    if terms:
        session.execute(delete(Term))


def import_library(session: Session, parsed: ParsedLibrary, *, replace: bool = False) -> dict[str, int]:
    """Write a parsed library into an empty one (or over the current one with ``replace``).

    A file that holds the term base (format 2) needs an empty term base too, and replaces it.
    """
    if not is_empty(session) or (parsed.holds_terms and _has_terms(session)):
        if not replace:
            raise Conflict("The library is not empty; import into an empty database or use --replace.")
        clear_library(session, terms=parsed.holds_terms)
    mark_changed(session)
    _write(session, parsed)
    return parsed.counts


def _write(session: Session, parsed: ParsedLibrary) -> None:
    """Bulk inserts, parents first: nothing here runs the content checks or records coverage."""
    drop = {"kind", "section", "see_also", "article", "language"}
    _insert(session, Term, [_plain(r, drop) for r in parsed.terms.values()])
    _insert(session, Section, [_plain(r, drop) for r in parsed.sections.values()])
    section_ids = dict(session.execute(select(Section.slug, Section.id)).all())
    _insert(session, Article, [
        _plain(r, drop) | {"section_id": section_ids[r.section]} for r in parsed.articles.values()])
    article_ids = dict(session.execute(select(Article.slug, Article.id)).all())
    flags = _check_flags(parsed)
    _insert(session, ArticleLink, [
        {"article_id": article_ids[a.slug], "target_id": article_ids[t], "position": i}
        for a in parsed.articles.values() for i, t in enumerate(a.see_also)])
    _insert(session, Variant, [
        _plain(r, drop) | {"article_id": article_ids[r.article], "language": r.language,
                           "section_id": section_ids[parsed.articles[r.article].section],
                           "source_words": parsed.articles[r.article].source_words,
                           "coverage_state": coverage_state(r.status, r.published_revision, r.outdated),
                           "behind": _behind(parsed, r),
                           "check_flags": flags.get((r.article, r.language, r.revision), 0)}
        for r in parsed.variants.values()])
    variant_ids = {(a, lang): vid for vid, a, lang in session.execute(
        select(Variant.id, Article.slug, Variant.language).join(Article, Article.id == Variant.article_id))}
    for model, records in ((Revision, parsed.revisions), (QualityFinding, parsed.findings),
                           (QualityOverride, parsed.overrides), (RefusedEdit, parsed.refused)):
        _insert(session, model, [
            _plain(r, drop) | {"variant_id": variant_ids[(r.article, r.language)]} for r in records.values()])
    _insert(session, AuditEntry, [_plain(r, {"kind"}) for r in parsed.audit.values()])
    _insert(session, Demand, [
        _plain(r, drop) | {"article_id": article_ids[r.article], "language": r.language}
        for r in parsed.demand.values()])
    _insert(session, CoverageSnapshot, [
        _plain(r, drop) | {"section_id": section_ids[r.section], "language": r.language}
        for r in parsed.snapshots.values()])


def _check_flags(parsed: ParsedLibrary) -> dict[tuple[str, str, int], int]:
    """`Variant.check_flags` per (article, language, revision) from the file's findings."""
    severities: dict[tuple[str, str, int], set[str]] = {}
    for finding in parsed.findings.values():
        severities.setdefault((finding.article, finding.language, finding.revision), set()).add(finding.severity)
    return {key: check_flags(found) for key, found in severities.items()}


def _behind(parsed: ParsedLibrary, record: VariantRecord) -> int:
    """How far an outdated translation trails its source (at least 1 when the file says outdated)."""
    if not record.outdated:
        return 0
    source = parsed.variants.get((record.article, record.translated_from or ""))
    return max((source.major_revision if source else 0) - (record.source_revision or 0), 1)


def _plain(record: msgspec.Struct, drop: set[str]) -> dict[str, Any]:
    row = {k: v for k, v in msgspec.structs.asdict(record).items() if k not in drop}
    if "body" in row:  # a crafted file must not bring a script past the sanitiser every save applies
        row["body"] = sanitise_html(row["body"])
    return row


def _insert(session: Session, model: type, rows: list[dict[str, Any]], batch: int = 5000) -> None:
    for start in range(0, len(rows), batch):
        session.execute(insert(model), rows[start:start + batch])
