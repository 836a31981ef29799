"""The content change log (issue 15): the surrogate keys each content version's commit changed, so
every server process drops only the cached responses a publish changed instead of all of them.

Starts empty: a process that cannot find the rows for a version move drops everything, as before.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'content_change',
        sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('keys', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('version'),
    )


def downgrade() -> None:
    op.drop_table('content_change')
