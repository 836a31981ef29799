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
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text

from library.content.events import Changes
from library.search.analyzer import indexed_text
from library.search.tsvector import tsvector

BATCH = 500
"""Variants read, analysed and written per statement when updating."""
REBUILD_BATCH = 5000
"""Variant ids read per statement when rebuilding."""
PARALLEL_FROM = 20_000
"""Published texts from which `rebuild` analyses in worker processes while this one writes: the
analyzer is Python, and half of a rebuild's time (issue 17: 1,000,000 texts in 90 s)."""


SQLITE_TABLE = ("CREATE VIRTUAL TABLE search_index USING fts5(title, body, language UNINDEXED, "
                "article_id UNINDEXED, revision_id UNINDEXED, tokenize = 'ascii', detail = column)")
"""The SQLite index as migration 0016 leaves it (`rebuild` makes it anew): keys split by FTS5's
``ascii`` tokenizer (0014), and no positions kept (0016)."""
REBUILD_CACHE_KB = 256 * 1024
"""SQLite's page cache while rebuilding (`_large_cache`)."""
REBUILD_HASH_BYTES = 64 << 20
"""New terms FTS5 keeps in memory while rebuilding (`_large_cache`)."""
FTS5_HASH_BYTES = 1 << 20
"""FTS5's own default, kept for every other write."""

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


Document = tuple[int, int, str, int, str, str]
"""An index row: (variant id, article id, language, revision id, title keys, body keys)."""


def _document(row: Sequence[Any]) -> Document:
    """The index row of a published text: ``row`` is (variant id, article id, language, revision id,
    title, body) as `_published` selects it."""
    variant_id, article_id, language, revision_id, title, body = row
    return (variant_id, article_id, language, revision_id, indexed_text(title, language),
            indexed_text(plain_text(body), language))


def _documents(rows: Sequence[Sequence[Any]]) -> list[Document]:
    """`_document` of each row: what a worker process of `rebuild` runs."""
    return [_document(row) for row in rows]


_INSERT = {
    "sqlite": "INSERT INTO search_index (rowid, article_id, language, revision_id, title, body) "
              "VALUES (?, ?, ?, ?, ?, ?)",
    "postgresql": "INSERT INTO search_index (variant_id, article_id, language, revision_id, document) "
                  "VALUES (%s, %s, %s, %s, %s::tsvector)",
}
_KEY = {"sqlite": "rowid", "postgresql": "variant_id"}


def _delete(db: Any, dialect: str, variant_ids: Sequence[int]) -> None:
    for start in range(0, len(variant_ids), BATCH):
        chunk = variant_ids[start : start + BATCH]
        db.execute(text(f"DELETE FROM search_index WHERE {_KEY[dialect]} IN "
                        f"({', '.join(str(int(i)) for i in chunk)})"))


def _insert(db: Any, dialect: str, rows: Sequence[Sequence[Any]]) -> int:
    return _write(db, dialect, _documents(rows))


