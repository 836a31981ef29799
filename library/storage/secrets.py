"""Server secrets kept in the database, so every worker process and every restart agrees on them.

The form-protection (CSRF) key must be the same in all workers behind one site, or a form served by
one worker is refused by the next. An operator may set ``LIBRARY_SECRET_KEY``; otherwise a random
key is generated once, on first need, and stored here (zero set-up, like the SQLite file itself).
"""

from __future__ import annotations

import secrets

from sqlalchemy import Column, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from library.storage.engine import session_scope


class AppSecret(SQLModel, table=True):
    __tablename__ = "app_secret"

    name: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(String(128), nullable=False))


def stored_secret(engine: Engine, name: str) -> str:
    """The secret called ``name``, created at random the first time any process asks for it."""
    with session_scope(engine, write=False) as session:
        value = session.scalar(select(AppSecret.value).where(AppSecret.name == name))
    if value is not None:
        return value
    try:
        with session_scope(engine) as session:
            session.add(AppSecret(name=name, value=secrets.token_urlsafe(48)))
    except IntegrityError:  # another process created it first: use theirs
        pass
    with session_scope(engine, write=False) as session:
        return session.scalar(select(AppSecret.value).where(AppSecret.name == name))
