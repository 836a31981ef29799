"""The search index: one row per published variant, holding the analyzer's keys of its published
revision (title and body), kept up to date inside every content write's transaction (issue 17).

A row's key is the variant's id (FTS5's rowid on SQLite, ``variant_id`` on PostgreSQL); it also
carries the article, the language and the revision it was made from, so `sync` can tell what is
stale by comparing revision ids, without reading any text. Only published revisions are indexed: a
draft or a text in review never reaches the index, so it can never reach results or snippets.

`on_committing` is the content-event reaction listed in `library.bootstrap.content_events`;
`library.search.rebuild` makes the whole index anew.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, text

from library.content.events import Changes
from library.search.analyzer import indexed_text
from library.search.schema import TABLE
from library.search.tsvector import tsvector

BATCH = 500
"""Variants read, analysed and written per statement when updating."""
_TAG = re.compile(r"<[^>]*>")


def plain_text(body: str) -> str:
    """Sanitised article HTML as the words a reader sees: tags become spaces, references characters."""
    return html.unescape(_TAG.sub(" ", body))


def published_query(where: str) -> str:
    """The published texts of the variants ``where`` (SQL after ``AND``) selects, as index rows' sources."""
    return (
        "SELECT v.id AS variant_id, v.article_id, v.language, r.id AS revision_id, r.title, r.body "
        "FROM variant v JOIN revision r ON r.variant_id = v.id AND r.number = v.published_revision "
        f"WHERE v.published_revision IS NOT NULL {where}"
    )


def _dialect(db: Any) -> str:
    return db.get_bind().dialect.name if hasattr(db, "get_bind") else db.dialect.name


Document = tuple[int, int, str, int, str, str]
"""An index row: (variant id, article id, language, revision id, title keys, body keys)."""


def _document(row: Sequence[Any]) -> Document:
    """The index row of a published text: ``row`` is (variant id, article id, language, revision id,
    title, body) as `published_query` selects it."""
    variant_id, article_id, language, revision_id, title, body = row
    return (variant_id, article_id, language, revision_id, indexed_text(title, language),
            indexed_text(plain_text(body), language))


def analysed(rows: Sequence[Sequence[Any]]) -> list[Document]:
    """`_document` of each row, in the order given: what a worker process of `library.search.rebuild`
    runs. The rows are analysed one language after the other: each language's words are remembered in
    a dictionary of its own (`library.search.analyzer`), and reading one at a time keeps more of it in
    the processor's cache (a rebuild's batches, whose languages alternate, went from 70-75 to 62-65
    µs a text)."""
    documents: list[Any] = [None] * len(rows)
    for n in sorted(range(len(rows)), key=lambda n: rows[n][2]):
        documents[n] = _document(rows[n])
    return documents


_INSERT = {
    "sqlite": "INSERT INTO {table} (rowid, article_id, language, revision_id, title, body) "
              "VALUES (?, ?, ?, ?, ?, ?)",
    "postgresql": "INSERT INTO {table} (variant_id, article_id, language, revision_id, document) "
                  "VALUES (%s, %s, %s, %s, %s::tsvector)",
}
_KEY = {"sqlite": "rowid", "postgresql": "variant_id"}


def _delete(db: Any, dialect: str, variant_ids: Sequence[int], table: str = TABLE) -> None:
    for start in range(0, len(variant_ids), BATCH):
        chunk = variant_ids[start : start + BATCH]
        db.execute(text(f"DELETE FROM {table} WHERE {_KEY[dialect]} IN "
                        f"({', '.join(str(int(i)) for i in chunk)})"))


def _insert(db: Any, dialect: str, rows: Sequence[Sequence[Any]], table: str = TABLE) -> int:
    return write_documents(db, dialect, analysed(rows), table)


def write_documents(db: Any, dialect: str, documents: list[Document], table: str = TABLE) -> int:
    """Insert analysed rows with the driver's own executemany: a million rows pass through here
    when rebuilding, and SQLAlchemy's per-row parameter handling would be a third of the cost."""
    if documents:
        connection = db if isinstance(db, Connection) else db.connection()
        rows: list[tuple[Any, ...]] = documents
        if dialect == "postgresql":
            rows = [(v, a, language, r, tsvector(title, body)) for v, a, language, r, title, body in documents]
        connection.exec_driver_sql(_INSERT[dialect].format(table=table), rows)
    return len(documents)


def index_variants(db: Any, variants: Iterable[tuple[int, str]]) -> None:
    """Make the index hold exactly the published text of these (article id, language) variants."""
    pairs = sorted(set(variants))
    if not pairs:
        return
    dialect = _dialect(db)
    for start in range(0, len(pairs), BATCH):
        chunk = pairs[start : start + BATCH]
        articles = sorted({article for article, _ in chunk})
        wanted = set(chunk)
        found = db.execute(text(
            "SELECT id, article_id, language FROM variant WHERE article_id IN "
            f"({', '.join(str(int(a)) for a in articles)})")).all()
        ids = [row.id for row in found if (row.article_id, row.language) in wanted]
        if not ids:
            continue
        _delete(db, dialect, ids)
        listed = ", ".join(str(int(i)) for i in ids)
        _insert(db, dialect, db.execute(text(published_query(f"AND v.id IN ({listed})"))).all())


def sync(db: Any, table: str = TABLE) -> int:
    """Bring the whole index in line with the published revisions, rewriting only stale rows: those
    of variants no longer published, unknown, or published at another revision. Returns the rows
    written. Runs for writes whose scope is unknown (``Changes.everything``: an import, the library
    cleared, a section added), comparing revision ids in the database (two joins: 2.3 s at 1,000,000
    variants, where reading both sides into Python took 5.2 s), so it is cheap when little changed.
    ``table`` is the index table to repair (`library.search.rebuild` repairs the one it built)."""
    dialect = _dialect(db)
    key = f"s.{_KEY[dialect]}"
    stale = db.execute(text(
        f"SELECT {key} FROM {table} s LEFT JOIN variant v ON v.id = {key} LEFT JOIN revision r "
        "ON r.variant_id = v.id AND r.number = v.published_revision "
        "WHERE r.id IS NULL OR r.id <> s.revision_id")).scalars().all()
    missing = db.execute(text(
        "SELECT v.id FROM variant v JOIN revision r ON r.variant_id = v.id AND r.number = v.published_revision "
        f"LEFT JOIN {table} s ON {key} = v.id "
        "WHERE v.published_revision IS NOT NULL AND (s.revision_id IS NULL OR s.revision_id <> r.id)"
    )).scalars().all()
    _delete(db, dialect, stale, table)
    written = 0
    for start in range(0, len(missing), BATCH):
        listed = ", ".join(str(int(i)) for i in missing[start : start + BATCH])
        written += _insert(db, dialect, db.execute(text(published_query(f"AND v.id IN ({listed})"))).all(), table)
    return written


def on_committing(session: Any, changes: Changes) -> None:
    """The content-event reaction: reindex the variants a unit of work changed, or `sync` everything.

    Articles changed without a variant (a new article, its links or date) change nothing indexed:
    sections and dates are joined from the article when searching.
    """
    if changes.everything:
        sync(session)
    else:
        index_variants(session, changes.variants)
