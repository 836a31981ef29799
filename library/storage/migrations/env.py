"""Alembic environment: runs migrations on the engine handed over by `library.storage.migrate`."""

from alembic import context
from sqlmodel import SQLModel

import library.content.models  # noqa: F401  (registers the tables on the metadata)
import library.coverage.models  # noqa: F401
import library.demand.models  # noqa: F401
import library.memory.models  # noqa: F401
import library.newsletter.models  # noqa: F401
import library.quality.models  # noqa: F401
import library.storage.secrets  # noqa: F401
import library.workflow.models  # noqa: F401

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` command line: build the engine from the settings
    from library.settings import load_settings
    from library.storage.engine import create_engine_for

    engine = create_engine_for(load_settings().database_url)


def _sqlite_foreign_keys(connection, on: bool) -> None:
    # Batch migrations rebuild a SQLite table and DROP the old one; with foreign keys on, that DROP
    # first deletes its rows and cascades (every revision of every variant would go). The pragma
    # is ignored inside a transaction, so it is set on the raw connection outside one.
    cursor = connection.connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def _check_foreign_keys(connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows pointing at missing parents: {broken[:5]}")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    connection.info["write"] = True
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    try:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _check_foreign_keys(connection)
        connection.commit()
    finally:
        if sqlite:
            connection.rollback()
            _sqlite_foreign_keys(connection, on=True)
