"""The search index's tables as the migrations leave them: `library.search.rebuild` makes them anew
from these statements, and a test checks that what it makes is what the migrations made.

On SQLite the index is an FTS5 table. On PostgreSQL it is a table partitioned by language, one
partition per library language and a default one for any other, each with its own GIN index: a
search asks in one language, so it reads one partition's index, and a rebuild builds the partitions'
indexes at once, one per core (PostgreSQL 15 builds a GIN index on one core; issue 17: 1,000,000
texts in 90 s). It has no foreign keys: the content events keep it in line with every write, as they
do the FTS5 table, and a rebuild can then drop the old table without locking ``variant`` and
``article`` (dropping a foreign key locks the table it points to against every read).
"""

from __future__ import annotations

SQLITE_TABLE = ("CREATE VIRTUAL TABLE search_index USING fts5(title, body, language UNINDEXED, "
                "article_id UNINDEXED, revision_id UNINDEXED, tokenize = 'ascii', detail = column)")
"""The SQLite index as migration 0016 leaves it: keys split by FTS5's ``ascii`` tokenizer (0014), and
no positions kept (0016)."""

TABLE = "search_index"
PARTITIONS = ("en", "ru", "kk")
"""Languages with a partition of their own (migration 0017); any other goes to the default one."""
DEFAULT_PARTITION = "other"


def partitions(table: str = TABLE) -> list[str]:
    """The names of ``table``'s partitions, the default one last."""
    return [f"{table}_{name}" for name in (*PARTITIONS, DEFAULT_PARTITION)]


def postgres_tables(table: str = TABLE) -> list[str]:
    """Statements making the PostgreSQL index ``table`` and its partitions, without indexes."""
    bounds = [f"FOR VALUES IN ('{code}')" for code in PARTITIONS] + ["DEFAULT"]
    return [
        f"CREATE TABLE {table} (variant_id integer NOT NULL, article_id integer NOT NULL, "
        "language varchar(16) NOT NULL, revision_id integer NOT NULL, document tsvector NOT NULL) "
        "PARTITION BY LIST (language)",
        *(f"CREATE TABLE {name} PARTITION OF {table} {bound}"
          for name, bound in zip(partitions(table), bounds, strict=True)),
    ]


def postgres_indexes(relation: str) -> list[str]:
    """Statements making the indexes of one partition, or of the partitioned table once its partitions
    have theirs (PostgreSQL then attaches those instead of building new ones): a variant's row, found
    by its id (unique, with the language a partition key must be in), and the GIN index of the keys."""
    return [
        f"CREATE UNIQUE INDEX ix_{relation}_variant ON {relation} (variant_id, language)",
        f"CREATE INDEX ix_{relation}_document ON {relation} USING gin (document)",
    ]


def postgres_renames(old: str, new: str) -> list[str]:
    """Statements renaming the index table ``old`` (its partitions and indexes too) to ``new``."""
    statements = []
    for before, after in zip([old, *partitions(old)], [new, *partitions(new)], strict=True):
        statements += [f"ALTER TABLE {before} RENAME TO {after}",
                       f"ALTER INDEX ix_{before}_variant RENAME TO ix_{after}_variant",
                       f"ALTER INDEX ix_{before}_document RENAME TO ix_{after}_document"]
    return statements
