"""The side-by-side editor's view is the queue's view of the same translation: same source, same diff."""

from __future__ import annotations

from library.bootstrap import language_registry
from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from library.settings import load_settings
from library.storage import session_scope
from library.workflow.editor import editor_view
from library.workflow.models import Role
from library.workflow.permissions import Principal
from library.workflow.queue import queue
from tests.factories import make_article, translate

REGISTRY = language_registry(load_settings({}))
KK_TRANSLATOR = Principal(7, "aigerim", Role.TRANSLATOR, ("kk",))


def test_an_outdated_translation_shows_the_queues_source_and_diff(engine):
    with session_scope(engine) as session:
        article = make_article(session, slug="water", body="<p>В селе 350 семей.</p>")
        translate(session, article, "kk", "Таза су")
        service.save_variant(session, article, "ru", VariantText("Чистая вода", "", "<p>В селе 400 семей.</p>"),
                             status=Status.PUBLISHED, by="editor")
    with session_scope(engine, write=False) as session:
        view = editor_view(session, REGISTRY, KK_TRANSLATOR, "water", "kk")
        (item,) = [item for item in queue(session, REGISTRY, KK_TRANSLATOR, "kk").items if item.article == "water"]
    assert view.diff == item.diff and view.diff is not None
    assert (view.diff.language, view.diff.from_revision, view.diff.to_revision) == ("ru", 1, 2)
    assert [diff.field for diff in view.diffs] == ["title", "body"]
    assert "--- ru@1 body" in view.diffs[1].unified and "+<p>В селе 400 семей.</p>" in view.diffs[1].unified
    assert (view.source, view.current.title, view.status) == (item.source, "Таза су", "published")


def test_a_published_translation_is_translated_from_its_source_not_from_itself(engine):
    with session_scope(engine) as session:
        article = make_article(session, slug="air")
        translate(session, article, "kk", "Таза ауа")
    with session_scope(engine, write=False) as session:
        view = editor_view(session, REGISTRY, KK_TRANSLATOR, "air", "kk")
    assert (view.source_language, view.current.title, view.diff) == ("ru", "Таза ауа", None)
