"""Resolving an article for a reader: the fallback chain, published text only, outdated, links."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from library.bootstrap import language_registry
from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from library.reading import ArticleUnavailable, read_article
from library.settings import load_settings
from tests.factories import make_article, translate

REGISTRY = language_registry(load_settings({}))


def _read(session, slug: str, language: str):
    return read_article(session, slug, REGISTRY.get(language), REGISTRY.codes).view


@pytest.mark.parametrize(
    ("published", "requested", "served"),
    [
        ({"ru": Status.PUBLISHED}, "kk", "ru"),
        ({"ru": Status.PUBLISHED}, "en", "ru"),
        ({"ru": Status.PUBLISHED, "kk": Status.PUBLISHED}, "kk", "kk"),
        ({"ru": Status.PUBLISHED, "kk": Status.DRAFT}, "kk", "ru"),
        ({"ru": Status.PUBLISHED, "kk": Status.IN_REVIEW}, "kk", "ru"),
        ({"ru": Status.PUBLISHED, "en": Status.PUBLISHED}, "kk", "ru"),  # kk -> ru -> en
        ({"ru": Status.PUBLISHED, "en": Status.PUBLISHED}, "ru", "ru"),
        ({"ru": Status.DRAFT, "en": Status.PUBLISHED}, "kk", "en"),
        ({"ru": Status.DRAFT, "kk": Status.PUBLISHED}, "en", "kk"),  # en -> ru -> kk
    ],
)
def test_the_first_published_language_of_the_chain_is_served(session, published, requested, served):
    article = make_article(session, status=published["ru"])
    for language, status in published.items():
        if language != "ru":
            translate(session, article, language, f"Title {language}", status=status)
    view = _read(session, article.slug, requested)
    assert (view.language, view.requested_language, view.fallback) == (served, requested, served != requested)
    assert view.available_languages == [c for c in REGISTRY.codes if published.get(c) == Status.PUBLISHED]


def test_a_draft_saved_over_published_text_is_not_served(session):
    article = make_article(session)
    at = datetime(2024, 6, 1, 12, tzinfo=UTC)
    translate(session, article, "kk", "Жарияланған атау", at=at)
    translate(session, article, "kk", "Жоба атауы", status=Status.DRAFT, at=datetime(2024, 6, 2, tzinfo=UTC))
    view = _read(session, article.slug, "kk")
    assert (view.language, view.title, view.body) == ("kk", "Жарияланған атау", "<p>Body.</p>")
    assert view.saved_at == at  # when the served revision was saved, not the draft


def test_an_outdated_translation_is_served_and_flagged_and_a_minor_source_edit_does_not_outdate(session):
    article = make_article(session)
    translate(session, article, "kk", "Аударма")
    assert _read(session, article.slug, "kk").outdated is False
    service.save_variant(session, article, "ru", VariantText("Опечатка исправлена"), status=Status.PUBLISHED,
                         minor=True)
    assert _read(session, article.slug, "kk").outdated is False
    service.save_variant(session, article, "ru", VariantText("Новый текст"), status=Status.PUBLISHED)
    view = _read(session, article.slug, "kk")
    assert (view.language, view.outdated, view.fallback) == ("kk", True, False)
    assert _read(session, article.slug, "ru").outdated is False


def test_see_also_links_resolve_each_in_their_own_language_and_unreadable_ones_are_left_out(session):
    article = make_article(session)
    kazakh = make_article(session, source_language="kk", title="Қазақша мақала")
    russian = make_article(session, title="Только по-русски")
    hidden = make_article(session, status=Status.DRAFT)
    service.set_see_also(session, article, [russian.slug, hidden.slug, kazakh.slug])
    links = _read(session, article.slug, "kk").see_also
    assert [(link.slug, link.language, link.fallback, link.title) for link in links] == [
        (russian.slug, "ru", True, "Только по-русски"),
        (kazakh.slug, "kk", False, "Қазақша мақала"),
    ]


def test_an_unknown_slug_and_an_unpublished_article_are_unavailable(session):
    draft = make_article(session, status=Status.DRAFT)
    with pytest.raises(ArticleUnavailable) as unknown:
        _read(session, "no-such-article", "kk")
    with pytest.raises(ArticleUnavailable) as unpublished:
        _read(session, draft.slug, "kk")
    assert unknown.value.article_id is None
    assert unpublished.value.article_id == draft.id
