"""Coverage: the source word count and a coverage state on variants, both in the covering index;
how far behind its source each translation is, with a partial index of the outdated ones;
per-section word totals from an index; the coverage snapshot table (one row per language, section
and day).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from library.storage.types import UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OLD_COVERAGE_COLUMNS = ['language', 'section_id', 'status', 'outdated', 'published_revision']
# library.content.models.COVERAGE_STATE as of this revision.
COVERAGE_STATE = (
    "(CASE WHEN published_revision IS NOT NULL THEN 0 WHEN status = 'in_review' THEN 2 ELSE 4 END)"
    " + (CASE WHEN outdated THEN 1 ELSE 0 END)"
)


def upgrade() -> None:
    op.create_table('coverage_snapshot',
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('articles', sa.Integer(), nullable=False),
    sa.Column('published', sa.Integer(), nullable=False),
    sa.Column('in_review', sa.Integer(), nullable=False),
    sa.Column('draft', sa.Integer(), nullable=False),
    sa.Column('missing', sa.Integer(), nullable=False),
    sa.Column('outdated', sa.Integer(), nullable=False),
    sa.Column('words', sa.Integer(), nullable=False),
    sa.Column('published_words', sa.Integer(), nullable=False),
    sa.Column('in_review_words', sa.Integer(), nullable=False),
    sa.Column('draft_words', sa.Integer(), nullable=False),
    sa.Column('missing_words', sa.Integer(), nullable=False),
    sa.Column('outdated_words', sa.Integer(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('language', 'section_id', 'day')
    )
    with op.batch_alter_table('coverage_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_coverage_snapshot_language_day', ['language', 'day'], unique=False)

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index('ix_article_section_words', ['section_id', 'source_words'], unique=False)

    # Existing rows get a placeholder first, then their values; new rows always name both.
    # On SQLite the second batch rebuilds the table (env.py turns foreign keys off meanwhile, so the
    # rebuild does not cascade into revisions).
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_words', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('coverage_state', sa.SmallInteger(), nullable=False, server_default='4'))
        batch_op.add_column(sa.Column('behind', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE variant SET source_words = "
               "(SELECT article.source_words FROM article WHERE article.id = variant.article_id), "
               f"coverage_state = {COVERAGE_STATE}")
    op.execute("UPDATE variant SET behind = COALESCE((SELECT source.major_revision FROM variant source "
               "WHERE source.article_id = variant.article_id AND source.language = variant.translated_from), 0) "
               "- COALESCE(source_revision, 0) WHERE outdated")
    op.execute("UPDATE variant SET behind = 1 WHERE outdated AND behind < 1")  # flagged without a source
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.alter_column('source_words', server_default=None)
        batch_op.alter_column('coverage_state', server_default=None)
        batch_op.alter_column('behind', server_default=None)
        batch_op.create_check_constraint('ck_variant_coverage_state', f"coverage_state = {COVERAGE_STATE}")
        batch_op.create_check_constraint('ck_variant_behind', "behind >= 0 AND (behind > 0) = outdated")
        batch_op.drop_index('ix_variant_coverage')
        batch_op.create_index('ix_variant_coverage', ['language', 'section_id', 'coverage_state', 'source_words'],
                              unique=False)
        batch_op.create_index('ix_variant_outdated', ['behind', 'source_words', 'language', 'section_id'],
                              unique=False, sqlite_where=sa.text('outdated = 1'),
                              postgresql_where=sa.text('outdated = true'))


def downgrade() -> None:
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_index('ix_variant_outdated')
        batch_op.drop_index('ix_variant_coverage')
        batch_op.drop_constraint('ck_variant_behind', type_='check')
        batch_op.drop_constraint('ck_variant_coverage_state', type_='check')
        batch_op.drop_column('behind')
        batch_op.drop_column('coverage_state')
        batch_op.drop_column('source_words')
        batch_op.create_index('ix_variant_coverage', OLD_COVERAGE_COLUMNS, unique=False)

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index('ix_article_section_words')

    with op.batch_alter_table('coverage_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_coverage_snapshot_language_day')

    op.drop_table('coverage_snapshot')
