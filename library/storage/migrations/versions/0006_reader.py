"""Reader API (issue 6): a content version counter that every content write bumps, so each server
process can tell its cached responses are stale; an index answering "is this article readable?".

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('content_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO content_version (id, version) VALUES (1, 0)")
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.create_index('ix_variant_article_published', ['article_id', 'published_revision'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_index('ix_variant_article_published')
    op.drop_table('content_version')
