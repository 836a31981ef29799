"""Benchmark Varnish in front of the app (issue 16): random-article reads through the cache vs
straight to the app, each as a ratio to the same run's ceiling, and publish-to-fresh through the cache.

Builds (or reuses) the benchmark library of `scripts/bench_api.py` (10,000 articles, en/ru/kk with
realistic gaps), starts `library serve` (one worker) with ``LIBRARY_PURGE_URL`` pointing at a
varnishd running `scripts/varnish/library.vcl` as is (only the backend port changed), then:

1. after one read of every path through Varnish (a site's warm state; a cold pass is printed first),
   rounds of, interleaved so that a neighbour's load hits every target alike: the ceiling (the app's
   ``/api/v1/ping``, no database, straight to the app), random articles straight to the app, random
   articles through Varnish. A random article is any article of the library, in en, ru or kk (a
   fallback where that language is missing), picked per request by a wrk Lua script (or by the
   built-in asyncio client). Varnish's hit rate is counted from varnishstat over the measured rounds;
2. ``--publishes`` publishes (100): each picks a random article, reads it through the cache until it
   is a hit, saves a new title (published) through the same content events as the app (so the commit
   purges), and reads it through the cache every 5 ms until the new title is served; the time from
   the commit's return to that read is publish-to-fresh (p50, p99, max).

Usage: .venv/bin/python scripts/bench_varnish.py [--engine sqlite|postgres] [--duration 5] [--rounds 3]
Needs Varnish and varnish-modules (bash scripts/ensure-varnish.sh); uses wrk when installed.
The library is built in its own file or database (not bench_api's: publishes change it).
The machine is shared: figures are noisy; compare the ratios, and repeat a run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_api import Server, Target, _wrk_ms, ensure_library  # noqa: E402
from bench_api import run_asyncio as bench_api_load  # noqa: E402
from sqlalchemy import select  # noqa: E402

from library.bootstrap import build_runtime  # noqa: E402
from library.content import service  # noqa: E402
from library.content.models import Article, Status  # noqa: E402
from library.content.service import VariantText  # noqa: E402
from library.settings import load_settings  # noqa: E402
from library.storage import read_only, session_scope  # noqa: E402
from tests.edge.varnish import Varnish, why_unavailable  # noqa: E402
from tests.servers import free_port  # noqa: E402

LANGUAGES = ("en", "ru", "kk")


def article_paths(url: str, count: int, seed: int = 16) -> list[str]:
    """``count`` random article reads over the whole library: any article, in any of the three languages."""
    runtime = build_runtime(load_settings({"LIBRARY_DATABASE_URL": url}), migrate_sqlite=False)
    slugs = read_only(runtime.engine, lambda s: list(s.scalars(select(Article.slug).order_by(Article.id))))
    runtime.dispose()
    rng = random.Random(seed)
    return [f"/api/v1/articles/{rng.choice(slugs)}?lang={rng.choice(LANGUAGES)}" for _ in range(count)]


# --- the load --------------------------------------------------------------------------------------

def lua_script(paths: list[str], folder: Path) -> Path:
    script = folder / "random.lua"
    listed = ",\n".join(json.dumps(path) for path in paths)
    script.write_text(f"paths = {{\n{listed}\n}}\nmath.randomseed(os.time())\n"
                      "request = function()\n  return wrk.format(\"GET\", paths[math.random(#paths)])\nend\n")
    return script


def run_wrk(base: str, paths: list[str] | str, seconds: float, connections: int, threads: int,
            folder: Path) -> dict[str, float]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    if isinstance(paths, list):
        command += ["-s", str(lua_script(paths, folder))]
        url = base + "/"
    else:
        url = base + paths
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _wrk_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99": _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
            "errors": int(errors.group(1)) if errors else 0}


def run_asyncio(base: str, paths: list[str] | str, seconds: float, connections: int, threads: int,
                folder: Path) -> dict[str, float]:
    """`bench_api`'s own client (when wrk is not installed), on the same paths."""
    target = Target(paths) if isinstance(paths, str) else Target(paths=paths, workdir=folder, name="asyncio")
    return bench_api_load(base, target, seconds, connections)


def warm(base: str, paths: list[str], connections: int) -> None:
    def read(path: str) -> None:
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(base + path, timeout=30).read()

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(read, paths))


def hit_rate(before: dict[str, int], after: dict[str, int]) -> tuple[float, int, int]:
    hits = after.get("cache_hit", 0) - before.get("cache_hit", 0)
    misses = after.get("cache_miss", 0) - before.get("cache_miss", 0)
    return (hits / (hits + misses) if hits + misses else 0.0), hits, misses


# --- publish-to-fresh ------------------------------------------------------------------------------

def get_json(url: str) -> tuple[dict, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read()), {k.lower(): v for k, v in response.getheaders()}


def publish_to_fresh(url: str, varnish: Varnish, paths: list[str], count: int) -> dict[str, float]:
    runtime = build_runtime(load_settings({"LIBRARY_DATABASE_URL": url, "LIBRARY_PURGE_URL": varnish.url}),
                            migrate_sqlite=False)
    rng = random.Random(1616)
    fresh: list[float] = []
    writes: list[float] = []
    try:
        for number in range(count):
            path = rng.choice(paths)
            through = f"http://127.0.0.1:{varnish.port}{path}"
            for _ in range(5):
                view, headers = get_json(through)
                if headers.get("x-cache") == "HIT":
                    break
            else:
                raise SystemExit(f"{path} never became a hit")
            title = f"{view['title'].split(' #')[0]} #{number}-{rng.randrange(10**6)}"
            began = time.perf_counter()
            with session_scope(runtime.engine) as session:
                article = service.get_article(session, view["slug"])
                service.save_variant(session, article, view["language"],
                                     VariantText(title, view["summary"], view["body"]), status=Status.PUBLISHED,
                                     by="bench", publish_override="benchmark: title change only")
            committed = time.perf_counter()
            writes.append(committed - began)
            while get_json(through)[0]["title"] != title:
                if time.perf_counter() - committed > 10:
                    raise SystemExit(f"{path}: not fresh 10 s after the publish")
                time.sleep(0.005)
            fresh.append(time.perf_counter() - committed)
        (purger,) = runtime.events.committed
        purger.wait(10)
        failed = purger.failed
    finally:
        runtime.dispose()
    fresh.sort()
    return {"p50": statistics.median(fresh) * 1000, "p99": fresh[max(0, int(len(fresh) * 0.99) - 1)] * 1000,
            "max": fresh[-1] * 1000, "write_p50": statistics.median(writes) * 1000, "failed": failed}


