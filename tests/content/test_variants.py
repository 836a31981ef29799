"""The content model's promises: one variant per language, every save kept, outdated tracked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from library.content import service
from library.content.errors import ArticleNotFound, DuplicateSlug, InvalidContent, StaleRevision
from library.content.models import Revision, Status, Variant
from library.content.service import VariantText
from library.storage import session_scope
from tests.content.reference import outdated_variants
from tests.factories import make_article, translate


def test_one_variant_per_article_and_language_is_enforced_by_the_database(session):
    article = make_article(session)
    session.add(Variant(article_id=article.id, section_id=article.section_id, language="ru", title="Второй"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_saving_again_updates_the_same_variant_and_keeps_every_revision(session):
    article = make_article(session, title="Первая версия")
    for title in ("Вторая версия", "Третья версия"):
        service.save_variant(session, article, "ru", VariantText(title), status=Status.PUBLISHED, by="ed")
    variants = session.scalars(select(Variant).where(Variant.article_id == article.id)).all()
    assert len(variants) == 1 and variants[0].revision == 3 and variants[0].title == "Третья версия"
    history = service.revisions(session, variants[0])
    assert [(r.number, r.title) for r in history] == [
        (1, "Первая версия"), (2, "Вторая версия"), (3, "Третья версия")]


def test_a_stale_expected_revision_is_refused_and_writes_nothing(engine):
    with session_scope(engine) as session:
        article = make_article(session)
        slug = article.slug
    with pytest.raises(StaleRevision) as caught, session_scope(engine) as session:
        article = service.get_article(session, slug)
        service.save_variant(session, article, "ru", VariantText("Чужая правка"), expected_revision=0)
    assert caught.value.actual == 1
    with session_scope(engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Revision)) == 1


def test_a_draft_never_replaces_the_published_revision(session):
    article = make_article(session, title="Опубликовано")
    variant = service.save_variant(session, article, "ru", VariantText("Черновик"), status=Status.DRAFT)
    assert (variant.revision, variant.published_revision, variant.status) == (2, 1, "draft")


def test_a_translation_records_the_source_revision_it_was_made_from(session):
    article = make_article(session)
    kk = translate(session, article, "kk", "Мақала")
    assert (kk.translated_from, kk.source_revision, kk.outdated) == ("ru", 1, False)


def test_a_major_source_edit_outdates_its_translations_and_a_minor_one_does_not(session):
    article = make_article(session)
    translate(session, article, "kk", "Мақала")
    translate(session, article, "en", "Article")
    service.save_variant(session, article, "ru", VariantText("Опечатка исправлена"), status=Status.PUBLISHED,
                         minor=True)
    assert outdated_variants(session) == []
    service.save_variant(session, article, "ru", VariantText("Новый текст"), status=Status.PUBLISHED)
    outdated = outdated_variants(session)
    assert [(o.language, o.source_revision, o.current_source_revision) for o in outdated] == [
        ("en", 1, 3), ("kk", 1, 3)]
    flags = dict(session.execute(select(Variant.language, Variant.outdated)).all())
    assert flags == {"ru": False, "kk": True, "en": True}


def test_retranslating_from_the_current_source_clears_outdated(session):
    article = make_article(session)
    translate(session, article, "kk", "Мақала")
    service.save_variant(session, article, "ru", VariantText("Новый текст"), status=Status.PUBLISHED)
    kk = translate(session, article, "kk", "Жаңа мақала")
    assert (kk.source_revision, kk.outdated) == (2, False)
    assert outdated_variants(session, "kk") == []


@pytest.mark.parametrize("slug", ["Bad Slug", "-x", "x--y", "кириллица", ""])
def test_bad_slugs_are_refused(session, slug):
    with pytest.raises(InvalidContent):
        service.create_section(session, slug, {"en": "x"})


def test_duplicate_slugs_and_unknown_links_are_refused(session):
    article = make_article(session, slug="one")
    with pytest.raises(DuplicateSlug):
        make_article(session, slug="one")
    with pytest.raises(ArticleNotFound):
        service.set_see_also(session, article, ["missing"])
    with pytest.raises(InvalidContent):
        service.set_see_also(session, article, ["one"])


def test_an_empty_title_is_refused(session):
    with pytest.raises(InvalidContent):
        make_article(session, title="   ")


def test_the_source_word_count_follows_the_source_text(session):
    article = make_article(session, body="<p>Один два три.</p><p>Четыре</p>", title="Заголовок")
    assert article.source_words == 5


def test_scripts_and_event_handlers_never_reach_the_stored_body(session):
    article = make_article(session, body='<p onclick="steal()">Текст<script>alert(1)</script></p>'
                                          '<a href="javascript:alert(2)">ссылка</a>')
    variant = session.scalar(select(Variant).where(Variant.article_id == article.id))
    assert "script" not in variant.body and "onclick" not in variant.body and "javascript:" not in variant.body
    assert "Текст" in variant.body and "ссылка" in variant.body
    assert service.revisions(session, variant)[0].body == variant.body
