"""One app host against two over one PostgreSQL: random articles in en, ru and kk (issue 16).

Builds (or reuses) the benchmark library of `scripts/bench_api.py` (10,000 articles, realistic gaps,
so a third of the reads fall back) in its own PostgreSQL database, starts two `library serve`
processes of one worker each (two hosts; ``--netns`` puts each in a network namespace of its own,
reaching PostgreSQL over a veth link, as `tests/web/test_hosts.py` does), and loads them with wrk,
each request a random article in a random language (a Lua script picks them). "One host" is the
same load, the same number of connections and wrk processes, all sent to the first host; "two
hosts" splits it evenly. Rounds alternate (one, two, one, two...) after a warm-up, so a neighbour's
load on this shared machine falls on both alike; the figures are medians over the rounds, and the
ratio is two hosts' req/s over one host's. Every response must be a 200.

Over all 30,000 (article, language) pairs most reads miss the per-process response cache (entries
live 60 s, and each host sees only its share of the traffic) and read PostgreSQL, on the same cores;
``--working-set 300`` keeps every read a cache hit and measures the app hosts themselves.
``--freshness 100`` measures something else: seconds from a publish's COMMIT to the first answer with
it, on a host that listens (LISTEN/NOTIFY) and on one that polls.

This machine has 2 cores, shared: one host's process can use one of them, two hosts both, and wrk
and PostgreSQL share them too, so the ratio says how much of the second core the second host gets.
Each setting also prints the CPU the app hosts got ("cores", from /proc) and the requests served per
CPU second: when neighbours leave the hosts less than a core each, the ratio measures the machine.

Usage: .venv/bin/python scripts/bench_hosts.py [--rounds 5] [--duration 5] [--connections 32] [--pages]
       [--working-set 300] [--netns] [--env LIBRARY_CACHE_MB=0]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.bench_api import ensure_library  # noqa: E402
from tests.servers import Served, free_port  # noqa: E402

LANGUAGES = ("en", "ru", "kk")
LUA = """
local slugs = {%(slugs)s}
local languages = {"en", "ru", "kk"}
local template = "%(template)s"
local counter = 0
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init(args) math.randomseed(os.time() * 100 + id) end
function request()
  local slug = slugs[math.random(#slugs)]
  local language = languages[math.random(3)]
  local path = template:gsub("{slug}", slug):gsub("{lang}", language)
  return wrk.format("GET", path)
end
"""


def slugs_of(url: str) -> list[str]:
    from sqlalchemy import select

    from library.content.models import Article
    from library.storage import create_engine_for

    engine = create_engine_for(url)
    with engine.connect() as connection:
        slugs = connection.execute(select(Article.slug).order_by(Article.id)).scalars().all()
    engine.dispose()
    return slugs


def write_script(folder: Path, slugs: list[str], pages: bool) -> Path:
    template = "/{lang}/articles/{slug}" if pages else "/api/v1/articles/{slug}?lang={lang}"
    script = folder / "random_articles.lua"
    script.write_text(LUA % {"slugs": ", ".join(f'"{slug}"' for slug in slugs), "template": template})
    return script


def run_load(origins: list[str], script: Path, seconds: float, connections: int, clients: int) -> dict[str, float]:
    """``clients`` wrk processes in parallel, spread over ``origins`` in turn, ``connections`` in all."""
    each = max(1, connections // clients)
    runs = [subprocess.Popen(["wrk", "-t1", f"-c{each}", f"-d{max(1, round(seconds))}s", "--latency",
                              "-s", str(script), origins[i % len(origins)]],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(clients)]
    outputs = [run.communicate()[0] for run in runs]
    rps = p99 = 0.0
    errors = 0
    for out in outputs:
        rps += float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        p99 = max(p99, _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)))
        failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        errors += int(failed.group(1)) if failed else 0
        errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return {"rps": rps, "p99": p99, "errors": errors}


def cpu_seconds(servers: list[Served]) -> float:
    """CPU time (user + system) the servers' processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for server in servers:
        fields = Path(f"/proc/{server.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / ticks


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


@contextlib.contextmanager
def hosts(url: str, env: dict[str, str], netns: bool):
    """Two served app hosts: processes on 127.0.0.1, or each in its own network namespace."""
    with contextlib.ExitStack() as stack:
        if not netns:
            yield [stack.enter_context(Served(url, "--workers", "1", **env)) for _ in range(2)]
            return
        from sqlalchemy.engine import make_url

        from tests import netns as namespaces
        from tests import pgcluster

        why = namespaces.why_unavailable() or pgcluster.why_unavailable()
        if why:
            raise SystemExit(f"--netns: {why}")
        made = stack.enter_context(namespaces.Hosts(2))
        # The hosts reach the shared PostgreSQL through a relay on their link's address (the shared
        # server listens on 127.0.0.1 only, and is never reconfigured or restarted).
        target = make_url(url)
        served = []
        for host in made.hosts:
            relay = namespaces.Forwarder((host.gateway, free_port()), (target.host, target.port or 5432))
            stack.callback(relay.close)
            host_url = target.set(host=host.gateway, port=relay.listen[1]).render_as_string(hide_password=False)
            served.append(stack.enter_context(Served(host_url, "--workers", "1", host=host.address,
                                                     wrap=host.wrap, **env)))
        yield served


def freshness(url: str, env: dict[str, str], slugs: list[str], publishes: int) -> None:
    """Seconds from a publish's COMMIT to the first answer with it, on a host that listens and on one
    that only polls (``LIBRARY_LISTEN_URL=off``), each reading the article as fast as it answers."""
    import json
    import urllib.request

    from library.bootstrap import build_runtime
    from library.content.models import Status
    from library.content.service import VariantText, get_article, save_variant
    from library.settings import load_settings
    from library.storage import session_scope

    runtime = build_runtime(load_settings({"LIBRARY_DATABASE_URL": url}))
    slug = slugs[0]
    delays: dict[str, list[float]] = {"listening": [], "polling": []}
    with Served(url, **env) as listening, Served(url, LIBRARY_LISTEN_URL="off", **env) as polling:
        servers = {"listening": listening, "polling": polling}
        for number in range(publishes):
            title = f"Freshness {number} {time.time_ns()}"
            with session_scope(runtime.engine) as session:
                save_variant(session, get_article(session, slug), "ru", VariantText(title, "", "<p>Текст статьи.</p>"),
                             status=Status.PUBLISHED, by="bench", publish_override="benchmark")
            committed = time.perf_counter()
            for name, server in servers.items():
                while True:
                    with urllib.request.urlopen(f"{server.origin}/api/v1/articles/{slug}?lang=ru", timeout=10) as r:
                        if json.loads(r.read())["title"] == title:
                            break
                delays[name].append(time.perf_counter() - committed)
            time.sleep(0.05)
    runtime.dispose()
    print(f"\npublish to served on another process, {publishes} publishes (seconds after COMMIT):")
    for name, values in delays.items():
        values.sort()
        print(f"  {name:9} p50 {values[len(values) // 2]:.3f}  p99 {values[int(len(values) * 0.99)]:.3f}  "
              f"max {values[-1]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/library_bench_hosts")
    parser.add_argument("--duration", type=float, default=5, help="seconds per round and setting")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32, help="in all, whatever the number of hosts")
    parser.add_argument("--clients", type=int, default=2, help="wrk processes, in all")
    parser.add_argument("--pages", action="store_true", help="read the reader pages instead of the API")
    parser.add_argument("--netns", action="store_true", help="each host in a network namespace of its own")
    parser.add_argument("--working-set", type=int, default=0, metavar="N",
                        help="read only N articles (chosen at random): every read a cache hit, the app hosts' "
                             "own scaling; 0 (default): all of them, mostly misses that read the database")
    parser.add_argument("--rebuild", action="store_true", help="build the library even when one exists")
    parser.add_argument("--freshness", type=int, default=0, metavar="N",
                        help="only measure publish-to-served on a listening and a polling host over N publishes")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra server setting, e.g. LIBRARY_CACHE_MB=0 (repeatable)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    # 256 MB holds every article in every language (about 110 MB encoded), so what a process forgets is
    # only what expired (`library.web.cache.MAX_AGE`, 60 s): the hit rate is that of the traffic itself.
    env = {"LIBRARY_FLUSH_INTERVAL": "2", "LIBRARY_CACHE_MB": "256", **dict(item.split("=", 1) for item in args.env)}
    ensure_library(args.postgres_url, args.articles, args.rebuild)
    slugs = slugs_of(args.postgres_url)
    if args.working_set:
        slugs = random.Random(16).sample(slugs, min(args.working_set, len(slugs)))
    if args.freshness:
        return freshness(args.postgres_url, env, slugs, args.freshness)
    print(f"load: {os.getloadavg()[0]:.2f} (1 min average) on {os.cpu_count()} cores; {len(slugs)} articles x "
          f"{len(LANGUAGES)} languages, {'pages' if args.pages else 'API'}; {args.connections} connections from "
          f"{args.clients} wrk processes; {args.rounds} rounds x {args.duration:g} s; "
          f"{'network namespaces' if args.netns else 'processes'}; env {env}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-hosts-") as folder, \
            hosts(args.postgres_url, env, args.netns) as (a, b):
        script = write_script(Path(folder), slugs, args.pages)
        settings = {"one host": [a.origin], "two hosts": [a.origin, b.origin]}
        run_load(settings["two hosts"], script, max(args.duration, 5), args.connections, args.clients)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in settings}
        for number in range(args.rounds):
            for name, origins in settings.items():
                used = cpu_seconds([a, b])
                began = time.perf_counter()
                result = run_load(origins, script, args.duration, args.connections, args.clients)
                result["cores"] = (cpu_seconds([a, b]) - used) / (time.perf_counter() - began)
                results[name].append(result)
            one, two = results["one host"][-1], results["two hosts"][-1]
            print(f"round {number + 1}: one host {one['rps']:7.0f} req/s ({one['cores']:.2f} cores), two hosts "
                  f"{two['rps']:7.0f} req/s ({two['cores']:.2f} cores), ratio {two['rps'] / one['rps']:.2f}",
                  flush=True)
        time.sleep(0.1)
    print(f"\n{'setting':10} {'req/s':>8} {'p99 ms':>8} {'errors':>7} {'cores':>6} {'req/CPU s':>10}")
    medians = {}
    for name, runs in results.items():
        medians[name] = statistics.median(r["rps"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        cores = statistics.median(r["cores"] for r in runs)
        print(f"{name:10} {medians[name]:8.0f} {statistics.median(r['p99'] for r in runs):8.2f} {errors:7d} "
              f"{cores:6.2f} {medians[name] / cores if cores else 0:10.0f}")
    ratio = medians["two hosts"] / medians["one host"]
    per_round = [two["rps"] / one["rps"] for one, two in zip(results["one host"], results["two hosts"], strict=True)]
    print(f"\ntwo hosts / one host: {ratio:.2f} (median req/s; per round {min(per_round):.2f}-{max(per_round):.2f}) "
          f"{'ok' if ratio >= 1.6 else 'BELOW 1.6'}; load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
