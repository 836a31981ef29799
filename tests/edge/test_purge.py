"""Purging the cache in front after a commit: the keys of what changed, in the background, retried,
bounded, and never a reason for a write to fail or wait (issue 16)."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from library.bootstrap import content_events
from library.content import service
from library.content.events import Changes, attach
from library.content.service import VariantText
from library.edge import keys
from library.edge.purge import AGAIN_AFTER, Purger
from library.errors import ConfigurationError
from library.settings import load_settings
from library.storage import create_engine_for, session_scope
from library.web.cache import CHECK_INTERVAL
from tests.factories import make_article, translate


class FakeCache:
    """Records purge requests; answers with ``statuses`` in turn (an int, or an OSError to raise)."""

    def __init__(self, *statuses) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[str, str, str]] = []
        self.arrived = threading.Event()

    def __call__(self, url: str, method: str, sent: str) -> int:
        self.requests.append((url, method, sent))
        self.arrived.set()
        answer = self.statuses.pop(0) if self.statuses else 200
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.mark.parametrize(("changes", "expected"), [
    (Changes(), []),
    (Changes(everything=True, articles=frozenset({1})), ["library"]),
    (Changes(sections=frozenset({3}), articles=frozenset({12}), variants=frozenset({(12, "kk"), (7, "ru")})),
     ["article-7", "article-12", "section-3", "listings", "archive"]),
    (Changes(sections=frozenset({2})), ["section-2", "listings", "archive"]),
])
def test_a_commit_purges_the_keys_of_what_it_changed(changes, expected):
    assert keys.keys_for(changes) == expected


def test_key_names_are_words_a_header_and_a_ban_expression_can_carry():
    assert keys.header(["article-1", "lang-kk", "article-1"]) == "library article-1 lang-kk"
    assert keys.language("kk-Latn") == "lang-kk-latn"


def test_the_second_purge_comes_after_every_app_process_has_dropped_its_own_copy():
    assert AGAIN_AFTER > CHECK_INTERVAL


def test_each_purge_goes_to_every_cache_at_once_and_again_a_little_later():
    cache = FakeCache()
    purger = Purger(["http://a/", "http://b/"], "xkey", send=cache, again_after=0.2)
    started = time.monotonic()
    purger(Changes(articles=frozenset({5}), sections=frozenset({1})))
    assert purger.wait(5)
    assert time.monotonic() - started >= 0.2
    sent = "article-5 section-1 listings archive"
    assert cache.requests == [("http://a/", "PURGE", sent), ("http://b/", "PURGE", sent)] * 2
    assert (purger.sent, purger.failed) == (4, 0)


def test_ban_mode_sends_ban_and_nothing_is_sent_for_a_commit_that_changed_nothing():
    cache = FakeCache()
    purger = Purger(["http://a/"], "ban", send=cache, again_after=None)
    purger(Changes())
    purger(Changes(everything=True))
    assert purger.wait(5)
    assert cache.requests == [("http://a/", "BAN", "library")]


def test_a_failing_purge_is_retried_and_logged_then_given_up(caplog):
    cache = FakeCache(ConnectionRefusedError("refused"), 503, 200, OSError("down"), OSError("down"), OSError("down"))
    purger = Purger(["http://a/"], send=cache, again_after=None, first_pause=0.01, attempts=3)
    with caplog.at_level(logging.WARNING, logger="library.edge"):
        purger.submit(["article-1"])
        assert purger.wait(5)
        purger.submit(["article-2"])
        assert purger.wait(5)
    assert [keys for _, _, keys in cache.requests] == ["article-1"] * 3 + ["article-2"] * 3
    assert (purger.sent, purger.failed) == (1, 1)
    messages = [record.getMessage() for record in caplog.records]
    assert any("refused" in m and "attempt 1 of 3" in m for m in messages)
    assert any("HTTP 503" in m for m in messages)
    assert any("given up after 3 attempts" in m and "article-2" in m for m in messages)


def test_a_purger_whose_cache_hangs_never_holds_up_the_caller_and_stays_bounded():
    release = threading.Event()
    sending: list = []

    def stuck(url, method, sent):
        sending.append(sent)
        release.wait(10)
        return 200

    purger = Purger(["http://a/"], send=stuck, again_after=None, max_pending=10)
    started = time.monotonic()
    for i in range(1000):
        purger.submit([f"article-{i}"])
    assert time.monotonic() - started < 1.0
    assert len(purger._pending) <= 10
    # The overflow became one purge of all: still waiting, or already taken by the stuck sender.
    assert any(keys == ["library"] for _, keys in purger._pending) or any("library" in str(sent) for sent in sending)
    release.set()
    assert purger.wait(10)


def test_purges_waiting_together_go_out_as_one_request():
    gate = threading.Event()
    seen: list[str] = []

    def slow(url, method, sent):
        seen.append(sent)
        gate.wait(5)
        return 200

    purger = Purger(["http://a/"], send=slow, again_after=None)
    purger.submit(["article-1"])
    while not seen:
        time.sleep(0.01)
    purger.submit(["article-2", "listings"])
    purger.submit(["article-3", "listings"])
    gate.set()
    assert purger.wait(5)
    assert seen == ["article-1", "article-2 listings article-3"]


def test_a_commit_queues_its_purge_after_the_commit_and_an_unreachable_cache_breaks_no_write(engine, database_url):
    from tests.servers import free_port

    settings = load_settings({"LIBRARY_PURGE_URL": f"http://127.0.0.1:{free_port()}/"})  # nobody listens
    events = content_events(settings, history=False)
    (purger,) = events.committed
    purger.first_pause, purger.attempts = 0.01, 2
    writer = attach(create_engine_for(database_url), events)
    try:
        with session_scope(writer) as session:
            article = make_article(session, slug="purged")
            translate(session, article, "kk", "Атау")
        started = time.monotonic()
        with session_scope(writer) as session:
            service.save_variant(session, service.get_article(session, "purged"), "kk",
                                 VariantText("Жаңа атау", "", "<p>Мәтін.</p>"))
        assert time.monotonic() - started < 1.0
        assert purger.wait(10)
        assert purger.failed >= 1 and purger.sent == 0
    finally:
        writer.dispose()


@pytest.mark.parametrize(("environ", "message"), [
    ({"LIBRARY_PURGE_URL": "varnish:6081"}, "LIBRARY_PURGE_URL"),
    ({"LIBRARY_PURGE_URL": "http://"}, "LIBRARY_PURGE_URL"),
    ({"LIBRARY_PURGE_URL": "http://127.0.0.1:99999/"}, "LIBRARY_PURGE_URL"),
    ({"LIBRARY_PURGE_MODE": "surrogate"}, "LIBRARY_PURGE_MODE"),
    ({"LIBRARY_SHARED_MAX_AGE": "-5"}, "LIBRARY_SHARED_MAX_AGE"),
    ({"LIBRARY_SHARED_MAX_AGE": "ten"}, "LIBRARY_SHARED_MAX_AGE"),
])
def test_bad_cache_settings_fail_at_start_naming_the_variable(environ, message):
    with pytest.raises(ConfigurationError, match=message):
        load_settings(environ)


def test_cache_settings_are_read():
    settings = load_settings({"LIBRARY_PURGE_URL": "http://a:6081/, https://b/", "LIBRARY_PURGE_MODE": "BAN",
                              "LIBRARY_SHARED_MAX_AGE": "300"})
    assert settings.purge_urls == ("http://a:6081/", "https://b/")
    assert (settings.purge_mode, settings.shared_max_age) == ("ban", 300)
    assert content_events(load_settings({})).committed == ()


def test_shared_caches_keep_answers_an_hour_when_they_are_purged_a_minute_when_not():
    from library.settings import load_settings

    assert load_settings({}).shared_max_age == 60
    assert load_settings({"LIBRARY_PURGE_URL": "http://127.0.0.1:6081/"}).shared_max_age == 3600
    chosen = load_settings({"LIBRARY_PURGE_URL": "http://127.0.0.1:6081/", "LIBRARY_SHARED_MAX_AGE": "120"})
    assert chosen.shared_max_age == 120
