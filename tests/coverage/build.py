"""A generated library whose coverage is known by construction, and the expected figures computed
from the plan alone (never from the database), for the coverage tests.

Each article gets a plan: a state per language. Every write goes through the content service, so the
test also exercises the way outdated flags and word counts are kept.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from library.content import service
from library.content.models import Status
from library.content.service import VariantText
from library.demand.models import Demand

LANGUAGES = ("en", "ru", "kk")
STATES = ("published", "published_outdated", "published_new_draft", "in_review", "draft", "draft_outdated", None)
"""What a non-source language can be in: published (possibly outdated, possibly with a newer draft),
in review, draft (possibly outdated), or missing (None)."""
AT = datetime(2025, 3, 1, 9, tzinfo=UTC)


@dataclass
class PlannedArticle:
    slug: str
    section: str
    source: str
    words: int
    """Words of the source text (a one-word title and the body)."""
    states: dict[str, str | None]
    """Per non-source language; the source language is always "published"."""
    source_saved: bool = True
    """False: the article was created and nothing was saved for it yet (missing everywhere)."""
    demand: dict[str, int] = field(default_factory=dict)


def plan_library(articles: int, seed: int = 1, sections: tuple[str, ...] = ("alpha", "beta", "gamma")) -> list[
        PlannedArticle]:
    rng = random.Random(seed)
    plans = []
    for number in range(articles):
        source = rng.choice(("ru", "ru", "kk", "en"))
        states = {lang: rng.choice(STATES) for lang in LANGUAGES if lang != source}
        plan = PlannedArticle(f"a-{number}", sections[number % len(sections)], source, rng.randint(5, 60), states,
                              source_saved=number % 17 != 16)
        if not plan.source_saved:
            plan.states = dict.fromkeys(plan.states)
        plan.demand = {lang: rng.randint(1, 9) for lang in LANGUAGES if lang != source and rng.random() < 0.4}
        plans.append(plan)
    return plans


#: A one-word title and a filler word per language: every save is checked for its language (library.quality).
TITLES = {"en": "Title", "ru": "Заголовок", "kk": "Тақырып"}
FILLER = {"en": "word", "ru": "слово", "kk": "сөз"}


def _text(words: int, language: str) -> VariantText:
    return VariantText(TITLES[language], "", "<p>" + " ".join([FILLER[language]] * (words - 1)) + "</p>")


def build_library(session: Session, plans: list[PlannedArticle], sections: tuple[str, ...] = ("alpha", "beta",
                                                                                               "gamma", "empty")):
    """Write the planned library (plus an empty section) through the content service."""
    made = {slug: service.create_section(session, slug, {lang: slug for lang in LANGUAGES}, position)
            for position, slug in enumerate(sections)}
    for plan in plans:
        article = service.create_article(session, slug=plan.slug, section=made[plan.section], published_at=AT,
                                         source_language=plan.source)
        if plan.source_saved:
            _write_variants(session, article, plan)
        for language, count in plan.demand.items():
            session.add(Demand(article_id=article.id, language=language, count=count, first_seen=AT, last_seen=AT))
    session.flush()
    return made


def _write_variants(session: Session, article, plan: PlannedArticle) -> None:
    source_text = _text(plan.words, plan.source)
    service.save_variant(session, article, plan.source, source_text, status=Status.PUBLISHED, at=AT)
    outdated_first = {lang: s for lang, s in plan.states.items() if s and s.endswith("_outdated")}
    for language, state in outdated_first.items():
        status = Status.PUBLISHED if state.startswith("published") else Status.DRAFT
        service.save_variant(session, article, language, _text(3, language), status=status, at=AT)
    if outdated_first:  # a non-minor save of the source makes the translations above outdated
        service.save_variant(session, article, plan.source, source_text, status=Status.PUBLISHED, at=AT)
    for language, state in plan.states.items():
        if state is None or language in outdated_first:
            continue
        status = {"published": Status.PUBLISHED, "published_new_draft": Status.PUBLISHED,
                  "in_review": Status.IN_REVIEW, "draft": Status.DRAFT}[state]
        service.save_variant(session, article, language, _text(4, language), status=status, at=AT)
        if state == "published_new_draft":
            service.save_variant(session, article, language, _text(5, language), status=Status.DRAFT, at=AT)


def expected_cells(plans: list[PlannedArticle], sections=("alpha", "beta", "gamma", "empty")) -> dict:
    """(language, section) -> Counter of the figures `library.coverage.service.Cell` must report."""
    cells = {(lang, s): Counter() for s in sections for lang in LANGUAGES}
    for plan in plans:
        for language in LANGUAGES:
            cell = cells[(language, plan.section)]
            words = plan.words if plan.source_saved else 0
            cell["articles"] += 1
            cell["words"] += words
            state = ("published" if plan.source_saved else None) if language == plan.source else plan.states[language]
            kind = {None: "missing", "published": "published", "published_outdated": "published",
                    "published_new_draft": "published", "in_review": "in_review", "draft": "draft",
                    "draft_outdated": "draft"}[state]
            cell[kind] += 1
            cell[f"{kind}_words"] += words
            if state and state.endswith("_outdated"):
                cell["outdated"] += 1
                cell["outdated_words"] += words
            if state is None:
                cell["demand"] += plan.demand.get(language, 0)
    return cells
