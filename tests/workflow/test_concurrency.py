"""Two translators saving one variant at the same moment, through a real server on both engines.

Exactly one write wins; the other gets 412 with the winner's revision, and its text is kept as a
refused edit in the variant's history, so both texts can be found there.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from library.content.service import VariantText
from library.storage import session_scope
from library.workflow import review
from library.workflow.review import Precondition
from tests.factories import make_article, translate

KK = "/api/v1/workflow/variants/water/kk"




@pytest.fixture
def water(engine):
    with session_scope(engine) as session:
        article = make_article(session, slug="water", title="Вода")
        translate(session, article, "kk", "Су")


def _race(server: str, requests: list[tuple[dict, dict]]) -> list[httpx.Response]:
    """Send the requests at the same instant, each from its own thread and connection."""
    barrier = threading.Barrier(len(requests))

    def send(headers: dict, body: dict) -> httpx.Response:
        with httpx.Client(base_url=server, timeout=30) as client:
            client.get("/api/v1/health")  # connect first, so the barrier releases requests, not handshakes
            barrier.wait()
            return client.put(KK, headers=headers, json=body)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(lambda r: send(*r), requests))


def test_two_translators_saving_at_once_one_wins_one_gets_412_and_both_texts_are_kept(server, staff, water):
    titles = []
    for round_ in range(4):
        with httpx.Client(base_url=server) as client:
            etag = client.get(KK, headers=staff["aigerim"]).headers["etag"]
        mine, yours = f"Айгерім {round_}", f"Дана {round_}"
        titles += [mine, yours]
        responses = _race(server, [({**staff["aigerim"], "If-Match": etag}, {"title": mine}),
                                   ({**staff["dana"], "If-Match": etag}, {"title": yours})])
        assert sorted(r.status_code for r in responses) == [200, 412], [r.text for r in responses]
        winner = next(r for r in responses if r.status_code == 200).json()
        problem = next(r for r in responses if r.status_code == 412).json()
        assert problem["current_revision"] == winner["revision"] == round_ + 2
        assert problem["current_version"] == winner["version"] and problem["refused_id"]
    with httpx.Client(base_url=server) as client:
        entries = client.get(KK + "/history", headers=staff["olga"]).json()["entries"]
    kept = [e["title"] for e in entries]
    assert sorted(kept) == sorted(["Су", *titles])
    assert [e["kind"] for e in entries] == ["revision"] + ["revision", "refused"] * 4


def test_two_translators_creating_a_variant_at_once_one_wins(server, staff, engine):
    with session_scope(engine) as session:
        make_article(session, slug="water")
    responses = _race(server, [({**staff["aigerim"], "If-None-Match": "*"}, {"title": "Су (Айгерім)"}),
                               ({**staff["dana"], "If-None-Match": "*"}, {"title": "Су (Дана)"})])
    assert sorted(r.status_code for r in responses) == [201, 412], [r.text for r in responses]
    with httpx.Client(base_url=server) as client:
        entries = client.get(KK + "/history", headers=staff["olga"]).json()["entries"]
    assert sorted(e["title"] for e in entries) == ["Су (Айгерім)", "Су (Дана)"]
    assert [e["kind"] for e in entries] == ["revision", "refused"]


def test_a_second_writer_waits_for_the_first_to_commit_and_is_then_refused(engine, water, principals):
    """The lock, not luck: the second save blocks until the first commits, then sees its revision."""
    with session_scope(engine, write=False) as session:
        tag = review.version_tag(review.working_copy(session, principals["olga"], "water", "kk")[1])
    first_saved, release = threading.Event(), threading.Event()
    finished: dict[str, float] = {}

    def first() -> None:
        with session_scope(engine) as session:
            review.save_text(session, principals["aigerim"], "water", "kk", VariantText("Бірінші"),
                             Precondition(tags=(tag,)))
            first_saved.set()
            release.wait(10)
        finished["first"] = time.monotonic()

    def second():
        first_saved.wait(10)
        with session_scope(engine) as session:
            result = review.save_text(session, principals["dana"], "water", "kk", VariantText("Екінші"),
                                      Precondition(tags=(tag,)))
        finished["second"] = time.monotonic()
        return result

    with ThreadPoolExecutor(2) as pool:
        one, two = pool.submit(first), pool.submit(second)
        first_saved.wait(10)
        time.sleep(0.4)
        assert not two.done(), "the second writer did not wait for the first one's lock"
        release.set()
        one.result(10)
        result = two.result(20)
    assert finished["second"] >= finished["first"]
    assert result.refused is not None and result.refused.actual == 2 and result.refused.facts["refused_id"]
