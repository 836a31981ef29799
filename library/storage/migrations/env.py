"""Alembic environment: runs migrations on the engine handed over by `library.storage.migrate`."""

from alembic import context
from sqlmodel import SQLModel

import library.content.models  # noqa: F401  (registers the tables on the metadata)
import library.demand.models  # noqa: F401
import library.newsletter.models  # noqa: F401
import library.quality.models  # noqa: F401
import library.workflow.models  # noqa: F401

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` command line: build the engine from the settings
    from library.settings import load_settings
    from library.storage.engine import create_engine_for

    engine = create_engine_for(load_settings().database_url)

with engine.connect() as connection:
    connection.info["write"] = True
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
