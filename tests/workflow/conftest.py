"""Workflow fixtures: accounts with tokens, and Argon2 at its cheapest so tests stay fast."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from library.languages import LanguageRegistry
from library.settings import load_settings
from library.storage import session_scope
from library.workflow import accounts
from library.workflow.accounts import Principal
from tests.factories import make_user

#: (username, role, languages) of the accounts every workflow test can use.
STAFF = [
    ("aigerim", "translator", ("kk",)),
    ("dana", "translator", ("kk",)),
    ("john", "translator", ("en",)),
    ("olga", "editor", ()),
    ("root", "admin", ()),
    ("reader", "reader", ()),
]


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Still Argon2id, with the smallest cost parameters (the production default costs ~50 ms a hash)."""
    monkeypatch.setattr(accounts, "hasher", PasswordHasher.from_parameters(CHEAPEST))


@pytest.fixture
def registry() -> LanguageRegistry:
    return LanguageRegistry.from_settings(load_settings({}))


@pytest.fixture
def staff(engine) -> dict[str, dict[str, str]]:
    """Authorization headers by username, one live token each."""
    headers = {}
    with session_scope(engine) as session:
        for username, role, languages in STAFF:
            user = make_user(session, username, role, languages)
            headers[username] = {"Authorization": f"Bearer {accounts.issue_token(session, user).secret}"}
    return headers


@pytest.fixture
def principals(engine, staff) -> dict[str, Principal]:
    """The same accounts as `staff`, as the services see them."""
    with session_scope(engine, write=False) as session:
        return {u.username: Principal.of(u) for u in accounts.list_users(session)}
