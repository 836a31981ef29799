"""The search index: one row per published variant, holding the analyzer's keys of its published
revision (title and body), kept up to date inside every content write's transaction (issue 17).

A row's key is the variant's id (FTS5's rowid on SQLite, ``variant_id`` on PostgreSQL); it also
carries the article, the language and the revision it was made from, so `sync` can tell what is
stale by comparing revision ids, without reading any text. Only published revisions are indexed: a
draft or a text in review never reaches the index, so it can never reach results or snippets.

`on_committing` is the content-event reaction listed in `library.bootstrap.content_events`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import text

from library.content.events import Changes
from library.search.analyzer import keys

BATCH = 500
"""Variants read, analysed and written per statement when updating."""
REBUILD_BATCH = 5000
"""Variant ids read per statement when rebuilding."""


_TAG = re.compile(r"<[^>]*>")


def plain_text(body: str) -> str:
    """Sanitised article HTML as the words a reader sees: tags become spaces, references characters."""
    return html.unescape(_TAG.sub(" ", body))


def _published(where: str) -> str:
    return (
        "SELECT v.id AS variant_id, v.article_id, v.language, r.id AS revision_id, r.title, r.body "
        "FROM variant v JOIN revision r ON r.variant_id = v.id AND r.number = v.published_revision "
        f"WHERE v.published_revision IS NOT NULL {where}"
    )


def _dialect(db: Any) -> str:
    return db.get_bind().dialect.name if hasattr(db, "get_bind") else db.dialect.name


def _document(row: Any) -> dict[str, Any]:
    return {"variant_id": row.variant_id, "article_id": row.article_id, "language": row.language,
            "revision_id": row.revision_id, "title": " ".join(keys(row.title, row.language)),
            "body": " ".join(keys(plain_text(row.body), row.language))}


_INSERT = {
    "sqlite": text("INSERT INTO search_index (rowid, title, body, language, article_id, revision_id) "
                   "VALUES (:variant_id, :title, :body, :language, :article_id, :revision_id)"),
    "postgresql": text("INSERT INTO search_index (variant_id, article_id, language, revision_id, document) "
                       "VALUES (:variant_id, :article_id, :language, :revision_id, "
                       "setweight(to_tsvector('simple', :title), 'A') || "
                       "setweight(to_tsvector('simple', :body), 'D'))"),
}
_KEY = {"sqlite": "rowid", "postgresql": "variant_id"}


def _delete(db: Any, dialect: str, variant_ids: Sequence[int]) -> None:
    for start in range(0, len(variant_ids), BATCH):
        chunk = variant_ids[start : start + BATCH]
        db.execute(text(f"DELETE FROM search_index WHERE {_KEY[dialect]} IN "
                        f"({', '.join(str(int(i)) for i in chunk)})"))


def _insert(db: Any, dialect: str, rows: Iterable[Any]) -> int:
    documents = [_document(row) for row in rows]
    if documents:
        db.execute(_INSERT[dialect], documents)
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
        _insert(db, dialect, db.execute(text(_published(f"AND v.id IN ({listed})"))).all())


def sync(db: Any) -> int:
    """Bring the whole index in line with the published revisions, rewriting only stale rows: those
    of variants no longer published, unknown, or published at another revision. Returns the rows
    written. Runs for writes whose scope is unknown (``Changes.everything``: an import, the library
    cleared, a section added), reading ids only, so it is cheap when little changed."""
    dialect = _dialect(db)
    indexed = dict(db.execute(text(f"SELECT {_KEY[dialect]}, revision_id FROM search_index")).all())
    current = dict(db.execute(text(
        "SELECT v.id, r.id FROM variant v JOIN revision r ON r.variant_id = v.id "
        "AND r.number = v.published_revision WHERE v.published_revision IS NOT NULL")).all())
    stale = [variant for variant, revision in indexed.items() if current.get(variant) != revision]
    missing = [variant for variant, revision in current.items() if indexed.get(variant) != revision]
    _delete(db, dialect, stale)
    written = 0
    for start in range(0, len(missing), BATCH):
        listed = ", ".join(str(int(i)) for i in missing[start : start + BATCH])
        written += _insert(db, dialect, db.execute(text(_published(f"AND v.id IN ({listed})"))).all())
    return written


def rebuild(db: Any, progress: Callable[[int], None] | None = None) -> int:
    """Empty the index and index every published variant again (`library search reindex`);
    ``progress(n)`` is told each batch of ``n`` variants done. Returns the variants indexed."""
    dialect = _dialect(db)
    db.execute(text("DELETE FROM search_index"))
    if dialect == "postgresql":
        # One GIN build at the end is several times faster than keeping the index up to date row by
        # row; DDL is transactional here, so searches keep the old index until the COMMIT.
        db.execute(text("DROP INDEX ix_search_index_document"))
    done = 0
    # Ranges of ids, not ORDER BY ... LIMIT: each batch is a range scan of the primary key.
    highest = db.execute(text("SELECT coalesce(max(id), 0) FROM variant")).scalar_one()
    for low in range(0, highest, REBUILD_BATCH):
        rows = db.execute(text(_published("AND v.id > :low AND v.id <= :high")),
                          {"low": low, "high": low + REBUILD_BATCH}).all()
        done += _insert(db, dialect, rows)
        if progress is not None:
            progress(len(rows))
    if dialect == "postgresql":
        db.execute(text("CREATE INDEX ix_search_index_document ON search_index USING gin (document)"))
    return done


def published_variants(db: Any) -> int:
    """How many variants `rebuild` will index (for a progress bar)."""
    return db.execute(text("SELECT count(*) FROM variant WHERE published_revision IS NOT NULL")).scalar_one()


def on_committing(session: Any, changes: Changes) -> None:
    """The content-event reaction: reindex the variants a unit of work changed, or `sync` everything.

    Articles changed without a variant (a new article, its links or date) change nothing indexed:
    sections and dates are joined from the article when searching.
    """
    if changes.everything:
        sync(session)
    else:
        index_variants(session, changes.variants)
