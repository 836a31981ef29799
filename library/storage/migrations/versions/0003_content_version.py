"""A content version counter that every content write bumps, so each server process can tell
its cached responses are stale (issue 6).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('content_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO content_version (id, version) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table('content_version')
