"""Content checks on the demo library: findings stored per revision, errors block publishing, an
override with a reason lets a revision through and is kept."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from library.content.models import Status
from library.quality import terms
from library.quality.errors import QualityBlocked
from library.quality.findings import check_library, overrides, stored_findings
from library.quality.models import QualityFinding
from library.storage import session_scope
from tests.quality.helpers import ministry_for_the_iwg, paste_russian_paragraph, resave, variant_of

LANGUAGES = ("en", "ru", "kk")


def test_the_demo_library_passes_its_own_checks(demo) -> None:
    with session_scope(demo, write=False) as session:
        assert session.scalar(select(func.count()).select_from(QualityFinding)) == 0
        reports = check_library(session)
    assert len(reports) == 108 - 7  # every variant; seven sources were saved twice
    assert [r for r in reports if r.findings] == []


def test_a_russian_paragraph_in_a_kazakh_variant_blocks_publishing_and_names_the_paragraph(demo) -> None:
    with pytest.raises(QualityBlocked) as blocked, session_scope(demo) as session:
        resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session))
    error = blocked.value
    assert "Paragraph 2 is in Russian, not in Kazakh: “Цели носят универсальный характер: они касаются" in error.detail
    assert [f["code"] for f in error.errors] == ["wrong-language"] and error.errors[0]["facts"]["number"] == 2
    assert error.facts["language"] == "kk" and error.facts["slug"] == "what-are-the-sdgs"
    with session_scope(demo, write=False) as session:  # nothing of the refused save was kept
        variant = variant_of(session, "what-are-the-sdgs", "kk")
        assert variant.revision == 1 and "Цели носят" not in variant.body


def test_a_draft_with_errors_is_saved_with_its_findings(demo) -> None:
    with session_scope(demo) as session:
        variant = resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session), status=Status.DRAFT)
        [finding] = stored_findings(session, variant)
    assert (finding.code, finding.severity, finding.revision) == ("wrong-language", "error", 2)
    assert finding.message.startswith("Paragraph 2 is in Russian") and finding.details["number"] == 2


def test_findings_are_kept_per_revision(demo) -> None:
    with session_scope(demo) as session:
        resave(session, "what-are-the-sdgs", "kk", lambda text: text.replace("2015 ", ""), status=Status.DRAFT)
        variant = resave(session, "what-are-the-sdgs", "kk", lambda text: text.replace("жылдың", "2015 жылдың", 1),
                         status=Status.DRAFT)
        assert variant.revision == 3
        assert [f.code for f in stored_findings(session, variant, 2)] == ["year-missing"]
        assert stored_findings(session, variant, 3) == [] and stored_findings(session, variant) == []


@pytest.mark.parametrize(
    ("language", "change", "code", "named"),
    [
        ("kk", lambda text: text.replace("2015 ", ""), "year-missing", "2015"),
        ("en", lambda text: re.sub(r"<a [^>]*>(.*?)</a>", r"\1", text), "url-missing",
         "https://sdg.gov.kz/goals"),
    ],
)
def test_a_dropped_year_or_link_is_flagged(demo, language, change, code, named) -> None:
    with pytest.raises(QualityBlocked) as blocked, session_scope(demo) as session:
        resave(session, "what-are-the-sdgs", language, change)
    [error] = blocked.value.errors
    assert error["code"] == code and named in error["message"]


def test_theministry_for_the_iwg_of_internal_affairs_for_the_iwg_is_flagged(demo) -> None:
    with session_scope(demo) as session:
        assert "МРГ" in variant_of(session, "kazakhstan-sdg-architecture", "ru").body
        variant = resave(session, "kazakhstan-sdg-architecture", "en", ministry_for_the_iwg, status=Status.DRAFT)
        found = {f.code: f for f in stored_findings(session, variant)}
    assert set(found) == {"term-forbidden", "term-missing"}
    assert found["term-forbidden"].severity == "error" and found["term-missing"].severity == "warning"
    assert found["term-missing"].message == (
        "The source uses the term “Межведомственная рабочая группа (МРГ)”, but the translation lacks "
        "“Interdepartmental Working Group (IWG)”.")


def test_without_a_forbidden_form_the_missing_term_is_still_a_warning(demo) -> None:
    with session_scope(demo) as session:
        iwg = terms.TermData.of(terms.get_term(session, "iwg"))
        terms.update_term(session, "iwg", terms.TermData(iwg.key, iwg.forms, {}, iwg.note), languages=LANGUAGES)
        variant = resave(session, "kazakhstan-sdg-architecture", "en", ministry_for_the_iwg)  # a warning does not block
        assert [(f.code, f.severity) for f in stored_findings(session, variant)] == [("term-missing", "warning")]
        assert variant.published_revision == variant.revision


def test_an_override_with_a_reason_publishes_and_keeps_the_reason(demo) -> None:
    reason = "The quoted decree is in Russian in the original; approved by the chief editor."
    with session_scope(demo) as session:
        variant = resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session),
                         publish_override=reason)
        assert variant.status == Status.PUBLISHED and variant.published_revision == 2
        [kept] = overrides(session, variant)
        assert (kept.revision, kept.reason, kept.codes, kept.by) == (2, reason, ["wrong-language"], "editor")
        assert [f.code for f in stored_findings(session, variant)] == ["wrong-language"]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_an_empty_override_reason_is_no_override(demo, reason) -> None:
    with pytest.raises(QualityBlocked), session_scope(demo) as session:
        resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session), publish_override=reason)


def test_an_override_without_errors_is_not_recorded(demo) -> None:
    with session_scope(demo) as session:
        variant = resave(session, "what-are-the-sdgs", "kk", lambda text: text, publish_override="just in case")
        assert overrides(session, variant) == []


def test_check_library_sees_todays_term_base(demo) -> None:
    with session_scope(demo) as session:
        terms.delete_term(session, "coordination-council")
        resave(session, "kazakhstan-sdg-architecture", "en", lambda text: text.replace(
            "Coordination Council", "Steering Board"))
    with session_scope(demo) as session:
        assert not [r for r in check_library(session, language="en") if r.findings]  # no such term any more
        terms.create_term(session, terms.TermData("council", {"en": "Coordination Council",
                                                              "ru": "Координационный совет"}), languages=LANGUAGES)
    with session_scope(demo, write=False) as session:
        flagged = [(r.article, [f.code for f in r.findings]) for r in check_library(session, language="en")
                   if r.findings]
        assert ("kazakhstan-sdg-architecture", ["term-missing"]) in flagged
        variant = variant_of(session, "kazakhstan-sdg-architecture", "en")
        assert stored_findings(session, variant) == []  # what was stored with the revision stays as it was
