"""The index follows every write: published text only, through the content events, on both engines."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from library.content import service
from library.content.models import Article, Status
from library.content.service import VariantText
from library.languages.registry import LanguageRegistry
from library.search.index import sync
from library.search.rebuild import rebuild
from library.search.service import SearchQuery, search
from library.storage import read_only, session_scope
from tests.factories import make_article

REGISTRY = LanguageRegistry(("en", "ru", "kk"), "kk", {"kk": ("ru", "en"), "ru": ("en", "kk"), "en": ("ru", "kk")})


def _slugs(engine, q: str, lang: str = "kk") -> list[str]:
    outcome = read_only(engine, search, REGISTRY.get(lang), SearchQuery.parse(q))
    return [item.slug for item in outcome.page.items]


def _indexed(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM search_index")).scalar_one()


def test_a_publish_is_searchable_at_once_and_a_draft_never(engine):
    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Ауыл суы",
                     body="<p>Ауылдарға таза су жеткізілді.</p>")
        make_article(session, slug="secret", source_language="kk", title="Жоба",
                     body="<p>Құпия кітапхана жобасы.</p>", status=Status.DRAFT)
    assert _slugs(engine, "ауыл") == ["water"]
    assert _slugs(engine, "кітапхана") == []
    assert _indexed(engine) == 1


def test_a_new_draft_over_a_published_text_keeps_the_published_one_searchable(engine):
    with session_scope(engine) as session:
        article = make_article(session, slug="water", source_language="kk", title="Су",
                               body="<p>Таза су.</p>")
        service.save_variant(session, article, "kk", VariantText("Су", "", "<p>Жаңа кітапхана.</p>"),
                             status=Status.DRAFT, by="editor")
    assert _slugs(engine, "су") == ["water"]
    assert _slugs(engine, "кітапхана") == []
    with session_scope(engine) as session:
        article = session.exec(select(Article).where(Article.slug == "water")).one()
        service.save_variant(session, article, "kk", VariantText("Су", "", "<p>Жаңа кітапхана.</p>"),
                             status=Status.PUBLISHED, by="editor")
    assert _slugs(engine, "кітапхана") == ["water"]
    assert _slugs(engine, "таза") == []


def test_sync_and_rebuild_repair_a_stale_index(engine):
    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
        make_article(session, slug="books", source_language="ru", title="Книги", body="<p>Библиотека.</p>")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM search_index"))
    assert _slugs(engine, "су") == []
    with engine.begin() as conn:
        assert sync(conn) == 2
        assert sync(conn) == 0  # nothing stale: nothing written
    assert _slugs(engine, "су") == ["water"]
    assert rebuild(engine) == 2
    assert _slugs(engine, "библиотеки", "ru") == ["books"]


def _index_rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            statement = "SELECT rowid, article_id, language, revision_id, title, body FROM search_index"
        else:
            statement = "SELECT variant_id, article_id, language, revision_id, document::text FROM search_index"
        return sorted(tuple(row) for row in conn.execute(text(statement)))


TEXTS = {
    "kk": ("Кітапханалар «{n}», Қазақстан", "<p>Ауылдарға таза су — {n}&nbsp;жеткізілді. Кітаптар, мектептер!</p>"),
    "ru": ("Библиотеки «{n}», Казахстан", "<p>В сёла доставлена чистая вода — {n}&nbsp;раз. Книги, школы!</p>"),
    "en": ("Libraries “{n}”, Kazakhstan", "<p>Clean water reached the villages — {n}&nbsp;times. Books, schools!</p>"),
}


def test_a_rebuild_in_worker_processes_writes_the_same_index_as_one_here(engine, monkeypatch):
    import library.search.rebuild as rebuilding

    with session_scope(engine) as session:
        for n in range(12):
            language = ("kk", "ru", "en")[n % 3]
            title, body = TEXTS[language]
            make_article(session, slug=f"a{n}", source_language=language, title=title.format(n=n),
                         body=body.format(n=n))
    before = _index_rows(engine)
    assert len(before) == 12
    monkeypatch.setattr(rebuilding, "REBUILD_BATCH", 5)  # several batches, several in flight at once
    assert rebuild(engine, workers=2) == 12
    assert _index_rows(engine) == before
    assert _slugs(engine, "кітапхананың") == [f"a{n}" for n in (9, 6, 3, 0)]
    assert rebuild(engine, workers=0) == 12
    assert _index_rows(engine) == before


def _publish_books(engine) -> None:
    with session_scope(engine) as session:
        article = session.exec(select(Article).where(Article.slug == "water")).one()
        service.save_variant(session, article, "kk", VariantText("Су", "", "<p>Жаңа кітапхана.</p>"),
                             status=Status.PUBLISHED, by="editor")


def _in_thread(work):
    """A thread that runs ``work()`` once started, and the errors it met (a thread's own exception
    would be lost)."""
    import threading

    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:
            failures.append(error)

    return threading.Thread(target=run), failures


def _publisher(engine):
    """A thread that publishes a new text of "water" once started, and the errors it met."""
    return _in_thread(lambda: _publish_books(engine))


def test_searches_and_publishes_go_on_while_a_postgresql_rebuild_runs(engine, db_kind):
    """The rebuild fills a table beside the index: the old index answers searches, a publish neither
    waits for the rebuild nor is lost from what replaces the index."""
    if db_kind != "postgres":
        return  # SQLite has one writer at a time: a publish waits for the rebuild's COMMIT
    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
    publisher, failures = _publisher(engine)
    seen: list[list[str]] = []

    def during(n: int) -> None:
        seen.append(_slugs(engine, "таза"))
        publisher.start()
        publisher.join(10)
        assert not publisher.is_alive()  # it did not wait for the rebuild

    rebuild(engine, during, workers=0)
    assert failures == [] and seen == [["water"]]
    assert _slugs(engine, "кітапхана") == ["water"]
    assert _slugs(engine, "таза") == []


def test_a_publish_and_a_search_at_the_swap_wait_for_it_and_use_the_new_index(engine, db_kind, monkeypatch):
    """Under the swap's lock, a publish writing the index and a search wait; then PostgreSQL looks the
    table's name up again, so they use the new table: the publish is not lost with the old one."""
    if db_kind != "postgres":
        return  # SQLite rebuilds in one transaction
    import time

    import library.search.rebuild as rebuilding

    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
        make_article(session, slug="land", source_language="kk", title="Жер", body="<p>Таза жер.</p>")
    publisher, failures = _publisher(engine)
    found: list[list[str]] = []
    searcher, search_failures = _in_thread(lambda: found.append(_slugs(engine, "жер")))
    renames = rebuilding.postgres_renames

    def at_the_swap(old: str, new: str) -> list[str]:
        publisher.start()
        searcher.start()
        time.sleep(0.5)
        assert publisher.is_alive() and searcher.is_alive()  # waiting for the lock
        return renames(old, new)

    monkeypatch.setattr(rebuilding, "postgres_renames", at_the_swap)
    assert rebuild(engine, workers=0) == 2
    publisher.join(10)
    searcher.join(10)
    assert failures == [] and search_failures == [] and found == [["land"]]
    assert _slugs(engine, "кітапхана") == ["water"]
    assert sorted(_slugs(engine, "таза")) == ["land"]


