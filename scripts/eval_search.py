"""Relevance of search on the demo library, on SQLite and PostgreSQL (issue 17).

Runs the queries of `library/search/data/eval_queries.tsv` (written for the project: kk, ru, en and
kk-Latn readers; inflected forms, Kazakh typed on a Russian keyboard, ё/е, Latin Kazakh, fallbacks)
through `library.search.service.search` on a fresh database of each engine holding the demo library,
and prints per reader language: recall@10 (the share of a query's expected articles in its first ten
results, averaged) and MRR (the mean of 1 / rank of the first expected article). It also prints the
Kazakh stemmer's accuracy on its labelled word list (`library/search/data/kk_words.tsv`) and the
queries that missed. PostgreSQL is the server of the tests (LIBRARY_TEST_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test); the database made for the run is dropped at the end.

Exits 1 when a language is below recall@10 0.9 or MRR 0.7, or the engines disagree.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from library.bootstrap import content_events, language_registry  # noqa: E402
from library.content.events import attach  # noqa: E402
from library.demo.loader import load_demo  # noqa: E402
from library.search.kk_stem import stems  # noqa: E402
from library.search.service import SearchQuery, search  # noqa: E402
from library.settings import load_settings  # noqa: E402
from library.storage import create_engine_for, read_only, session_scope, upgrade  # noqa: E402

DATA = ROOT / "library" / "search" / "data"
ADMIN_URL = os.environ.get("LIBRARY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RECALL, MRR = 0.9, 0.7


def read_table(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def stemmer_accuracy() -> tuple[float, int, list[tuple[str, str]]]:
    rows = read_table("kk_words.tsv")
    wrong = [(form, lemma) for form, lemma in rows if not set(stems(form.lower())) & set(stems(lemma.lower()))]
    return 1 - len(wrong) / len(rows), len(rows), wrong


def evaluate(engine) -> tuple[dict[str, tuple[float, float, int]], list[str], dict[tuple[str, str], list[str]]]:
    registry = language_registry(load_settings({}))
    per_language: dict[str, list[tuple[float, float]]] = {}
    misses, rankings = [], {}
    for language, query, expected in read_table("eval_queries.tsv"):
        wanted = set(expected.split(","))
        outcome = read_only(engine, search, registry.get(language), SearchQuery.parse(query, per_page="10"))
        slugs = [item.slug for item in outcome.page.items]
        rankings[(language, query)] = slugs
        recall = len(wanted & set(slugs)) / len(wanted)
        rank = next((i for i, slug in enumerate(slugs, start=1) if slug in wanted), None)
        per_language.setdefault(language, []).append((recall, 1 / rank if rank else 0.0))
        if recall < 1:
            misses.append(f"{language}\t{query}\texpected {', '.join(sorted(wanted - set(slugs)))}; got "
                          f"{', '.join(slugs[:3]) or 'nothing'}")
    figures = {language: (sum(r for r, _ in rows) / len(rows), sum(m for _, m in rows) / len(rows), len(rows))
               for language, rows in per_language.items()}
    return figures, misses, rankings


def fresh_database(kind: str, prefix: str = "eval_search"):
    """(url, clean-up) of an empty database of ``kind`` (``bench_search.py`` makes its own here too)."""
    if kind == "sqlite":
        folder = tempfile.TemporaryDirectory(prefix=f"{prefix.replace('_', '-')}-")
        return f"sqlite:///{folder.name}/library.db", folder.cleanup
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False), drop


def run(kind: str, show_misses: bool):
    url, clean_up = fresh_database(kind)
    try:
        engine = create_engine_for(url)
        upgrade(engine)
        engine = attach(engine, content_events(load_settings({}), history=False))
        with session_scope(engine) as session:
            load_demo(session)
        figures, misses, rankings = evaluate(engine)
        engine.dispose()
    finally:
        clean_up()
    print(f"{kind}:")
    print(f"  {'reader':8} {'queries':>7} {'recall@10':>9} {'MRR':>6}")
    for language, (recall, mrr, count) in figures.items():
        flag = "" if recall >= RECALL and mrr >= MRR else "   <- below the bar"
        print(f"  {language:8} {count:7d} {recall:9.3f} {mrr:6.3f}{flag}")
    total = sum(count for *_, count in figures.values())
    print(f"  {'all':8} {total:7d}")
    if show_misses and misses:
        print("  queries that missed an expected article:")
        for line in misses:
            print("    " + line)
    return figures, rankings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--quiet", action="store_true", help="do not list the queries that missed")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    accuracy, words, wrong = stemmer_accuracy()
    print(f"Kazakh stemmer: {accuracy:.3f} of {words} labelled word forms share a stem with their lemma"
          + (f" (wrong: {', '.join(f'{f}->{lemma}' for f, lemma in wrong)})" if wrong else ""))
    results = {kind: run(kind, not args.quiet) for kind in args.engines.split(",")}
    failed = any(recall < RECALL or mrr < MRR for figures, _ in results.values()
                 for recall, mrr, _ in figures.values())
    if len(results) == 2:
        (_, first), (_, second) = results.values()
        differ = [key for key in first if first[key] != second[key]]
        sets = [key for key in first if set(first[key]) != set(second[key])]
        print(f"engines find the same first ten articles for {len(first) - len(sets)} of {len(first)} queries, "
              f"in the same order for {len(first) - len(differ)} (BM25 and ts_rank_cd weigh differently)")
        for language, query in sets[:10]:
            print(f"  other articles: {language}\t{query}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