def _write(db: Any, dialect: str, documents: list[Document]) -> int:
    """Insert analysed rows with the driver's own executemany: a million rows pass through here
    when rebuilding, and SQLAlchemy's per-row parameter handling would be a third of the cost."""
    if documents:
        connection = db if isinstance(db, Connection) else db.connection()
        rows: list[tuple[Any, ...]] = documents
        if dialect == "postgresql":
            rows = [(v, a, language, r, tsvector(title, body)) for v, a, language, r, title, body in documents]
        connection.exec_driver_sql(_INSERT[dialect], rows)
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
    cleared, a section added), comparing revision ids in the database (two joins: 2.3 s at 1,000,000
    variants, where reading both sides into Python took 5.2 s), so it is cheap when little changed."""
    dialect = _dialect(db)
    key = f"s.{_KEY[dialect]}"
    stale = db.execute(text(
        f"SELECT {key} FROM search_index s LEFT JOIN variant v ON v.id = {key} LEFT JOIN revision r "
        "ON r.variant_id = v.id AND r.number = v.published_revision "
        "WHERE r.id IS NULL OR r.id <> s.revision_id")).scalars().all()
    missing = db.execute(text(
        "SELECT v.id FROM variant v JOIN revision r ON r.variant_id = v.id AND r.number = v.published_revision "
        f"LEFT JOIN search_index s ON {key} = v.id "
        "WHERE v.published_revision IS NOT NULL AND (s.revision_id IS NULL OR s.revision_id <> r.id)"
    )).scalars().all()
    _delete(db, dialect, stale)
    written = 0
    for start in range(0, len(missing), BATCH):
        listed = ", ".join(str(int(i)) for i in missing[start : start + BATCH])
        written += _insert(db, dialect, db.execute(text(_published(f"AND v.id IN ({listed})"))).all())
    return written


def rebuild(db: Any, progress: Callable[[int], None] | None = None, workers: int | None = None) -> int:
    """Empty the index and index every published variant again (`library search reindex`);
    ``progress(n)`` is told each batch of ``n`` variants done. Returns the variants indexed.

    From `PARALLEL_FROM` texts on, ``workers`` processes (default: one per core, but one on SQLite) read and
    analyse batches while this one writes the analysed ones, in order; ``workers=0`` does it all
    here. Either way the index is the same.
    """
    dialect = _dialect(db)
    if dialect == "sqlite":
        # Emptying an FTS5 table row by row reads every row's terms back to delete them (two minutes
        # at 200,000 rows); a new table is empty at once. DDL is transactional in SQLite too.
        db.execute(text("DROP TABLE search_index"))
        db.execute(text(SQLITE_TABLE))
    else:
        # One GIN build at the end is several times faster than keeping the index up to date row by
        # row. Dropping it locks the table, so searches (and a publish's index write) wait for the
        # COMMIT. Filling a new table and swapping it in would spare them, but dropping the old
        # table drops its foreign keys, which locks `variant` and `article` against every read until
        # the COMMIT, and deadlocked a save that held its variant row (tried, 2026-12-04). TRUNCATE,
        # under the same lock, is instant where a DELETE of every row took seconds and left them dead.
        db.execute(text("DROP INDEX ix_search_index_document"))
        db.execute(text("TRUNCATE search_index"))
    url = _shareable_url(db)
    if workers is None:
        # On SQLite this process writes (FTS5 runs in it) while the others analyse: one core each. On
        # PostgreSQL it only hands strings to COPY, and the server parses and stores them: the
        # analysis is the larger part (76 µs a text in Python, 60 of them the analyzer's and 16 the
        # tsvector's, against the server's 9 to read it), so every core analyses.
        cores = os.cpu_count() or 1
        workers = (cores - 1 if dialect == "sqlite" else cores) if published_variants(db) >= PARALLEL_FROM else 0
    highest = db.execute(text("SELECT coalesce(max(id), 0) FROM variant")).scalar_one()
    ranges = [(low, low + REBUILD_BATCH) for low in range(0, highest, REBUILD_BATCH)]
    if workers <= 0 or url is None:
        batches: Iterator[str] = (_lines(_documents(_read(db, low, high)), dialect) for low, high in ranges)
    else:
        batches = _in_workers(url, ranges, workers)
    done = 0
    with _large_cache(db, dialect):
        for lines in batches:
            written = _load(db, dialect, lines)
            done += written
            if progress is not None:
                progress(written)
    if dialect == "postgresql":
        db.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        db.execute(text("CREATE INDEX ix_search_index_document ON search_index USING gin (document)"))
    return done


@contextmanager
def _large_cache(db: Any, dialect: str) -> Iterator[None]:
    """On SQLite, more memory while rebuilding: FTS5 keeps `REBUILD_HASH_BYTES` of new terms before
    it writes them out as a segment (1 MB by default: many small segments, merged again and again),
    and the page cache is `REBUILD_CACHE_KB` (2 MB by default: merges spill pages and read them
    back). 200,000 texts: 35 s -> 17 s of FTS5 (`scripts/bench_search.py`). Both are set back after:
    the connection returns to a pool, and the hash size is stored with the table."""
    if dialect != "sqlite":
        yield
        return
    before = db.execute(text("PRAGMA cache_size")).scalar_one()
    db.execute(text(f"PRAGMA cache_size = -{REBUILD_CACHE_KB}"))
    db.execute(text(f"INSERT INTO search_index (search_index, rank) VALUES ('hashsize', {REBUILD_HASH_BYTES})"))
    try:
        yield
    finally:
        db.execute(text(f"INSERT INTO search_index (search_index, rank) VALUES ('hashsize', {FTS5_HASH_BYTES})"))
        db.execute(text(f"PRAGMA cache_size = {int(before)}"))


def _read(db: Any, low: int, high: int) -> list[Any]:
    """The published texts of variant ids in (low, high]: a range scan of the primary key."""
    return db.execute(text(_published("AND v.id > :low AND v.id <= :high")), {"low": low, "high": high}).all()


def _lines(documents: list[Document], dialect: str) -> str:
    """Documents as one string, a line each, fields between tabs (keys hold letters, digits and
    spaces only; a language code neither tab nor newline): a worker sends one object, not thousands.
    For PostgreSQL the keys are already the row's `tsvector`, which COPY takes as it is."""
    if dialect == "postgresql":
        lines = "".join(f"{v}\t{a}\t{language}\t{r}\t{tsvector(title, body)}\n"
                        for v, a, language, r, title, body in documents)
        # COPY reads a backslash as an escape: one in a literal (never, from the analyzer) is doubled.
        return lines.replace("\\", "\\\\") if "\\" in lines else lines
    return "".join(f"{v}\t{a}\t{language}\t{r}\t{title}\t{body}\n"
                   for v, a, language, r, title, body in documents)


