"""Benchmark: the coverage matrix and the whole dashboard report at 10,000 and 1,000,000 variants.

The matrix reads counters kept by every content write (issue 15), so its time should not grow with
the library: the script prints, per engine, the ratio of each figure at the largest size to the
smallest (target: at most 1.5x). For each size it builds a library (at 1,000,000 variants about
416,000 articles) in 12 sections with realistic gaps (every article has its
source; Russian translations are nearly complete, Kazakh ones mostly there, English ones patchy;
drafts, texts in review, outdated translations, reader demand, content-check findings on some
translations' current and earlier revisions) by bulk loading -- SQLite
``executemany`` in one transaction with journalling off, PostgreSQL ``COPY`` -- with the secondary
indexes dropped during the load and rebuilt after it, and each row marked as counted; the counters
themselves are then filled by the library's own recount (`library.coverage.counters.recount`), as a
backup import would. It times `compute_coverage`, the dashboard report and one committed save of a
translation (which keeps the counters) through the library's own engine and session. Revisions are
not generated: coverage never reads them.

Usage:
    .venv/bin/python scripts/bench_coverage.py                    # both engines, 10,000 and 1,000,000 variants
    .venv/bin/python scripts/bench_coverage.py --engines sqlite --variants 10000,100000
PostgreSQL: a throw-away database on LIBRARY_TEST_POSTGRES_URL's server (default
postgresql://postgres@127.0.0.1:5432/test), dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from library.bootstrap import content_events
from library.content.events import attach
from library.content.models import Article, Status, check_flags, coverage_state
from library.content.service import VariantText, save_variant
from library.coverage.counters import recount
from library.coverage.history import record_snapshots
from library.coverage.report import coverage_report
from library.coverage.service import compute_coverage
from library.settings import load_settings, normalise_database_url
from library.storage import create_engine_for, session_scope, upgrade

LANGUAGES = ("en", "ru", "kk")
SOURCE_SHARE = {"ru": 0.70, "kk": 0.20, "en": 0.10}
"""Which language articles are written in."""
PRESENCE = {"ru": 0.95, "kk": 0.80, "en": 0.55}
"""Chance that an article not written in the language has a variant in it."""
SECTIONS = 12
DEMAND_ROWS = 40_000
ADMIN_URL = os.environ.get("LIBRARY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

ARTICLE_COLUMNS = ("id", "slug", "section_id", "published_at", "source_language", "views", "source_words",
                   "tags", "created_at", "counted_words")
VARIANT_COLUMNS = ("id", "article_id", "section_id", "language", "title", "summary", "body", "status",
                   "revision", "major_revision", "published_revision", "translated_from", "source_revision",
                   "outdated", "words", "source_words", "coverage_state", "behind", "updated_by", "updated_at",
                   "created_at", "check_flags", "counted_state", "counted_flags", "counted_words")
DEMAND_COLUMNS = ("article_id", "language", "count", "first_seen", "last_seen", "counted")
FINDING_COLUMNS = ("id", "variant_id", "revision", "code", "severity", "message", "details", "created_at")
FLAGGED = {"warning": 0.06, "error": 0.015}
"""Share of translations whose current revision the content checks flagged, per severity."""
BODIES = [f"<p>{' '.join(f'word{i * 7 + j}' for j in range(30))}</p>" for i in range(50)]


def _translation(rng: random.Random, source_major: int) -> tuple[str, int, int | None, int, bool]:
    """(status, revision, published_revision, source_revision, outdated) of one translation."""
    roll = rng.random()
    outdated = source_major > 1 and rng.random() < 0.12
    source_revision = rng.randint(1, source_major - 1) if outdated else source_major
    if roll < 0.74:
        return "published", 1 + rng.randint(0, 2), None, source_revision, outdated
    if roll < 0.78:  # published, with a newer working copy being edited or reviewed
        return rng.choice(("draft", "in_review")), 3, 2, source_revision, outdated
    if roll < 0.85:
        return "in_review", 2, None, source_revision, outdated
    return "draft", 1, None, source_revision, outdated


def generate(variants: int, seed: int = 8) -> tuple[list[tuple], ...]:
    """Sections, articles, variants (exactly ``variants`` rows), demand rows and findings."""
    rng = random.Random(seed)
    start = datetime(2019, 1, 1)
    sections = [(i, f"section-{i}", i, f'{{"en": "Section {i}", "ru": "Раздел {i}", "kk": "Бөлім {i}"}}')
                for i in range(1, SECTIONS + 1)]
    articles, rows, missing = [], [], []
    article_id = 0
    while len(rows) < variants:
        article_id += 1
        source = rng.choices(list(SOURCE_SHARE), weights=list(SOURCE_SHARE.values()))[0]
        section = rng.randint(1, SECTIONS) if rng.random() < 0.7 else rng.randint(1, 3)  # a few big sections
        words, major = rng.randint(150, 2500), rng.choice((1, 1, 2, 3, 4))
        at = start + timedelta(minutes=article_id * 11)
        articles.append((article_id, f"article-{article_id}", section, at, source, 0, words, "[]", at, words))
        status = "published" if rng.random() < 0.97 else "draft"
        published = major if status == "published" else None
        rows.append((len(rows) + 1, article_id, section, source, f"Article {article_id}", "", BODIES[article_id % 50],
                     status, major, major, published, None, None, False, words, words,
                     coverage_state(status, published, False), 0, "editor", at, at))
        for language in LANGUAGES:
            if language == source or len(rows) >= variants:
                continue
            if rng.random() >= PRESENCE[language]:
                missing.append((article_id, language))
                continue
            state, revision, published, source_revision, outdated = _translation(rng, major)
            if state == "published":
                published = revision
            rows.append((len(rows) + 1, article_id, section, language, f"Article {article_id} ({language})", "",
                         BODIES[(article_id + 1) % 50], state, revision, revision, published, source, source_revision,
                         outdated, words, words, coverage_state(state, published, outdated), major - source_revision,
                         "translator", at, at))
    now = datetime(2025, 6, 1)
    wanted = rng.sample(missing, min(DEMAND_ROWS, len(missing)))
    demand = []
    for a, lang in wanted:  # every demand row is for a missing translation: all of its count is counted
        count = int(rng.paretovariate(1.2))
        demand.append((a, lang, count, now, now, count))
    findings = _findings(rng, rows, now)
    current = {row[0]: row[8] for row in rows}
    severities: dict[int, set[str]] = {}
    for _, variant_id, revision, _, severity, *_ in findings:
        if revision == current[variant_id]:
            severities.setdefault(variant_id, set()).add(severity)
    flagged = {variant_id: check_flags(found) for variant_id, found in severities.items()}
    # check flags, then what the coverage counters hold for the row: its state, flags and words
    rows = [(*row, flagged.get(row[0], 0), row[16], flagged.get(row[0], 0), row[15]) for row in rows]
    return sections, articles, rows, demand, findings


def _findings(rng: random.Random, variants: list[tuple], at: datetime) -> list[tuple]:
    """Findings on some translations' current revision and, for as many, on an earlier one (which
    coverage must not count)."""
    found = []
    for row in variants:
        if row[11] is None:  # translated_from: sources are not checked against anything
            continue
        variant_id, revision = row[0], row[8]
        for severity, share in FLAGGED.items():
            if rng.random() < share:
                found.append((variant_id, revision, severity))
                if revision > 1:
                    found.append((variant_id, revision - 1, severity))
    return [(n, variant_id, revision, "length-ratio", severity, "The translation is 2.00 times as long as its source.",
             '{"ratio": 2.0, "low": 0.6, "high": 1.6}', at)
            for n, (variant_id, revision, severity) in enumerate(found, start=1)]


def _batches(rows: list[tuple], size: int = 50_000) -> Iterator[list[tuple]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def load_sqlite(path: Path, data) -> None:
    sections, articles, variants, demand, findings = data
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;"
                             "PRAGMA temp_store=MEMORY;")
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        "AND tbl_name IN ('article', 'variant', 'demand', 'quality_finding')").fetchall()
    connection.execute("BEGIN")
    for name, _ in indexes:
        connection.execute(f"DROP INDEX {name}")
    connection.executemany("INSERT INTO section (id, slug, position, names) VALUES (?, ?, ?, ?)", sections)
    for table, columns, rows in (("article", ARTICLE_COLUMNS, articles), ("variant", VARIANT_COLUMNS, variants),
                                 ("demand", DEMAND_COLUMNS, demand), ("quality_finding", FINDING_COLUMNS, findings)):
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        for batch in _batches([tuple(_sqlite_value(v) for v in row) for row in rows]):
            connection.executemany(sql, batch)
    for _, sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()


def _sqlite_value(value):
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value


def load_postgres(url: str, data) -> None:
    import psycopg

    sections, articles, variants, demand, findings = data
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('article', 'variant', 'demand', "
            "'quality_finding') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)")
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        for table, columns, rows in (("section", ("id", "slug", "position", "names"), sections),
                                     ("article", ARTICLE_COLUMNS, articles), ("variant", VARIANT_COLUMNS, variants),
                                     ("demand", DEMAND_COLUMNS, demand),
                                     ("quality_finding", FINDING_COLUMNS, findings)):
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        for _, sql in indexes:
            cursor.execute(sql)
        for table in ("section", "article", "variant", "quality_finding"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def _timed(work, repeat: int) -> tuple[float, float, float]:
    """(first, best, median) wall times in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], min(times), statistics.median(times)


