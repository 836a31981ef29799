"""Reader demand for missing translations, and interface strings missed at run time.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from library.storage.types import UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('interface_miss',
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('msgid', sa.Text(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_seen', UTCDateTime(), nullable=False),
    sa.Column('last_seen', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('language', 'msgid')
    )
    op.create_table('demand',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_seen', UTCDateTime(), nullable=False),
    sa.Column('last_seen', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'language')
    )
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.create_index('ix_demand_language_count', ['language', 'count'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.drop_index('ix_demand_language_count')

    op.drop_table('demand')
    op.drop_table('interface_miss')
