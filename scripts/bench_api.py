"""Benchmark the reader API and pages against a trivial route of the same app, on SQLite and PostgreSQL.

Builds (or reuses) a library of 10,000 articles (``--articles 100000`` for the large one) in three
languages with realistic gaps, starts `library serve` (``--workers``), and runs a bounded load.

Two sets of targets (``--mix``):

- ``hot`` (the original): a trivial JSON route (the ceiling), one article read that falls back
  kk -> ru, one listing page, the archive: after the first request every one is a cache hit.
- ``random`` (default), as readers and crawlers behave: every request is another URL, drawn from the
  whole library in en, ru, kk and kk-Latn. Article API and article page, each **uniform** over all
  articles and **Zipf**-distributed (s = 1.1: a few popular articles, a long tail); a random listing
  page of 20 (API); a random archive month (page). Each is measured **cold** (the first seconds right
  after a publish: ``--cold publish``, an editor publishing one article, which drops from the caches
  what it changed; ``--cold clear``, the content version moved with nothing said about what changed, as
  after an import, which empties them) and **warm**: after a warm-up that asks for every URL the mix
  draws from once (as a crawler or a day of readers would leave the caches), then a few seconds of the
  mix itself.

Every request says ``Accept-Encoding: gzip, deflate, br`` as browsers do, so the app sends the gzip
bodies its cache keeps (`library.web.encoding`); the ceiling's request says the same.

Rounds are interleaved with the ceiling (``/api/v1/ping``), so a neighbour's load on a shared machine hits
every target alike; each figure is the median over the rounds. Printed per target: req/s, p50 and p99,
the ratio to the same run's ceiling and the target it must reach, the server's cache hit rate during
the run (from `/api/v1/health`), and at the end the resident memory per worker.

Usage: .venv/bin/python scripts/bench_api.py [--engines sqlite,postgres] [--mix random|hot]
       [--cold publish|clear] [--articles 10000] [--workers 1] [--duration 4] [--rounds 3] [--only page]
Uses wrk (Debian package ``wrk``; random URLs through a Lua script) when installed, else a built-in
asyncio HTTP/1.1 client. ``--env LIBRARY_CACHE_MB=0`` measures with the response cache off.
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
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from library.bootstrap import content_events
from library.content import service
from library.content.events import attach
from library.content.models import Article, ArticleLink, Revision, Section, Status, Variant, coverage_state
from library.content.service import VariantText
from library.content.text import count_words
from library.demo.loader import read_demo
from library.settings import load_settings
from library.storage import create_engine_for, current_revision, head_revision, session_scope, upgrade

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / ".venv" / "bin" / "library"
CEILING = "ceiling /ping"
TARGETS = {  # name: (path, ratio target)
    CEILING: ("/api/v1/ping", None),
    "article kk->ru": (None, 0.8),  # path chosen once the library exists
    "listing": ("/api/v1/articles?lang=kk&page=3&per_page=20", 0.5),
    "archive": ("/api/v1/archive?lang=kk", 0.8),
}
READER_LANGUAGES = ("en", "ru", "kk", "kk-Latn")
RANDOM_TARGETS = {  # name: ratio target (warm, cold) of issue 15
    "api uniform": (0.5, 0.3),
    "api zipf": (0.5, 0.3),
    "page uniform": (0.35, 0.2),
    "page zipf": (0.35, 0.2),
    "listing random": (0.35, None),
    "archive month": (0.35, None),
}
ZIPF_S = 1.1
WRK_SCRIPT = """
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tonumber(args[2]))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Encoding"] = "gzip, deflate, br"})
end
"""
ACCEPT_ENCODING = "gzip, deflate, br"
"""What browsers send (and curl --compressed); the app answers gzip."""


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
    def __init__(self, url: str, port: int, env: dict[str, str], workers: int = 1) -> None:
        self.port = port
        environ = {**os.environ, "LIBRARY_DATABASE_URL": url, **env}
        self.process = subprocess.Popen(
            [str(LIBRARY), "serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
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

    def rss_mb(self, field: str = "VmRSS") -> list[float]:
        """Resident memory of each worker process (of the server itself when it has no children), in MB.

        ``VmRSS`` counts the pages of the SQLite file that the worker reads through its memory map
        (the operating system's page cache, shared by every worker and dropped under pressure);
        ``RssAnon`` is the worker's own memory: the figure the 400 MB bound is about.
        """
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(p) for p in children.read_text().split()] if children.exists() else []
        # The workers are spawned by multiprocessing too ("spawn_main"): only its resource tracker is left out.
        pids = [pid for pid in pids if "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text()] or [
            self.process.pid]
        return [int(re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024
                for pid in pids]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --- the load --------------------------------------------------------------------------------------

class Target:
    """What one load run requests: one path, or a file of paths each request draws from at random."""

    def __init__(self, path: str | None = None, paths: list[str] | None = None, workdir: Path | None = None,
                 name: str = "") -> None:
        self.path = path
        self.paths = paths
        self.file = None
        if paths is not None:
            self.file = workdir / (re.sub(r"\W+", "-", name) + ".txt")
            self.file.write_text("\n".join(paths) + "\n")
            self.script = workdir / "random.lua"
            self.script.write_text(WRK_SCRIPT)

    def sample(self) -> str:
        return self.path if self.paths is None else random.choice(self.paths)


def run_wrk(base: str, target: Target, seconds: float, connections: int) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
               "-H", f"Accept-Encoding: {ACCEPT_ENCODING}"]
    if target.file is not None:
        command += ["-s", str(target.script), base + "/", "--", str(target.file), str(random.randrange(1 << 30))]
    else:
        command.append(base + target.path)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _wrk_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99": _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
            "errors": int(errors.group(1)) if errors else 0}


def _wrk_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_asyncio(base: str, target: Target, seconds: float, connections: int) -> dict[str, float]:
    return asyncio.run(_load(base, target, seconds, connections))


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, netloc: str, path: str) -> bytes:
    """One GET on a kept-alive connection, as a browser asks (gzip accepted); returns the status line
    and headers, the body read and dropped."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {netloc}\r\nAccept-Encoding: {ACCEPT_ENCODING}\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    length = re.search(rb"(?i)content-length:\s*(\d+)", head)
    await reader.readexactly(int(length.group(1)) if length else 0)
    return head


async def _load(base: str, target: Target, seconds: float, connections: int) -> dict[str, float]:
    parsed = urllib.parse.urlsplit(base)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            head = await _get(reader, writer, parsed.netloc, target.sample())
            latencies.append(time.perf_counter() - began)
            errors += not head.startswith((b"HTTP/1.1 2", b"HTTP/1.1 3"))
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99)] * 1000, "errors": errors}


