"""How long writers wait for each other on a real server (issue 13): small saves beside a 1 MB save,
32 concurrent writers, and the same with failed sign-ins.

Usage: .venv/bin/python scripts/bench_writers.py [--engines sqlite,postgres] [--seconds 10]

For each engine it makes a throw-away library (a temporary SQLite file; a database it creates and
drops on the PostgreSQL server at 127.0.0.1:5432), loads the demo, adds a translator and an editor
with the CLI, starts `library serve` on a free loopback port and measures:

(a) the latency of a translator's small saves (PUT of a short kk variant) while an editor's 1 MB save
    of another article is in progress (target: each < 1 s);
(b) 32 writers saving their own variants as fast as they can for ``--seconds``: the count of each
    status (target: no 500);
(c) the same plus 32 failed sign-ins per second on the sign-in form (target: no 500).

Every loop is bounded by time and the server is stopped at the end; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.servers import Served  # noqa: E402

LIBRARY = Path(sys.executable).with_name("library")
PASSWORD = "bench-password-1"
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def cli(url: str, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(LIBRARY), *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, "LIBRARY_DATABASE_URL": url}, check=False)
    if done.returncode:
        raise SystemExit(f"library {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def prepare_library(url: str) -> dict[str, str]:
    """Schema, demo content, a kk translator and an editor; their API tokens."""
    cli(url, "init")
    cli(url, "demo")
    cli(url, "users", "add", "bench-translator", "--role", "translator", "--language", "kk", "--language", "en",
        "--password-stdin", stdin=PASSWORD + "\n")
    cli(url, "users", "add", "bench-editor", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    return {"translator": cli(url, "users", "token", "issue", "bench-translator"),
            "editor": cli(url, "users", "token", "issue", "bench-editor")}


class Client:
    """One keep-alive connection to the server (each thread has its own)."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 120) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.token = token

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple[int, bytes, dict]:
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            return 0, str(error).encode(), {}

    def etag(self, slug: str, language: str) -> str | None:
        status, _, headers = self.request("GET", f"/api/v1/workflow/variants/{slug}/{language}")
        return headers.get("etag") if status == 200 else None

    def save(self, slug: str, language: str, text: dict, etag: str | None) -> tuple[int, str | None]:
        """PUT a variant based on ``etag`` (or create it); the status and the new ETag."""
        condition = {"If-Match": etag} if etag else {"If-None-Match": "*"}
        status, _, headers = self.request("PUT", f"/api/v1/workflow/variants/{slug}/{language}",
                                          json.dumps(text).encode(), **{"Content-Type": "application/json"},
                                          **condition)
        return status, headers.get("etag")

    def close(self) -> None:
        self.connection.close()


def article_slugs(port: int) -> list[str]:
    client = Client(port)
    slugs, page = [], 1
    while True:
        status, body, _ = client.request("GET", f"/api/v1/articles?lang=ru&per_page=100&page={page}")
        items = json.loads(body)["items"] if status == 200 else []
        slugs += [item["slug"] for item in items]
        if len(items) < 100:
            client.close()
            return slugs
        page += 1


def big_text(megabytes: float) -> dict:
    """The demo's Kazakh paragraphs, numbered and repeated up to ``megabytes`` (real text for the checks)."""
    from library.demo.loader import read_demo

    _, articles = read_demo()
    pool = [p for a in articles if "kk" in a["variants"]
            for p in re.findall(r"<p>.*?</p>", a["variants"]["kk"].get("body", ""), re.S)]
    paragraphs, size = [], 0
    while size < megabytes * 1_000_000:
        paragraph = pool[len(paragraphs) % len(pool)].replace("<p>", f"<p>{len(paragraphs)}. ", 1)
        paragraphs.append(paragraph)
        size += len(paragraph.encode())
    return {"title": "Үлкен мәтін", "summary": "Өте ұзын мақала.", "body": "".join(paragraphs)}


def small_text(n: int) -> dict:
    return {"title": f"Қысқа мәтін {n}", "body": f"<p>Аударманың {n} нұсқасы сақталды.</p>"}


def small_saves_beside_a_big_one(port: int, tokens: dict, slugs: list[str], megabytes: float) -> dict:
    """(a): latencies of small saves made while the big save runs."""
    big_slug, small_slug = slugs[0], slugs[1]
    editor, translator = Client(port, tokens["editor"]), Client(port, tokens["translator"])
    big_etag = editor.etag(big_slug, "kk")
    etag = translator.etag(small_slug, "kk")
    _, etag = translator.save(small_slug, "kk", small_text(0), etag)  # warm up the route
    outcome: dict = {}

    def big() -> None:
        began = time.perf_counter()
        outcome["big_status"], _ = editor.save(big_slug, "kk", big_text(megabytes), big_etag)
        outcome["big_seconds"] = time.perf_counter() - began

    thread = threading.Thread(target=big)
    thread.start()
    time.sleep(0.3)  # the big request is on its way (its body alone takes a moment to send)
    latencies, statuses = [], Counter()
    deadline = time.monotonic() + 120
    while thread.is_alive() and time.monotonic() < deadline and len(latencies) < 500:
        began = time.perf_counter()
        status, new_etag = translator.save(small_slug, "kk", small_text(len(latencies) + 1), etag)
        latencies.append(time.perf_counter() - began)
        statuses[status] += 1
        etag = new_etag or translator.etag(small_slug, "kk")
        time.sleep(0.05)
    thread.join(timeout=180)
    editor.close()
    translator.close()
    return {**outcome, "latencies": latencies, "statuses": statuses}


