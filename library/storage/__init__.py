"""Storage: engines and sessions built from `Settings`, and the Alembic migrations that own the schema."""

from library.storage.engine import create_engine_for, read_only, read_rows, session_scope
from library.storage.migrate import current_revision, head_revision, upgrade

__all__ = ["create_engine_for", "read_only", "read_rows", "session_scope", "upgrade", "current_revision",
           "head_revision"]
