"""Making the whole search index anew (`library search reindex`): after a change of the analyzer, or
to repair it. Every published text is analysed again, in worker processes from `PARALLEL_FROM` texts
on (the analyzer is Python, and most of a rebuild's time: issue 17 wants 1,000,000 texts in 90 s).

**SQLite** rebuilds in one transaction: readers keep the old index (WAL) until it commits, and writers
wait for it, as they wait for any writer.

**PostgreSQL** fills a new table beside the live one (each worker sends the batches it analysed with
its own ``COPY``), builds the indexes of its partitions at once (one GIN build per core: PostgreSQL
15 builds each on one core) and swaps it in. Searches and
publishes use the live index meanwhile; what is published during the build is caught up from the
content version (`_caught_up`), and the swap itself locks the live table only for a catch-up of the
last commits, if there were any, and the renames. One rebuild runs at a time (an advisory lock); a
build table left by one that was killed is dropped by the next.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from library.content.version import current_version
from library.errors import Conflict
from library.search.index import Document, analysed, published_query, sync, write_documents
from library.search.schema import (
    SQLITE_TABLE,
    TABLE,
    partitions,
    postgres_indexes,
    postgres_renames,
    postgres_tables,
)
from library.search.tsvector import tsvector
from library.storage import create_engine_for, read_rows, session_scope

log = logging.getLogger("library.search")

REBUILD_BATCH = 5000
"""Variant ids read per statement."""
PARALLEL_FROM = 20_000
"""Published texts from which worker processes analyse while this one writes."""
BUILD = f"{TABLE}_build"
"""The table a PostgreSQL rebuild fills before it becomes the index."""
LOCK_KEY = 1_700_017
"""The PostgreSQL advisory lock a rebuild holds: two at once would fill the same build table."""
CATCH_UP_ROUNDS = 3
"""Catch-ups of what was published during a PostgreSQL build done before the swap, each while the
live index still serves, so that the one under the swap's lock has only the last commits to do."""
INDEX_MEMORY = "256MB"
"""``maintenance_work_mem`` of each partition's index build (16 MB to 1 GB built the 425,000 Russian
texts of `scripts/bench_search.py` in the same 12-13 s)."""
SWAP_WAIT = "2s"
"""How long the swap waits for the live table's lock before it lets searches through and tries again."""
SWAP_ATTEMPTS = 30
LOCK_NOT_AVAILABLE = "55P03"
"""PostgreSQL's SQLSTATE for a lock not granted within ``lock_timeout``."""
REBUILD_CACHE_KB = 256 * 1024
"""SQLite's page cache while rebuilding (`_large_cache`)."""
REBUILD_HASH_BYTES = 64 << 20
"""New terms FTS5 keeps in memory while rebuilding (`_large_cache`)."""
FTS5_HASH_BYTES = 1 << 20
"""FTS5's own default, kept for every other write."""

Progress = Callable[[int], None]


def rebuild(engine: Engine, progress: Progress | None = None, workers: int | None = None) -> int:
    """Index every published variant again and make that the index; ``progress(n)`` is told each
    batch of ``n`` texts written. Returns the texts indexed.

    From `PARALLEL_FROM` texts on, ``workers`` processes (default: one per core, but one on SQLite)
    read and analyse batches; ``workers=0`` does it all here. Either way the index is the same.
    Raises `Conflict` when another rebuild is running (PostgreSQL: SQLite queues writers).
    """
    if engine.dialect.name == "sqlite":
        with session_scope(engine) as session:
            # Emptying an FTS5 table row by row reads every row's terms back to delete them (two
            # minutes at 200,000 rows); a new table is empty at once. DDL is transactional in SQLite.
            session.execute(text(f"DROP TABLE {TABLE}"))
            session.execute(text(SQLITE_TABLE))
            with _large_cache(session):
                return _fill_here(engine, session, progress, workers)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as keeper:
        if not keeper.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar_one():
            raise Conflict("Another search reindex is running; wait for it to finish.")
        try:
            return _rebuild_beside(engine, keeper, progress, workers)
        finally:
            try:
                keeper.execute(text(f"DROP TABLE IF EXISTS {BUILD}"))  # none after a swap
                keeper.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            except Exception:  # a broken connection releases the lock; the next rebuild drops the table
                log.exception("could not clean up after a search reindex")


def _rebuild_beside(engine: Engine, keeper: Connection, progress: Progress | None, workers: int | None) -> int:
    """The PostgreSQL rebuild (see the module's docstring); ``keeper`` holds the advisory lock."""
    keeper.execute(text(f"DROP TABLE IF EXISTS {BUILD}"))  # left by a rebuild that was killed
    for statement in postgres_tables(BUILD):
        keeper.execute(text(statement))
    # Read before any text: whatever commits from here on moves the version, and is caught up.
    known = current_version(keeper)
    done = _fill_and_index(engine, keeper, progress, workers)
    _swap(engine, _caught_up(engine, known))
    return done


