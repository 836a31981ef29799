"""The read counter, the additive store and the flusher, without HTTP."""

from __future__ import annotations

import random
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, event, select

from library.catalogs.runtime import Miss
from library.content.models import Article
from library.demand.buffer import ReadCounter, Reads, merge_reads
from library.demand.flusher import Flusher
from library.demand.models import Demand, InterfaceMiss
from library.demand.store import add_interface_misses, add_reads
from library.storage import read_only, session_scope
from tests.factories import make_article

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def articles(engine) -> list[int]:
    with session_scope(engine) as session:
        return [make_article(session).id for _ in range(3)]


def _demand(engine) -> dict[tuple[int, str], tuple[int, datetime, datetime]]:
    rows = read_only(engine, lambda s: s.scalars(select(Demand)).all())
    return {(d.article_id, d.language): (d.count, d.first_seen, d.last_seen) for d in rows}


def _views(engine) -> dict[int, int]:
    return dict(read_only(engine, lambda s: s.execute(select(Article.id, Article.views)).all()))


def test_a_read_counts_a_view_when_served_and_demand_when_not_in_the_requested_language():
    counter = ReadCounter()
    counter.read(1, "kk", "kk")
    counter.read(1, "kk", "ru")
    counter.read(2, "en", None)  # nothing served at all
    reads = counter.drain()
    assert reads.views == {1: 2}
    assert {key: d.count for key, d in reads.demand.items()} == {(1, "kk"): 1, (2, "en"): 1}
    assert not counter.drain()


def test_counting_from_many_threads_loses_nothing():
    counter = ReadCounter()

    def read() -> None:
        for _ in range(2000):
            counter.read(7, "kk", "ru")

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reads = counter.drain()
    assert reads.views == {7: 16000} and reads.demand[(7, "kk")].count == 16000


def test_flushes_add_to_what_is_stored_and_keep_the_first_and_last_time(engine, articles):
    clock = Clock()
    counter = ReadCounter(clock)
    flusher = Flusher(engine)
    flusher.register("reads", counter.drain, add_reads)
    first, second, _ = articles
    for _ in range(3):
        counter.read(first, "kk", "ru")
    counter.read(second, "ru", "ru")
    assert flusher.flush()
    clock.now = T0 + timedelta(hours=1)
    counter.read(first, "kk", "ru")
    counter.read(first, "en", "ru")
    assert flusher.flush() and flusher.flush()  # the last flush has nothing to write
    assert _views(engine)[first] == 5 and _views(engine)[second] == 1
    assert _demand(engine) == {(first, "kk"): (4, T0, T0 + timedelta(hours=1)),
                               (first, "en"): (1, T0 + timedelta(hours=1), T0 + timedelta(hours=1))}


def test_counts_for_an_article_deleted_meanwhile_are_dropped_not_failing_the_batch(engine, articles):
    counter = ReadCounter()
    counter.read(articles[0], "kk", "ru")
    counter.read(articles[1], "kk", "ru")
    with session_scope(engine) as session:
        session.execute(delete(Article).where(Article.id == articles[0]))
    flusher = Flusher(engine)
    flusher.register("reads", counter.drain, add_reads)
    assert flusher.flush()
    assert set(_demand(engine)) == {(articles[1], "kk")}


def test_a_batch_that_fails_to_write_is_kept_and_written_by_the_next_flush(engine, articles):
    counter = ReadCounter()
    failures = [RuntimeError("database unreachable")]

    def flaky(session, reads) -> None:
        add_reads(session, reads)
        if failures:
            raise failures.pop()  # after the writes: the transaction must roll them back

    flusher = Flusher(engine)
    flusher.register("reads", counter.drain, flaky)
    counter.read(articles[0], "kk", "ru")
    assert flusher.flush() is False
    assert _demand(engine) == {}
    counter.read(articles[0], "kk", "ru")
    assert flusher.flush() is True
    assert _demand(engine)[(articles[0], "kk")][0] == 2 and _views(engine)[articles[0]] == 2


