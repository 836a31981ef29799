"""Schema upgrades through the Alembic migrations shipped inside the package.

The Alembic environment lives in ``library/storage/migrations`` so an installed package can create
and upgrade its own database (``library db upgrade``) without an ``alembic.ini`` on disk.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()  # type: ignore[arg-type]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Create or upgrade the schema to ``target`` (every migration runs in a transaction)."""
    command.upgrade(alembic_config(engine), target)


def downgrade(engine: Engine, target: str) -> None:
    command.downgrade(alembic_config(engine), target)


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def ensure_schema(engine: Engine, settings) -> None:
    """Make sure the schema is current before serving.

    SQLite is the zero-set-up default, so its file is created and upgraded here on first use.
    PostgreSQL is a shared production server: its schema changes only when an operator runs
    ``library db upgrade``, and a server on an old schema refuses to start with that advice.
    """
    from library.errors import ConfigurationError

    if engine.dialect.name == "sqlite":
        if not is_current(engine):
            upgrade(engine)
        return
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise ConfigurationError(
            f"The database schema is at revision {current or 'none'}, this version needs {head}: "
            f"run `library db upgrade` (or `library init`)."
        )
