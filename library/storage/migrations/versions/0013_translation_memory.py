"""Translation memory (issue 18): memory units, their fuzzy-search keys and key counts, filled from every
published translation the library holds.

The fill reads revisions with plain SQL (only the columns it needs, so later changes to the content
tables cannot break it) and stores units through `library.memory.store.add_units`, the one writer
that keeps keys and counts with the units.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from library.storage.types import UTCDateTime

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_PUBLISHED = sa.text(
    "SELECT v.article_id, v.language, v.translated_from, v.published_revision, "
    "t.title, t.summary, t.body, t.source_revision, t.changed_at, t.changed_by, "
    "s.title AS s_title, s.summary AS s_summary, s.body AS s_body, "
    "(SELECT a.changed_by FROM revision a WHERE a.variant_id = v.id AND a.minor = :no "
    " AND a.number <= v.published_revision ORDER BY a.number DESC LIMIT 1) AS author "
    "FROM variant v "
    "JOIN revision t ON t.variant_id = v.id AND t.number = v.published_revision "
    "JOIN variant sv ON sv.article_id = v.article_id AND sv.language = t.translated_from "
    "JOIN revision s ON s.variant_id = sv.id AND s.number = t.source_revision "
    "WHERE v.published_revision IS NOT NULL AND t.translated_from IS NOT NULL "
    "ORDER BY v.article_id, v.language").columns(changed_at=UTCDateTime())


def upgrade() -> None:
    op.create_table(
        'memory_unit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_language', sa.String(length=16), nullable=False),
        sa.Column('target_language', sa.String(length=16), nullable=False),
        sa.Column('source_text', sa.Text(), nullable=False),
        sa.Column('target_text', sa.Text(), nullable=False),
        sa.Column('source_hash', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('place', sa.String(length=40), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=True),
        sa.Column('origin', sa.String(length=16), nullable=False),
        sa.Column('changed_by', sa.String(length=100), nullable=True),
        sa.Column('changed_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_memory_unit_exact', 'memory_unit', ['source_language', 'target_language', 'source_hash'])
    op.create_index('ix_memory_unit_article', 'memory_unit', ['article_id', 'target_language', 'revision'])
    op.create_table(
        'memory_key',
        sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('size', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['memory_unit.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('key', 'size', 'unit_id'),
    )
    op.create_table(
        'memory_key_count',
        sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('units', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    _fill(op.get_bind())


def _fill(connection) -> None:
    from library.memory.store import NewUnit, add_units, pairs_of

    def units():
        for row in connection.execute(_PUBLISHED, {"no": False}).mappings():
            source = {"title": row["s_title"], "summary": row["s_summary"], "body": row["s_body"]}
            for place, source_text, target_text in pairs_of(source, row):
                yield NewUnit(row["translated_from"], row["language"], source_text, target_text,
                              changed_at=row["changed_at"], changed_by=row["author"] or row["changed_by"], place=place,
                              article_id=row["article_id"], revision=row["published_revision"])

    add_units(connection, units())


def downgrade() -> None:
    op.drop_table('memory_key_count')
    op.drop_table('memory_key')
    op.drop_index('ix_memory_unit_article', table_name='memory_unit')
    op.drop_index('ix_memory_unit_exact', table_name='memory_unit')
    op.drop_table('memory_unit')
