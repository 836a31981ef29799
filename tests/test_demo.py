"""The demo library has the shape the issue promises: realistic gaps, outdated texts, drafts."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from library.content.models import Article, Section, Variant
from library.storage import session_scope
from tests.content.reference import outdated_variants

KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")


def test_demo_library_has_realistic_gaps(demo):
    with session_scope(demo, write=False) as session:
        articles = session.scalar(select(func.count()).select_from(Article))
        sections = session.scalar(select(func.count()).select_from(Section))
        years = {a.published_at.year for a in session.scalars(select(Article))}
        per_language = dict(session.execute(select(Variant.language, func.count()).group_by(Variant.language)).all())
        statuses = {s for (s,) in session.execute(select(Variant.status).distinct())}
        outdated = outdated_variants(session)
    assert articles >= 40 and sections >= 8 and len(years) >= 2
    assert per_language["ru"] == articles > per_language["kk"] > per_language["en"]
    assert {"draft", "in_review", "published"} <= statuses
    assert {o.language for o in outdated} >= {"kk", "en"}


def test_kazakh_texts_are_written_with_kazakh_letters(demo):
    with session_scope(demo, write=False) as session:
        for variant in session.scalars(select(Variant).where(Variant.language == "kk")):
            assert KAZAKH_LETTERS.search(variant.body), variant.title


def test_the_stored_outdated_flag_agrees_with_the_revisions(demo):
    with session_scope(demo, write=False) as session:
        flagged = {(v.article_id, v.language) for v in session.scalars(select(Variant).where(Variant.outdated))}
        ids = dict(session.execute(select(Article.slug, Article.id)).all())
        related = {(ids[o.article], o.language) for o in outdated_variants(session)}
    assert flagged == related and flagged


def _counts_per_language(engine) -> dict[tuple[str, str], int]:
    with session_scope(engine, write=False) as session:
        rows = session.execute(select(Variant.language, Variant.status, func.count())
                               .group_by(Variant.language, Variant.status)).all()
    return {(language, status): n for language, status, n in rows}


def test_the_demo_gives_the_same_counts_on_sqlite_and_postgresql(demo, db_kind, tmp_path, request):
    from library.demo.loader import load_demo
    from library.storage import create_engine_for, upgrade

    other_url = (f"sqlite:///{tmp_path / 'other.db'}" if db_kind == "postgres"
                 else request.getfixturevalue("postgres").create())
    other = create_engine_for(other_url)
    try:
        upgrade(other)
        with session_scope(other) as session:
            load_demo(session)
        assert _counts_per_language(other) == _counts_per_language(demo)
    finally:
        other.dispose()