def writers(port: int, token: str, targets: list[tuple[str, str]], seconds: float,
            signins_per_second: int = 0) -> dict:
    """(b) and (c): every target saved in a loop by its own thread; failed sign-ins beside them."""
    statuses, signins, latencies = Counter(), Counter(), []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def writer(slug: str, language: str) -> None:
        client, n = Client(port, token, timeout=60), 0
        etag = client.etag(slug, language)
        while time.monotonic() < stop:
            n += 1
            began = time.perf_counter()
            status, new_etag = client.save(slug, language, small_text(n), etag)
            with lock:
                statuses[status] += 1
                latencies.append(time.perf_counter() - began)
            etag = new_etag if status in (200, 201) else client.etag(slug, language)
        client.close()

    def signer(offset: float) -> None:
        client = Client(port, timeout=60)
        status, body, headers = client.request("GET", "/en/login")
        cookie = headers.get("set-cookie", "").split(";")[0]
        found = re.search(rb'name="_csrf_token" value="([^"]*)"', body)
        token = found.group(1).decode() if found else ""
        form = f"username=bench-translator&password=wrong&_csrf_token={token}".encode()
        next_at = time.monotonic() + offset
        while next_at < stop:
            time.sleep(max(0.0, next_at - time.monotonic()))
            status, _, _ = client.request("POST", "/en/session", form, Cookie=cookie,
                                          **{"Content-Type": "application/x-www-form-urlencoded"})
            with lock:
                signins[status] += 1
            next_at += 1.0  # each signer tries once a second; signins_per_second of them
        client.close()

    threads = [threading.Thread(target=writer, args=target) for target in targets]
    threads += [threading.Thread(target=signer, args=(i / max(signins_per_second, 1),))
                for i in range(signins_per_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return {"statuses": statuses, "signins": signins, "latencies": latencies}


def _counts(counter: Counter) -> str:
    return " ".join(f"{status or 'error'}x{count}" for status, count in sorted(counter.items())) or "-"


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.0f}"


def run(engine: str, url: str, args) -> None:
    tokens = prepare_library(url)
    with Served(url, "--workers", str(args.workers)) as server:
        slugs = article_slugs(server.port)
        if "a" in args.runs:
            a = small_saves_beside_a_big_one(server.port, tokens, slugs, args.megabytes)
            lat = a["latencies"]
            worst = max(lat) if lat else float("nan")
            say(f"{engine:8} (a) {args.megabytes:g} MB save: {a.get('big_status')} in "
                f"{a.get('big_seconds', float('nan')):.1f} s; {len(lat)} small saves meanwhile: "
                f"median {statistics.median(lat) * 1000 if lat else float('nan'):.0f} ms, "
                f"max {worst * 1000:.0f} ms, statuses {_counts(a['statuses'])} "
                f"{'ok' if lat and worst < 1 else 'ABOVE 1 s'}")
        targets = [(slug, language) for slug in slugs[2:] for language in ("kk", "en")][: args.writers]
        for label, signins in (("b", 0), ("c", args.signins)):
            if label not in args.runs:
                continue
            found = writers(server.port, tokens["translator"], targets, args.seconds, signins)
            failed = found["statuses"][500] + found["signins"][500]
            say(f"{engine:8} ({label}) {len(targets)} writers, {signins} failed sign-ins/s, {args.seconds:g} s: "
                f"saves {_counts(found['statuses'])} (p50 {_ms(found['latencies'], .5)} ms, "
                f"p99 {_ms(found['latencies'], .99)} ms); sign-ins {_counts(found['signins'])} "
                f"{'ok' if not failed else f'{failed} x 500'}")


def say(line: str) -> None:
    print(line, flush=True)


def postgres_database() -> tuple[str, callable]:
    import psycopg

    name = f"bench_writers_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{POSTGRES}/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--seconds", type=float, default=10, help="length of runs (b) and (c)")
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--signins", type=int, default=32, help="failed sign-ins per second in run (c)")
    parser.add_argument("--megabytes", type=float, default=1, help="size of the big save in run (a)")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--runs", default="a,b,c", help="which of the runs a, b, c to make")
    args = parser.parse_args()
    say(f"engine   run  ({args.workers} server worker(s); targets: small saves < 1 s, no 500)")
    for engine in args.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                run(engine, f"sqlite:///{folder}/bench.db", args)
        elif engine == "postgres":
            url, drop = postgres_database()
            try:
                run(engine, url, args)
            finally:
                drop()
        else:
            raise SystemExit(f"unknown engine {engine!r}")


if __name__ == "__main__":
    main()
