"""The index follows every write: published text only, through the content events, on both engines."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from library.content import service
from library.content.models import Article, Status
from library.content.service import VariantText
from library.languages.registry import LanguageRegistry
from library.search.index import rebuild, sync
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
    with engine.begin() as conn:
        assert rebuild(conn) == 2
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
    import library.search.index as index

    with session_scope(engine) as session:
        for n in range(12):
            language = ("kk", "ru", "en")[n % 3]
            title, body = TEXTS[language]
            make_article(session, slug=f"a{n}", source_language=language, title=title.format(n=n),
                         body=body.format(n=n))
    before = _index_rows(engine)
    assert len(before) == 12
    monkeypatch.setattr(index, "REBUILD_BATCH", 5)  # several batches, several in flight at once
    with session_scope(engine) as session:
        assert rebuild(session, workers=2) == 12
    assert _index_rows(engine) == before
    assert _slugs(engine, "кітапхананың") == [f"a{n}" for n in (9, 6, 3, 0)]
    with session_scope(engine) as session:
        assert rebuild(session, workers=0) == 12
    assert _index_rows(engine) == before


def _publish_books(engine) -> None:
    with session_scope(engine) as session:
        article = session.exec(select(Article).where(Article.slug == "water")).one()
        service.save_variant(session, article, "kk", VariantText("Су", "", "<p>Жаңа кітапхана.</p>"),
                             status=Status.PUBLISHED, by="editor")


def _publisher(engine):
    """A thread that publishes a new text of "water" once started, and the errors it met (a thread's
    own exception would be lost)."""
    import threading

    failures: list[BaseException] = []

    def publish() -> None:
        try:
            _publish_books(engine)
        except BaseException as error:
            failures.append(error)

    return threading.Thread(target=publish), failures


def test_what_is_published_while_a_rebuild_runs_is_in_the_rebuilt_index(engine, db_kind):
    """The publish waits for the rebuild's COMMIT (it writes the index the rebuild holds) and then
    writes its row: it is neither lost nor written into what the rebuild then replaces."""
    if db_kind != "postgres":
        return  # SQLite has one writer at a time: a publish waits for the rebuild's COMMIT

    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
    publisher, failures = _publisher(engine)
    with engine.begin() as conn:
        rebuild(conn, lambda n: publisher.start(), workers=0)
        publisher.join(1)
        assert publisher.is_alive()  # waiting for the rebuild
    publisher.join(10)
    assert not publisher.is_alive() and failures == []
    assert _slugs(engine, "кітапхана") == ["water"]
    assert _slugs(engine, "таза") == []


def _schema(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            "columns": conn.execute(text(
                "SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns "
                "WHERE table_name = 'search_index' ORDER BY ordinal_position")).all(),
            "constraints": conn.execute(text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'search_index'::regclass ORDER BY conname")).all(),
            "indexes": conn.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_index' "
                "ORDER BY indexname")).all(),
        }


def test_a_rebuilt_postgresql_index_is_the_table_the_migrations_made(engine, db_kind):
    if db_kind != "postgres":
        return  # SQLite's is remade from the same statement as migration 0016's (`SQLITE_TABLE`)
    with session_scope(engine) as session:
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
    before = _schema(engine)
    assert len(before["constraints"]) == 3 and len(before["indexes"]) == 2
    with engine.begin() as conn:
        rebuild(conn)
    assert _schema(engine) == before
    with session_scope(engine) as session:  # the foreign keys still cascade
        session.delete(session.exec(select(Article).where(Article.slug == "water")).one())
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


def test_a_save_during_a_rebuild_never_deadlocks_with_it(engine, db_kind, monkeypatch):
    """A save locks its variant's row, and writes the index last; the rebuild holds the index and,
    copying a later batch, checks that row's foreign key (FOR KEY SHARE). A save's lock must not
    block that check (FOR NO KEY UPDATE, not FOR UPDATE), or each waits for the other."""
    if db_kind != "postgres":
        return  # SQLite has one writer at a time: the save waits for the rebuild's COMMIT
    import time

    import library.search.index as index

    with session_scope(engine) as session:
        make_article(session, slug="first", source_language="kk", title="Бір", body="<p>Бірінші.</p>")
        make_article(session, slug="water", source_language="kk", title="Су", body="<p>Таза су.</p>")
    publisher, failures = _publisher(engine)

    def after_the_first_batch(n: int) -> None:
        if publisher.ident is None:  # not started yet
            publisher.start()
            time.sleep(0.5)  # the save now holds its row and waits for the index

    monkeypatch.setattr(index, "REBUILD_BATCH", 1)  # "water" comes in a later batch than "first"
    with engine.begin() as conn:
        assert rebuild(conn, after_the_first_batch, workers=0) == 2
    publisher.join(10)
    assert not publisher.is_alive() and failures == []
    assert _slugs(engine, "кітапхана") == ["water"]
