"""Migration 0013 fills the memory from the translations published before it."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from library.content import service
from library.content.events import NONE, attach
from library.content.models import Status
from library.content.service import VariantText
from library.memory.models import MemoryKey, MemoryKeyCount, MemoryUnit
from library.storage import create_engine_for, session_scope, upgrade
from library.storage.migrate import alembic_config, downgrade
from tests.factories import make_article


def test_0013_fills_the_memory_from_published_translations(fresh_database_url):
    engine = create_engine_for(fresh_database_url)
    try:
        upgrade(engine)
        before = ScriptDirectory.from_config(alembic_config(engine)).get_revision("0013").down_revision
        with session_scope(attach(engine, NONE)) as session:  # written before the memory existed
            article = make_article(session, title="Национальный план развития",
                                   body="<p>Совет министров утвердил план.</p>")
            service.save_variant(session, article, "kk", VariantText("Ұлттық даму жоспары", "",
                                                                     "<p>Министрлер кеңесі жоспарды бекітті.</p>"),
                                 status=Status.IN_REVIEW, by="aigerim")
            service.save_variant(session, article, "kk", VariantText("Ұлттық даму жоспары", "",
                                                                     "<p>Министрлер кеңесі жоспарды бекітті.</p>"),
                                 status=Status.PUBLISHED, by="olga", minor=True)
            draft = make_article(session, title="Черновик статьи", body="<p>Совет министров собрался.</p>")
            service.save_variant(session, draft, "kk", VariantText("Мақаланың жобасы", "", "<p>Кеңес жиналды.</p>"),
                                 by="aigerim")
        downgrade(engine, before)
        upgrade(engine)
        with session_scope(engine, write=False) as session:
            units = list(session.scalars(select(MemoryUnit).order_by(MemoryUnit.place)))
            assert [(u.place, u.source_text, u.target_text, u.changed_by, u.revision) for u in units] == [
                ("paragraph 1", "Совет министров утвердил план.", "Министрлер кеңесі жоспарды бекітті.", "aigerim", 2),
                ("title", "Национальный план развития", "Ұлттық даму жоспары", "aigerim", 2)]
            assert all(u.changed_at.tzinfo is not None for u in units)
            keys = session.scalar(select(func.count()).select_from(MemoryKey))
            assert keys and session.scalar(select(func.sum(MemoryKeyCount.units))) == keys
    finally:
        engine.dispose()