# --- the run ---------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sqlite-path", default="/tmp/library-bench-varnish.db")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/library_bench_varnish")
    parser.add_argument("--port", type=int, default=0, help="the app's port (default: a free one)")
    parser.add_argument("--duration", type=float, default=5, help="seconds per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--paths", type=int, default=30_000, help="random article reads to pick from")
    parser.add_argument("--publishes", type=int, default=100)
    parser.add_argument("--client", choices=["auto", "wrk", "asyncio"], default="auto")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra server setting, e.g. LIBRARY_SHARED_MAX_AGE=3600 (repeatable)")
    args = parser.parse_args()
    if (reason := why_unavailable()) is not None:
        raise SystemExit(f"Varnish is not installed: {reason}")
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "asyncio"
    load = run_wrk if args.client == "wrk" else run_asyncio
    url = {"sqlite": f"sqlite:///{args.sqlite_path}", "postgres": args.postgres_url}[args.engine]
    ensure_library(url, args.articles, args.rebuild)
    paths = article_paths(url, args.paths)
    print(f"load: {os.getloadavg()[0]:.2f} (1 min average) on {os.cpu_count()} cores; client {args.client} "
          f"({args.threads} threads, {args.connections} connections), {args.rounds} rounds x {args.duration:g} s; "
          f"{len(set(paths))} distinct article reads of {args.articles} articles x 3 languages", flush=True)
    args.port = args.port or free_port()
    folder = Path(tempfile.mkdtemp(prefix="library-bench-varnish-"))
    env = dict(item.split("=", 1) for item in args.env)
    print(f"server settings: {env or 'defaults'}")
    server = Server(url, args.port, env)
    try:
        with Varnish(args.port) as varnish:
            varnish.wait_until_backend(healthy=True)
            app, cache = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{varnish.port}"
            load(app, "/api/v1/ping", 1, args.connections, args.threads, folder)  # warm up
            load(app, paths, 2, args.connections, args.threads, folder)
            before = varnish.stats()
            cold = load(cache, paths, args.duration, args.connections, args.threads, folder)
            cold_rate = hit_rate(before, varnish.stats())
            print(f"cold pass through Varnish: {cold['rps']:.0f} req/s, hit rate {cold_rate[0]:.1%}", flush=True)
            began = time.perf_counter()
            warm(cache, sorted(set(paths)), args.connections)  # every path read once: a site's warm state
            print(f"warmed {len(set(paths))} reads through Varnish in {time.perf_counter() - began:.0f} s", flush=True)
            runs: dict[str, list[dict[str, float]]] = {"ceiling": [], "app": [], "varnish": []}
            before = varnish.stats()
            for number in range(args.rounds):
                runs["ceiling"].append(load(app, "/api/v1/ping", args.duration, args.connections, args.threads,
                                            folder))
                runs["app"].append(load(app, paths, args.duration, args.connections, args.threads, folder))
                runs["varnish"].append(load(cache, paths, args.duration, args.connections, args.threads, folder))
                print(f"round {number + 1}: " + ", ".join(f"{name} {r[-1]['rps']:.0f} req/s"
                                                           for name, r in runs.items()), flush=True)
            after = varnish.stats()
            rate, hits, misses = hit_rate(before, after)
            evicted, expired = (after.get(name, 0) - before.get(name, 0) for name in ("n_lru_nuked", "n_expired"))
            fresh = publish_to_fresh(url, varnish, paths, args.publishes)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    ceiling = statistics.median(r["rps"] for r in runs["ceiling"])
    print(f"\n{'target':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}")
    for name, label in (("ceiling", "ceiling /ping (app)"), ("app", "random articles, straight to app"),
                        ("varnish", "random articles, through Varnish")):
        median = {key: statistics.median(r[key] for r in runs[name]) for key in ("rps", "p50", "p99")}
        errors = sum(r["errors"] for r in runs[name])
        print(f"{label:32} {median['rps']:8.0f} {median['p50']:8.2f} {median['p99']:8.2f} "
              f"{median['rps'] / ceiling:6.2f}x{f'  errors={errors}' if errors else ''}")
    through = statistics.median(r["rps"] for r in runs["varnish"])
    print(f"Varnish hit rate over the measured rounds: {rate:.1%} ({hits} hits, {misses} misses; "
          f"{evicted} evicted for room, {expired} expired)")
    print(f"through Varnish / ceiling: {through / ceiling:.2f}x  "
          f"{'ok' if through >= 5 * ceiling else 'BELOW the 5x target'}")
    print(f"publish-to-fresh through the cache over {args.publishes} publishes: p50 {fresh['p50']:.0f} ms, "
          f"p99 {fresh['p99']:.0f} ms, max {fresh['max']:.0f} ms (the write itself: p50 {fresh['write_p50']:.0f} ms; "
          f"purges given up: {fresh['failed']})  {'ok' if fresh['p99'] < 1000 else 'ABOVE 1 s'}")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
