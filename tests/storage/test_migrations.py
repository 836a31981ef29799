"""The schema comes from the Alembic migrations, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import SQLModel

from library.storage import create_engine_for, current_revision, head_revision, upgrade
from library.storage.migrate import downgrade


def test_migrations_from_empty_to_head_create_the_model_schema(fresh_database_url):
    engine = create_engine_for(fresh_database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        inspector = inspect(engine)
        assert set(SQLModel.metadata.tables) <= set(inspector.get_table_names())
        for table in SQLModel.metadata.sorted_tables:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name
        variant_indexes = {i["name"] for i in inspector.get_indexes("variant")}
        assert {"ix_variant_language_status", "ix_variant_coverage"} <= variant_indexes
    finally:
        engine.dispose()


def test_migrations_downgrade_to_empty_and_upgrade_again(fresh_database_url):
    engine = create_engine_for(fresh_database_url)
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert not set(SQLModel.metadata.tables) & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    engine = create_engine_for(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_0009_fills_check_flags_from_the_current_revisions_findings(fresh_database_url):
    """Variants checked before 0009 get their flags from the findings of their current revision only."""
    from sqlalchemy import text

    engine = create_engine_for(fresh_database_url)
    try:
        upgrade(engine, "0008")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO section (id, slug, position, names) VALUES (1, 's', 1, '{}')"))
            conn.execute(text(
                "INSERT INTO article (id, slug, section_id, published_at, source_language, views, source_words, "
                "tags, created_at) VALUES (1, 'a', 1, '2025-01-01 00:00:00+00:00', 'ru', 0, 10, '[]', "
                "'2025-01-01 00:00:00+00:00')"))
            for vid, language, revision in ((1, "ru", 1), (2, "kk", 3), (3, "en", 2), (4, "kk-x", 1)):
                conn.execute(text(
                    "INSERT INTO variant (id, article_id, section_id, language, title, summary, body, status, "
                    "revision, major_revision, outdated, words, source_words, coverage_state, behind, updated_at, "
                    "created_at) VALUES (:id, 1, 1, :language, 't', '', '', 'draft', :revision, :revision, "
                    ":false, 0, 10, 4, 0, '2025-01-01 00:00:00+00:00', '2025-01-01 00:00:00+00:00')"),
                    {"id": vid, "language": language, "revision": revision, "false": False})
            # kk: an error on revision 2 (history) and a warning and an error on revision 3 (current);
            # en: only an older revision's error; ru and kk-x: nothing.
            for variant_id, revision, severity in ((2, 2, "error"), (2, 3, "warning"), (2, 3, "error"),
                                                   (3, 1, "error")):
                conn.execute(text(
                    "INSERT INTO quality_finding (variant_id, revision, code, severity, message, details, "
                    "created_at) VALUES (:v, :r, 'length-ratio', :s, 'm', '{}', '2025-01-01 00:00:00+00:00')"),
                    {"v": variant_id, "r": revision, "s": severity})
        upgrade(engine)
        with engine.connect() as conn:
            flags = dict(conn.execute(text("SELECT id, check_flags FROM variant")).all())
        assert flags == {1: 0, 2: 3, 3: 0, 4: 0}
    finally:
        engine.dispose()


def test_0010_keeps_accounts_and_tokens_and_downgrades_to_0009(fresh_database_url):
    """Accounts and tokens made before 0010 survive it (never used, as far as it knows), and back."""
    from sqlalchemy import text

    engine = create_engine_for(fresh_database_url)
    try:
        upgrade(engine, "0009")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO account (id, username, role, languages, password_hash, active, created_at) "
                              "VALUES (1, 'olga', 'editor', '[]', 'x', :true, '2025-01-01 00:00:00+00:00')"),
                         {"true": True})
            conn.execute(text("INSERT INTO api_token (id, user_id, digest, name, created_at) "
                              "VALUES (1, 1, 'd', '', '2025-01-01 00:00:00+00:00')"))
        upgrade(engine, "0010")
        inspector = inspect(engine)
        assert {"ix_sign_in_failure_key_at", "ix_sign_in_failure_at"} <= {
            i["name"] for i in inspector.get_indexes("sign_in_failure")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT username, last_used_at FROM account")).all() == [("olga", None)]
            assert conn.execute(text("SELECT id, last_used_at FROM api_token")).all() == [(1, None)]
        downgrade(engine, "0009")
        inspector = inspect(engine)
        assert "sign_in_failure" not in inspector.get_table_names()
        assert "last_used_at" not in {c["name"] for c in inspector.get_columns("api_token")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT digest FROM api_token")).all() == [("d",)]
    finally:
        engine.dispose()


def test_0011_fills_the_coverage_counters_from_the_library_and_downgrades_to_0010(fresh_database_url):
    """A library made before 0011 gets counters equal to a recount, and each row is marked as counted."""
    from sqlalchemy import text

    from library.coverage.counters import counted_tally
    from library.coverage.verify import verify_counters
    from library.storage import session_scope

    engine = create_engine_for(fresh_database_url)
    try:
        upgrade(engine, "0010")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO section (id, slug, position, names) VALUES (1, 's', 1, '{}'), "
                              "(2, 't', 2, '{}')"))
            for aid, section, words in ((1, 1, 10), (2, 1, 30), (3, 2, 5)):
                conn.execute(text(
                    "INSERT INTO article (id, slug, section_id, published_at, source_language, views, source_words, "
                    "tags, created_at) VALUES (:id, :slug, :s, '2025-01-01 00:00:00+00:00', 'ru', 0, :w, '[]', "
                    "'2025-01-01 00:00:00+00:00')"), {"id": aid, "slug": f"a{aid}", "s": section, "w": words})
            # (variant, article, language, status, published revision, outdated, check flags)
            for vid, aid, language, status, published, outdated, flags in (
                    (1, 1, "ru", "published", 1, False, 0), (2, 1, "kk", "draft", None, True, 2),
                    (3, 2, "ru", "published", 1, False, 0), (4, 2, "kk", "in_review", 1, False, 1),
                    (5, 2, "en", "draft", None, False, 3), (6, 3, "ru", "in_review", None, False, 0)):
                state = (0 if published else 2 if status == "in_review" else 4) + (1 if outdated else 0)
                conn.execute(text(
                    "INSERT INTO variant (id, article_id, section_id, language, title, summary, body, status, "
                    "revision, major_revision, published_revision, outdated, words, source_words, coverage_state, "
                    "behind, check_flags, updated_at, created_at) VALUES (:id, :a, (SELECT section_id FROM article "
                    "WHERE id = :a), :l, 't', '', '', :st, 1, 1, :p, :o, 0, (SELECT source_words FROM article WHERE "
                    "id = :a), :cs, :b, :f, '2025-01-01 00:00:00+00:00', '2025-01-01 00:00:00+00:00')"),
                    {"id": vid, "a": aid, "l": language, "st": status, "p": published, "o": outdated, "cs": state,
                     "b": 1 if outdated else 0, "f": flags})
            for aid, language, count in ((1, "en", 4), (1, "kk", 9), (3, "kk", 2)):  # kk of 1 exists (a draft)
                conn.execute(text("INSERT INTO demand (article_id, language, count, first_seen, last_seen) VALUES "
                                  "(:a, :l, :n, '2025-01-01 00:00:00+00:00', '2025-01-01 00:00:00+00:00')"),
                             {"a": aid, "l": language, "n": count})
        upgrade(engine)
        with session_scope(engine, write=False) as session:
            assert verify_counters(session, ("en", "ru", "kk")).drift == ()
            tally = counted_tally(session, None)
        assert tally.totals == {1: (2, 40), 2: (1, 5)}
        assert tally.demand == {("en", 1): 4, ("kk", 2): 2}
        assert tally.variants == {("ru", 1, 0, 0): (2, 40), ("kk", 1, 5, 2): (1, 10), ("kk", 1, 0, 1): (1, 30),
                                  ("en", 1, 4, 3): (1, 30), ("ru", 2, 2, 0): (1, 5)}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM variant WHERE counted_state IS NULL OR "
                                     "counted_state <> coverage_state")).scalar() == 0
            assert dict(conn.execute(text("SELECT language, counted FROM demand WHERE article_id = 1")).all()) == {
                "en": 4, "kk": 0}
        downgrade(engine, "0010")
        inspector = inspect(engine)
        assert not {"coverage_count", "coverage_section_total", "missing_demand"} & set(inspector.get_table_names())
        assert "counted_state" not in {c["name"] for c in inspector.get_columns("variant")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM variant")).scalar() == 6
    finally:
        engine.dispose()


def test_0012_indexes_what_is_already_published_and_downgrades_to_0011(fresh_database_url):
    """An upgraded library is searchable at once: the migration fills the index from the published
    revisions (drafts left out); its downgrade drops the index and the search-miss counts."""
    from sqlalchemy import text

    from library.bootstrap import language_registry
    from library.demo.loader import load_demo
    from library.search.service import SearchQuery, search
    from library.settings import load_settings
    from library.storage import read_only, session_scope

    engine = create_engine_for(fresh_database_url)  # no content events: 0011 has no index to keep
    try:
        upgrade(engine, "0011")
        with session_scope(engine) as session:
            load_demo(session)
        upgrade(engine, "0012")
        with engine.connect() as conn:
            indexed = conn.execute(text("SELECT count(*) FROM search_index")).scalar_one()
            published = conn.execute(text("SELECT count(*) FROM variant WHERE published_revision IS NOT NULL"))
            assert indexed == published.scalar_one() > 0
        kk = language_registry(load_settings({})).get("kk")
        found = read_only(engine, search, kk, SearchQuery.parse("кітапхана"))
        assert found.page.total >= 3
        downgrade(engine, "0011")
        assert not {"search_index", "search_miss"} & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_0017_partitions_the_postgresql_index_keeping_its_rows_and_downgrades_to_0016(fresh_database_url):
    """The rows move as they are into the partition of their language, and back on a downgrade; the
    same searches find the same articles at 0016, at 0017 and back at 0016. SQLite is unchanged."""
    from sqlalchemy import text

    from library.bootstrap import language_registry
    from library.demo.loader import load_demo
    from library.search.service import SearchQuery, search
    from library.settings import load_settings
    from library.storage import read_only, session_scope

    engine = create_engine_for(fresh_database_url)  # no content events: 0012 fills the index
    kk = language_registry(load_settings({})).get("kk")

    def state() -> tuple[list[tuple], list[str]]:
        with engine.connect() as conn:
            document = "document::text" if engine.dialect.name == "postgresql" else "title || body"
            rows = sorted(tuple(row) for row in conn.execute(text(
                f"SELECT article_id, language, revision_id, {document} FROM search_index")))
        found = read_only(engine, search, kk, SearchQuery.parse("кітапхана"))
        return rows, [item.slug for item in found.page.items]

    try:
        upgrade(engine, "0011")
        with session_scope(engine) as session:
            load_demo(session)
        upgrade(engine, "0016")
        before = state()
        assert len(before[0]) > 20 and len(before[1]) >= 3
        upgrade(engine, "0017")
        assert state() == before
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                placed = conn.execute(text(
                    "SELECT tableoid::regclass::text, language FROM search_index GROUP BY 1, 2 ORDER BY 1")).all()
                keys = conn.execute(text("SELECT count(*) FROM pg_constraint "
                                         "WHERE conrelid = 'search_index'::regclass AND contype = 'f'")).scalar()
            assert placed == [(f"search_index_{code}", code) for code in ("en", "kk", "ru")] and keys == 0
        downgrade(engine, "0016")
        assert state() == before
    finally:
        engine.dispose()