_COPY = "COPY search_index (variant_id, article_id, language, revision_id, document) FROM STDIN"


def _load(db: Any, dialect: str, lines: str) -> int:
    """Write documents sent as `_lines` into the index; returns how many."""
    if not lines:
        return 0
    if dialect == "postgresql":
        # COPY takes the string as it is: no row passes through Python here.
        connection = db if isinstance(db, Connection) else db.connection()
        with connection.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(_COPY) as copy:
                copy.write(lines)
            return cursor.rowcount
    rows = [line.split("\t") for line in lines.splitlines()]
    return _write(db, dialect, [(int(v), int(a), language, int(r), title, body)
                                for v, a, language, r, title, body in rows])


def _shareable_url(db: Any) -> str | None:
    """The database's URL when other processes can open it (not an in-memory SQLite database)."""
    url = (db.get_bind() if hasattr(db, "get_bind") else db).engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


def _in_workers(url: str, ranges: list[tuple[int, int]], workers: int) -> Iterator[str]:
    """`_analyse` of each range in ``workers`` processes, in order, at most two ranges per worker
    ahead: memory stays bounded however large the library. Each worker reads its own rows and sends
    back one string, so this process's threads carry little, and its writes are not slowed by them
    (a thread busy pickling thousands of rows made SQLite's inserts here twice as slow)."""
    # spawn, not fork: the caller may hold database connections and threads a fork would copy.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[Future[str]] = deque()
        for low, high in ranges:
            pending.append(pool.submit(_analyse, url, low, high))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_engines: dict[str, Any] = {}


def _analyse(url: str, low: int, high: int) -> str:
    """In a worker process: `_lines` of the published texts of variant ids in (low, high]."""
    from library.storage import create_engine_for, read_rows

    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = create_engine_for(url)
    return _lines(_documents(read_rows(engine, _read, low, high)), engine.dialect.name)


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
