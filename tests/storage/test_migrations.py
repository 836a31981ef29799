"""The schema comes from the Alembic migrations, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import SQLModel

from library.storage import create_engine_for, current_revision, head_revision, upgrade
from library.storage.migrate import downgrade


def test_migrations_from_empty_to_head_create_the_model_schema(fresh_database_url):
    engine = create_engine_for(fresh_database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        inspector = inspect(engine)
        assert set(SQLModel.metadata.tables) <= set(inspector.get_table_names())
        for table in SQLModel.metadata.sorted_tables:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name
        variant_indexes = {i["name"] for i in inspector.get_indexes("variant")}
        assert {"ix_variant_language_status", "ix_variant_coverage"} <= variant_indexes
    finally:
        engine.dispose()


def test_migrations_downgrade_to_empty_and_upgrade_again(fresh_database_url):
    engine = create_engine_for(fresh_database_url)
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert not set(SQLModel.metadata.tables) & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
