"""Checking a whole exchange file against the library, then applying it in one go.

Units are segments (`library.content.segments`): each is checked against the segment of the exported
source revision that its key names, and an article is applied only when every segment of its source is
translated, its title, summary and body rebuilt with the source's markup.

`check` reads nothing but the database and writes nothing: it returns the report (errors,
conflicts, skipped articles) and the plan of variants to write. `prepare` runs the content checks
of the planned texts before the writing unit of work (issue 13). `apply` writes the plan only when
the report has no errors, so an import is all or nothing; every translation lands "in review",
attributed to the importing translator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from library.content import limits
from library.content.models import Article, Revision, Status, Variant
from library.content.segments import Segment, render, segment_text, token_problem
from library.content.service import PreparedText, VariantText, prepare_text, save_variant
from library.storage.types import utcnow
from library.workflow import audit
from library.workflow.accounts import Principal
from library.workflow.diff import FIELDS
from library.workflow.exchange.markup import markup_problem
from library.workflow.exchange.report import ImportReport, Kind
from library.workflow.exchange.units import ReadUnit, UnitKey
from library.workflow.messages import N_


@dataclass
class ArticlePlan:
    slug: str
    source_language: str
    source_revision: int
    texts: dict[str, str] = field(default_factory=dict)
    """Title, summary and body rebuilt from the translated segments, once every one is there."""
    translations: dict[str, str] = field(default_factory=dict)
    """By segment id."""
    done: set[str] = field(default_factory=set)
    blocked: bool = False


def check(session: Session, language: str, units: list[ReadUnit], report: ImportReport, *,
          max_text_kb: int | None = None) -> list[ArticlePlan]:
    """Every problem of ``units`` into ``report``; the articles that can be applied, in file order. A
    rebuilt title, summary or body beyond ``max_text_kb`` is an error, though each segment is within it."""
    plans: dict[str, ArticlePlan] = {}
    keyed: list[tuple[ReadUnit, UnitKey]] = []
    seen: dict[tuple[str, str], str] = {}
    for unit in units:
        key = _key_of(unit, report, seen)
        if key is not None:
            keyed.append((unit, key))
    articles = _articles(session, {key.article for _, key in keyed})
    planned = [(unit, key) for unit, key in keyed if _plan_for(unit, key, language, articles, plans, report)]
    sources = _source_texts(session, plans, articles)
    segmented = {slug: {s.id: s for s in segment_text(fields).segments} for slug, fields in sources.items()}
    for unit, key in planned:
        plan = plans[key.article]  # every unit of a conflicting article is named, not just the first
        segment = _check_source(unit, key, plan, segmented, articles, report)
        if segment is not None and unit.done:
            _check_markup(unit, key, plan, segment, report)
    return _complete(plans, sources, segmented, report, max_text_kb)


def _key_of(unit: ReadUnit, report: ImportReport, seen: dict) -> UnitKey | None:
    if unit.problem:
        template, facts = unit.problem
        report.add(Kind.ERROR, unit.where, template, **facts)
        return None
    key = unit.key
    if key is None:
        report.add(Kind.ERROR, unit.where,
                   N_("{key} does not name a unit: expected article|field|language@revision"),
                   key=unit.raw_key or "-")
        return None
    if (key.article, key.segment) in seen:
        report.add(Kind.ERROR, unit.where, N_("the unit {key} is given twice in the file"), key=str(key))
        return None
    seen[(key.article, key.segment)] = unit.where
    return key


def _articles(session: Session, slugs: set[str]) -> dict[str, tuple[Article, dict[str, Variant]]]:
    if not slugs:
        return {}
    found: dict[str, tuple[Article, dict[str, Variant]]] = {}
    rows = session.execute(select(Article, Variant).outerjoin(Variant, Variant.article_id == Article.id)
                           .where(Article.slug.in_(slugs)))
    for article, variant in rows:
        entry = found.setdefault(article.slug, (article, {}))
        if variant is not None:
            entry[1][variant.language] = variant
    return found


def _plan_for(unit: ReadUnit, key: UnitKey, language: str, articles: dict, plans: dict[str, ArticlePlan],
              report: ImportReport) -> ArticlePlan | None:
    if key.article not in articles:
        report.add(Kind.ERROR, unit.where, N_("no article has the slug {article}"), article=key.article)
        return None
    variants = articles[key.article][1]
    if key.source_language == language or key.source_language not in variants:
        report.add(Kind.ERROR, unit.where, N_("the article {article} has no variant “{source}” to translate "
                                              "into “{language}” from"),
                   article=key.article, source=key.source_language, language=language)
        return None
    plan = plans.setdefault(key.article, ArticlePlan(key.article, key.source_language, key.source_revision))
    if (plan.source_language, plan.source_revision) != (key.source_language, key.source_revision):
        report.add(Kind.ERROR, unit.where, N_("the article {article} is exported from {first} elsewhere in the file, "
                                              "not from {this}"),
                   article=key.article, first=f"{plan.source_language}@{plan.source_revision}",
                   this=f"{key.source_language}@{key.source_revision}")
        return None
    return plan


def _check_markup(unit: ReadUnit, key: UnitKey, plan: ArticlePlan, segment: Segment, report: ImportReport) -> None:
    """The tokens of the translation, then the placeholders ({name}, %(name)s) its text must keep."""
    problem = token_problem(segment, unit.target) or markup_problem(render(segment, segment.text)[0],
                                                                    render(segment, unit.target)[0])
    if problem:
        template, facts = problem
        report.add(Kind.ERROR, unit.where, template, **facts)
        return
    plan.translations[key.segment] = unit.target
    plan.done.add(key.segment)


def _source_texts(session: Session, plans: dict[str, ArticlePlan], articles: dict) -> dict[str, dict[str, str]]:
    """Each planned article's source fields at the exported revision (one query for older revisions)."""
    texts, older = {}, {}
    for slug, plan in plans.items():
        source = articles[slug][1][plan.source_language]
        if source.revision == plan.source_revision:
            texts[slug] = {f: getattr(source, f) for f in FIELDS}
        elif source.major_revision <= plan.source_revision < source.revision:
            older[(source.id, plan.source_revision)] = slug
    if older:
        pairs = (and_(Revision.variant_id == v, Revision.number == n) for v, n in older)
        query = select(Revision).where(or_(*pairs))
        for revision in session.scalars(query):
            texts[older[(revision.variant_id, revision.number)]] = {f: getattr(revision, f) for f in FIELDS}
    return texts


