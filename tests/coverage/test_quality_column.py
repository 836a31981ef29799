"""The coverage matrix's quality column: variants whose current text the content checks flagged."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import event, select

from library.content.models import Section, Status, Variant
from library.coverage.render import CSV_COLUMNS, coverage_csv
from library.coverage.service import compute_coverage
from library.quality.findings import stored_findings
from library.storage import session_scope
from library.workflow import accounts
from tests.factories import make_user
from tests.quality.helpers import paste_russian_paragraph, resave, variant_of

LANGUAGES = ("en", "ru", "kk")


def _by_hand(session) -> Counter:
    """(language, section, severity) -> variants whose current revision has such a finding, one by one."""
    sections = {s.id: s.slug for s in session.scalars(select(Section))}
    counted: Counter = Counter()
    for variant in session.scalars(select(Variant)):
        for severity in {finding.severity for finding in stored_findings(session, variant)}:
            counted[(variant.language, sections[variant.section_id], severity)] += 1
    return counted


def _column(coverage) -> Counter:
    counted: Counter = Counter()
    for cell in coverage.cells:
        counted[(cell.language, cell.section, "error")] += cell.with_errors
        counted[(cell.language, cell.section, "warning")] += cell.with_warnings
    return +counted


def test_the_quality_column_counts_each_flagged_variant_once_per_severity(demo) -> None:
    with session_scope(demo) as session:
        before = _by_hand(session)
        assert _column(compute_coverage(session, LANGUAGES)) == before
        kk = variant_of(session, "what-are-the-sdgs", "kk")
        section = session.get(Section, kk.section_id).slug
        original = (kk.title, kk.summary, kk.body)
        resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session), status=Status.DRAFT)
        after = _by_hand(session)
        assert after[("kk", section, "error")] == before[("kk", section, "error")] + 1
        coverage = compute_coverage(session, LANGUAGES)
        assert _column(coverage) == after
        assert coverage.cell("kk", section).with_errors == after[("kk", section, "error")]
        assert coverage.total.with_errors == sum(n for (_, _, sev), n in after.items() if sev == "error")
        # Saved again as it was: the findings of the pasted revision are history, not today's count.
        texts = iter(original)
        resave(session, "what-are-the-sdgs", "kk", lambda _: next(texts), status=Status.DRAFT)
        assert _column(compute_coverage(session, LANGUAGES)) == before


def test_the_csv_and_the_json_carry_the_quality_column(demo, client) -> None:
    with session_scope(demo) as session:
        resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session), status=Status.DRAFT)
        coverage = compute_coverage(session, LANGUAGES)
        token = accounts.issue_token(session, make_user(session, "olga", "editor")).secret
    assert CSV_COLUMNS[-2:] == ("with_errors", "with_warnings")
    rows = coverage_csv(coverage).splitlines()
    assert rows[-1].split(",")[-2] == str(coverage.total.with_errors) != "0"
    body = client.get("/api/v1/coverage", params={"lang": "kk"}, headers={"Authorization": f"Bearer {token}"}).json()
    assert body["quality_counted"] is True
    assert body["totals"]["all"]["with_errors"] == coverage.by_language[2].with_errors


def test_the_quality_column_costs_one_statement_however_many_findings(demo) -> None:
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    for _ in range(2):
        with session_scope(demo) as session:
            resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session), status=Status.DRAFT)
        statements.clear()
        event.listen(demo, "before_cursor_execute", count)
        try:
            with session_scope(demo, write=False) as session:
                compute_coverage(session, LANGUAGES)
        finally:
            event.remove(demo, "before_cursor_execute", count)
        # One statement, over the coverage counters (which keep the check flags per cell, issue 15):
        # never a join to every revision's findings, nor a scan of the variants.
        assert len([s for s in statements if "coverage_count.flags" in s]) == 1
        assert not [s for s in statements if "quality_finding" in s or "FROM variant" in s]
