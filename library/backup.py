"""The whole library as JSON Lines, for backup and for moving between SQLite and PostgreSQL.

The file is deterministic (records in a fixed order, keys sorted, no export time), so a round trip
SQLite -> file -> PostgreSQL -> file gives identical bytes. Import checks every line before it
writes anything, then writes everything in one transaction: a bad line changes nothing.

What a backup holds: content, every revision, the refused edits kept beside them (texts people wrote
that lost a race: "nothing is lost" includes backups) and the audit log. Not accounts or tokens:
a content backup is shared more widely than credentials should be, and an Argon2 hash can still be
attacked offline. Accounts are re-created with ``library users add`` (or kept by backing up the
database itself); tokens are re-issued.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

import msgspec
from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from library.content.models import Article, ArticleLink, Revision, Section, Status, Variant, coverage_state
from library.content.text import sanitise_html
from library.errors import Conflict, Invalid
from library.workflow.models import AuditEntry, RefusedEdit

FORMAT = 1
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


class AuditRecord(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    at: datetime
    actor: str
    action: str
    article: str | None
    language: str | None
    from_revision: int | None
    to_revision: int | None
    detail: str


RECORDS = {"section": SectionRecord, "article": ArticleRecord, "variant": VariantRecord, "revision": RevisionRecord,
           "refused": RefusedRecord, "audit": AuditRecord}
TABLES = (AuditEntry, RefusedEdit, Revision, Variant, ArticleLink, Article, Section)  # children first, for deletes
_REFUSED = ("based_on", "current_revision", "title", "summary", "body", "translated_from", "source_revision", "by",
            "at")
_AUDIT = ("at", "actor", "action", "article", "language", "from_revision", "to_revision", "detail")


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _text_fields(row: Any) -> dict[str, Any]:
    return {f: getattr(row, f) for f in ("title", "summary", "body", "status", "translated_from", "source_revision")}


def export_lines(session: Session) -> Iterator[str]:
    """Every record of the library as a JSON line (without the newline), in a fixed order."""
    yield _line(HEADER)
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
    yield from _workflow_lines(session, keys)


def _workflow_lines(session: Session, keys: dict[int, tuple[str, str]]) -> Iterator[str]:
    """Refused edits by variant then time, then the audit log by time (ties broken by the whole line)."""
    refused = []
    for edit in session.scalars(select(RefusedEdit)):
        article, language = keys[edit.variant_id]
        record = {"kind": "refused", "article": article, "language": language,
                  **{f: getattr(edit, f) for f in _REFUSED}}
        refused.append(((article, language, edit.at), _line(record)))
    audit = [(entry.at, _line({"kind": "audit", **{f: getattr(entry, f) for f in _AUDIT}}))
             for entry in session.scalars(select(AuditEntry))]
    for _, line in sorted(refused) + sorted(audit):
        yield line


def export_library(session: Session, out: IO[str]) -> int:
    """Write the library to ``out``; returns the number of records (header excluded)."""
    count = -1
    for count, line in enumerate(export_lines(session)):  # noqa: B007 (count is the result)
        out.write(line + "\n")
    return count


class ParsedLibrary:
    """Records read from a file and checked against each other, ready to write."""

    def __init__(self) -> None:
        self.sections: dict[str, SectionRecord] = {}
        self.articles: dict[str, ArticleRecord] = {}
        self.variants: dict[tuple[str, str], VariantRecord] = {}
        self.revisions: dict[tuple[str, str, int], RevisionRecord] = {}
        self.refused: dict[tuple[str, str, int], RefusedRecord] = {}
        self.audit: dict[int, AuditRecord] = {}

    @property
    def counts(self) -> dict[str, int]:
        kinds = ("sections", "articles", "variants", "revisions", "refused", "audit")
        return {k: len(getattr(self, k)) for k in kinds}


def _invalid(number: int, message: str) -> Invalid:
    return Invalid(f"line {number}: {message}", line=number)


def parse_library(lines: Iterable[str | bytes]) -> ParsedLibrary:
    """Read and check every line; the first problem raises `Invalid` naming its line number."""
    parsed = ParsedLibrary()
    number = 0
    for number, raw in enumerate(lines, start=1):
        if number == 1:
            _check_header(raw)
            continue
        if not raw.strip():
            continue
        try:
            kind = msgspec.json.decode(raw, type=dict).get("kind")
            record = msgspec.json.decode(raw, type=RECORDS[kind]) if kind in RECORDS else None
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            raise _invalid(number, f"not a valid record ({error})") from None
        if record is None:
            raise _invalid(number, f"unknown record kind {kind!r}; expected one of {', '.join(RECORDS)}")
        _add(parsed, number, record)
    if number == 0:
        raise Invalid("the file is empty: expected a library export", line=0)
    _check_links(parsed)
    return parsed


def _check_header(raw: str | bytes) -> None:
    try:
        header = msgspec.json.decode(raw, type=dict)
    except msgspec.DecodeError:
        header = None
    if header != HEADER:
        raise _invalid(1, f"not a library export: the first line must be {_line(HEADER)}")


def _add(parsed: ParsedLibrary, number: int, record: msgspec.Struct) -> None:
    if isinstance(record, SectionRecord):
        table, key, parent = parsed.sections, record.slug, None
    elif isinstance(record, ArticleRecord):
        table, key, parent = parsed.articles, record.slug, ("section", record.section in parsed.sections)
    elif isinstance(record, VariantRecord):
        table, key = parsed.variants, (record.article, record.language)
        parent = ("article", record.article in parsed.articles)
    elif isinstance(record, RefusedRecord):  # keyed by line: two refusals may look alike
        table, key = parsed.refused, (record.article, record.language, number)
        parent = ("variant", (record.article, record.language) in parsed.variants)
    elif isinstance(record, AuditRecord):  # the log names articles by slug and outlives them: no parent
        table, key, parent = parsed.audit, number, None
    else:
        table, key = parsed.revisions, (record.article, record.language, record.number)
        parent = ("variant", (record.article, record.language) in parsed.variants)
    if parent is not None and not parent[1]:
        raise _invalid(number, f"refers to a {parent[0]} that no earlier line defines")
    if key in table:
        raise _invalid(number, f"duplicate {record.kind} {key!r}")
    for field in ("published_at", "created_at", "updated_at", "changed_at", "at"):
        value = getattr(record, field, None)
        if value is not None and value.tzinfo is None:
            raise _invalid(number, f"{field} has no time zone; write times in UTC with +00:00")
    table[key] = record


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


def clear_library(session: Session) -> None:
    """Delete every content row (children first); the caller's transaction decides whether it sticks."""
    for table in TABLES:
        session.execute(delete(table))


