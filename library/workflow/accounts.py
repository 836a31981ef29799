"""Accounts, passwords and API tokens: who is behind a request (what they may do is
`library.workflow.permissions`).

Passwords are hashed with Argon2 (argon2-cffi); a password is only checked when a token is issued,
so an API call costs one indexed lookup of the token's SHA-256 digest, not an Argon2 hash. Token
secrets are random, shown once, and never stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlmodel import Session

from library.languages.registry import LanguageRegistry
from library.storage.types import utcnow
from library.workflow import audit
from library.workflow.errors import (
    BadCredentials,
    BadToken,
    DuplicateUser,
    InvalidUsername,
    LanguagesRequired,
    TokenNotFound,
    UserNotFound,
    WeakPassword,
)
from library.workflow.models import ApiToken, Role, User
from library.workflow.permissions import Principal, require_token_owner

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "lib_"

#: Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile). Tests swap in a cheaper profile.
hasher = PasswordHasher()


@dataclass(frozen=True)
class IssuedToken:
    id: int
    secret: str
    """The bearer token itself. It exists only in this object: show it once."""
    username: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_user(session: Session, registry: LanguageRegistry, *, username: str, role: Role, password: str,
                languages: Iterable[str] = (), by: str = "system") -> User:
    """A new account; a translator must name the languages they translate into."""
    if not USERNAME.match(username):
        raise InvalidUsername(username=username)
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(minimum=MIN_PASSWORD)
    codes = list(dict.fromkeys(registry.get(code.strip().lower()).code for code in languages))
    if role is Role.TRANSLATOR and not codes:
        raise LanguagesRequired(supported=", ".join(registry.codes))
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DuplicateUser(username=username)
    user = User(username=username, role=role.value, languages=codes, password_hash=hasher.hash(password))
    session.add(user)
    session.flush()
    audit.record(session, by, "user.add", detail=f"{username} ({role.value}: {', '.join(codes) or 'all'})")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserNotFound(username=username)
    return user


@dataclass(frozen=True)
class StoredPassword:
    """What checking a password needs, read without a write lock; no session stays open while Argon2 runs."""

    user_id: int
    password_hash: str
    active: bool


def stored_password(session: Session, username: str) -> StoredPassword | None:
    row = session.execute(select(User.id, User.password_hash, User.active).where(User.username == username)).first()
    return None if row is None else StoredPassword(*row)


_dummy_hash: list[str] = []


def password_matches(stored: StoredPassword | None, password: str) -> bool:
    """Argon2 verification (tens of milliseconds of CPU: call it from a worker thread, never the event
    loop). An unknown account is checked against a dummy hash, so it takes as long as a wrong password."""
    if stored is None:
        if not _dummy_hash:
            _dummy_hash.append(hasher.hash(secrets.token_urlsafe(16)))
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(_dummy_hash[0], password)
        return False
    try:
        hasher.verify(stored.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return stored.active


def signed_in_user(session: Session, stored: StoredPassword, password: str) -> User:
    """The account whose password matched, its hash upgraded when the Argon2 parameters changed (a rare write)."""
    user = session.get(User, stored.user_id)
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
        session.add(user)
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The active account with this username and password, or `BadCredentials` (never which was wrong).

    For callers that hold a session anyway (tests, scripts); the web app signs in through
    `library.web.credentials`, which adds throttling and keeps Argon2 off the event loop.
    """
    stored = stored_password(session, username)
    if not password_matches(stored, password):
        raise BadCredentials()
    return signed_in_user(session, stored, password)


def issue_token(session: Session, user: User, *, name: str = "", by: str | None = None,
                at: datetime | None = None) -> IssuedToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, digest=digest(secret), name=name[:100], created_at=at or utcnow())
    session.add(token)
    session.flush()
    audit.record(session, by or user.username, "token.issue", detail=f"token {token.id} for {user.username}")
    return IssuedToken(token.id, secret, user.username)


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_token(session: Session, token_id: int, *, by: Principal | None = None) -> ApiToken:
    """Revoke a token. Through the API (``by`` given) only its owner or an admin may; the CLI may always."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise TokenNotFound(token_id=token_id)
    if by is not None:
        require_token_owner(by, token.user_id, token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        audit.record(session, by.username if by else "cli", "token.revoke", detail=f"token {token_id}")
    return token


def principal_for_token(session: Session, secret: str) -> Principal:
    """The account a bearer token stands for: one indexed query, no password hashing."""
    row = session.execute(
        select(User, ApiToken.id)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.digest == digest(secret), ApiToken.revoked_at.is_(None), User.active.is_(True))
    ).first()
    if row is None:
        raise BadToken()
    return Principal.of(row[0], row[1])
