"""The content model: sections, articles, variants per language and their revisions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from library.storage.types import UTCDateTime

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=False),
    sa.Column('source_language', sa.String(length=16), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('source_words', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_published_at'), ['published_at'], unique=False)
        batch_op.create_index('ix_article_section_published', ['section_id', 'published_at'], unique=False)

    op.create_table('article_link',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'target_id')
    )
    op.create_table('variant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('major_revision', sa.Integer(), nullable=False),
    sa.Column('published_revision', sa.Integer(), nullable=True),
    sa.Column('translated_from', sa.String(length=16), nullable=True),
    sa.Column('source_revision', sa.Integer(), nullable=True),
    sa.Column('outdated', sa.Boolean(), nullable=False),
    sa.Column('words', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'in_review', 'published')", name='ck_variant_status'),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'language', name='uq_variant_article_language')
    )
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.create_index(
            'ix_variant_coverage',
            ['language', 'section_id', 'status', 'outdated', 'published_revision'],
            unique=False,
        )
        batch_op.create_index('ix_variant_language_status', ['language', 'status'], unique=False)

    op.create_table('revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('minor', sa.Boolean(), nullable=False),
    sa.Column('translated_from', sa.String(length=16), nullable=True),
    sa.Column('source_revision', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('changed_by', sa.String(length=100), nullable=True),
    sa.Column('changed_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'in_review', 'published')", name='ck_revision_status'),
    sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('variant_id', 'number', name='uq_revision_variant_number')
    )


def downgrade() -> None:
    op.drop_table('revision')
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_index('ix_variant_language_status')
        batch_op.drop_index('ix_variant_coverage')

    op.drop_table('variant')
    op.drop_table('article_link')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index('ix_article_section_published')
        batch_op.drop_index(batch_op.f('ix_article_published_at'))

    op.drop_table('article')
    op.drop_table('section')