def test_a_backlog_of_kept_batches_is_merged_before_the_transaction_and_written_as_one(engine, articles):
    """After an outage the flush holds the write lock for one statement per kind, not one per batch."""
    clock, down = Clock(), [True]
    counter = ReadCounter(clock)

    def write(session, reads) -> None:
        if down[0]:
            raise RuntimeError("database unreachable")
        add_reads(session, reads)

    flusher = Flusher(engine)
    flusher.register("reads", counter.drain, write, merge_reads)
    for minute in range(5):
        clock.now = T0 + timedelta(minutes=minute)
        counter.read(articles[0], "kk", "ru")
        counter.read(articles[1], "en", None)
        assert flusher.flush() is False
    statements: list[str] = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        down[0] = False
        assert flusher.flush() is True
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    writes = [m.group(1) for s in statements if (m := re.match(r"\s*(UPDATE \w+|INSERT INTO \w+)", s))]
    # and the coverage counters' missing demand (issue 15), one statement each too
    assert writes == ["UPDATE article", "INSERT INTO demand", "INSERT INTO missing_demand", "UPDATE demand"]
    assert _views(engine)[articles[0]] == 5
    demand = _demand(engine)
    assert demand[(articles[1], "en")] == (5, T0, T0 + timedelta(minutes=4))
    assert demand[(articles[0], "kk")] == (5, T0, T0 + timedelta(minutes=4))


class FakeMissCounter:
    def __init__(self) -> None:
        self.pending: list[Miss] = []

    def drain(self) -> list[Miss]:
        drained, self.pending = self.pending, []
        return drained


def test_interface_misses_from_any_counter_are_flushed_additively(engine):
    counter = FakeMissCounter()
    flusher = Flusher(engine)
    flusher.register("interface misses", counter.drain, add_interface_misses)
    later = T0 + timedelta(minutes=5)
    counter.pending = [Miss("kk", "Read more", None, 2, T0, T0), Miss("kk", "May", "month", 1, T0, T0),
                       Miss("kk", "Read more", None, 1, later, later)]
    assert flusher.flush()
    counter.pending = [Miss("kk", "Read more", None, 4, later, later)]
    assert flusher.flush()
    rows = read_only(engine, lambda s: s.scalars(select(InterfaceMiss).order_by(InterfaceMiss.msgid)).all())
    assert [(r.language, r.msgid, r.count, r.first_seen, r.last_seen) for r in rows] == [
        ("kk", "Read more", 7, T0, later), ("kk", "month\x04May", 1, T0, T0)]


def test_the_last_flush_before_exit_waits_a_little_for_the_database(engine, articles, caplog):
    counter = ReadCounter()
    outage = [RuntimeError("database restarting")] * 3

    def restarting(session, reads) -> None:
        if outage:
            raise outage.pop()
        add_reads(session, reads)

    flusher = Flusher(engine)
    flusher.register("reads", counter.drain, restarting)
    counter.read(articles[0], "kk", "kk")
    assert flusher.flush_before_exit(patience=5, pause=0.01) is True
    assert _views(engine)[articles[0]] == 1 and not outage

    def down(session, reads) -> None:
        raise RuntimeError("database gone for good")

    flusher = Flusher(engine)
    flusher.register("reads", counter.drain, down)
    counter.read(articles[0], "kk", "kk")
    assert flusher.flush_before_exit(patience=0.1, pause=0.01) is False
    assert "exiting with unwritten counts" in caplog.text and "'reads': 1" in caplog.text


def test_concurrent_flushes_of_many_articles_views_in_any_order_add_up_exactly(engine):
    """Several processes flush at once, each its own articles in its own order (a dict's): every write
    locks them in key order first, so none deadlocks, and every view is counted once."""
    with session_scope(engine) as session:
        ids = [make_article(session).id for _ in range(120)]
    with session_scope(engine) as session:
        session.execute(delete(Article).where(Article.id == ids[-1]))  # deleted meanwhile: its views dropped
    rng = random.Random(3)
    batches = []
    for _ in range(12):
        chosen = rng.sample(ids, 90)
        batches.append(Reads(views={article_id: rng.randint(1, 4) for article_id in chosen}))
    errors: list[BaseException] = []

    def flush(mine: list[Reads]) -> None:
        try:
            for reads in mine:
                with session_scope(engine) as session:
                    add_reads(session, reads)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=flush, args=(batches[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected: dict[int, int] = {}
    for reads in batches:
        for article_id, n in reads.views.items():
            expected[article_id] = expected.get(article_id, 0) + n
    expected.pop(ids[-1], None)
    assert _views(engine) == {article_id: expected.get(article_id, 0) for article_id in ids[:-1]}
