"""The coverage matrix: every cell exact on a library built to a plan, totals, filters, query count."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import event

from library.content.errors import SectionNotFound
from library.coverage.service import MEASURES, below_thresholds, compute_coverage, parse_thresholds, pick_languages
from library.errors import Invalid
from library.storage import session_scope
from tests.coverage.build import LANGUAGES, build_library, expected_cells, plan_library

SECTIONS = ("alpha", "beta", "gamma", "empty")
FIGURES = ("articles", *MEASURES, "demand", "words", *(f"{m}_words" for m in MEASURES))


def _figures(cell) -> dict[str, int]:
    return {name: getattr(cell, name) for name in FIGURES}


def _expected(counter: Counter) -> dict[str, int]:
    return {name: counter.get(name, 0) for name in FIGURES}


@pytest.fixture
def plans(session):
    plans = plan_library(60, seed=3)
    build_library(session, plans)
    return plans


def test_every_cell_of_the_matrix_is_exact(session, plans):
    coverage = compute_coverage(session, LANGUAGES)
    expected = expected_cells(plans)
    assert [(c.language, c.section) for c in coverage.cells] == [(lang, s) for s in SECTIONS for lang in LANGUAGES]
    for (language, section), counts in expected.items():
        assert _figures(coverage.cell(language, section)) == _expected(counts), (language, section)
    overall = sum(expected.values(), Counter())
    # The plan is only a good test if it produced every state somewhere.
    assert all(overall[name] > 0 for name in FIGURES), overall


def test_demand_can_be_left_out(session, plans):
    coverage = compute_coverage(session, LANGUAGES, demand=False)
    assert not coverage.demand_counted and {cell.demand for cell in coverage.cells} == {0}
    assert compute_coverage(session, LANGUAGES).total.demand > 0


def test_states_partition_each_section_and_totals_are_sums(session, plans):
    coverage = compute_coverage(session, LANGUAGES)
    expected = expected_cells(plans)
    for cell in coverage.cells:
        assert cell.published + cell.in_review + cell.draft + cell.missing == cell.articles
        assert cell.missing >= 0 and cell.missing_words >= 0
    for total in coverage.by_language:
        wanted = sum((c for (lang, _), c in expected.items() if lang == total.language), Counter())
        assert _figures(total) == _expected(wanted)
    for total in coverage.by_section:
        wanted = sum((c for (_, s), c in expected.items() if s == total.section), Counter())
        assert _figures(total) == _expected(wanted)
    assert _figures(coverage.total) == _expected(sum(expected.values(), Counter()))


def test_percentages_are_shares_of_articles_and_of_words(session, plans):
    coverage = compute_coverage(session, LANGUAGES)
    cell = coverage.cell("kk", "alpha")
    for measure in MEASURES:
        assert cell.percent(measure) == round(100 * cell.count(measure) / cell.articles, 1)
        assert cell.percent(measure, words=True) == round(100 * cell.count(measure, words=True) / cell.words, 1)
    empty = coverage.cell("kk", "empty")
    assert empty.articles == 0
    assert [empty.percent(m) for m in MEASURES] == [100.0, 0.0, 0.0, 0.0, 0.0]


def test_filters_give_the_same_cells_as_the_whole_matrix(session, plans):
    whole = compute_coverage(session, LANGUAGES)
    part = compute_coverage(session, ["kk"], ["gamma", "alpha"])
    assert part.languages == ("kk",)
    assert [s.slug for s in part.sections] == ["alpha", "gamma"]
    assert part.cells == tuple(whole.cell("kk", s) for s in ("alpha", "gamma"))
    two = compute_coverage(session, ["en", "kk"], ["beta"])
    assert two.cells == (whole.cell("en", "beta"), whole.cell("kk", "beta"))


def test_an_unknown_section_is_not_found(session, plans):
    with pytest.raises(SectionNotFound) as caught:
        compute_coverage(session, LANGUAGES, ["alpha", "nowhere"])
    assert caught.value.facts == {"slug": "nowhere"}


@pytest.mark.parametrize(("requested", "expected"), [
    (None, ("en", "ru", "kk")),
    ([], ("en", "ru", "kk")),
    (["kk"], ("kk",)),
    (["KK", " en "], ("en", "kk")),
    (["kk", "kk"], ("kk",)),
])
def test_pick_languages_keeps_the_supported_order(requested, expected):
    assert pick_languages(LANGUAGES, requested) == expected


def test_pick_languages_refuses_an_unknown_language():
    with pytest.raises(Invalid, match="Unknown language de"):
        pick_languages(LANGUAGES, ["kk", "de"])


@pytest.mark.parametrize(("raw", "expected"), [
    ("kk=90", {"kk": 90.0}),
    ("kk=90,en=60", {"kk": 90.0, "en": 60.0}),
    (" ru = 99.5 , kk=0", {"ru": 99.5, "kk": 0.0}),
])
def test_thresholds_parse(raw, expected):
    assert parse_thresholds(raw, LANGUAGES) == expected


@pytest.mark.parametrize("raw", ["kk", "kk=", "=90", "kk=ninety", "kk=101", "kk=-1", "de=50", "kk=90,,en=1"])
def test_malformed_thresholds_are_refused(raw):
    with pytest.raises(Invalid):
        parse_thresholds(raw, LANGUAGES)


def test_below_thresholds_names_each_language_under_its_own(session, plans):
    coverage = compute_coverage(session, LANGUAGES)
    en, ru, kk = (cell.percent("published") for cell in coverage.by_language)
    failing = below_thresholds(coverage, {"en": en + 0.1, "ru": ru, "kk": kk + 0.1})
    assert [cell.language for cell in failing] == ["en", "kk"]  # equal to the threshold passes
    assert below_thresholds(coverage, {"kk": kk}) == []
    words = coverage.by_language[2].percent("published", words=True)
    assert [c.language for c in below_thresholds(coverage, {"kk": words + 0.1}, words=True)] == ["kk"]


def _statements(engine, articles: int, **options) -> list[str]:
    with session_scope(engine) as session:
        build_library(session, plan_library(articles, seed=articles))
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(engine, write=False) as session:
            compute_coverage(session, LANGUAGES, **options)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


@pytest.mark.parametrize(("options", "statements"), [
    ({}, 5),
    ({"demand": False}, 4),
    ({"demand": False, "quality": False}, 4),
    ({"sections": ["alpha", "beta"]}, 5),
])
def test_the_number_of_statements_does_not_grow_with_the_library(engine, options, statements):
    from tests.conftest import _empty_tables

    small = _statements(engine, 5, **options)
    _empty_tables(engine)
    large = _statements(engine, 50, **options)
    assert len(small) == len(large) == statements