def _check_source(unit: ReadUnit, key: UnitKey, plan: ArticlePlan, segmented: dict, articles: dict,
                  report: ImportReport) -> Segment | None:
    """The exported source's segment the unit names, when its text is the unit's source."""
    if key.article not in segmented:
        current = articles[key.article][1][plan.source_language]
        report.add(Kind.CONFLICT, unit.where,
                   N_("the source “{source}” changed since the export (it is now at revision {current}); "
                      "not applied: export again"),
                   source=key.source_language, current=current.revision)
        plan.blocked = True
        return None
    segment = segmented[key.article].get(key.segment)
    if segment is None or segment.text != unit.source:
        report.add(Kind.ERROR, unit.where, N_("the source text in the file is not the text of revision {revision} "
                                              "of the variant “{source}”"),
                   source=key.source_language, revision=key.source_revision)
        return None
    return segment


def _complete(plans: dict[str, ArticlePlan], sources: dict, segmented: dict, report: ImportReport,
              max_text_kb: int | None) -> list[ArticlePlan]:
    ready = []
    for slug, plan in plans.items():
        if plan.blocked:
            continue
        missing = {segment.field for key, segment in segmented[slug].items() if key not in plan.done}
        where = (N_("article {article}"), {"article": slug})
        if not plan.done:
            report.add(Kind.SKIPPED, where, N_("not translated"))
        elif missing:
            report.add(Kind.SKIPPED, where, N_("incomplete, so not applied; not translated: {fields}"),
                       fields=", ".join(f for f in FIELDS if f in missing))
        elif report.ok:
            plan.texts = segment_text(sources[slug]).rebuild(plan.translations)
            for name, text in plan.texts.items():
                if (problem := limits.text_problem(text, max_kb=max_text_kb)) is not None:
                    report.add(Kind.ERROR, (N_("article {article}, field {name}"), {"article": slug, "name": name}),
                               *problem[:1], **problem[1])
            ready.append(plan)
    return ready


def _articles_of(session: Session, plans: list[ArticlePlan]) -> dict[str, Article]:
    slugs = [plan.slug for plan in plans]
    return {a.slug: a for a in session.scalars(select(Article).where(Article.slug.in_(slugs)))}


def _text(plan: ArticlePlan) -> VariantText:
    return VariantText(**{f: plan.texts.get(f, "") for f in FIELDS})


def prepare(session: Session, language: str, plans: list[ArticlePlan]) -> dict[str, PreparedText]:
    """The content checks of every planned text, by article slug, before the writing unit of work."""
    articles = _articles_of(session, plans)
    return {plan.slug: prepare_text(session, articles[plan.slug], language, _text(plan),
                                    translated_from=plan.source_language, source_revision=plan.source_revision)
            for plan in plans}


def apply(session: Session, principal: Principal, language: str, plans: list[ArticlePlan], report: ImportReport,
          *, at: datetime | None = None, prepared: Mapping[str, PreparedText] | None = None) -> None:
    """Write every planned variant as a new "in review" revision. Call only when ``report.ok``.

    ``prepared`` holds the texts `prepare` made ready beforehand (a text that differs is checked here)."""
    assert report.ok, "an import with errors must not write anything"
    at = at or utcnow()
    articles = _articles_of(session, plans)
    prepared = prepared or {}
    for plan in plans:
        article = articles[plan.slug]
        # save_variant locks the variant's row itself; each save adds exactly one revision.
        saved = save_variant(session, article, language, _text(plan), status=Status.IN_REVIEW, by=principal.username,
                             translated_from=plan.source_language, source_revision=plan.source_revision,
                             comment=f"imported from a {report.format} file", at=at, prepared=prepared.get(plan.slug))
        audit.record(session, principal.username, "variant.import", article=plan.slug, language=language,
                     from_revision=saved.revision - 1, to_revision=saved.revision, detail=report.format, at=at)
        report.add(Kind.APPLIED, (N_("article {article}"), {"article": plan.slug}),
                   N_("now revision {revision}, in review"), revision=saved.revision)
    report.written = bool(plans)
