"""Time the translator queue and a PO round trip on a generated library.

Usage: .venv/bin/python scripts/bench_workflow.py [--articles 1000] [--database-url URL]
(default: a temporary SQLite file). Prints the queue's time and query count per page size, and the
time to export the whole kk queue as PO, fill it and import it back.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta

import polib
from sqlalchemy import event

from library.bootstrap import content_events, language_registry
from library.content import service
from library.content.events import attach
from library.content.models import Status
from library.content.service import VariantText
from library.demand.models import Demand
from library.settings import load_settings
from library.storage import create_engine_for, session_scope, upgrade
from library.workflow.accounts import Principal
from library.workflow.exchange.service import export_file, import_file
from library.workflow.models import Role
from library.workflow.queue import queue

BODY = "<p>Абзац {n} о целях устойчивого развития, <strong>{n}</strong> показателей.</p>" * 4


def build(engine, articles: int) -> None:
    rng = random.Random(7)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        section = service.create_section(session, "news", {"en": "News", "ru": "Новости", "kk": "Жаңалықтар"})
        for n in range(articles):
            article = service.create_article(session, slug=f"a-{n}", section=section, source_language="ru",
                                             published_at=start + timedelta(hours=n))
            article.views = rng.randrange(1000)
            service.save_variant(session, article, "ru", VariantText(f"Статья {n}", "", BODY.format(n=n)),
                                 status=Status.PUBLISHED)
            if n % 3:
                service.save_variant(session, article, "kk", VariantText(f"Мақала {n}", "", "<p>Мәтін.</p>"),
                                     status=Status.PUBLISHED)
            if n % 3 == 1:
                service.save_variant(session, article, "ru", VariantText(f"Статья {n}", "", BODY.format(n=n + 1)),
                                     status=Status.PUBLISHED)
            if n % 5 == 0:
                session.add(Demand(article_id=article.id, language="kk", count=rng.randrange(50),
                                   first_seen=start, last_seen=start))


def timed(label: str, action, repeat: int = 5):
    best, result = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - began)
    print(f"{label:<44} {best * 1000:8.1f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    # The content events the app runs (the quality gate on every save), without coverage history.
    engine = attach(create_engine_for(url), content_events(load_settings({}), history=False))
    upgrade(engine)
    began = time.perf_counter()
    build(engine, args.articles)
    print(f"built {args.articles} articles on {engine.dialect.name} in {time.perf_counter() - began:.1f} s")
    registry = language_registry(load_settings({}))
    editor = Principal(0, "bench", Role.EDITOR, ())
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for size in (50, 200, None):
        with session_scope(engine, write=False) as session:
            statements.clear()
            page = timed(f"queue kk, page of {size or 'all'}", lambda s=session, n=size: queue(
                s, registry, editor, "kk", limit=n), repeat=3)
            print(f"  {len(page.items)} of {page.total} items, {len(statements) // 3} statements per call")
    with session_scope(engine, write=False) as session:
        exported = timed("export the whole kk queue as PO", lambda: export_file(
            session, registry, editor, "kk", "po", base_url="http://localhost"), repeat=1)
    po = polib.pofile(exported.data.decode())
    for entry in po:
        entry.msgstr, entry.flags = "ҚАЗ " + entry.msgid, []
    data = str(po).encode()
    with session_scope(engine) as session:
        report = timed(f"import {exported.units} units (dry run)", lambda: import_file(
            session, registry, editor, "kk", data, "po", dry_run=True), repeat=1)
    with session_scope(engine) as session:
        report = timed(f"import {exported.units} units", lambda: import_file(
            session, registry, editor, "kk", data, "po"), repeat=1)
    print(f"  {report.summary()}")
    engine.dispose()


if __name__ == "__main__":
    main()