def sweep(base: str, paths: list[str], connections: int) -> tuple[int, float]:
    """Ask for every path once, ``connections`` at a time: what a crawler or a day of readers leaves
    in the caches, so a warm run measures a warm library rather than how far a few seconds of random
    reads got filling it (8 s filled a tenth of 40,000 URLs). Returns (paths, seconds)."""
    return asyncio.run(_sweep(base, paths, connections))


async def _sweep(base: str, paths: list[str], connections: int) -> tuple[int, float]:
    parsed = urllib.parse.urlsplit(base)
    todo = iter(paths)  # shared by the connections: each path is asked for once

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
        for path in todo:
            await _get(reader, writer, parsed.netloc, path)
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return len(paths), time.perf_counter() - began


def cache_counts(server: Server) -> tuple[int, int]:
    """(hits, misses) of the response cache of the worker that answers, from /api/v1/health."""
    health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{server.port}/api/v1/health").read())
    cache = health.get("cache") or {}
    return cache.get("hits", 0), cache.get("misses", 0)


def measure(server: Server, targets: dict[str, Target], args, *, before=None,
            warm_up: float = 1) -> dict[str, dict[str, float]]:
    """Median figures per target over ``args.rounds`` interleaved rounds; ``before(name)`` runs before
    each measured run of a target (e.g. a publish that empties the caches), ``warm_up`` seconds of the
    same load before the first."""
    load = run_wrk if args.client == "wrk" else run_asyncio
    base = f"http://127.0.0.1:{server.port}"
    for name, target in targets.items():  # warm up: caches filled, connections and code paths hot
        urllib.request.urlopen(base + target.sample()).read()
        if warm_up and target.paths is not None:
            count, seconds = sweep(base, sorted(set(target.paths)), args.connections)
            print(f"  warm-up of {name}: each of its {count} URLs once, {seconds:.0f} s", flush=True)
        if warm_up:
            load(base, target, warm_up, args.connections)
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
    for _ in range(args.rounds):
        for name, target in targets.items():
            if before is not None:
                before(name)
            hits, misses = cache_counts(server)
            run = load(base, target, args.duration, args.connections)
            hits_after, misses_after = cache_counts(server)
            asked = (hits_after - hits) + (misses_after - misses)
            run["hit rate"] = (hits_after - hits) / asked if asked > 0 else float("nan")
            rounds[name].append(run)
    return {name: {key: statistics.median(r[key] for r in runs) for key in ("rps", "p50", "p99", "hit rate")}
            | {"errors": sum(r["errors"] for r in runs)} for name, runs in rounds.items()}