def import_library(session: Session, parsed: ParsedLibrary, *, replace: bool = False) -> dict[str, int]:
    """Write a parsed library into an empty one (or over the current one with ``replace``)."""
    if not is_empty(session):
        if not replace:
            raise Conflict("The library is not empty; import into an empty database or use --replace.")
        clear_library(session)
    _write(session, parsed)
    return parsed.counts


def _write(session: Session, parsed: ParsedLibrary) -> None:
    drop = {"kind", "section", "see_also", "article", "language"}
    _insert(session, Section, [_plain(r, drop) for r in parsed.sections.values()])
    section_ids = dict(session.execute(select(Section.slug, Section.id)).all())
    _insert(session, Article, [
        _plain(r, drop) | {"section_id": section_ids[r.section]} for r in parsed.articles.values()])
    article_ids = dict(session.execute(select(Article.slug, Article.id)).all())
    _insert(session, ArticleLink, [
        {"article_id": article_ids[a.slug], "target_id": article_ids[t], "position": i}
        for a in parsed.articles.values() for i, t in enumerate(a.see_also)])
    _insert(session, Variant, [
        _plain(r, drop) | {"article_id": article_ids[r.article], "language": r.language,
                           "section_id": section_ids[parsed.articles[r.article].section],
                           "source_words": parsed.articles[r.article].source_words,
                           "coverage_state": coverage_state(r.status, r.published_revision, r.outdated),
                           "behind": _behind(parsed, r)}
        for r in parsed.variants.values()])
    variant_ids = {(a, lang): vid for vid, a, lang in session.execute(
        select(Variant.id, Article.slug, Variant.language).join(Article, Article.id == Variant.article_id))}
    _insert(session, Revision, [
        _plain(r, drop) | {"variant_id": variant_ids[(r.article, r.language)]} for r in parsed.revisions.values()])
    _insert(session, RefusedEdit, [
        _plain(r, drop) | {"variant_id": variant_ids[(r.article, r.language)]} for r in parsed.refused.values()])
    _insert(session, AuditEntry, [_plain(r, {"kind"}) for r in parsed.audit.values()])


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
