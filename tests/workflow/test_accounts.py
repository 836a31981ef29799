"""Accounts and tokens: Argon2 passwords, tokens stored only as digests, issue and revoke (service and CLI)."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from library.cli import main
from library.cli.exits import ExitCode
from library.languages.registry import UnsupportedLanguage
from library.storage import session_scope
from library.workflow import accounts
from library.workflow.errors import (
    BadCredentials,
    BadToken,
    DuplicateUser,
    InvalidUsername,
    LanguagesRequired,
    TokenNotYours,
    WeakPassword,
)
from library.workflow.models import ApiToken, AuditEntry, Role, User
from tests.factories import PASSWORD, make_user


def test_passwords_are_stored_as_argon2id_hashes_and_checked(session):
    user = make_user(session, "aigerim")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert accounts.authenticate(session, "aigerim", PASSWORD).id == user.id
    for username, password in [("aigerim", PASSWORD + "x"), ("nobody", PASSWORD)]:
        with pytest.raises(BadCredentials):
            accounts.authenticate(session, username, password)


def test_a_disabled_account_cannot_sign_in_or_use_its_tokens(session):
    user = make_user(session, "aigerim")
    issued = accounts.issue_token(session, user)
    user.active = False
    session.add(user)
    session.flush()
    with pytest.raises(BadCredentials):
        accounts.authenticate(session, "aigerim", PASSWORD)
    with pytest.raises(BadToken):
        accounts.principal_for_token(session, issued.secret)


def test_only_the_sha256_digest_of_a_token_is_stored(session):
    issued = accounts.issue_token(session, make_user(session, "aigerim"), name="memoQ")
    stored = session.scalars(select(ApiToken)).one()
    assert stored.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in (stored.digest, stored.name)
    principal = accounts.principal_for_token(session, issued.secret)
    assert (principal.username, principal.role, principal.languages) == ("aigerim", Role.TRANSLATOR, ("kk",))


def test_a_revoked_token_no_longer_authenticates(session):
    issued = accounts.issue_token(session, make_user(session, "aigerim"))
    accounts.revoke_token(session, issued.id)
    session.flush()
    with pytest.raises(BadToken):
        accounts.principal_for_token(session, issued.secret)


def test_only_the_owner_or_an_admin_may_revoke_a_token_through_the_api(session):
    aigerim, dana, root = (make_user(session, n, r) for n, r in
                           [("aigerim", "translator"), ("dana", "translator"), ("root", "admin")])
    first, second = accounts.issue_token(session, aigerim), accounts.issue_token(session, aigerim)
    with pytest.raises(TokenNotYours):
        accounts.revoke_token(session, first.id, by=accounts.Principal.of(dana))
    accounts.revoke_token(session, first.id, by=accounts.Principal.of(aigerim))
    accounts.revoke_token(session, second.id, by=accounts.Principal.of(root))
    assert all(t.revoked_at for t in session.scalars(select(ApiToken)))


@pytest.mark.parametrize("username, role, password, languages, error", [
    ("a", "translator", PASSWORD, ("kk",), InvalidUsername),
    ("has space", "translator", PASSWORD, ("kk",), InvalidUsername),
    ("aigerim", "translator", "short", ("kk",), WeakPassword),
    ("aigerim", "translator", PASSWORD, (), LanguagesRequired),
    ("aigerim", "translator", PASSWORD, ("de",), UnsupportedLanguage),
])
def test_bad_accounts_are_refused(session, username, role, password, languages, error):
    with pytest.raises(error):
        make_user(session, username, role, languages, password)


def test_usernames_are_unique_and_account_changes_are_audited(session):
    make_user(session, "aigerim")
    with pytest.raises(DuplicateUser):
        make_user(session, "aigerim", "editor")
    actions = session.scalars(select(AuditEntry.action)).all()
    assert actions == ["user.add"]


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), env={"LIBRARY_DATABASE_URL": settings.database_url},
                             input=input, catch_exceptions=False)

    return invoke


def test_cli_adds_users_issues_lists_and_revokes_tokens(run, engine):
    added = run("users", "add", "aigerim", "--role", "translator", "--language", "kk", "--password-stdin",
                input=PASSWORD + "\n")
    assert added.exit_code == 0 and "aigerim (translator: kk)" in added.output
    issued = run("users", "token", "issue", "aigerim", "--name", "laptop")
    secret = issued.stdout.strip()
    assert issued.exit_code == 0 and secret.startswith("lib_") and "shown only now" in issued.stderr
    with session_scope(engine, write=False) as session:
        assert accounts.principal_for_token(session, secret).username == "aigerim"
        token_id = session.scalars(select(ApiToken.id)).one()
    listed = run("users", "list")
    assert "aigerim\ttranslator\tkk\t1 token(s)" in listed.output
    assert run("users", "token", "revoke", str(token_id)).exit_code == 0
    assert "revoked" in run("users", "token", "list", "aigerim").output
    with session_scope(engine, write=False) as session, pytest.raises(BadToken):
        accounts.principal_for_token(session, secret)


@pytest.mark.parametrize("args, input, message, code", [
    (("users", "add", "x y", "--role", "editor", "--password-stdin"), PASSWORD, "is not valid: use 2 to 100",
     ExitCode.BAD_INPUT),
    (("users", "add", "aigerim", "--role", "translator", "--password-stdin"), PASSWORD, "at least one target",
     ExitCode.BAD_INPUT),
    (("users", "add", "aigerim", "--role", "editor", "--password-stdin"), "short", "at least 10 characters",
     ExitCode.BAD_INPUT),
    (("users", "token", "issue", "nobody"), None, "No account has the username nobody", ExitCode.NOT_FOUND),
    (("users", "token", "revoke", "999"), None, "No token has the id 999", ExitCode.NOT_FOUND),
])
def test_cli_errors_are_one_line_and_non_zero(run, engine, args, input, message, code):
    result = run(*args, input=input)
    assert result.exit_code == code and message in result.output and result.output.count("\n") == 1
    with session_scope(engine, write=False) as session:
        assert session.scalars(select(User)).all() == []