def report(engine: str, results: dict[str, dict[str, float]], targets: dict[str, float | None],
           label: str = "") -> list[str]:
    ceiling = results[CEILING]
    lines = []
    for name, r in results.items():
        target = targets.get(name)
        ratio = r["rps"] / ceiling["rps"]
        verdict = "" if target is None else (f"ok (>= {target:.0%})" if ratio >= target else f"BELOW {target:.0%}")
        if name != CEILING and r["p99"] > 3 * ceiling["p99"]:
            verdict += " p99>3x"
        errors = f" errors={int(r['errors'])}" if r["errors"] else ""
        hit = "" if r["hit rate"] != r["hit rate"] else f"{r['hit rate']:5.0%}"
        lines.append(f"{engine:9} {label:5} {name:16} {r['rps']:8.0f} {r['p50']:8.2f} {r['p99']:8.2f} {ratio:6.0%} "
                     f"{hit:>5}  {verdict}{errors}")
    return lines


# --- random traffic --------------------------------------------------------------------------------

def library_shape(url: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Every article's slug, and every (year, month) with articles."""
    engine = create_engine_for(url)
    with engine.connect() as conn:
        slugs = list(conn.execute(select(Article.slug).order_by(Article.id)).scalars())
        dates = conn.execute(select(Article.published_at)).scalars()
        months = sorted({(d.year, d.month) for d in dates})
    engine.dispose()
    return slugs, months


def random_paths(slugs: list[str], months: list[tuple[int, int]], count: int, seed: int = 15) -> dict[str, list[str]]:
    """``count`` request paths per random target (see the module's docstring)."""
    rng = random.Random(seed)
    ranked = slugs[:]
    rng.shuffle(ranked)  # popularity is not publication order
    cumulative, total = [], 0.0
    for rank in range(1, len(ranked) + 1):
        total += 1 / rank ** ZIPF_S
        cumulative.append(total)
    zipf = rng.choices(ranked, cum_weights=cumulative, k=count)
    uniform = [rng.choice(slugs) for _ in range(count)]
    languages = [rng.choice(READER_LANGUAGES) for _ in range(count)]
    pages = -(-len(slugs) // 20)
    return {
        "api uniform": [f"/api/v1/articles/{s}?lang={lang}" for s, lang in zip(uniform, languages, strict=True)],
        "api zipf": [f"/api/v1/articles/{s}?lang={lang}" for s, lang in zip(zipf, languages, strict=True)],
        "page uniform": [f"/{lang.lower()}/articles/{s}" for s, lang in zip(uniform, languages, strict=True)],
        "page zipf": [f"/{lang.lower()}/articles/{s}" for s, lang in zip(zipf, languages, strict=True)],
        "listing random": [f"/api/v1/articles?lang={lang}&page={rng.randint(1, pages)}&per_page=20"
                           for lang in languages],
        "archive month": [f"/{lang.lower()}/archive/{y}/{m}" for lang in languages
                          for y, m in [rng.choice(months)]],
    }


def publish(url: str, slugs: list[str], how: str) -> None:
    """What a publish does to every server's caches. ``publish``: an editor publishes a new revision of
    a random article through the content service, with every reaction of a real server (its commit
    logs what it changed, and each server drops just that); ``clear``: the content version moves with
    nothing logged (as after an import), and every server empties its caches."""
    engine = create_engine_for(url)
    if how == "clear":
        with engine.begin() as conn:
            conn.execute(text("UPDATE content_version SET version = version + 1 WHERE id = 1"))
        engine.dispose()
        return
    engine = attach(engine, content_events(load_settings({"LIBRARY_DATABASE_URL": url}), history=False))
    with session_scope(engine) as session:
        article = service.get_article(session, random.choice(slugs))
        language = article.source_language
        current = session.scalars(select(Variant).where(Variant.article_id == article.id,
                                                        Variant.language == language)).one()
        service.save_variant(session, article, language, VariantText(
            f"{current.title} {time.time():.0f}", current.summary, current.body),
            status=Status.PUBLISHED, by="bench", minor=True, publish_override="benchmark")
    engine.dispose()


def run_random(engine: str, url: str, server: Server, args, workdir: Path) -> list[str]:
    slugs, months = library_shape(url)
    paths = random_paths(slugs, months, 100_000)
    only = [name for name in RANDOM_TARGETS if not args.only or any(word in name for word in args.only.split(","))]
    targets = {CEILING: Target("/api/v1/ping"),
               **{name: Target(paths=paths[name], workdir=workdir, name=name) for name in only}}
    lines = []
    if not args.warm_only:
        def emptied(name: str) -> None:
            if name != CEILING:
                publish(url, slugs, args.cold)
                time.sleep(1.0)  # every worker sees the new version (they check it every 0.4 s)
        cold = measure(server, targets, args, before=emptied, warm_up=0)
        lines += report(engine, cold, {name: RANDOM_TARGETS[name][1] for name in only}, "cold")
        print("\n".join(lines), flush=True)
    warm = measure(server, targets, args, warm_up=args.warm_up)
    lines += report(engine, warm, {name: RANDOM_TARGETS[name][0] for name in only}, "warm")
    print("\n".join(lines[-len(targets):]), flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--mix", choices=["random", "hot"], default="random")
    parser.add_argument("--only", default="", help="random targets whose name has one of these words (api,page...)")
    parser.add_argument("--warm-only", action="store_true", help="skip the cold runs")
    parser.add_argument("--cold", choices=["publish", "clear"], default="publish",
                        help="before each cold run: publish one article, or move the version as an import does")
    parser.add_argument("--warm-up", type=float, default=8, help="seconds of each random target's load before "
                        "its warm runs")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--sqlite-path", default=None, help="default /tmp/library-bench-<articles>.db")
    parser.add_argument("--postgres-url", default=None,
                        help="default postgresql+psycopg://postgres@127.0.0.1:5432/library_bench_<articles>")
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
    urls = {"sqlite": f"sqlite:///{args.sqlite_path or f'/tmp/library-bench-{args.articles}.db'}",
            "postgres": args.postgres_url or
            f"postgresql+psycopg://postgres@127.0.0.1:5432/library_bench_{args.articles}"}
    print(f"load: {os.getloadavg()[0]:.2f} (1 min average) on {os.cpu_count()} cores; client {args.client}, "
          f"{args.connections} connections, {args.rounds} rounds x {args.duration:g} s; {args.articles} articles, "
          f"{args.workers} worker(s), mix {args.mix}; env {env or '-'}")
    lines = [f"{'engine':9} {'':5} {'target':16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'hits':>5}"]
    for engine in args.engines.split(","):
        slug = ensure_library(urls[engine], args.articles, args.rebuild)
        server = Server(urls[engine], args.port, env, args.workers)
        try:
            if args.mix == "hot":
                targets = {name: Target(path or f"/api/v1/articles/{slug}?lang=kk")
                           for name, (path, _) in TARGETS.items()}
                url = f"http://127.0.0.1:{args.port}{targets['article kk->ru'].path}"
                article = json.loads(urllib.request.urlopen(url).read())
                assert article["fallback"] and article["language"] == "ru", article
                lines += report(engine, measure(server, targets, args),
                                {name: ratio for name, (_, ratio) in TARGETS.items()})
            else:
                with tempfile.TemporaryDirectory() as workdir:
                    lines += run_random(engine, urls[engine], server, args, Path(workdir))
            rss, own = server.rss_mb(), server.rss_mb("RssAnon")
            lines.append(f"{engine:9} per worker after the run: RSS {', '.join(f'{mb:.0f}' for mb in rss)} MB, "
                         f"own (RssAnon, without the mapped database file) {', '.join(f'{mb:.0f}' for mb in own)} MB "
                         f"{'ok' if max(own) < 400 else 'ABOVE 400 MB'}")
        finally:
            server.stop()
        print(lines[-1], flush=True)
    print(f"\nload after: {os.getloadavg()[0]:.2f}\n" + "\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
