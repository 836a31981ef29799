"""Search (issue 17): the index of published text, and searches that found nothing.

The index holds the analyzer's keys (`library.search.analyzer`), one row per published variant,
keyed by the variant's id: on SQLite an FTS5 table (the standard library's sqlite3 cannot register a
tokenizer, so the keys are what it tokenises), on PostgreSQL a tsvector made with the ``simple``
configuration and a GIN index. It starts empty and is filled here from the published revisions, so
an upgraded library is searchable at once.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from library.storage.types import UTCDateTime

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'search_miss',
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('query', sa.String(length=200), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('first_seen', UTCDateTime(), nullable=False),
        sa.Column('last_seen', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('language', 'query'),
    )
    op.create_index('ix_search_miss_language_count', 'search_miss', ['language', 'count'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            "CREATE VIRTUAL TABLE search_index USING fts5("
            "title, body, language UNINDEXED, article_id UNINDEXED, revision_id UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )
    else:
        op.execute(
            "CREATE TABLE search_index ("
            "variant_id integer PRIMARY KEY REFERENCES variant (id) ON DELETE CASCADE, "
            "article_id integer NOT NULL REFERENCES article (id) ON DELETE CASCADE, "
            "language varchar(16) NOT NULL, revision_id integer NOT NULL, document tsvector NOT NULL)"
        )
        op.execute("CREATE INDEX ix_search_index_document ON search_index USING gin (document)")
    from library.search.index import sync

    sync(op.get_bind())


def downgrade() -> None:
    op.execute("DROP TABLE search_index")
    op.drop_index('ix_search_miss_language_count', table_name='search_miss')
    op.drop_table('search_miss')
