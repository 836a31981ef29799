"""JSON Lines export and import: deterministic, validated first, all or nothing."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from library.backup import export_library, import_library, parse_library
from library.content.models import Article, Revision, Section, Status, Variant
from library.coverage.models import CoverageSnapshot
from library.errors import Conflict, Invalid
from library.quality.models import QualityFinding, QualityOverride, Term
from library.storage import create_engine_for, session_scope, upgrade
from tests.factories import make_article


def _export(engine) -> str:
    out = io.StringIO()
    with session_scope(engine, write=False) as session:
        export_library(session, out)
    return out.getvalue()


def _import(engine, text: str, **kwargs) -> dict[str, int]:
    with session_scope(engine) as session:
        return import_library(session, parse_library(text.splitlines()), **kwargs)


def _count(engine, model) -> int:
    with session_scope(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_export_import_export_gives_identical_files(demo, fresh_database_url):
    first = _export(demo)
    other = create_engine_for(fresh_database_url)
    try:
        upgrade(other)
        counts = _import(other, first)
        assert counts["articles"] == 44 and counts["revisions"] >= counts["variants"]
        assert _export(other) == first
    finally:
        other.dispose()


def _through_the_other_engine(text: str, db_kind: str, tmp_path, request) -> str:
    """Import ``text`` into a fresh database of the other engine (PostgreSQL in the SQLite run, and
    the reverse) and export it again."""
    other_url = (f"sqlite:///{tmp_path / 'other.db'}" if db_kind == "postgres"
                 else request.getfixturevalue("postgres").create())
    other = create_engine_for(other_url)
    try:
        upgrade(other)
        _import(other, text)
        return _export(other)
    finally:
        other.dispose()


def test_round_trip_between_sqlite_and_postgresql(demo, db_kind, tmp_path, request):
    """SQLite -> file -> PostgreSQL -> file (or the reverse in the PostgreSQL run): identical files."""
    first = _export(demo)
    assert _through_the_other_engine(first, db_kind, tmp_path, request) == first


def test_a_malformed_line_is_reported_with_its_number_and_nothing_is_written(demo, fresh_database_url):
    lines = _export(demo).splitlines()
    broken = lines[:]
    broken[30] = broken[30][:-5]  # a truncated JSON object
    with pytest.raises(Invalid, match=r"^line 31: not a valid record"):
        parse_library(broken)
    wrong_type = lines[:]
    record = json.loads(wrong_type[12])
    record["views"] = "many" if record["kind"] == "article" else record.get("views")
    wrong_type[12] = json.dumps(record)
    other = create_engine_for(fresh_database_url)
    try:
        upgrade(other)
        with pytest.raises(Invalid, match=r"^line 13: "):
            _import(other, "\n".join(wrong_type))
        assert _count(other, Article) == 0 and _count(other, Variant) == 0
    finally:
        other.dispose()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda lines: ["{}"] + lines[1:], r"^line 1: not a library export"),
        (lambda lines: lines[:1] + ['{"kind":"poem"}'], r"^line 2: unknown record kind 'poem'"),
        (lambda lines: lines + [lines[-1]], r"duplicate revision"),
        (lambda lines: [line for line in lines if '"kind":"section"' not in line], r"refers to a section"),
        (lambda lines: [], r"the file is empty"),
    ],
)
def test_inconsistent_files_are_refused(demo, mutate, message):
    with pytest.raises(Invalid, match=message):
        parse_library(mutate(_export(demo).splitlines()))


def test_import_refuses_a_non_empty_library_unless_replacing(demo):
    text = _export(demo)
    with pytest.raises(Conflict):
        _import(demo, text)
    revisions = _count(demo, Revision)
    _import(demo, text, replace=True)
    assert _count(demo, Revision) == revisions
    assert _export(demo) == text


def test_reader_demand_is_exported_and_imported(demo, fresh_database_url):
    from library.demand.buffer import Demanded, Reads
    from library.demand.store import add_reads

    at = datetime(2025, 4, 1, 8, 30, 15, 123456, tzinfo=UTC)
    with session_scope(demo) as session:
        ids = dict(session.execute(select(Article.slug, Article.id)).all())
        add_reads(session, Reads(views={ids["what-are-the-sdgs"]: 3}, demand={
            (ids["karaganda-women-entrepreneurship"], "kk"): Demanded(5, at, at),
            (ids["karaganda-women-entrepreneurship"], "en"): Demanded(1, at, at)}))
    first = _export(demo)
    demand = [json.loads(line) for line in first.splitlines() if '"kind":"demand"' in line]
    assert [(d["article"], d["language"], d["count"]) for d in demand] == [
        ("karaganda-women-entrepreneurship", "en", 1), ("karaganda-women-entrepreneurship", "kk", 5)]
    other = create_engine_for(fresh_database_url)
    try:
        upgrade(other)
        assert _import(other, first)["demand"] == 2
        assert _export(other) == first
    finally:
        other.dispose()


# The quality domain and the coverage history (format 2).

DAY_1 = datetime(2025, 4, 1, 23, 0, tzinfo=UTC)
DAY_2 = datetime(2025, 4, 2, 8, 15, 30, 250000, tzinfo=UTC)
NEW_KINDS = ("term", "finding", "override", "snapshot")


@pytest.fixture
def checked(demo):
    """The demo (with its term base) plus findings on three revisions, one override and two days of
    coverage history."""
    from library.coverage.history import record_snapshots
    from tests.quality.helpers import ministry_for_the_iwg, paste_russian_paragraph, resave

    with session_scope(demo) as session:
        record_snapshots(session, ("en", "ru", "kk"), at=DAY_1)
        # Two findings on one revision: their order (the order the checks made them) must survive.
        resave(session, "kazakhstan-sdg-architecture", "en", ministry_for_the_iwg, status=Status.DRAFT)
        resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session), status=Status.DRAFT)
        resave(session, "what-are-the-sdgs", "kk", paste_russian_paragraph(session),
               publish_override="The quoted decree is in Russian in the original.")
        sections = session.scalars(select(Section.id).order_by(Section.slug).limit(2)).all()
        record_snapshots(session, ("en", "ru", "kk"), sections, at=DAY_2)
    return demo


def _records(text: str, kind: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if f'"kind":"{kind}"' in line]


def _first_line(lines: list[str], kind: str) -> int:
    return next(i for i, line in enumerate(lines) if f'"kind":"{kind}"' in line)


def test_terms_findings_overrides_and_coverage_history_cross_engines_unchanged(checked, db_kind, tmp_path,
                                                                                request):
    first = _export(checked)
    assert json.loads(first.splitlines()[0]) == {"format": 2, "kind": "library"}
    with session_scope(checked, write=False) as session:
        expected = {"term": _count(checked, Term), "finding": _count(checked, QualityFinding),
                    "override": _count(checked, QualityOverride), "snapshot": _count(checked, CoverageSnapshot)}
        sections = session.scalar(select(func.count()).select_from(Section))
    assert {kind: len(_records(first, kind)) for kind in NEW_KINDS} == expected
    assert expected["term"] > 0 and expected["finding"] >= 4 and expected["override"] == 1
    assert expected["snapshot"] == 3 * sections + 3 * 2
    [override] = _records(first, "override")
    assert (override["article"], override["language"], override["revision"], override["codes"]) == (
        "what-are-the-sdgs", "kk", 3, ["wrong-language"])
    findings = [(f["article"], f["language"], f["revision"], f["code"]) for f in _records(first, "finding")]
    assert ("what-are-the-sdgs", "kk", 2, "wrong-language") in findings
    assert ("what-are-the-sdgs", "kk", 3, "wrong-language") in findings
    assert _records(first, "snapshot")[0]["day"] == "2025-04-01"
    # SQLite -> file -> PostgreSQL -> file (or the reverse): the same bytes, so the import ran no
    # content check (no finding twice) and recorded no coverage snapshot of its own.
    assert _through_the_other_engine(first, db_kind, tmp_path, request) == first


def test_the_imported_findings_read_as_the_stored_ones(checked, fresh_database_url):
    from library.quality.findings import overrides, stored_findings
    from tests.quality.helpers import variant_of

    def seen(engine):
        with session_scope(engine, write=False) as session:
            variant = variant_of(session, "kazakhstan-sdg-architecture", "en")
            kk = variant_of(session, "what-are-the-sdgs", "kk")
            return ([(f.code, f.severity, f.message, f.details) for f in stored_findings(session, variant)],
                    [(o.revision, o.reason, o.codes, o.by, o.at) for o in overrides(session, kk)])

    other = create_engine_for(fresh_database_url)
    try:
        upgrade(other)
        _import(other, _export(checked))
        assert seen(other) == seen(checked) and seen(other)[0] and seen(other)[1]
    finally:
        other.dispose()


def _changing(kind: str, **fields):
    """A mutation of an export: its first record of ``kind`` with ``fields`` set. It gives the lines
    and the number of the changed line."""

    def mutate(lines: list[str]) -> tuple[list[str], int]:
        index = _first_line(lines, kind)
        record = json.loads(lines[index]) | fields
        return lines[:index] + [json.dumps(record)] + lines[index + 1:], index + 1

    return mutate


def _duplicate_term(lines: list[str]) -> tuple[list[str], int]:
    index = _first_line(lines, "term")
    return lines[:index + 1] + [lines[index]] + lines[index + 1:], index + 2


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(_changing("term", colour="blue"),
                     r"not a valid record \(Object contains unknown field `colour`\)", id="unknown-field"),
        pytest.param(_changing("finding", article="no-such-article"),
                     r"refers to a variant \('no-such-article', '\w+'\) that no earlier line", id="unknown-article"),
        pytest.param(_changing("override", revision=99),
                     r"refers to a revision \('what-are-the-sdgs', 'kk', 99\)", id="unknown-revision"),
        pytest.param(_duplicate_term, r"duplicate term '[a-z0-9-]+'", id="duplicate-term"),
        pytest.param(_changing("finding", severity="fatal"),
                     r"not a valid record \(Invalid enum value 'fatal' - at `\$.severity`\)", id="bad-severity"),
        pytest.param(_changing("snapshot", section="no-such-section"),
                     r"refers to a section 'no-such-section'", id="unknown-section"),
    ],
)
def test_a_malformed_new_record_names_its_line_and_nothing_is_written(checked, fresh_database_url, mutate,
                                                                      message):
    lines, number = mutate(_export(checked).splitlines())
    other = create_engine_for(fresh_database_url)
    try:
        upgrade(other)
        with pytest.raises(Invalid, match=rf"^line {number}: {message}"):
            _import(other, "\n".join(lines))
        for model in (Term, Section, Article, Variant, QualityFinding, QualityOverride, CoverageSnapshot):
            assert _count(other, model) == 0, model
    finally:
        other.dispose()


def _format_1(text: str) -> str:
    """``text`` as this program wrote it before format 2: no term, finding, override or snapshot."""
    lines = ['{"format":1,"kind":"library"}']
    lines += [line for line in text.splitlines()[1:] if json.loads(line)["kind"] not in NEW_KINDS]
    return "\n".join(lines) + "\n"


def test_a_format_1_file_still_imports(checked, fresh_database_url):
    current = _export(checked)
    old = _format_1(current)
    other = create_engine_for(fresh_database_url)
    try:
        upgrade(other)
        counts = _import(other, old)
        assert counts["articles"] == 44 and counts["terms"] == counts["findings"] == counts["snapshots"] == 0
        assert _format_1(_export(other)) == old
    finally:
        other.dispose()


def test_a_format_1_file_keeps_the_term_base_and_may_not_hold_the_new_kinds(checked):
    current = _export(checked)
    terms = _count(checked, Term)
    _import(checked, _format_1(current), replace=True)  # an old file says nothing of the term base
    assert _count(checked, Term) == terms and _count(checked, QualityFinding) == 0
    assert _count(checked, CoverageSnapshot) == 0
    _import(checked, current, replace=True)  # a format 2 file replaces it, findings and history come back
    assert _export(checked) == current
    term = next(line for line in current.splitlines() if '"kind":"term"' in line)
    with pytest.raises(Invalid, match=r"^line 2: unknown record kind 'term' in a format 1 file"):
        parse_library(_format_1(current).splitlines()[:1] + [term])


def test_a_newer_format_is_refused_on_its_first_line(checked):
    with pytest.raises(Invalid, match=r"^line 1: library export format 3: this version reads formats 1 to 2"):
        parse_library(['{"format":3,"kind":"library"}'])


def test_a_file_with_a_term_base_needs_an_empty_one(checked, fresh_database_url):
    from library.quality import terms

    text = _export(checked)
    other = create_engine_for(fresh_database_url)
    try:
        upgrade(other)
        with session_scope(other) as session:
            terms.create_term(session, terms.TermData("sdg", {"en": "Sustainable Development Goals"}),
                              languages=("en", "ru", "kk"))
        with pytest.raises(Conflict):
            _import(other, text)
        _import(other, _format_1(text))  # an old file leaves the term base alone
        _import(other, text, replace=True)
        assert _export(other) == text
    finally:
        other.dispose()


def test_the_progress_of_an_export_adds_up_to_the_records_counted_before_it(checked, monkeypatch):
    from library import backup
    from library.backup import export

    monkeypatch.setattr(export, "PROGRESS_EVERY", 50)
    steps: list[int] = []
    with session_scope(checked, write=False) as session:
        expected = backup.record_count(session)
        written = export_library(session, io.StringIO(), steps.append)
    kinds = {json.loads(line)["kind"] for line in _export(checked).splitlines()[1:]}
    assert {"term", "finding", "override", "snapshot", "revision"} <= kinds  # the new kinds counted too
    assert written == expected == sum(steps) > 50
    assert set(steps[:-1]) == {50}


def test_an_import_flags_the_variants_its_findings_flag(checked, fresh_database_url):
    """`Variant.check_flags` is not in the file: an import derives it from the current revisions' findings."""
    def flags(engine) -> dict[tuple[str, str], int]:
        with session_scope(engine, write=False) as session:
            return {(slug, language): value for slug, language, value in session.execute(
                select(Article.slug, Variant.language, Variant.check_flags).join(Article))}

    before = flags(checked)
    assert before[("what-are-the-sdgs", "kk")] & 1 and before[("kazakhstan-sdg-architecture", "en")]
    other = create_engine_for(fresh_database_url)
    try:
        upgrade(other)
        _import(other, _export(checked))
        assert flags(other) == before
    finally:
        other.dispose()


def test_html_of_a_crafted_file_is_sanitised_while_parsing_before_the_write_transaction(engine):
    with session_scope(engine) as session:
        make_article(session, slug="water", body="<p>Water.</p>")
    text = _export(engine).replace("<p>Water.</p>", "<p>Water.</p><script>alert(1)</script>")
    assert text.count("<script>") == 2  # the variant and its revision
    parsed = parse_library(text.splitlines())
    assert [r.body for r in [*parsed.variants.values(), *parsed.revisions.values()]] == ["<p>Water.</p>"] * 2
    _import(engine, text, replace=True)
    with session_scope(engine, write=False) as session:
        stored = [*session.scalars(select(Variant.body)), *session.scalars(select(Revision.body))]
    assert stored == ["<p>Water.</p>"] * 2