MATRIX = "coverage matrix, whole, word-weighted"
QUALITY = "  + content-check counts per cell"
DEMAND = "  + reader demand per cell as well"
DASHBOARD = "dashboard report (+ history, top requested, outdated, flagged)"
SNAPSHOT = "snapshot of one section at commit"
SAVE = "save of one translation, committed (counters kept)"
RATIOS = (MATRIX, DEMAND, DASHBOARD)
"""The figures whose growth with the library issue 15 bounds (target: 1.5x from 10k to 1M variants)."""


def measure(url: str, repeat: int) -> dict[str, tuple[float, float]]:
    """Print and return the (best, median) time of each figure, in milliseconds."""
    engine = create_engine_for(url)
    writer = attach(create_engine_for(url), content_events(load_settings({"LIBRARY_DATABASE_URL": url})))
    saves = iter(range(1, 1_000_000))

    def matrix(demand: bool = False, quality: bool = False):
        with session_scope(engine, write=False) as session:
            return compute_coverage(session, LANGUAGES, demand=demand, quality=quality)

    def dashboard():
        with session_scope(engine, write=False) as session:
            return coverage_report(session, LANGUAGES, limit=20)

    def snapshot_at_commit():
        # What a commit touching one section adds: its snapshot in every language (rolled back here).
        with engine.connect() as connection, Session(bind=connection) as session:
            record_snapshots(session, LANGUAGES, [1])
            session.rollback()

    def save():
        # A translation of an early article saved as a draft: the counters' reaction, the snapshot of
        # its section and the content version's bump all run in its commit, as in the app.
        n = next(saves)
        with session_scope(writer) as session:
            article = session.get(Article, 1 + n % 50)
            language = next(lang for lang in ("kk", "en", "ru") if lang != article.source_language)
            save_variant(session, article, language, VariantText(f"Title {n}", "", f"<p>{'word ' * (n % 40)}</p>"),
                         status=Status.DRAFT, by="bench")

    medians: dict[str, tuple[float, float]] = {}
    try:
        total = matrix(demand=True, quality=True).total
        print(f"  library: {total.articles // len(LANGUAGES):,} articles, "
              f"{total.published + total.in_review + total.draft:,} variants, "
              f"{total.words // len(LANGUAGES):,} source words, {total.demand:,} requests for missing translations, "
              f"{total.with_errors:,} translations with errors and {total.with_warnings:,} with warnings")
        for label, work, runs in (
            (MATRIX, matrix, repeat),
            (QUALITY, lambda: matrix(quality=True), repeat),
            (DEMAND, lambda: matrix(demand=True, quality=True), repeat),
            (DASHBOARD, dashboard, repeat),
            (SNAPSHOT, snapshot_at_commit, max(3, repeat // 2)),
            (SAVE, save, max(3, repeat // 2)),
        ):
            first, best, median = _timed(work, runs)
            medians[label] = best, median
            print(f"  {label}: first {first:.1f} ms, best {best:.1f} ms, median {median:.1f} ms ({runs} runs)")
    finally:
        engine.dispose()
        writer.dispose()
    return medians


def fill_counters(url: str) -> float:
    """The coverage counters of a bulk-loaded library, by the library's own recount; seconds taken."""
    engine = create_engine_for(url)
    started = time.perf_counter()
    try:
        with session_scope(engine) as session:
            recount(session)
    finally:
        engine.dispose()
    return time.perf_counter() - started


def _plan(url: str) -> None:
    engine = create_engine_for(url)
    query = ("SELECT language, section_id, coverage_state, count(*), sum(source_words) "
             "FROM variant GROUP BY language, section_id, coverage_state")
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        plan = [str(row[-1]) for row in connection.execute(text(prefix + query))]
    engine.dispose()
    print("  plan of the variant GROUP BY: " + " | ".join(line.strip() for line in plan[:4]))


def bench(kind: str, data, repeat: int, keep: bool) -> dict[str, tuple[float, float]]:
    print(f"{kind}, {len(data[2]):,} variants:")
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="bench-coverage-"))
        url = f"sqlite:///{folder / 'library.db'}"
    else:
        name = f"bench_coverage_{uuid.uuid4().hex[:8]}"
        admin = create_engine(normalise_database_url(ADMIN_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(normalise_database_url(ADMIN_URL)).set(database=name).render_as_string(hide_password=False)
    try:
        engine = create_engine_for(url)
        upgrade(engine)
        engine.dispose()
        started = time.perf_counter()
        load_sqlite(Path(make_url(url).database), data) if kind == "sqlite" else load_postgres(url, data)
        print(f"  bulk load with index rebuild and ANALYZE: {time.perf_counter() - started:.1f} s")
        print(f"  counters filled by the recount: {fill_counters(url):.1f} s")
        return measure(url, repeat)
    finally:
        if keep:
            print(f"  kept: {url}")
        elif kind == "sqlite":
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--variants", default="10000,1000000",
                        help="comma-separated library sizes; the ratio compares the largest with the smallest")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each figure")
    parser.add_argument("--keep", action="store_true", help="keep the databases and print their URLs")
    parser.add_argument("--database", metavar="URL", help="time a library kept earlier (--keep) instead of building")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores")
    if args.database:
        url = normalise_database_url(args.database)
        print(f"{make_url(url).get_backend_name()} (kept library):")
        _plan(url)
        measure(url, args.repeat)
        return
    sizes = sorted({int(n) for n in args.variants.split(",") if n.strip()})
    kinds = [k.strip() for k in args.engines.split(",") if k.strip()]
    results: dict[tuple[str, int], dict[str, tuple[float, float]]] = {}
    for size in sizes:
        started = time.perf_counter()
        data = generate(size)
        print(f"generated {len(data[1]):,} articles, {len(data[2]):,} variants, {len(data[3]):,} demand rows, "
              f"{len(data[4]):,} findings in {time.perf_counter() - started:.1f} s")
        for kind in kinds:  # one engine after the other, never both at once
            results[(kind, size)] = bench(kind, data, args.repeat, args.keep)
        del data
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print(f"time at {large:,} variants / time at {small:,}, of the medians and of the best runs "
              f"(target <= 1.5x; on a shared machine the best runs are the steadier figure):")
        for kind in kinds:
            for label in (*RATIOS, SAVE):
                (best_a, median_a), (best_b, median_b) = results[(kind, small)][label], results[(kind, large)][label]
                print(f"  {kind}: {label.strip()}: median {median_a:.1f} -> {median_b:.1f} ms = "
                      f"{median_b / median_a:.2f}x, best {best_a:.1f} -> {best_b:.1f} ms = {best_b / best_a:.2f}x")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
