"""Coverage counters (issue 15): per (language, section, coverage state, check flags) variant counts
and words, per-section article totals and per (language, section) reader demand for missing
translations, kept by every content write so the matrix reads a few hundred rows; and on each
article, variant and demand row what the counters hold for it. Also a partial index of the
variants per value of their check flags, newest first, for the dashboard's list of flagged ones.

Filled from the current data, so the counters equal a recount from the first moment.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_FLAGGED = {"errors": 1, "warnings": 2, "both": 3}
_HAS_VARIANT = ("EXISTS (SELECT 1 FROM variant v WHERE v.article_id = demand.article_id "
                "AND v.language = demand.language)")


def upgrade() -> None:
    op.create_table(
        'coverage_count',
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('section_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column('flags', sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column('variants', sa.Integer(), nullable=False),
        sa.Column('words', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['section_id'], ['section.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('language', 'section_id', 'state', 'flags'),
    )
    op.create_table(
        'coverage_section_total',
        sa.Column('section_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('articles', sa.Integer(), nullable=False),
        sa.Column('words', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['section_id'], ['section.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('section_id'),
    )
    op.create_table(
        'missing_demand',
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('section_id', sa.Integer(), nullable=False),
        sa.Column('requests', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['section_id'], ['section.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('language', 'section_id'),
    )
    op.add_column('article', sa.Column('counted_words', sa.Integer(), nullable=True))
    op.add_column('variant', sa.Column('counted_state', sa.SmallInteger(), nullable=True))
    op.add_column('variant', sa.Column('counted_flags', sa.SmallInteger(), nullable=True))
    op.add_column('variant', sa.Column('counted_words', sa.Integer(), nullable=True))
    op.add_column('demand', sa.Column('counted', sa.Integer(), nullable=False, server_default='0'))

    for name, flags in _FLAGGED.items():
        op.create_index(f'ix_variant_flagged_{name}', 'variant', ['updated_at', 'id', 'language', 'section_id'],
                        unique=False, sqlite_where=sa.text(f'check_flags = {flags}'),
                        postgresql_where=sa.text(f'check_flags = {flags}'))
    op.execute("UPDATE article SET counted_words = source_words")
    op.execute("UPDATE variant SET counted_state = coverage_state, counted_flags = check_flags, "
               "counted_words = source_words")
    op.execute(f"UPDATE demand SET counted = count WHERE NOT {_HAS_VARIANT}")
    op.execute("INSERT INTO coverage_count (language, section_id, state, flags, variants, words) "
               "SELECT language, section_id, coverage_state, check_flags, count(*), coalesce(sum(source_words), 0) "
               "FROM variant GROUP BY language, section_id, coverage_state, check_flags")
    op.execute("INSERT INTO coverage_section_total (section_id, articles, words) "
               "SELECT section_id, count(*), coalesce(sum(source_words), 0) FROM article GROUP BY section_id")
    op.execute("INSERT INTO missing_demand (language, section_id, requests) "
               "SELECT demand.language, article.section_id, sum(demand.count) FROM demand "
               "JOIN article ON article.id = demand.article_id "
               "WHERE demand.counted > 0 GROUP BY demand.language, article.section_id")


def downgrade() -> None:
    for name, flags in _FLAGGED.items():
        where = sa.text(f'check_flags = {flags}')
        op.drop_index(f'ix_variant_flagged_{name}', table_name='variant', sqlite_where=where, postgresql_where=where)
    with op.batch_alter_table('demand') as batch:
        batch.drop_column('counted')
    with op.batch_alter_table('variant') as batch:
        batch.drop_column('counted_words')
        batch.drop_column('counted_flags')
        batch.drop_column('counted_state')
    with op.batch_alter_table('article') as batch:
        batch.drop_column('counted_words')
    op.drop_table('missing_demand')
    op.drop_table('coverage_section_total')
    op.drop_table('coverage_count')
