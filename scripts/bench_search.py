"""Search speed on a generated library (issue 17): index build, and queries of a rare term and of a
term in 10% of the articles, on SQLite and then PostgreSQL (one after the other, never at once).

The library: articles in Russian, most also in Kazakh (80%), about half in English (55%), so a
Kazakh reader's search has fallbacks to rank; every variant published, with a title of 8 words and a
body of 60 words drawn from a 20,000-word vocabulary per language (Zipf-distributed, Kazakh words
with real plural, possessive and case endings). One word per language is put in 10% of the articles
("ынтымақтастық", "сотрудничество", "cooperation"), another in 10 articles ("зергерлер",
"ювелиры", "jewellers"). Rows are loaded in bulk; then `library.search.rebuild.rebuild` (what
`library search reindex` runs: the analyzer in Python over every published text) builds the index and
is timed. Each query runs ``--repeat`` times through `library.search.service.search` (first page, 10
results, a Kazakh reader unless said otherwise); p50 and p95 are printed.

The machine is shared: figures are noisy; run it twice before quoting, and compare ratios.
PostgreSQL is the test server (LIBRARY_TEST_POSTGRES_URL); the database made for the run is dropped.
"""

from __future__ import annotations

import argparse
import logging
import random
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval_search import fresh_database  # noqa: E402  (scripts/ is on sys.path: the script's own folder)

from library.bootstrap import language_registry  # noqa: E402
from library.search.rebuild import rebuild  # noqa: E402
from library.search.service import SearchQuery, search  # noqa: E402
from library.settings import load_settings  # noqa: E402
from library.storage import create_engine_for, read_only, upgrade  # noqa: E402

PRESENCE = {"ru": 1.0, "kk": 0.80, "en": 0.55}
COMMON = {"kk": "ынтымақтастық", "ru": "сотрудничество", "en": "cooperation"}
RARE = {"kk": "зергерлер", "ru": "ювелиры", "en": "jewellers"}
LETTERS = {"kk": ("бгджзклмнпрстшқғң", "аәеиоөұүыі"), "ru": ("бвгджзклмнпрстфхцчш", "аеиоуыэюя"),
           "en": ("bcdfghjklmnprstvwz", "aeiou")}
ENDINGS = {"kk": ("", "", "", "лар", "тың", "ға", "да", "дан", "ы", "сы", "лардың"), "ru": ("", "а", "ов", "ами", "ы"),
           "en": ("", "s", "ing", "ed")}
VOCABULARY = 20_000
TEXTS = 20_000
"""Distinct titles and bodies generated per language."""
SECTIONS = 12

ARTICLE = ("id", "slug", "section_id", "published_at", "source_language", "views", "source_words", "tags",
           "created_at")
VARIANT = ("id", "article_id", "section_id", "language", "title", "summary", "body", "status", "revision",
           "major_revision", "published_revision", "translated_from", "source_revision", "outdated", "words",
           "source_words", "coverage_state", "behind", "updated_by", "updated_at", "created_at", "check_flags")
REVISION = ("id", "variant_id", "number", "title", "summary", "body", "status", "minor", "translated_from",
            "source_revision", "changed_by", "changed_at")


def vocabulary(rng: random.Random, language: str) -> list[str]:
    consonants, vowels = LETTERS[language]
    words = set()
    while len(words) < VOCABULARY:
        syllables = rng.randint(2, 4)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables))
                  + rng.choice(consonants))
    return sorted(words)


