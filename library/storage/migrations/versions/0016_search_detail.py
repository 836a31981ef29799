"""The SQLite search index keeps, for each key, the rows and columns it is in, not its places in them
(FTS5's ``detail=column``; issue 17: index build time).

Searches ask for keys (quoted, joined with AND and OR) and rank with BM25 by column, title above body:
no phrase, no NEAR, and snippets are cut in Python (`library.search.snippets`), so the positions FTS5
kept were never read. Without them a rebuild of 1,000,000 texts took 90 s instead of 109 s on a quiet
2-core machine (`scripts/bench_search.py`), with the same query times, and `scripts/eval_search.py`
gave the same recall@10 and MRR for every reader language. The rows are copied as they are: nothing
is analysed again. PostgreSQL is unchanged.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_TABLE = ("CREATE VIRTUAL TABLE search_index_new USING fts5(title, body, language UNINDEXED, "
          "article_id UNINDEXED, revision_id UNINDEXED, tokenize = 'ascii'{detail})")


def _recreate(detail: str) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute(_TABLE.format(detail=detail))
    op.execute("INSERT INTO search_index_new (rowid, title, body, language, article_id, revision_id) "
               "SELECT rowid, title, body, language, article_id, revision_id FROM search_index")
    op.execute("DROP TABLE search_index")
    op.execute("ALTER TABLE search_index_new RENAME TO search_index")


def upgrade() -> None:
    _recreate(", detail = column")


def downgrade() -> None:
    _recreate("")
