"""Benchmark translation-memory suggestions: a 20-paragraph article against 100,000 memory units.

Builds a memory of ``--units`` ru->kk units (synthetic Cyrillic text whose words follow a Zipf
distribution, so common words have long posting lists as in real text; sentences of 6 to 40 words)
on SQLite and on PostgreSQL, then asks for the suggestions of an article of a title, a summary and
20 paragraphs (a third copies of stored sources, a third edited copies, a third new text), ``--rounds``
times, and prints the median and the slowest round. It also measures the fuzzy search's recall: for
``--recall`` segments it compares what the index found with a brute-force rapidfuzz scan of every unit.

Usage: .venv/bin/python scripts/bench_memory.py [--engines sqlite,postgres] [--units 100000] [--rounds 15]
The PostgreSQL memory lives in a database of its own (``library_bench_memory``), dropped at the end.
The target is 200 ms per article on both engines (issue 18).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rapidfuzz import process
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from library.memory import text as memtext
from library.memory.models import MemoryUnit
from library.memory.store import NewUnit, add_units
from library.memory.suggest import THRESHOLD, suggest
from library.storage import create_engine_for, session_scope, upgrade

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SYLLABLES = ["ка", "ра", "то", "ми", "не", "ло", "ва", "ст", "ни", "ко", "ре", "за", "пр", "да", "ли", "ро", "ти",
             "жа", "қа", "ға", "ұл", "ің", "ек", "ді", "ты", "са", "ба", "бе", "ше", "ор", "ан", "ен", "ол"]


def vocabulary(rng: random.Random, size: int = 20_000) -> tuple[list[str], list[float]]:
    words = list(dict.fromkeys("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 5)))
                               for _ in range(size * 2)))[:size]
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf: the 10th word is 10 times rarer
    return words, weights


def sentence(rng: random.Random, words: list[str], weights: list[float], low: int = 6, high: int = 40) -> str:
    picked = rng.choices(words, weights, k=rng.randint(low, high))
    picked[0] = picked[0].capitalize()
    if rng.random() < 0.2:  # some segments carry a link, as real paragraphs do
        at = rng.randrange(len(picked))
        picked[at] = f'<a href="/ru/articles/{at}">{picked[at]}</a>'
    return " ".join(picked) + "."


def edited(rng: random.Random, source: str, words: list[str], weights: list[float], share: float) -> str:
    tokens = source.rstrip(".").split(" ")
    for _ in range(max(1, int(len(tokens) * share))):
        position = rng.randrange(len(tokens))
        if rng.random() < 0.5:
            tokens[position] = rng.choices(words, weights)[0]
        else:
            tokens[position] = tokens[position][:-2] + "ов"  # an inflected word
    return " ".join(tokens) + "."


def build(engine, units: int, rng: random.Random, words, weights) -> list[str]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    sources = [sentence(rng, words, weights) for _ in range(units)]
    with session_scope(engine, write=False) as session:
        if session.scalar(select(func.count()).select_from(MemoryUnit)) == units:  # --sqlite-file kept it
            print(f"  reusing {units:,} units", flush=True)
            return sources
    began = time.perf_counter()
    with session_scope(engine) as session:
        add_units(session, (NewUnit("ru", "kk", source, f"Аударма {n}: {source}", origin="tmx", changed_by="bench",
                                    changed_at=start + timedelta(minutes=n), place="paragraph 1")
                            for n, source in enumerate(sources)))
    print(f"  built {units:,} units in {time.perf_counter() - began:.1f} s", flush=True)
    return sources


def article(rng: random.Random, sources: list[str], words, weights) -> list[str]:
    segments = [sentence(rng, words, weights, 4, 9), sentence(rng, words, weights, 15, 30)]
    for n in range(20):
        kind = n % 3
        if kind == 0:
            segments.append(rng.choice(sources))
        elif kind == 1:
            segments.append(edited(rng, rng.choice(sources), words, weights, rng.uniform(0.05, 0.2)))
        else:
            segments.append(sentence(rng, words, weights))
    return segments


def run(name: str, url: str, args) -> dict[str, float]:
    rng = random.Random(18)
    words, weights = vocabulary(rng)
    engine = create_engine_for(url)
    upgrade(engine)
    print(f"{name}:", flush=True)
    sources = build(engine, args.units, rng, words, weights)
    timings, found_total = [], 0
    for _ in range(args.rounds):
        segments = article(rng, sources, words, weights)
        with session_scope(engine, write=False) as session:
            began = time.perf_counter()
            found = suggest(session, "ru", "kk", segments)
            timings.append((time.perf_counter() - began) * 1000)
        found_total += sum(1 for suggestions in found if suggestions)
    timings.sort()
    print(f"  suggestions for a 22-segment article: median {statistics.median(timings):.0f} ms, "
          f"slowest {timings[-1]:.0f} ms over {args.rounds} rounds; {found_total / args.rounds:.1f} of 22 "
          f"segments got a suggestion", flush=True)
    if args.recall:
        normalised = [memtext.normalise(source) for source in sources]
        hits = misses = 0
        for _ in range(args.recall):
            segment = edited(rng, rng.choice(sources), words, weights, rng.uniform(0.05, 0.25))
            query = memtext.normalise(segment)
            truth = {normalised[i] for _, score, i in process.extract(
                query, normalised, scorer=lambda a, b, **_: memtext.similarity(a, b), limit=None,
                score_cutoff=THRESHOLD)}
            if not truth:
                continue
            with session_scope(engine, write=False) as session:
                got = suggest(session, "ru", "kk", [segment], limit=1)[0]
            best = memtext.normalise(got[0].source) if got else None
            hits += best in truth
            misses += best not in truth
        print(f"  recall of the fuzzy search: the best suggestion is a true >= {THRESHOLD}% match for "
              f"{hits} of {hits + misses} edited segments ({100 * hits / max(1, hits + misses):.0f}%)", flush=True)
    engine.dispose()
    return {"median": statistics.median(timings), "max": timings[-1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--recall", type=int, default=50, help="edited segments checked against a full scan")
    parser.add_argument("--sqlite-file", type=Path, help="keep the SQLite memory in this file and reuse it")
    args = parser.parse_args()
    results = {}
    for name in args.engines.split(","):
        if name == "sqlite" and args.sqlite_file:
            results[name] = run(name, f"sqlite:///{args.sqlite_file}", args)
        elif name == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                results[name] = run(name, f"sqlite:///{Path(folder) / 'memory.db'}", args)
        elif name == "postgres":
            admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
            database = "library_bench_memory"
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{database}"'))
            try:
                results[name] = run(name, make_url(POSTGRES_ADMIN).set(database=database).render_as_string(False), args)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                admin.dispose()
        else:
            parser.error(f"unknown engine {name!r}")
    slow = [name for name, result in results.items() if result["median"] > 200]
    print("target 200 ms per article:", "met" if not slow else f"missed on {', '.join(slow)}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