def generate(variants: int, seed: int = 17):
    rng = random.Random(seed)
    vocab = {language: vocabulary(rng, language) for language in PRESENCE}
    weights = [1 / (rank + 1) for rank in range(VOCABULARY)]
    cumulative = list(__import__("itertools").accumulate(weights))

    def words(language: str, n: int) -> str:
        drawn = rng.choices(vocab[language], cum_weights=cumulative, k=n)
        return " ".join(word + rng.choice(ENDINGS[language]) for word in drawn)

    # Texts are drawn from a pool (generating 1M texts word by word takes minutes); the pool is large
    # enough that every word's document frequency follows the vocabulary's Zipf law.
    titles = {language: [words(language, 8) for _ in range(TEXTS)] for language in PRESENCE}
    bodies = {language: [words(language, 60) for _ in range(TEXTS)] for language in PRESENCE}

    articles, variant_rows, revision_rows = [], [], []
    start, article_id = datetime(2017, 1, 1), 0
    rare_articles = set(rng.sample(range(1, variants // 2), 10))
    while len(variant_rows) < variants:
        article_id += 1
        at = start + timedelta(minutes=article_id * 7)
        section = rng.randint(1, SECTIONS)
        articles.append((article_id, f"article-{article_id}", section, at, "ru", 0, 60, "[]", at))
        common = rng.random() < 0.10
        for language, share in PRESENCE.items():
            if len(variant_rows) >= variants or rng.random() >= share:
                continue
            extra = COMMON[language] if common else RARE[language] if article_id in rare_articles else None
            title = titles[language][rng.randrange(TEXTS)]
            body = bodies[language][rng.randrange(TEXTS)]
            body = f"<p>{body} {extra}</p>" if extra else f"<p>{body}</p>"
            variant_id = len(variant_rows) + 1
            source = None if language == "ru" else "ru"
            variant_rows.append((variant_id, article_id, section, language, title, "", body, "published", 1, 1, 1,
                                 source, 1 if source else None, False, 60, 60, 0, 0, "bench", at, at, 0))
            revision_rows.append((variant_id, variant_id, 1, title, "", body, "published", False, source,
                                  1 if source else None, "bench", at))
    sections = [(i, f"section-{i}", i, f'{{"en": "S{i}", "ru": "Р{i}", "kk": "Б{i}"}}') for i in range(1, SECTIONS + 1)]
    return sections, articles, variant_rows, revision_rows


def load(url: str, kind: str, data) -> None:
    sections, articles, variants, revisions = data
    tables = (("section", ("id", "slug", "position", "names"), sections), ("article", ARTICLE, articles),
              ("variant", VARIANT, variants), ("revision", REVISION, revisions))
    if kind == "sqlite":
        connection = sqlite3.connect(make_url(url).database, isolation_level=None)
        connection.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;")
        connection.execute("BEGIN")
        for table, columns, rows in tables:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            connection.executemany(sql, ([v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in row]
                                         for row in rows))
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.close()
        return
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        for table, columns, rows in tables:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        for table, _, _ in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")


def timed(engine, language: str, query: str, repeat: int) -> tuple[float, float, int]:
    registry = language_registry(load_settings({}))
    reader, parsed = registry.get(language), SearchQuery.parse(query)
    times, total = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        total = read_only(engine, search, reader, parsed).page.total
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], total


def bench(kind: str, data, repeat: int) -> None:
    url, clean_up = fresh_database(kind, "bench_search")
    try:
        engine = create_engine_for(url)
        upgrade(engine)
        engine.dispose()
        started = time.perf_counter()
        load(url, kind, data)
        print(f"{kind}: {len(data[2]):,} variants of {len(data[1]):,} articles loaded in "
              f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        indexed = rebuild(engine)
        print(f"  index build (library search reindex): {indexed:,} texts in {time.perf_counter() - started:.1f} s")
        cases = [("rare term, kk reader", "kk", RARE["kk"]), ("rare term, ru reader", "ru", RARE["ru"]),
                 ("rare term, kk-Latn reader", "kk-Latn", "zergerler"),
                 ("10% term, kk reader", "kk", COMMON["kk"]), ("10% term, ru reader", "ru", COMMON["ru"]),
                 ("10% term, en reader", "en", COMMON["en"]),
                 ("10% term + a common word, kk", "kk", f"{COMMON['kk']} {data[3][0][5].split()[1]}"),
                 ("no match, kk", "kk", "жоқсөзжоқ")]
        print(f"  {'query':34} {'p50 ms':>8} {'p95 ms':>8} {'results':>8}")
        for label, language, query in cases:
            p50, p95, total = timed(engine, language, query, repeat)
            print(f"  {label:34} {p50:8.1f} {p95:8.1f} {total:8,}")
        engine.dispose()
    finally:
        clean_up()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    started = time.perf_counter()
    data = generate(args.variants)
    print(f"generated in {time.perf_counter() - started:.1f} s")
    for kind in args.engines.split(","):
        bench("postgresql" if kind == "postgres" else kind, data, args.repeat)


if __name__ == "__main__":
    main()