def test_one_postgresql_rebuild_at_a_time_and_a_failed_one_leaves_the_index_as_it_was(engine, db_kind, settings,
                                                                                    monkeypatch):
    if db_kind != "postgres":
        return  # SQLite queues writers
    from click.testing import CliRunner

    import library.search.rebuild as rebuilding
    from library.cli import main

    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
    before = _index_rows(engine)
    with engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:key)"), {"key": rebuilding.LOCK_KEY})
        result = CliRunner().invoke(main, ["search", "reindex"],
                                    env={"LIBRARY_DATABASE_URL": settings.database_url})
        other.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": rebuilding.LOCK_KEY})
        other.commit()
    assert result.exit_code != 0
    assert "Another search reindex is running" in result.output and "Traceback" not in result.output
    assert "indexing published texts" not in result.output  # no progress bar for a refused reindex

    def broken(engine, partition):
        raise RuntimeError("disk full")

    with engine.begin() as conn:  # what a killed rebuild leaves
        conn.execute(text(f"CREATE TABLE {rebuilding.BUILD} (junk integer)"))
    monkeypatch.setattr(rebuilding, "_index_partition", broken)
    try:
        rebuild(engine)
    except RuntimeError as error:
        assert str(error) == "disk full"
    else:
        raise AssertionError("the rebuild did not fail")
    assert _index_rows(engine) == before and _slugs(engine, "таза") == ["water"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass(:t)"), {"t": rebuilding.BUILD}).scalar() is None
    monkeypatch.undo()
    assert rebuild(engine) == 1  # the lock was let go
    assert _index_rows(engine) == before


def test_a_swap_kept_waiting_by_a_long_write_lets_searches_through_and_gives_up(engine, db_kind, monkeypatch):
    """The swap's lock request would hold up every search queued behind it: it waits `SWAP_WAIT` at
    a time, `SWAP_ATTEMPTS` times, then gives up, with the index as it was."""
    if db_kind != "postgres":
        return  # SQLite rebuilds in one transaction
    import time

    import library.search.rebuild as rebuilding
    from library.errors import Conflict

    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
    before = _index_rows(engine)
    monkeypatch.setattr(rebuilding, "SWAP_WAIT", "200ms")
    monkeypatch.setattr(rebuilding, "SWAP_ATTEMPTS", 3)
    waits: list[float] = []
    searcher, failures = _in_thread(lambda: waits.append(_timed_search(engine)))
    with engine.connect() as writer:  # a long write holding the index
        writer.execute(text("LOCK TABLE search_index IN ROW EXCLUSIVE MODE"))
        searcher.start()
        started = time.perf_counter()
        try:
            rebuild(engine, workers=0)
        except Conflict as error:
            assert "stayed busy" in str(error)
        else:
            raise AssertionError("the swap did not give up")
        assert 0.5 < time.perf_counter() - started < 10
        writer.rollback()
    searcher.join(10)
    assert failures == [] and waits and waits[0] < 0.5  # never held up for long
    assert _index_rows(engine) == before
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass(:t)"), {"t": rebuilding.BUILD}).scalar() is None
    assert rebuild(engine, workers=0) == 1


def _timed_search(engine) -> float:
    """Seconds one search takes, repeated while a rebuild waits: the longest wait."""
    import time

    longest = 0.0
    for _ in range(20):
        started = time.perf_counter()
        assert _slugs(engine, "таза") == ["water"]
        longest = max(longest, time.perf_counter() - started)
        time.sleep(0.05)
    return longest


def _schema(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            "columns": conn.execute(text(
                "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable "
                "FROM information_schema.columns WHERE table_name LIKE 'search_index%' "
                "ORDER BY table_name, ordinal_position")).all(),
            "partitions": conn.execute(text(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'search_index'::regclass "
                "ORDER BY c.relname")).all(),
            "constraints": conn.execute(text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid::regclass::text LIKE 'search_index%' ORDER BY 1, 2")).all(),
            "indexes": conn.execute(text(
                "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'search_index%' "
                "ORDER BY tablename, indexname")).all(),
            "attached": conn.execute(text(
                "SELECT i.inhrelid::regclass::text, i.inhparent::regclass::text FROM pg_inherits i "
                "WHERE i.inhparent::regclass::text LIKE 'ix_search_index%' ORDER BY 1")).all(),
        }


def test_a_rebuilt_postgresql_index_is_the_table_the_migrations_made(engine, db_kind):
    if db_kind != "postgres":
        return  # SQLite's is remade from the same statement as migration 0016's (`SQLITE_TABLE`)
    from library.backup.load import clear_library

    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
    before = _schema(engine)
    assert [name for name, _ in before["partitions"]] == [
        "search_index_en", "search_index_kk", "search_index_other", "search_index_ru"]
    assert before["constraints"] == [] and len(before["indexes"]) == 10 and len(before["attached"]) == 8
    rebuild(engine)
    assert _schema(engine) == before
    with session_scope(engine) as session:  # no foreign keys: the content events follow a deletion
        clear_library(session)
    assert _indexed(engine) == 0


def test_library_search_reindex_rebuilds_what_the_writes_made(demo, settings):
    from click.testing import CliRunner

    from library.cli import main

    before = _index_rows(demo)
    assert len(before) > 20
    result = CliRunner().invoke(main, ["search", "reindex"], env={"LIBRARY_DATABASE_URL": settings.database_url})
    assert result.exit_code == 0, result.output
    assert f"indexed {len(before)} published texts" in result.output
    assert _index_rows(demo) == before
