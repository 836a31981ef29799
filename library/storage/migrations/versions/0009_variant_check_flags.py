"""Variant.check_flags: whether the content checks found errors (1) or warnings (2) in the current
revision, with a partial index of the flagged variants for the coverage matrix's quality column.

Existing variants are filled in from their current revision's stored findings.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_CURRENT = ("SELECT 1 FROM quality_finding f WHERE f.variant_id = variant.id "
            "AND f.revision = variant.revision")


def upgrade() -> None:
    op.add_column('variant', sa.Column('check_flags', sa.SmallInteger(), nullable=False, server_default='0'))
    op.execute(
        f"UPDATE variant SET check_flags = "
        f"(CASE WHEN EXISTS ({_CURRENT} AND f.severity = 'error') THEN 1 ELSE 0 END) + "
        f"(CASE WHEN EXISTS ({_CURRENT} AND f.severity = 'warning') THEN 2 ELSE 0 END) "
        f"WHERE EXISTS ({_CURRENT})")
    op.create_index('ix_variant_flagged', 'variant', ['language', 'section_id', 'check_flags', 'updated_at', 'id'],
                    unique=False,
                    sqlite_where=sa.text('check_flags > 0'), postgresql_where=sa.text('check_flags > 0'))


def downgrade() -> None:
    op.drop_index('ix_variant_flagged', table_name='variant',
                  sqlite_where=sa.text('check_flags > 0'), postgresql_where=sa.text('check_flags > 0'))
    with op.batch_alter_table('variant') as batch:
        batch.drop_column('check_flags')
