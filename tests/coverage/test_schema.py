"""The schema coverage relies on: each variant's copy of the source word count stays true, the
migration fills it for existing rows, and content changes are announced once at commit."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from library.backup import export_library, import_library, parse_library
from library.content import service
from library.content.events import ContentEvents, attach
from library.content.models import Article, Status, Variant
from library.content.service import VariantText
from library.storage import create_engine_for, session_scope, upgrade
from tests.factories import make_article, make_section, translate


def _source_words(session, article) -> dict[str, int]:
    rows = session.execute(select(Variant.language, Variant.source_words).where(Variant.article_id == article.id))
    return dict(rows.all())


def test_every_variant_carries_the_current_source_word_count(session):
    article = make_article(session, title="Один", body="<p>два три</p>")
    translate(session, article, "kk")
    assert _source_words(session, article) == {"ru": 3, "kk": 3}
    service.save_variant(session, article, "ru", VariantText("Один", "", "<p>два три четыре пять</p>"), minor=True)
    translate(session, article, "en")
    session.refresh(article)
    assert article.source_words == 5
    assert _source_words(session, article) == {"ru": 5, "kk": 5, "en": 5}


def test_saving_a_translation_leaves_the_source_word_count_alone(session):
    article = make_article(session, title="Один", body="<p>два</p>")
    service.save_variant(session, article, "kk", VariantText("Бір екі үш төрт бес алты"))
    assert _source_words(session, article) == {"ru": 2, "kk": 2}


def test_export_and_import_keep_the_copies(engine):
    with session_scope(engine) as session:
        article = make_article(session, body="<p>раз два три четыре</p>")
        translate(session, article, "kk")
    out = io.StringIO()
    with session_scope(engine, write=False) as session:
        export_library(session, out)
    with session_scope(engine) as session:
        import_library(session, parse_library(out.getvalue().splitlines()), replace=True)
    with session_scope(engine, write=False) as session:
        imported = session.scalar(select(Article).where(Article.slug == article.slug))
        assert imported.source_words == 6  # "Статья article-N" and four words of body
        assert _source_words(session, imported) == {"ru": 6, "kk": 6}


def test_the_migration_fills_the_new_columns_and_keeps_every_revision(fresh_database_url):
    """On SQLite the migration rebuilds the variant table; with foreign keys on, that would have
    deleted every revision through ON DELETE CASCADE."""
    engine = create_engine_for(fresh_database_url)
    try:
        upgrade(engine, "0004")  # the revision before coverage
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO section (id, slug, position, names) VALUES (1, 's', 0, '{}')"))
            conn.execute(text(
                "INSERT INTO article (id, slug, section_id, published_at, source_language, views, source_words, "
                "tags, created_at) VALUES (1, 'a', 1, '2024-01-01 00:00:00', 'ru', 0, 42, '[]', "
                "'2024-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO variant (id, article_id, section_id, language, title, summary, body, status, revision, "
                "major_revision, published_revision, outdated, words, updated_at, created_at) VALUES (1, 1, 1, "
                "'kk', 't', '', '', 'draft', 2, 2, 1, true, 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00')"))
            for number in (1, 2):
                conn.execute(text(
                    "INSERT INTO revision (variant_id, number, title, summary, body, status, minor, changed_at) "
                    f"VALUES (1, {number}, 't', '', '', 'draft', false, '2024-01-01 00:00:00')"))
        upgrade(engine)
        with engine.connect() as conn:
            # Published once, now a draft again, and outdated: state 0 (published) + 1 (outdated).
            assert conn.execute(text("SELECT source_words, coverage_state FROM variant")).one() == (42, 1)
            assert conn.execute(text("SELECT count(*) FROM revision")).scalar() == 2
            if engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_content_changes_are_announced_once_at_commit_and_never_after_a_rollback(engine):
    heard: list[frozenset[int]] = []

    def listener(session, changes):
        heard.append(changes.sections)

    # Only this test's engine carries the listener: nothing to unsubscribe afterwards.
    engine = attach(engine, ContentEvents(committing=(listener,)))
    with session_scope(engine) as session:
        first, second = make_section(session), make_section(session)
        make_article(session, section=first)
        make_article(session, section=second)
        make_article(session, section=first)
        ids = frozenset({first.id, second.id})
    assert heard == [ids]
    try:
        with session_scope(engine) as session:
            make_article(session, section=session.get(type(first), first.id))
            raise RuntimeError("abandon the unit of work")
    except RuntimeError:
        pass
    with session_scope(engine) as session:
        session.execute(select(Article.id)).all()  # a unit of work that changes nothing
    assert heard == [ids]


def test_commits_tell_which_articles_and_variants_changed_then_the_committed_reactions(engine):
    heard: list = []
    events = ContentEvents(committing=(lambda session, changes: heard.append(("committing", changes)),),
                           committed=(lambda changes: heard.append(("committed", changes)),
                                      lambda changes: 1 / 0,  # a failing reaction after the commit is logged
                                      lambda changes: heard.append(("after a failure", changes))))
    engine = attach(engine, events)
    with session_scope(engine) as session:
        section = make_section(session)
    assert [moment for moment, _ in heard] == ["committing", "committed", "after a failure"]
    assert heard[0][1].everything  # a new section changes every page's menu
    heard.clear()
    with session_scope(engine) as session:
        article = make_article(session, section=session.get(type(section), section.id))
        translate(session, article, "kk")
        article_id = article.id
    changes = heard[0][1]
    assert heard[1] == ("committed", changes)
    assert (changes.sections, changes.articles, changes.everything) == ({section.id}, {article_id}, False)
    assert changes.variants == {(article_id, "ru"), (article_id, "kk")}
    heard.clear()
    with session_scope(engine) as session:  # a new source revision makes the Kazakh translation outdated
        article = session.get(Article, article_id)
        service.save_variant(session, article, "ru", VariantText("Новый заголовок", "", "<p>новый текст</p>"))
    assert heard[0][1].variants == {(article_id, "ru"), (article_id, "kk")}
    heard.clear()
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        make_article(session, section=session.get(type(section), section.id))
        raise RuntimeError("abandon the unit of work")
    assert heard == []


def test_the_coverage_state_follows_every_save(session):
    article = make_article(session)
    kk = translate(session, article, "kk", status=Status.DRAFT)

    def state() -> int:
        session.flush()
        return session.scalar(select(Variant.coverage_state).where(Variant.id == kk.id))

    assert state() == 4
    translate(session, article, "kk", status=Status.IN_REVIEW)
    assert state() == 2
    service.save_variant(session, article, "ru", VariantText("Новый текст"), status=Status.PUBLISHED)
    assert state() == 3  # outdated by the new source revision
    translate(session, article, "kk", status=Status.PUBLISHED)
    assert state() == 0
    translate(session, article, "kk", status=Status.DRAFT)
    assert state() == 0  # still published: readers keep the published revision


def test_an_orm_change_keeps_the_coverage_state_and_a_core_update_cannot_forget_it(engine):
    with session_scope(engine) as session:
        article = make_article(session)
        kk = translate(session, article, "kk", status=Status.DRAFT)
        kk.status = Status.IN_REVIEW  # as a workflow might, without the content service
        session.flush()
        assert session.scalar(select(Variant.coverage_state).where(Variant.id == kk.id)) == 2
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.execute(update(Variant).where(Variant.id == kk.id).values(status=Status.DRAFT))


def test_behind_counts_the_source_revisions_since_the_translation(engine):
    text = VariantText("Исправлено", "", "<p>Новый текст.</p>")
    with session_scope(engine) as session:
        article = make_article(session)
        translate(session, article, "kk")
        translate(session, article, "en")

        def behind() -> dict[str, tuple[bool, int]]:
            session.flush()
            rows = session.execute(select(Variant.language, Variant.outdated, Variant.behind)
                                   .where(Variant.article_id == article.id))
            return {language: (outdated, n) for language, outdated, n in rows}

        assert behind() == {"ru": (False, 0), "kk": (False, 0), "en": (False, 0)}
        service.save_variant(session, article, "ru", text, status=Status.PUBLISHED)
        service.save_variant(session, article, "ru", text, status=Status.PUBLISHED, minor=True)
        service.save_variant(session, article, "ru", text, status=Status.PUBLISHED)
        assert behind() == {"ru": (False, 0), "kk": (True, 3), "en": (True, 3)}
        translate(session, article, "kk", source_revision=2)
        assert behind()["kk"] == (True, 2)
        translate(session, article, "kk")
        assert behind()["kk"] == (False, 0)
    out = io.StringIO()
    with session_scope(engine, write=False) as session:
        export_library(session, out)
    with session_scope(engine) as session:
        import_library(session, parse_library(out.getvalue().splitlines()), replace=True)
    with session_scope(engine, write=False) as session:
        assert session.execute(select(Variant.language, Variant.behind).where(Variant.language == "en")).one() == (
            "en", 3)
    with pytest.raises(IntegrityError, match="ck_variant_behind"), session_scope(engine) as session:
        session.execute(update(Variant).where(Variant.language == "kk")
                        .values(outdated=True, coverage_state=Variant.coverage_state + 1))
