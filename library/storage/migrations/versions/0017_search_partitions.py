"""The PostgreSQL search index is partitioned by language and has no foreign keys (issue 17: index
build time, and searches during a rebuild).

A rebuild (`library search reindex`) used to drop the GIN index and fill the table again in one
transaction: searches and every publish's index write waited for it, and PostgreSQL 15 builds one GIN
index on one core (31-49 s of a 1,000,000-text build). Now a rebuild fills a new table beside the old
one, builds its partitions' indexes at once, one per core, and swaps it in: for that, dropping the
old table must not lock ``variant`` and ``article``, which dropping its foreign keys did. The content
events already keep the index in line with every write (as they keep SQLite's FTS5 table, which never
had foreign keys); nothing deletes a variant or an article outside them. A search asks in one
language, so it now reads one partition's index. The rows are copied as they are; SQLite is unchanged.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

_PARTITIONS = (("en", "FOR VALUES IN ('en')"), ("ru", "FOR VALUES IN ('ru')"), ("kk", "FOR VALUES IN ('kk')"),
               ("other", "DEFAULT"))
_COLUMNS = "variant_id, article_id, language, revision_id, document"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    op.execute("ALTER TABLE search_index RENAME TO search_index_0012")
    op.execute("DROP INDEX ix_search_index_document")
    op.execute("CREATE TABLE search_index (variant_id integer NOT NULL, article_id integer NOT NULL, "
               "language varchar(16) NOT NULL, revision_id integer NOT NULL, document tsvector NOT NULL) "
               "PARTITION BY LIST (language)")
    for name, bound in _PARTITIONS:
        op.execute(f"CREATE TABLE search_index_{name} PARTITION OF search_index {bound}")
    op.execute(f"INSERT INTO search_index ({_COLUMNS}) SELECT {_COLUMNS} FROM search_index_0012")
    op.execute("DROP TABLE search_index_0012")
    for relation in [f"search_index_{name}" for name, _ in _PARTITIONS] + ["search_index"]:
        op.execute(f"CREATE UNIQUE INDEX ix_{relation}_variant ON {relation} (variant_id, language)")
        op.execute(f"CREATE INDEX ix_{relation}_document ON {relation} USING gin (document)")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    op.execute("ALTER TABLE search_index RENAME TO search_index_0017")  # dropped with its partitions below
    op.execute(
        "CREATE TABLE search_index ("
        "variant_id integer PRIMARY KEY REFERENCES variant (id) ON DELETE CASCADE, "
        "article_id integer NOT NULL REFERENCES article (id) ON DELETE CASCADE, "
        "language varchar(16) NOT NULL, revision_id integer NOT NULL, document tsvector NOT NULL)"
    )
    # Rows of variants deleted since the upgrade would break the foreign keys: they are stale anyway.
    op.execute(f"INSERT INTO search_index ({_COLUMNS}) SELECT {', '.join('s.' + c for c in _COLUMNS.split(', '))} "
               "FROM search_index_0017 s JOIN variant v ON v.id = s.variant_id JOIN article a ON a.id = s.article_id")
    op.execute("DROP TABLE search_index_0017")
    op.execute("CREATE INDEX ix_search_index_document ON search_index USING gin (document)")
