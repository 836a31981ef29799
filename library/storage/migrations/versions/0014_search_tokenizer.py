"""The SQLite search index tokenises with FTS5's ``ascii`` tokenizer (issue 17: index build time).

What the index holds are the analyzer's keys (`library.search.analyzer`): letters and digits
between single spaces, already folded. ``unicode61`` read every character of them against Unicode
tables once more to find the same boundaries; ``ascii`` splits at ASCII non-alphanumerics only and
takes every other character as part of a word, which is exactly a key, and indexes about a fifth
faster (`scripts/bench_search.py`). Queries are keys too, quoted, so they are read the same way.
The rows are copied as they are: nothing is analysed again. PostgreSQL is unchanged.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_TABLE = ("CREATE VIRTUAL TABLE search_index_new USING fts5(title, body, language UNINDEXED, "
          "article_id UNINDEXED, revision_id UNINDEXED, tokenize = '{tokenizer}')")


def _recreate(tokenizer: str) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute(_TABLE.format(tokenizer=tokenizer))
    op.execute("INSERT INTO search_index_new (rowid, title, body, language, article_id, revision_id) "
               "SELECT rowid, title, body, language, article_id, revision_id FROM search_index")
    op.execute("DROP TABLE search_index")
    op.execute("ALTER TABLE search_index_new RENAME TO search_index")


def upgrade() -> None:
    _recreate('ascii')


def downgrade() -> None:
    _recreate('unicode61 remove_diacritics 0')
