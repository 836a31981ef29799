"""Benchmark the reader API against a trivial route of the same app, on SQLite and PostgreSQL.

Builds (or reuses) a library of 10,000 articles in three languages with realistic gaps, starts
`library serve` with one worker, and runs a bounded load against: a trivial JSON route (the
ceiling), an article read that falls back kk -> ru, a listing page, and the archive. Rounds are
interleaved (ceiling, article, listing, archive, ceiling, ...) so a neighbour's load on a shared
machine hits every target alike; each figure is the median over the rounds.

Usage: .venv/bin/python scripts/bench_api.py [--engines sqlite,postgres] [--port 8100] [--duration 5]
Uses wrk when installed (apt-get install wrk), else a built-in asyncio HTTP/1.1 client. Add
``--env LIBRARY_CACHE_MB=0`` to measure the uncached path (every read goes to the database), which is
what the first reader of each page pays after a publish empties the caches.
The PostgreSQL library lives in its own database (``library_bench``), never in the tests' ``test``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from library.content.models import Article, ArticleLink, Revision, Section, Variant, coverage_state
from library.content.text import count_words
from library.demo.loader import read_demo
from library.storage import create_engine_for, current_revision, head_revision, session_scope, upgrade

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / ".venv" / "bin" / "library"
TARGETS = {  # name: (path, ratio target)
    "ceiling /ping": ("/api/v1/ping", None),
    "article kk->ru": (None, 0.8),  # path chosen once the library exists
    "listing": ("/api/v1/articles?lang=kk&page=3&per_page=20", 0.5),
    "archive": ("/api/v1/archive?lang=kk", 0.8),
}


# --- the library -----------------------------------------------------------------------------------

def build_library(url: str, articles: int, seed: int = 6) -> None:
    """Fill an empty, migrated database with ``articles`` articles using bulk inserts.

    Every article is published in its source language (ru 80%, kk 15%, en 5%); a Kazakh translation
    exists for about 65% of the others (one in six of them a draft), an English one for about 35%;
    a tenth of translations are outdated (made from an earlier source revision). Texts are the demo
    library's, so lengths and alphabets are realistic.
    """
    rng = random.Random(seed)
    sections, demo = read_demo()
    texts = {lang: [a["variants"][lang] for a in demo if lang in a["variants"]] for lang in ("en", "ru", "kk")}
    engine = create_engine_for(url)
    upgrade(engine)
    start = datetime(2016, 1, 1, 9, tzinfo=UTC)
    rows: dict[str, list[dict]] = {"article": [], "variant": [], "revision": [], "link": []}
    for i in range(1, articles + 1):
        _article_rows(rows, rng, texts, i, len(sections), start + timedelta(hours=i * 87600 // articles), articles)
    with session_scope(engine) as session:
        session.execute(insert(Section), [{"id": n + 1, "slug": s["slug"], "names": s["names"], "position": n}
                                          for n, s in enumerate(sections)])
        for model, key in ((Article, "article"), (Variant, "variant"), (Revision, "revision"), (ArticleLink, "link")):
            for at in range(0, len(rows[key]), 2000):
                session.execute(insert(model), rows[key][at:at + 2000])
        if engine.dialect.name == "postgresql":
            for table in ("section", "article", "variant", "revision"):
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))"))
    # Planner statistics and (PostgreSQL) a visibility map, as autovacuum gives a long-running database.
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE")
    engine.dispose()


def _article_rows(rows, rng, texts, i, sections, published_at, articles) -> None:
    source = rng.choices(("ru", "kk", "en"), (80, 15, 5))[0]
    corrected = rng.random() < 0.1
    article_id = i
    rows["article"].append({"id": article_id, "slug": f"article-{i:05d}", "section_id": 1 + i % sections,
                            "published_at": published_at, "source_language": source, "views": 0,
                            "source_words": 0, "tags": [], "created_at": published_at})
    wanted = {source: "published"}
    for lang, share in (("kk", 0.65), ("ru", 0.9), ("en", 0.35)):
        if lang != source and rng.random() < share:
            wanted[lang] = "draft" if rng.random() < 1 / 6 else "published"
    for lang, status in wanted.items():
        _variant_rows(rows, rng, texts[lang], article_id, lang, status, source, corrected, published_at, sections, i)
    for position, target in enumerate(rng.sample(range(1, articles + 1), rng.randint(0, 4))):
        if target != article_id:
            rows["link"].append({"article_id": article_id, "target_id": target, "position": position})


def _variant_rows(rows, rng, pool, article_id, lang, status, source, corrected, at, sections, i) -> None:
    variant_id = len(rows["variant"]) + 1
    fields = rng.choice(pool)
    is_source = lang == source
    saves = 2 if is_source and corrected else 1
    translated = None if is_source else (source, 1)  # outdated when the source was corrected (revision 2)
    words = count_words(fields["title"], fields.get("summary", ""), fields.get("body", ""))
    outdated = bool(translated and corrected)
    published = saves if status == "published" else None
    text_fields = {"title": fields["title"], "summary": fields.get("summary", ""), "body": fields.get("body", "")}
    rows["variant"].append({
        "id": variant_id, "article_id": article_id, "section_id": 1 + i % sections, "language": lang,
        **text_fields, "status": status, "revision": saves, "major_revision": saves,
        "published_revision": published, "coverage_state": coverage_state(status, published, outdated),
        "behind": 1 if outdated else 0,
        "translated_from": translated and translated[0], "source_revision": translated and translated[1],
        "outdated": outdated, "words": words, "updated_by": "bench",
        "updated_at": at, "created_at": at,
    })
    for number in range(1, saves + 1):
        rows["revision"].append({
            "variant_id": variant_id, "number": number, **text_fields, "status": status, "minor": False,
            "translated_from": translated and translated[0], "source_revision": translated and translated[1],
            "comment": None, "changed_by": "bench", "changed_at": at + timedelta(days=number - 1),
        })


def ensure_library(url: str, articles: int, rebuild: bool) -> str:
    """Reuse the benchmark library at ``url`` when it has ``articles`` articles; returns the fallback article's slug."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(Article)).scalar()
        current = current_revision(engine) == head_revision()
    except Exception:
        count, current = None, False
    engine.dispose()
    if count != articles or not current or rebuild:
        print(f"building {articles} articles at {make_url(url).render_as_string()} ...", flush=True)
        reset_database(url)
        began = time.perf_counter()
        build_library(url, articles)
        print(f"  built in {time.perf_counter() - began:.0f} s", flush=True)
    return fallback_slug(url)