Job = tuple[int, int, str | None]
"""A batch: (low, high, table): the published texts of variant ids in (low, high], and the table to
write them to (None: sent back as `_lines` for the caller to write)."""


def _workers(db: Any, dialect: str, workers: int | None) -> int:
    if workers is not None:
        return workers
    if published_variants(db) < PARALLEL_FROM:
        return 0
    # On SQLite this process writes (FTS5 runs in it) while the others analyse: one core each. On
    # PostgreSQL the workers write too, and the server parses and stores what they send: the analysis
    # is the larger part (70 µs a text in Python, 45-50 of them the analyzer's and 20-30 the
    # tsvector's, against the server's 25 to store it), so every core analyses.
    cores = os.cpu_count() or 1
    return cores - 1 if dialect == "sqlite" else cores


def _ranges(db: Any) -> list[tuple[int, int]]:
    highest = db.execute(text("SELECT coalesce(max(id), 0) FROM variant")).scalar_one()
    return [(low, low + REBUILD_BATCH) for low in range(0, highest, REBUILD_BATCH)]


def _fill_here(engine: Engine, db: Any, progress: Progress | None, workers: int | None) -> int:
    """SQLite: every published text analysed (here or in worker processes, in order) and written here."""
    jobs: list[Job] = [(low, high, None) for low, high in _ranges(db)]
    url = _shareable_url(engine)
    count = _workers(db, "sqlite", workers)
    if count <= 0 or url is None:
        batches: Iterator[Any] = (_lines(analysed(_read(db, low, high)), "sqlite") for low, high, _ in jobs)
    else:
        batches = _in_workers(url, jobs, count)
    return _counted((_load(db, lines, TABLE) for lines in batches), progress)


def _counted(batches: Iterator[int], progress: Progress | None) -> int:
    """The sum of ``batches``, each told to ``progress`` as it comes."""
    done = 0
    for written in batches:
        done += written
        if progress is not None:
            progress(written)
    return done


def _fill_and_index(engine: Engine, keeper: Connection, progress: Progress | None, workers: int | None) -> int:
    """PostgreSQL: fill the build table, each batch written by whoever analysed it (a worker process,
    or this one) in its own transaction; then build its partitions' indexes."""
    jobs: list[Job] = [(low, high, BUILD) for low, high in _ranges(keeper)]
    count = _workers(keeper, "postgresql", workers)
    if count > 0:
        done = _counted(_in_workers(_shareable_url(engine) or "", jobs, count), progress)
    else:
        done = _counted((_write_batch(engine, low, high, BUILD) for low, high, _ in jobs), progress)
    _build_indexes(engine, keeper)
    return done


def _build_indexes(engine: Engine, keeper: Connection) -> None:
    """Each partition's indexes, the largest partition first, as many at once as there are cores (a
    partition's GIN build is the work of one core), then the partitioned table's, which attach them.
    Building them beside the filling, each partition's once it was full, was no faster on two cores:
    both are work for every core there is (2026-12-04)."""
    sizes = dict(keeper.execute(text(
        "SELECT c.relname, pg_relation_size(c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = CAST(:table AS regclass)"), {"table": BUILD}).all())
    ordered = sorted(partitions(BUILD), key=lambda name: -sizes.get(name, 0))
    with ThreadPoolExecutor(min(len(ordered), os.cpu_count() or 1)) as pool:
        for future in [pool.submit(_index_partition, engine, name) for name in ordered]:
            future.result()
    for statement in postgres_indexes(BUILD):
        keeper.execute(text(statement))


def _write_batch(engine: Engine, low: int, high: int, table: str) -> int:
    """Read, analyse and write one batch into ``table``, in one transaction; returns the texts written."""
    with engine.begin() as connection:
        # A batch's read is small: a parallel plan only starts processes on cores the rebuild uses.
        connection.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        return _load(connection, _lines(analysed(_read(connection, low, high)), "postgresql"), table)


def _index_partition(engine: Engine, partition: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(f"SET LOCAL maintenance_work_mem = '{INDEX_MEMORY}'"))
        for statement in postgres_indexes(partition):
            connection.execute(text(statement))
        # Searches plan on the partitions' statistics; autovacuum would gather them only later.
        connection.execute(text(f"ANALYZE {partition}"))


def _caught_up(engine: Engine, known: int) -> int:
    """Bring the build table in line with what was committed since content version ``known`` (while
    the live index still serves), until nothing more came or `CATCH_UP_ROUNDS` ran; returns the
    version it is now in line with."""
    for _ in range(CATCH_UP_ROUNDS):
        with engine.begin() as connection:
            now = current_version(connection)  # before the reads: a later commit moves it again
            if now == known:
                break
            sync(connection, BUILD)
            known = now
    return known


