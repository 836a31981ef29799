"""Reading a backup: every line checked (and its HTML sanitised) first, then everything written in
one transaction (see `library.backup`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from library.backup.records import (
    FORMAT,
    FORMAT_1,
    HEADER,
    RECORDS,
    TABLES,
    ArticleRecord,
    AuditRecord,
    DemandRecord,
    FindingRecord,
    OverrideRecord,
    RefusedRecord,
    RevisionRecord,
    SectionRecord,
    SnapshotRecord,
    TermRecord,
    VariantRecord,
    encode_line,
)
from library.content import limits
from library.content.events import note_change
from library.content.models import Article, ArticleLink, Revision, Section, Variant, check_flags, coverage_state
from library.content.text import sanitise_html
from library.coverage.models import CoverageSnapshot
from library.demand.models import Demand
from library.errors import Conflict, Invalid
from library.quality.models import QualityFinding, QualityOverride, Term
from library.workflow.models import AuditEntry, RefusedEdit


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


def parse_library(lines: Iterable[str | bytes], *, max_text_kb: int = limits.DEFAULT_MAX_TEXT_KB) -> ParsedLibrary:
    """Read and check every line; the first problem raises `Invalid` naming its line number.

    Every string of every line obeys `library.content.limits` (no control character, none longer than
    ``max_text_kb``), since an import writes rows as they are."""
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
            limits.check_json_depth(raw)
            decoded = msgspec.json.decode(raw, type=dict)
            limits.check_json_value(decoded, lambda _, number=number: limits.line(number), max_kb=max_text_kb)
            kind = decoded.get("kind")
            record = msgspec.json.decode(raw, type=RECORDS[kind]) if kind in kinds else None
        except (msgspec.ValidationError, msgspec.DecodeError, limits.JsonTooDeep) as error:
            raise _invalid(number, f"not a valid record ({error})") from None
        if record is None:
            raise _invalid(number, f"unknown record kind {kind!r} in a format {parsed.format} file; expected one "
                                   f"of {', '.join(kinds)}")
        _add(parsed, number, _sanitised(record))
    if number == 0:
        raise Invalid("the file is empty: expected a library export", line=0)
    _check_links(parsed)
    return parsed


def _sanitised(record: msgspec.Struct) -> msgspec.Struct:
    """A crafted file must not bring a script past the sanitiser every save applies. Done while
    parsing, so the import's write transaction holds the lock only to insert (issue 13)."""
    if isinstance(getattr(record, "body", None), str):
        return msgspec.structs.replace(record, body=sanitise_html(record.body))
    return record


def _check_header(raw: str | bytes) -> int:
    """The file's format, from its first line."""
    try:
        limits.check_json_depth(raw)
        header = msgspec.json.decode(raw, type=dict)
    except (msgspec.DecodeError, msgspec.ValidationError, limits.JsonTooDeep):
        header = None
    if not isinstance(header, dict) or header.keys() != HEADER.keys() or header["kind"] != HEADER["kind"]:
        raise _invalid(1, f"not a library export: the first line must be {encode_line(HEADER)}")
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
    note_change(session, everything=True)
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
    note_change(session, everything=True)
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
    return {k: v for k, v in msgspec.structs.asdict(record).items() if k not in drop}


def _insert(session: Session, model: type, rows: list[dict[str, Any]], batch: int = 5000) -> None:
    for start in range(0, len(rows), batch):
        session.execute(insert(model), rows[start:start + batch])
