"""Newsletter subscriptions: validated addresses, one row per reader, safe under concurrency."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from library.newsletter.models import Subscription
from library.newsletter.service import InvalidEmail, subscribe
from library.storage import session_scope


def _rows(engine) -> list[tuple[str, str]]:
    with session_scope(engine, write=False) as session:
        return [(s.email, s.language) for s in session.scalars(select(Subscription))]


def test_the_same_address_twice_is_one_subscription_with_the_latest_language(engine):
    with session_scope(engine) as session:
        assert subscribe(session, "Reader@Example.KZ", "kk").new
    with session_scope(engine) as session:
        assert not subscribe(session, " Reader@example.kz ", "ru").new
    assert _rows(engine) == [("Reader@example.kz", "ru")]


@pytest.mark.parametrize("address", ["", "no-at-sign", "a@", "@b.kz", "a b@c.kz", "a@b", "x" * 400 + "@b.kz"])
def test_invalid_addresses_are_refused(session, address):
    with pytest.raises(InvalidEmail):
        subscribe(session, address, "en")


def test_concurrent_submissions_of_one_address_store_one_row(engine):
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            with session_scope(engine) as session:
                subscribe(session, "same@example.kz", "kk")
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 1