def _swap(engine: Engine, known: int) -> None:
    """Make the build table the index. Under the live table's lock, no commit can write it: one that
    wrote it before is committed (the lock waited for it), and one that comes now waits and then
    writes the new table (PostgreSQL looks a table's name up again after waiting for its lock), as
    does a search. So the build table needs only what committed since ``known``, and nothing when
    the content version did not move.

    A lock request that waits holds up every search behind it, so it waits `SWAP_WAIT` at most (a
    long write holds the table), catches up and tries again, `SWAP_ATTEMPTS` times."""
    for attempt in range(SWAP_ATTEMPTS):
        try:
            with engine.begin() as connection:
                connection.execute(text(f"SET LOCAL lock_timeout = '{SWAP_WAIT}'"))
                connection.execute(text(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE"))
                if current_version(connection) != known:
                    sync(connection, BUILD)
                connection.execute(text(f"DROP TABLE {TABLE}"))
                for statement in postgres_renames(BUILD, TABLE):
                    connection.execute(text(statement))
                return
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            log.info("search reindex: the index is busy, swap attempt %d of %d", attempt + 1, SWAP_ATTEMPTS)
            known = _caught_up(engine, known)
    raise Conflict(f"The search index stayed busy for {SWAP_ATTEMPTS} attempts to replace it; "
                   "the index is unchanged: run the reindex again.")


@contextmanager
def _large_cache(db: Any) -> Iterator[None]:
    """More memory while rebuilding on SQLite: FTS5 keeps `REBUILD_HASH_BYTES` of new terms before it
    writes them out as a segment (1 MB by default: many small segments, merged again and again),
    and the page cache is `REBUILD_CACHE_KB` (2 MB by default: merges spill pages and read them
    back). 200,000 texts: 35 s -> 17 s of FTS5 (`scripts/bench_search.py`). Both are set back after:
    the connection returns to a pool, and the hash size is stored with the table."""
    before = db.execute(text("PRAGMA cache_size")).scalar_one()
    db.execute(text(f"PRAGMA cache_size = -{REBUILD_CACHE_KB}"))
    db.execute(text(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('hashsize', {REBUILD_HASH_BYTES})"))
    try:
        yield
    finally:
        db.execute(text(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('hashsize', {FTS5_HASH_BYTES})"))
        db.execute(text(f"PRAGMA cache_size = {int(before)}"))


def _read(db: Any, low: int, high: int) -> list[Any]:
    """The published texts of variant ids in (low, high]: a range scan of the primary key."""
    return db.execute(text(published_query("AND v.id > :low AND v.id <= :high")), {"low": low, "high": high}).all()


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


def _load(db: Any, lines: str, table: str) -> int:
    """Write documents sent as `_lines` into ``table``; returns how many."""
    if not lines:
        return 0
    connection = db if isinstance(db, Connection) else db.connection()
    if connection.dialect.name == "postgresql":
        # COPY takes the string as it is: no row passes through Python here.
        with connection.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} (variant_id, article_id, language, revision_id, document) "
                             "FROM STDIN") as copy:
                copy.write(lines)
            return cursor.rowcount
    rows = [line.split("\t") for line in lines.splitlines()]
    return write_documents(db, "sqlite", [(int(v), int(a), language, int(r), title, body)
                                          for v, a, language, r, title, body in rows], table)


def _shareable_url(engine: Engine) -> str | None:
    """The database's URL when other processes can open it (not an in-memory SQLite database)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return url.render_as_string(hide_password=False)


def _in_workers(url: str, jobs: list[Job], workers: int) -> Iterator[str | int]:
    """`_analyse` of each job in ``workers`` processes, in order, at most two jobs per worker ahead:
    memory stays bounded however large the library. Each worker reads its own rows and sends back
    one string or a count, so this process's threads carry little, and its writes are not slowed by
    them (a thread busy pickling thousands of rows made SQLite's inserts here twice as slow)."""
    # spawn, not fork: the caller may hold database connections and threads a fork would copy.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[Future[str | int]] = deque()
        for job in jobs:
            pending.append(pool.submit(_analyse, url, job))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_engines: dict[str, Any] = {}


def _analyse(url: str, job: Job) -> str | int:
    """In a worker process: `_lines` of a job's texts, or, when it names a table, how many it wrote there."""
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = create_engine_for(url)
    low, high, table = job
    if table is not None:
        return _write_batch(engine, low, high, table)
    return _lines(analysed(read_rows(engine, _read, low, high)), engine.dialect.name)


def published_variants(db: Any) -> int:
    """How many variants `rebuild` will index (for a progress bar)."""
    return db.execute(text("SELECT count(*) FROM variant WHERE published_revision IS NOT NULL")).scalar_one()
