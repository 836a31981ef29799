"""Fault drill (issue 13): the database restarts and stops under load; does the app answer 503 and lose nothing?

Makes a private PostgreSQL cluster (initdb in a temporary folder on a free port: the shared server is
never touched), loads the demo library into it with `library init` and `library demo`, and starts
`library serve` on a free port with ``LIBRARY_CACHE_MB=0``, so every read needs the database. Clients
on loopback read random articles in random languages through the API and the pages, listings and the
health check, counting every article read answered 2xx (each counts a view). Meanwhile the database
is restarted (``pg_ctl restart -m fast``), then stopped for a few seconds and started again; finally
the server gets SIGTERM. The stored view counts are then compared with what the clients were served.

Prints requests, 2xx, 5xx, 500, 503 (and how many carried Retry-After), lost view counts and the
recovery time (from the database being back to the first 2xx of an uncached read). Targets: no 500
at any time, nothing lost, recovery under 2 s; exits 1 when one is missed. Every phase is bounded in
time, and the cluster is removed at the end.

    .venv/bin/python scripts/fault_drill.py [--clients 8] [--phase 3] [--outage 5]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from tests.pgcluster import PrivateCluster, why_unavailable  # noqa: E402
from tests.servers import LIBRARY, free_port  # noqa: E402

LANGUAGES = ("en", "ru", "kk", "kk-Latn")
RECOVERY_TARGET = 2.0
SERVER_START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str
    """article-api, article-page, listing-api, section-page or health."""
    started: float
    ended: float
    status: int
    """0 when the request itself failed (connection refused or reset, timeout)."""
    retry_after: bool

    @property
    def counts_a_view(self) -> bool:
        return self.kind.startswith("article") and 200 <= self.status < 300


class Load:
    """Clients on loopback, each in its own thread with its own keep-alive connection, until stopped."""

    def __init__(self, base: str, slugs: list[str], sections: list[str], clients: int, seed: int) -> None:
        self.base, self.slugs, self.sections = base, slugs, sections
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client, args=(seed + n,), daemon=True) for n in range(clients)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(REQUEST_TIMEOUT + 5)

    def _client(self, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=self.base, timeout=REQUEST_TIMEOUT) as client:
            while not self._stop.is_set():
                kind, path = self._pick(rng)
                started = time.monotonic()
                try:
                    response = client.get(path)
                    status, retry_after = response.status_code, "retry-after" in response.headers
                except httpx.HTTPError:
                    status, retry_after = 0, False
                    time.sleep(0.05)
                with self._lock:
                    self.answers.append(Answer(kind, started, time.monotonic(), status, retry_after))

    def _pick(self, rng: random.Random) -> tuple[str, str]:
        language = rng.choice(LANGUAGES)
        page_language = language.lower()
        roll = rng.random()
        if roll < 0.4:
            return "article-api", f"/api/v1/articles/{rng.choice(self.slugs)}?lang={language}"
        if roll < 0.75:
            return "article-page", f"/{page_language}/articles/{rng.choice(self.slugs)}"
        if roll < 0.85:
            return "listing-api", f"/api/v1/articles?lang={language}&page={rng.randint(1, 3)}"
        if roll < 0.95:
            return "section-page", f"/{page_language}/sections/{rng.choice(self.sections)}"
        return "health", "/api/v1/health"


def _library(url: str, *args: str) -> None:
    done = subprocess.run([str(LIBRARY), *args], env={**os.environ, "LIBRARY_DATABASE_URL": url},
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        sys.exit(f"library {' '.join(args)} failed: {done.stderr.strip()}")


def _stored_views(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT coalesce(sum(views), 0) FROM article")).scalar())
    finally:
        engine.dispose()


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/api/v1/ping", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    sys.exit("the server did not answer within a minute")


def _published(base: str) -> tuple[list[str], list[str]]:
    slugs: list[str] = []
    page = 1
    while page <= 20:
        body = httpx.get(f"{base}/api/v1/articles", params={"lang": "ru", "per_page": 100, "page": page}).json()
        slugs += [item["slug"] for item in body["items"]]
        if page >= body["pages"]:
            break
        page += 1
    sections = [item["slug"] for item in httpx.get(f"{base}/api/v1/sections?lang=ru").json()["sections"]]
    return slugs, sections


def _recovery(answers: list[Answer], back: float) -> float | None:
    """Seconds from ``back`` to the first 2xx of an uncached read sent after it (every read is uncached)."""
    firsts = [a.ended for a in answers if a.kind != "health" and a.started >= back and 200 <= a.status < 300]
    return min(firsts) - back if firsts else None


def drill(clients: int, phase: float, outage: float, seed: int) -> bool:
    if (reason := why_unavailable()) is not None:
        sys.exit(f"cannot make a private PostgreSQL cluster: {reason}")
    with PrivateCluster() as cluster:
        cluster.start()
        url = cluster.create_database("drill")
        print(f"private PostgreSQL cluster on 127.0.0.1:{cluster.port}; loading the demo library...", flush=True)
        _library(url, "init")
        _library(url, "demo")
        views_before = _stored_views(url)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = cluster.root / "library-serve.log"
        with log.open("w") as log_file:
            server = subprocess.Popen(
                [str(LIBRARY), "serve", "--port", str(port), "--log-level", "warning"],
                env={**os.environ, "LIBRARY_DATABASE_URL": url, "LIBRARY_CACHE_MB": "0"},
                stdout=subprocess.DEVNULL, stderr=log_file)
            try:
                _wait_until_up(base, server, log)
                slugs, sections = _published(base)
                print(f"library serve on {base} (LIBRARY_CACHE_MB=0), {len(slugs)} published articles, "
                      f"{clients} clients, {phase:g} s between events", flush=True)
                load = Load(base, slugs, sections, clients, seed)
                events: list[str] = []
                load.start()
                time.sleep(phase)

                t = time.monotonic()
                cluster.restart()
                restarted = time.monotonic()
                events.append(f"pg_ctl restart -m fast ({restarted - t:.2f} s)")
                time.sleep(phase)

                cluster.stop("fast")
                stopped = time.monotonic()
                time.sleep(outage)
                cluster.start()
                back = time.monotonic()
                events.append(f"stopped {back - stopped:.1f} s, started")
                time.sleep(phase)
                load.stop()

                t = time.monotonic()
                server.send_signal(signal.SIGTERM)
                code = server.wait(timeout=60)
                events.append(f"SIGTERM (exit {code} after {time.monotonic() - t:.2f} s)")
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()
        views_after = _stored_views(url)
        server_log = log.read_text(errors="replace")
    return _report(load.answers, events, views_after - views_before, restarted, back, server_log)


def _report(answers: list[Answer], events: list[str], stored: int, restarted: float, back: float,
            server_log: str) -> bool:
    statuses = [a.status for a in answers]
    served = sum(a.counts_a_view for a in answers)
    five = [a for a in answers if 500 <= a.status < 600]
    unavailable = [a for a in answers if a.status == 503]
    errors_500 = statuses.count(500)
    lost = served - stored
    after_restart, after_outage = _recovery(answers, restarted), _recovery(answers, back)
    print("events:", " | ".join(events))
    print(f"requests              {len(answers)}")
    print(f"2xx                   {sum(200 <= s < 300 for s in statuses)}")
    print(f"5xx                   {len(five)}")
    print(f"  500                 {errors_500}")
    print(f"  503                 {len(unavailable)} ({sum(a.retry_after for a in unavailable)} with Retry-After)")
    others = sorted({s for s in statuses if not (200 <= s < 300 or 500 <= s < 600)})
    print(f"other                 {len(answers) - len(five) - sum(200 <= s < 300 for s in statuses)}"
          + (f" (statuses {others}; 0 = the request itself failed)" if others else ""))
    for kind in sorted({a.kind for a in answers}):
        mine = [a.status for a in answers if a.kind == kind]
        print(f"  {kind:<13} {len(mine):>6} requests, {sum(200 <= s < 300 for s in mine):>6} 2xx, "
              f"{mine.count(503):>4} x 503, {mine.count(500)} x 500")
    print(f"views                 {served} served, {stored} stored, {lost} lost")
    print(f"recovery              {_seconds(after_restart)} after the restart, "
          f"{_seconds(after_outage)} after the stopped database was started")
    lines = server_log.splitlines()
    print(f"server log            {len(lines)} lines: {sum('WARNING' in line for line in lines)} warnings "
          f"({server_log.count('database unavailable')} 'database unavailable'), "
          f"{sum('ERROR' in line for line in lines)} errors, {server_log.count('Traceback')} tracebacks")
    targets = {
        "no 500": errors_500 == 0,
        "every 503 with Retry-After": all(a.retry_after for a in unavailable),
        "no view lost": lost == 0,
        f"recovery < {RECOVERY_TARGET:g} s": all(r is not None and r < RECOVERY_TARGET
                                                 for r in (after_restart, after_outage)),
    }
    print("targets               " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in targets.items()))
    return all(targets.values())


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--phase", type=float, default=3.0, help="seconds of load between events (default 3)")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds the database stays stopped (default 5)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    sys.exit(0 if drill(args.clients, args.phase, args.outage, args.seed) else 1)


if __name__ == "__main__":
    main()
