"""Term base, content-check findings per variant revision, and publishing overrides.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from library.storage.types import UTCDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('forms', sa.JSON(), nullable=False),
    sa.Column('forbidden', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('quality_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("severity IN ('error', 'warning')", name='ck_quality_finding_severity'),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quality_finding', schema=None) as batch_op:
        batch_op.create_index('ix_quality_finding_variant_revision', ['variant_id', 'revision'], unique=False)

    op.create_table('quality_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('variant_id', 'revision', name='uq_quality_override_variant_revision')
    )


def downgrade() -> None:
    op.drop_table('quality_override')
    with op.batch_alter_table('quality_finding', schema=None) as batch_op:
        batch_op.drop_index('ix_quality_finding_variant_revision')

    op.drop_table('quality_finding')
    op.drop_table('term')
