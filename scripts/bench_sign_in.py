"""Readers' latency while wrong passwords flood in, against a real `library serve` (issue 13).

Usage: .venv/bin/python scripts/bench_sign_in.py [--seconds 5] [--clients 32] [--database-url URL]
(default: a temporary SQLite file). Three runs of ``--seconds`` each, with one reader client:
readers alone; readers while ``--clients`` clients send wrong passwords with the limit lifted (every
guess runs Argon2: many addresses, many accounts); the same with the default throttle (one address,
5 failures a minute). Prints reader requests per second and latency percentiles, and the sign-in
answers per status.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from library.bootstrap import language_registry
from library.content import service  # noqa: E402
from library.content.models import Status  # noqa: E402
from library.content.service import VariantText  # noqa: E402
from library.settings import load_settings  # noqa: E402
from library.storage import create_engine_for, session_scope, upgrade  # noqa: E402
from library.workflow.accounts import create_user  # noqa: E402
from library.workflow.models import Role  # noqa: E402
from tests.servers import Served  # noqa: E402


def prepare(url: str) -> None:
    engine = create_engine_for(url)
    upgrade(engine)
    with session_scope(engine) as session:
        section = service.create_section(session, "news", {"en": "News", "ru": "Новости", "kk": "Жаңалықтар"})
        article = service.create_article(session, slug="water", section=section, source_language="ru",
                                         published_at=datetime(2025, 1, 1, tzinfo=UTC))
        service.save_variant(session, article, "ru", VariantText("Вода", "", "<p>Вода.</p>"), status=Status.PUBLISHED)
        create_user(session, language_registry(load_settings({})), username="olga", role=Role.EDITOR,
                    password="the right password")
    engine.dispose()


def run(url: str, seconds: float, clients: int, **env: str) -> tuple[list[float], Counter[int]]:
    engine = create_engine_for(url)
    with engine.begin() as conn:  # each run starts with no failure counted
        conn.execute(text("DELETE FROM sign_in_failure"))
    engine.dispose()
    with Served(url, **env) as server:
        base = f"http://127.0.0.1:{server.port}"
        ready, done = threading.Barrier(clients + 2), threading.Event()
        reads: list[float] = []
        answers: Counter[int] = Counter()

        def guess() -> None:
            with httpx.Client(timeout=120) as client:
                ready.wait()
                while not done.is_set():
                    answers[client.post(f"{base}/api/v1/auth/tokens",
                                        json={"username": "olga", "password": "wrong"}).status_code] += 1

        def read() -> None:
            with httpx.Client(timeout=120) as client:
                ready.wait()
                while not done.is_set():
                    started = time.perf_counter()
                    client.get(f"{base}/api/v1/articles/water?lang=ru").raise_for_status()
                    reads.append(time.perf_counter() - started)

        threads = [threading.Thread(target=guess) for _ in range(clients)] + [threading.Thread(target=read)]
        for thread in threads:
            thread.start()
        ready.wait()
        time.sleep(seconds)
        done.set()
        for thread in threads:
            thread.join()
    return reads, answers


def report(label: str, seconds: float, reads: list[float], answers: Counter[int]) -> None:
    ms = sorted(r * 1000 for r in reads)
    pct = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
    signs = ", ".join(f"{status}: {n}" for status, n in sorted(answers.items())) or "-"
    print(f"{label:<34} reads/s {len(ms) / seconds:7.1f}  p50 {pct[49]:7.1f} ms  p95 {pct[94]:7.1f} ms  "
          f"max {ms[-1]:7.1f} ms  sign-ins {signs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        prepare(url)
        print(f"{url.split(':')[0]}, {args.clients} guessing clients, {args.seconds:g} s each")
        report("readers alone", args.seconds, *run(url, args.seconds, 0))
        report("wrong passwords, no limit", args.seconds,
               *run(url, args.seconds, args.clients, LIBRARY_SIGNIN_LIMIT="1000000"))
        report("wrong passwords, 5 a minute", args.seconds, *run(url, args.seconds, args.clients))


if __name__ == "__main__":
    main()