def reset_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def fallback_slug(url: str) -> str:
    """A Russian article with no published Kazakh text and three "See also" links: read in kk, it falls back."""
    engine = create_engine_for(url)
    kk = select(Variant.article_id).where(Variant.language == "kk", Variant.published_revision.is_not(None))
    links = select(ArticleLink.article_id).group_by(ArticleLink.article_id).having(func.count() == 3)
    with engine.connect() as conn:
        slug = conn.execute(select(Article.slug).where(
            Article.source_language == "ru", Article.id.not_in(kk), Article.id.in_(links)).order_by(Article.id)
        ).scalars().first()
    engine.dispose()
    return slug


# --- the server ------------------------------------------------------------------------------------

class Server:
    def __init__(self, url: str, port: int, env: dict[str, str]) -> None:
        self.port = port
        environ = {**os.environ, "LIBRARY_DATABASE_URL": url, **env}
        self.process = subprocess.Popen(
            [str(LIBRARY), "serve", "--port", str(port), "--workers", "1", "--log-level", "warning"],
            env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ping", timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("server did not start within 60 s")

    def rss_mb(self) -> float:
        """Resident memory of the server process and its children, in MB."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        return total / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --- the load --------------------------------------------------------------------------------------

def run_wrk(url: str, seconds: float, connections: int) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _wrk_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99": _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
            "errors": int(errors.group(1)) if errors else 0}


def _wrk_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_asyncio(url: str, seconds: float, connections: int) -> dict[str, float]:
    return asyncio.run(_load(url, seconds, connections))


async def _load(url: str, seconds: float, connections: int) -> dict[str, float]:
    parsed = urllib.parse.urlsplit(url)
    request = (f"GET {parsed.path}{'?' + parsed.query if parsed.query else ''} HTTP/1.1\r\n"
               f"Host: {parsed.netloc}\r\n\r\n").encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length:\s*(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            latencies.append(time.perf_counter() - began)
            errors += not head.startswith((b"HTTP/1.1 2", b"HTTP/1.1 3"))
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99)] * 1000, "errors": errors}


def measure(server: Server, targets: dict[str, str], args) -> dict[str, dict[str, float]]:
    load = run_wrk if args.client == "wrk" else run_asyncio
    base = f"http://127.0.0.1:{server.port}"
    for path in targets.values():  # warm up: caches filled, connections and code paths hot
        urllib.request.urlopen(base + path).read()
        load(base + path, 1, args.connections)
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
    for _ in range(args.rounds):
        for name, path in targets.items():
            rounds[name].append(load(base + path, args.duration, args.connections))
    return {name: {key: statistics.median(r[key] for r in runs) for key in ("rps", "p50", "p99")}
            | {"errors": sum(r["errors"] for r in runs)} for name, runs in rounds.items()}


def report(engine: str, results: dict[str, dict[str, float]], rss: float) -> list[str]:
    ceiling = results["ceiling /ping"]
    lines = []
    for name, r in results.items():
        target = TARGETS[name][1]
        ratio = r["rps"] / ceiling["rps"]
        verdict = "" if target is None else ("ok" if ratio >= target else f"BELOW {target:.0%}")
        if name.startswith("article") and r["p99"] > 2 * ceiling["p99"]:
            verdict += " p99>2x"
        errors = f" errors={int(r['errors'])}" if r["errors"] else ""
        lines.append(f"{engine:9} {name:16} {r['rps']:8.0f} {r['p50']:8.2f} {r['p99']:8.2f} {ratio:6.0%}  "
                     f"{verdict}{errors}")
    lines.append(f"{engine:9} server RSS after the run: {rss:.0f} MB {'ok' if rss < 300 else 'ABOVE 300 MB'}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sqlite-path", default="/tmp/library-bench.db")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/library_bench")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--duration", type=float, default=4, help="seconds per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--client", choices=["auto", "wrk", "asyncio"], default="auto")
    parser.add_argument("--rebuild", action="store_true", help="build the library even when one exists")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra server setting, e.g. LIBRARY_CACHE_MB=0 (repeatable)")
    args = parser.parse_args()
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "asyncio"
    env = dict(item.split("=", 1) for item in args.env)
    urls = {"sqlite": f"sqlite:///{args.sqlite_path}", "postgres": args.postgres_url}
    print(f"load: {os.getloadavg()[0]:.2f} (1 min average) on {os.cpu_count()} cores; client {args.client}, "
          f"{args.connections} connections, {args.rounds} rounds x {args.duration:g} s; env {env or '-'}")
    lines = [f"{'engine':9} {'target':16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}"]
    for engine in args.engines.split(","):
        slug = ensure_library(urls[engine], args.articles, args.rebuild)
        targets = {name: path or f"/api/v1/articles/{slug}?lang=kk" for name, (path, _) in TARGETS.items()}
        server = Server(urls[engine], args.port, env)
        try:
            url = f"http://127.0.0.1:{args.port}{targets['article kk->ru']}"
            article = json.loads(urllib.request.urlopen(url).read())
            assert article["fallback"] and article["language"] == "ru", article
            results = measure(server, targets, args)
            lines += report(engine, results, server.rss_mb())
        finally:
            server.stop()
        print("\n".join(lines[-len(TARGETS) - 1:]), flush=True)
    print(f"\nload after: {os.getloadavg()[0]:.2f}\n" + "\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
