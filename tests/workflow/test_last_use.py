"""Last use of accounts and tokens: kept in memory per process, written in batches, never backwards."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from library.storage import session_scope
from library.workflow.accounts import issue_token
from library.workflow.last_use import LastUse, Uses, write_last_use
from library.workflow.models import ApiToken, Role, User
from library.workflow.permissions import Principal
from tests.factories import make_user


def _times(engine):
    with session_scope(engine, write=False) as session:
        return session.scalar(select(User.last_used_at)), session.scalar(select(ApiToken.last_used_at))


def test_the_latest_use_is_written_and_an_older_batch_does_not_move_it_back(engine):
    with session_scope(engine) as session:
        user = make_user(session, "olga", "editor")
        token = issue_token(session, user)
    now = [datetime(2026, 1, 1, 12, tzinfo=UTC).timestamp()]
    uses = LastUse(clock=lambda: now[0])
    principal = Principal(user.id, "olga", Role.EDITOR, (), token.id)
    uses.saw(principal)
    now[0] += 60
    uses.saw(principal)  # only the latest of a batch is written
    later = uses.drain()
    assert not uses.drain()
    with session_scope(engine) as session:
        write_last_use(session, later)
    latest = datetime(2026, 1, 1, 12, 1, tzinfo=UTC)
    assert _times(engine) == (latest, latest)
    with session_scope(engine) as session:  # a batch from a slower process, or kept after a failed flush
        early = datetime(2026, 1, 1, 11, tzinfo=UTC)
        write_last_use(session, Uses({user.id: early}, {token.id: early}))
    assert _times(engine) == (latest, latest)
