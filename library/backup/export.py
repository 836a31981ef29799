"""Writing the library as JSON Lines, records in a fixed order (see `library.backup`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from sqlalchemy import func, select
from sqlmodel import Session

from library.backup.records import HEADER, TABLES, SnapshotRecord, encode_line
from library.content.models import Article, ArticleLink, Revision, Section, Variant
from library.coverage.models import CoverageSnapshot
from library.demand.models import Demand
from library.quality.models import QualityFinding, QualityOverride, Term
from library.quality.terms import fields_of as term_fields
from library.workflow.audit import fields_of as audit_fields
from library.workflow.models import AuditEntry, RefusedEdit

_REFUSED = ("based_on", "current_revision", "title", "summary", "body", "translated_from", "source_revision", "by",
            "at")
_FINDING = ("code", "severity", "message", "details", "created_at")
_OVERRIDE = ("reason", "codes", "by", "at")
_SNAPSHOT = tuple(f for f in SnapshotRecord.__struct_fields__ if f not in ("kind", "section", "language", "day"))


def _text_fields(row: Any) -> dict[str, Any]:
    return {f: getattr(row, f) for f in ("title", "summary", "body", "status", "translated_from", "source_revision")}


def export_lines(session: Session) -> Iterator[str]:
    """Every record of the library as a JSON line (without the newline), in a fixed order."""
    yield encode_line(HEADER)
    for t in session.scalars(select(Term).order_by(Term.key)):
        yield encode_line({"kind": "term", **term_fields(t)})
    for s in session.scalars(select(Section).order_by(Section.slug)):
        yield encode_line({"kind": "section", "slug": s.slug, "position": s.position, "names": s.names})
    slugs = dict(session.execute(select(Article.id, Article.slug)).all())
    sections = dict(session.execute(select(Section.id, Section.slug)).all())
    links: dict[int, list[str]] = {}
    for link in session.scalars(select(ArticleLink).order_by(ArticleLink.article_id, ArticleLink.position)):
        links.setdefault(link.article_id, []).append(slugs[link.target_id])
    for a in session.scalars(select(Article).order_by(Article.slug)):
        yield encode_line({"kind": "article", "slug": a.slug, "section": sections[a.section_id],
                     "published_at": a.published_at, "source_language": a.source_language, "views": a.views,
                     "source_words": a.source_words, "tags": a.tags, "see_also": links.get(a.id, []),
                     "created_at": a.created_at})
    yield from _variant_lines(session, slugs)
    demand = session.scalars(select(Demand)).all()
    for d in sorted(demand, key=lambda d: (slugs[d.article_id], d.language)):
        yield encode_line({"kind": "demand", "article": slugs[d.article_id], "language": d.language, "count": d.count,
                     "first_seen": d.first_seen, "last_seen": d.last_seen})
    snapshots = session.scalars(select(CoverageSnapshot)).all()
    for c in sorted(snapshots, key=lambda c: (sections[c.section_id], c.language, c.day)):
        yield encode_line({"kind": "snapshot", "section": sections[c.section_id], "language": c.language, "day": c.day,
                     **{f: getattr(c, f) for f in _SNAPSHOT}})


def _variant_lines(session: Session, slugs: dict[int, str]) -> Iterator[str]:
    keys: dict[int, tuple[str, str]] = {}
    variants = session.scalars(select(Variant)).all()
    for v in sorted(variants, key=lambda v: (slugs[v.article_id], v.language)):
        keys[v.id] = (slugs[v.article_id], v.language)
        yield encode_line({"kind": "variant", "article": keys[v.id][0], "language": v.language, **_text_fields(v),
                     "revision": v.revision, "major_revision": v.major_revision,
                     "published_revision": v.published_revision, "outdated": v.outdated, "words": v.words,
                     "updated_by": v.updated_by, "updated_at": v.updated_at, "created_at": v.created_at})
    revisions = session.scalars(select(Revision)).all()
    for r in sorted(revisions, key=lambda r: (keys[r.variant_id], r.number)):
        article, language = keys[r.variant_id]
        yield encode_line({"kind": "revision", "article": article, "language": language, "number": r.number,
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
        yield encode_line({"kind": "finding", "article": article, "language": language, "revision": f.revision,
                     **{name: getattr(f, name) for name in _FINDING}})
    overrides = session.scalars(select(QualityOverride)).all()
    for o in sorted(overrides, key=lambda o: (keys[o.variant_id], o.revision)):
        article, language = keys[o.variant_id]
        yield encode_line({"kind": "override", "article": article, "language": language, "revision": o.revision,
                     **{name: getattr(o, name) for name in _OVERRIDE}})


def _workflow_lines(session: Session, keys: dict[int, tuple[str, str]]) -> Iterator[str]:
    """Refused edits by variant then time, then the audit log by time (ties broken by the whole line)."""
    refused = []
    for edit in session.scalars(select(RefusedEdit)):
        article, language = keys[edit.variant_id]
        record = {"kind": "refused", "article": article, "language": language,
                  **{f: getattr(edit, f) for f in _REFUSED}}
        refused.append(((article, language, edit.at), encode_line(record)))
    audit = [(entry.at, encode_line({"kind": "audit", **audit_fields(entry)}))
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

