"""Access (issue 13): when accounts and tokens were last used, and failed sign-ins for throttling.

``last_used_at`` is written in batches by each server process's flusher, never on the request;
``sign_in_failure`` holds one row per wrong password and key (account, client address), so every
worker counts the same failures. Both start empty: nothing is known about the past.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from library.storage.types import UTCDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_in_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sign_in_failure_key_at', 'sign_in_failure', ['key', 'at'], unique=False)
    op.create_index('ix_sign_in_failure_at', 'sign_in_failure', ['at'], unique=False)
    for table in ('account', 'api_token'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('last_used_at', UTCDateTime(), nullable=True))


def downgrade() -> None:
    for table in ('api_token', 'account'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('last_used_at')
    op.drop_index('ix_sign_in_failure_at', table_name='sign_in_failure')
    op.drop_index('ix_sign_in_failure_key_at', table_name='sign_in_failure')
    op.drop_table('sign_in_failure')
