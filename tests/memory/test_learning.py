"""The memory learns every published translation, segment by segment, in the publishing transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from library.memory.models import MemoryKey, MemoryKeyCount, MemoryUnit
from library.storage import session_scope
from tests.factories import make_article

RU_BODY = ("<p>Совет министров утвердил национальный план развития.</p>"
           "<p>Доклад опубликован на <a href=\"/ru/report\">сайте</a> ведомства.</p>")
KK_BODY = ("<p>Министрлер кеңесі ұлттық даму жоспарын бекітті.</p>"
           "<p>Баяндама ведомствоның <a href=\"/kk/report\">сайтында</a> жарияланды.</p>")


def _units(session) -> list[MemoryUnit]:
    return list(session.scalars(select(MemoryUnit).order_by(MemoryUnit.place)))


def _article(session, **kwargs):
    return make_article(session, title="Национальный план развития", body=RU_BODY, **kwargs)


def test_publishing_a_translation_teaches_one_unit_per_segment(engine):
    with session_scope(engine) as session:
        article = _article(session)
        service.save_variant(session, article, "kk", VariantText("Ұлттық даму жоспары", "", KK_BODY),
                             status=Status.IN_REVIEW, by="aigerim")
    with session_scope(engine) as session:
        assert _units(session) == []  # a text in review teaches nothing
        service.save_variant(session, article, "kk", VariantText("Ұлттық даму жоспары", "", KK_BODY),
                             status=Status.PUBLISHED, by="olga", minor=True)
    with session_scope(engine) as session:
        units = _units(session)
        assert [(u.place, u.source_language, u.target_language) for u in units] == [
            ("paragraph 1", "ru", "kk"), ("paragraph 2", "ru", "kk"), ("title", "ru", "kk")]
        assert units[1].source_text.startswith("Доклад опубликован на <a href=\"/ru/report\"")
        assert units[1].target_text.endswith("сайтында</a> жарияланды.")
        assert {u.changed_by for u in units} == {"aigerim"}  # who wrote it, not who published it
        assert {u.revision for u in units} == {2} and {u.article_id for u in units} == {article.id}
        keys = session.scalar(select(func.count()).select_from(MemoryKey))
        assert keys > 0
        assert session.scalar(select(func.sum(MemoryKeyCount.units))) == keys


def test_the_same_published_revision_is_learnt_once(engine):
    with session_scope(engine) as session:
        article = _article(session)
        service.save_variant(session, article, "kk", VariantText("Ұлттық даму жоспары", "", KK_BODY),
                             status=Status.PUBLISHED, by="aigerim")
    with session_scope(engine) as session:  # the source changes: the translation is outdated, not relearnt
        service.save_variant(session, article, "ru", VariantText("Национальный план", "", RU_BODY),
                             status=Status.PUBLISHED, by="olga")
    with session_scope(engine) as session:
        assert len(_units(session)) == 3


MERGED = ("<p>Министрлер кеңесі ұлттық даму жоспарын бекітті. Баяндама ведомствоның "
          "<a href=\"/kk/report\">сайтында</a> жарияланды.</p>")


def test_a_translation_with_other_paragraphs_teaches_only_its_title(engine):
    with session_scope(engine) as session:
        article = _article(session)
        service.save_variant(session, article, "kk", VariantText("Ұлттық даму жоспары", "", MERGED),
                             status=Status.PUBLISHED, by="aigerim")
    with session_scope(engine) as session:
        assert [u.place for u in _units(session)] == ["title"]


def test_a_rolled_back_publish_teaches_nothing(engine):
    try:
        with session_scope(engine) as session:
            article = _article(session)
            service.save_variant(session, article, "kk", VariantText("Ұлттық даму жоспары", "", KK_BODY),
                                 status=Status.PUBLISHED, by="aigerim")
            raise RuntimeError("the request failed after the save")
    except RuntimeError:
        pass
    with session_scope(engine) as session:
        assert _units(session) == []
        assert session.scalar(select(func.count()).select_from(MemoryKeyCount)) == 0


def test_a_source_text_teaches_nothing(engine):
    with session_scope(engine) as session:
        _article(session)
    with session_scope(engine) as session:
        assert _units(session) == []
