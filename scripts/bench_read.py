"""Service time of one uncached article read, in process: the statement, then building and encoding
what is sent, for random articles in en, ru, kk and kk-Latn over the whole library.

Issue 15's targets: at 100,000 articles, <= 1 ms on SQLite and <= 2 ms on PostgreSQL for the read
(statement and encoding measured apart). Uses the library `scripts/bench_api.py` builds (the same
databases: ``--articles 100000`` builds it when missing). Prints p50 and p99 of wall time per part, and
the process's CPU time per read (what a loaded machine changes least).

Usage: .venv/bin/python scripts/bench_read.py [--engines sqlite,postgres] [--articles 100000] [--reads 5000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from sqlalchemy import select

from library.bootstrap import build_runtime
from library.content.models import Article
from library.reading.resolve import ARTICLE, read_article
from library.settings import load_settings
from library.storage.prepared import DirectReads
from library.web.api.articles import _explain
from library.web.responses import encode

LANGUAGES = ("en", "ru", "kk", "kk-Latn")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(url: str, reads: int) -> list[str]:
    runtime = build_runtime(load_settings({"LIBRARY_DATABASE_URL": url}), migrate_sqlite=False)
    engine, registry = runtime.engine, runtime.languages
    with engine.connect() as conn:
        slugs = list(conn.execute(select(Article.slug)).scalars())
    direct = DirectReads(engine)
    rng = random.Random(15)
    picks = [(rng.choice(slugs), registry.get(rng.choice(LANGUAGES))) for _ in range(reads)]
    for slug, language in picks[:200]:  # warm: connections, compiled statements, code paths
        read_article(direct, slug, language, registry.codes)
    statement, resolved_times, encoding, whole = [], [], [], []

    cpu = time.process_time()
    for slug, language in picks:
        began = time.perf_counter()
        ARTICLE.read(direct, slug=slug)
        statement.append(time.perf_counter() - began)
        began = time.perf_counter()
        resolved = read_article(direct, slug, language, registry.codes)
        read = time.perf_counter()
        _explain(resolved.view, runtime.catalogs.translator(language.code), None)
        encode(resolved.view, {"Content-Language": resolved.view.language}, resolved.article_id)
        done = time.perf_counter()
        resolved_times.append(read - began)
        encoding.append(done - read)
        whole.append(done - began)
    cpu_per_read = (time.process_time() - cpu) / reads * 1000 / 2  # each pick ran the statement twice
    direct.close()
    runtime.dispose()
    name = engine.dialect.name
    lines = []
    for label, values in (("statement (execute + fetch)", statement), ("read (statement + resolve)", resolved_times),
                          ("encode (notices, JSON, ETag)", encoding), ("read + encode", whole)):
        lines.append(f"{name:10} {len(slugs):>7} {label:30} p50 {percentile(values, 0.5) * 1000:6.3f} ms  "
                     f"p99 {percentile(values, 0.99) * 1000:6.3f} ms  mean {statistics.fmean(values) * 1000:6.3f} ms")
    lines.append(f"{name:10} {len(slugs):>7} CPU of this process per read + encode: {cpu_per_read:.3f} ms")
    return lines


def main() -> None:
    import bench_api  # the library builder and its database names

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=5000)
    args = parser.parse_args()
    urls = {"sqlite": f"sqlite:////tmp/library-bench-{args.articles}.db",
            "postgres": f"postgresql+psycopg://postgres@127.0.0.1:5432/library_bench_{args.articles}"}
    lines = []
    for engine in args.engines.split(","):
        bench_api.ensure_library(urls[engine], args.articles, rebuild=False)
        lines += measure(urls[engine], args.reads)
        print("\n".join(lines[-5:]), flush=True)


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
