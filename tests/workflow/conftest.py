"""Workflow fixtures: accounts with tokens, Argon2 at its cheapest so tests stay fast, a real server."""

from __future__ import annotations

import threading
import time

import pytest
import uvicorn
from sqlalchemy import select

from library.bootstrap import language_registry
from library.content import service
from library.content.models import Status, Variant
from library.content.service import VariantText
from library.languages import LanguageRegistry
from library.settings import load_settings
from library.storage import session_scope
from library.web.app import create_app
from library.workflow import accounts
from library.workflow.accounts import Principal
from tests.factories import make_article, make_section, make_user, translate
from tests.servers import free_port

#: (username, role, languages) of the accounts every workflow test can use.
STAFF = [
    ("aigerim", "translator", ("kk",)),
    ("dana", "translator", ("kk",)),
    ("john", "translator", ("en",)),
    ("olga", "editor", ()),
    ("root", "admin", ()),
    ("reader", "reader", ()),
]


@pytest.fixture
def registry() -> LanguageRegistry:
    return language_registry(load_settings({}))


@pytest.fixture
def staff(engine) -> dict[str, dict[str, str]]:
    """Request headers by username: one live token each, and English messages (the site default is kk)."""
    headers = {}
    with session_scope(engine) as session:
        for username, role, languages in STAFF:
            user = make_user(session, username, role, languages)
            headers[username] = {"Authorization": f"Bearer {accounts.issue_token(session, user).secret}",
                                 "Accept-Language": "en"}
    return headers


@pytest.fixture
def principals(engine, staff) -> dict[str, Principal]:
    """The same accounts as `staff`, as the services see them."""
    with session_scope(engine, write=False) as session:
        return {u.username: Principal.of(u) for u in accounts.list_users(session)}


WATER_BODY = ('<p>Более <strong>400</strong> семей получили воду, см. '
              '<a href="/ru/reports/water" rel="noopener noreferrer">отчёт</a>.</p>')  # as nh3 stores it


@pytest.fixture
def queued(engine):
    """A kk queue: water has no kk yet; forest's kk is outdated by a later source edit; air's kk is current."""
    with session_scope(engine) as session:
        section = make_section(session, "news")
        make_article(session, slug="water", section=section, title="Вода", body=WATER_BODY)
        forest = make_article(session, slug="forest", section=section, title="Лес", body="<p>Посадили лес.</p>")
        translate(session, forest, "kk", "Орман")
        service.save_variant(session, forest, "ru", VariantText("Лес", "", "<p>Посадили 5 000 деревьев.</p>"),
                             status=Status.PUBLISHED)
        translate(session, make_article(session, slug="air", section=section), "kk", "Ауа")


@pytest.fixture
def kk_state(engine):
    """A snapshot of every kk variant, to show that a refused import changed nothing."""

    def snapshot() -> dict[int, tuple]:
        with session_scope(engine, write=False) as session:
            rows = session.scalars(select(Variant).where(Variant.language == "kk"))
            return {v.article_id: (v.revision, v.status, v.title, v.body, v.published_revision) for v in rows}

    return snapshot


@pytest.fixture
def server(settings):
    """The app served by uvicorn in a thread: requests really run in parallel worker threads."""
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not instance.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(15)
