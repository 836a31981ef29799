"""Uncached reader responses are built where `Settings.builder_threads` says (issue 15): the article read,
slowed down so that builds overlap, never runs on more threads at once than the setting allows, and does
run on as many as it allows, so the limit is the setting's, not chance; with none, every build runs on
the event loop itself, one at a time. On PostgreSQL the article read is awaited on the loop instead,
a few reads overlapping."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from library.errors import ConfigurationError
from library.reading.resolve import ARTICLE
from library.settings import load_settings
from library.storage import session_scope
from library.storage.async_reads import CONNECTIONS, AsyncReads
from tests.factories import make_article, make_section

REQUESTS = 12


@pytest.fixture
def articles(engine) -> list[str]:
    with session_scope(engine) as session:
        section = make_section(session, "news")
        return [make_article(session, slug=f"a-{i:02d}", section=section).slug for i in range(REQUESTS)]


def _reads(client, urls: list[str]) -> tuple[int, set[bool]]:
    """The most article reads running at the same time while ``urls`` are asked for at once, and
    whether each read ran on the event loop's thread."""
    lock, running, most, on_loop = threading.Lock(), [0], [0], set()
    read = ARTICLE.read

    def slow_read(engine, **values):
        try:
            asyncio.get_running_loop()
            on_loop.add(True)
        except RuntimeError:
            on_loop.add(False)
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.05)  # long enough for every other request to reach its own read
            return read(engine, **values)
        finally:
            with lock:
                running[0] -= 1

    ARTICLE.read = slow_read  # shadows the method for this instance only
    try:
        with ThreadPoolExecutor(len(urls)) as pool:
            statuses = list(pool.map(lambda url: client.get(url).status_code, urls))
    finally:
        del ARTICLE.read
    assert statuses == [200] * len(urls)
    return most[0], on_loop


@pytest.fixture
def blocking_reads(db_kind):
    if db_kind == "postgres":
        pytest.skip("on PostgreSQL an article is read on the event loop: test_on_postgresql_article_reads_are_awaited")


@pytest.mark.parametrize("threads", [1, 3])
def test_uncached_reads_run_on_the_reader_threads_only(blocking_reads, articles, make_client, threads):
    client = make_client(LIBRARY_CACHE_MB="0", LIBRARY_FLUSH_INTERVAL="3600", LIBRARY_READER_THREADS=str(threads))
    api = [f"/api/v1/articles/{slug}?lang=en" for slug in articles]
    assert _reads(client, api) == (threads, {False})
    pages = [f"/en/articles/{slug}" for slug in articles]
    assert _reads(client, pages) == (threads, {False})


def test_with_no_reader_threads_misses_are_built_on_the_event_loop(blocking_reads, articles, make_client):
    client = make_client(LIBRARY_CACHE_MB="0", LIBRARY_FLUSH_INTERVAL="3600", LIBRARY_READER_THREADS="0")
    api = [f"/api/v1/articles/{slug}?lang=en" for slug in articles]
    assert _reads(client, api) == (1, {True})
    pages = [f"/en/articles/{slug}" for slug in articles]
    assert _reads(client, pages) == (1, {True})


@pytest.mark.parametrize("threads", ["0", "3"])
def test_on_postgresql_article_reads_are_awaited_on_the_event_loop_a_few_at_a_time(db_kind, articles, make_client,
                                                                                   threads):
    """Whatever the reader threads: the statement is awaited on the loop (`library.storage.async_reads`),
    reads overlap up to its connections and no blocking read runs."""
    if db_kind != "postgres":
        pytest.skip("PostgreSQL only: SQLite's article read is built where the setting says (above)")
    lock, running, most, blocking = threading.Lock(), [0], [0], []
    execute = AsyncReads._execute

    async def slow_execute(self, connection, compiled, values):
        asyncio.get_running_loop()  # raises off the loop
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            await asyncio.sleep(0.05)  # long enough for every other request to reach its own read
            return await execute(self, connection, compiled, values)
        finally:
            with lock:
                running[0] -= 1

    client = make_client(LIBRARY_CACHE_MB="0", LIBRARY_FLUSH_INTERVAL="3600", LIBRARY_READER_THREADS=threads)
    ARTICLE.read = lambda *args, **kwargs: blocking.append(args)  # shadows the method for this instance only
    AsyncReads._execute = slow_execute
    try:
        api = [f"/api/v1/articles/{slug}?lang=en" for slug in articles]
        pages = [f"/en/articles/{slug}" for slug in articles]
        for urls in (api, pages):
            most[0] = 0
            with ThreadPoolExecutor(len(urls)) as pool:
                assert list(pool.map(lambda url: client.get(url).status_code, urls)) == [200] * len(urls)
            assert most[0] == CONNECTIONS and not blocking
    finally:
        AsyncReads._execute = execute
        del ARTICLE.read


def test_the_default_builds_on_the_loop_for_sqlite_and_in_two_threads_for_postgresql():
    postgresql = {"LIBRARY_DATABASE_URL": "postgresql://h/db"}
    assert load_settings({"LIBRARY_DATABASE_URL": "sqlite:///x.db"}).builder_threads == 0
    assert load_settings(postgresql).builder_threads == 2
    assert load_settings({**postgresql, "LIBRARY_READER_THREADS": "0"}).builder_threads == 0
    assert load_settings({"LIBRARY_READER_THREADS": "4"}).builder_threads == 4


@pytest.mark.parametrize("raw", ["-2", "two", "1.5"])
def test_a_bad_thread_count_names_the_variable(raw):
    with pytest.raises(ConfigurationError, match="LIBRARY_READER_THREADS"):
        load_settings({"LIBRARY_READER_THREADS": raw})
