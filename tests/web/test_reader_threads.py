"""Uncached reader responses are built by `Settings.reader_threads` threads at most (issue 15): the
article read statement, slowed down so that builds overlap, never runs on more threads at once than
the setting allows, and does run on as many as it allows, so the limit is the setting's, not chance."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event

from library.errors import ConfigurationError
from library.reading.resolve import ARTICLE
from library.settings import load_settings
from library.storage import session_scope
from tests.factories import make_article, make_section

REQUESTS = 12


@pytest.fixture
def articles(engine) -> list[str]:
    with session_scope(engine) as session:
        section = make_section(session, "news")
        return [make_article(session, slug=f"a-{i:02d}", section=section).slug for i in range(REQUESTS)]


def _most_reads_at_once(client, urls: list[str]) -> int:
    """The most article read statements running at the same time while ``urls`` are asked for at once."""
    lock, running, most = threading.Lock(), [0], [0]

    def before(conn, cursor, statement, parameters, context, executemany):
        if context.compiled is not None and context.compiled.statement is ARTICLE:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.05)  # long enough for every other request to reach its own read

    def after(conn, cursor, statement, parameters, context, executemany):
        if context.compiled is not None and context.compiled.statement is ARTICLE:
            with lock:
                running[0] -= 1

    engine = client.app.state.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        with ThreadPoolExecutor(len(urls)) as pool:
            statuses = list(pool.map(lambda url: client.get(url).status_code, urls))
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    assert statuses == [200] * len(urls)
    return most[0]


@pytest.mark.parametrize("threads", [1, 3])
def test_uncached_reads_run_on_the_reader_threads_only(articles, make_client, threads):
    client = make_client(LIBRARY_CACHE_MB="0", LIBRARY_FLUSH_INTERVAL="3600", LIBRARY_READER_THREADS=str(threads))
    api = [f"/api/v1/articles/{slug}?lang=en" for slug in articles]
    assert _most_reads_at_once(client, api) == threads
    pages = [f"/en/articles/{slug}" for slug in articles]
    assert _most_reads_at_once(client, pages) == threads


@pytest.mark.parametrize("raw", ["0", "-2", "two", "1.5"])
def test_a_bad_thread_count_names_the_variable(raw):
    with pytest.raises(ConfigurationError, match="LIBRARY_READER_THREADS"):
        load_settings({"LIBRARY_READER_THREADS": raw})
