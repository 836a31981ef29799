"""Coverage history: snapshots recorded at commit, one per day per (language, section), the latest
of the day winning, and series that carry unchanged sections forward."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from library.bootstrap import content_events
from library.content.events import attach
from library.content.models import Status
from library.coverage.history import coverage_history, record_snapshots
from library.coverage.models import CoverageSnapshot
from library.coverage.service import compute_coverage
from library.settings import load_settings
from library.storage import session_scope
from tests.coverage.build import LANGUAGES
from tests.factories import make_article, make_section, translate

DAY1, DAY2, DAY3 = date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _snapshots(engine) -> dict[tuple[str, str, date], CoverageSnapshot]:
    from library.content.models import Section

    with session_scope(engine, write=False) as session:
        slugs = dict(session.execute(select(Section.id, Section.slug)).all())
        return {(s.language, slugs[s.section_id], s.day): s for s in session.scalars(select(CoverageSnapshot))}


@pytest.fixture
def clock():
    return Clock(_at(DAY1, 9))


@pytest.fixture
def recording(engine, clock):
    """The test database with content events that record coverage history at ``clock``'s time."""
    return attach(engine, content_events(load_settings({"LIBRARY_LANGUAGES": ",".join(LANGUAGES)}), clock=clock))


def test_content_changes_record_one_snapshot_per_day_and_pair_the_latest_winning(recording, clock):
    with session_scope(recording) as session:
        alpha, beta = make_section(session, "alpha"), make_section(session, "beta")
        first = make_article(session, slug="first", section=alpha)
        make_article(session, slug="second", section=beta)
    rows = _snapshots(recording)
    assert sorted(rows) == sorted((lang, s, DAY1) for lang in LANGUAGES for s in ("alpha", "beta"))
    assert (rows[("kk", "alpha", DAY1)].published, rows[("kk", "alpha", DAY1)].missing) == (0, 1)

    clock.at = _at(DAY1, 15)
    with session_scope(recording) as session:
        translate(session, first, "kk")
    rows = _snapshots(recording)
    assert len(rows) == 6  # still one per pair for the day
    today = rows[("kk", "alpha", DAY1)]
    assert (today.published, today.missing, today.recorded_at) == (1, 0, _at(DAY1, 15))
    assert rows[("kk", "beta", DAY1)].recorded_at == _at(DAY1, 9)  # beta did not change

    clock.at = _at(DAY2, 8)
    with session_scope(recording) as session:
        translate(session, first, "en", status=Status.DRAFT)
    rows = _snapshots(recording)
    assert sorted(k for k in rows if k[2] == DAY2) == [(lang, "alpha", DAY2) for lang in sorted(LANGUAGES)]
    assert (rows[("en", "alpha", DAY2)].draft, rows[("en", "alpha", DAY1)].draft) == (1, 0)


def test_a_rolled_back_change_records_nothing(recording, clock):
    with pytest.raises(RuntimeError), session_scope(recording) as session:
        make_article(session)
        raise RuntimeError("abandon")
    assert _snapshots(recording) == {}


def test_snapshots_equal_the_coverage_of_the_day(recording, clock):
    with session_scope(recording) as session:
        alpha = make_section(session, "alpha")
        article = make_article(session, section=alpha)
        translate(session, article, "kk", status=Status.IN_REVIEW)
        translate(session, article, "en")
    rows = _snapshots(recording)
    with session_scope(recording, write=False) as session:
        coverage = compute_coverage(session, LANGUAGES)
    for cell in coverage.cells:
        row = rows[(cell.language, cell.section, DAY1)]
        for name in ("articles", "published", "in_review", "draft", "missing", "outdated", "words",
                     "published_words", "in_review_words", "draft_words", "missing_words", "outdated_words"):
            assert getattr(row, name) == getattr(cell, name), (cell.language, name)


def _record(engine, at: datetime) -> None:
    with session_scope(engine) as session:
        record_snapshots(session, LANGUAGES, at=at)


def test_series_carry_unchanged_sections_forward(engine):
    with session_scope(engine) as session:
        alpha, beta = make_section(session, "alpha"), make_section(session, "beta")
        first = make_article(session, slug="first", section=alpha)
        make_article(session, slug="second", section=beta)
    _record(engine, _at(DAY1, 9))
    with session_scope(engine) as session:
        translate(session, first, "kk")
        record_snapshots(session, LANGUAGES, [alpha.id], at=_at(DAY2, 9))
    with session_scope(engine, write=False) as session:
        kk = coverage_history(session, ["kk"])[0]
        since = coverage_history(session, ["kk", "en"], since=DAY2)
        later = coverage_history(session, ["kk"], since=DAY3)[0]
        only_beta = coverage_history(session, ["kk"], sections=["beta"])[0]
    assert [(p.day, p.cell.articles, p.cell.published) for p in kk.points] == [(DAY1, 2, 0), (DAY2, 2, 1)]
    assert [p.day for p in since[0].points] == [DAY2] and since[0].points[0].cell.published == 1
    assert [(p.day, p.cell.published, p.cell.missing) for p in since[1].points] == [(DAY2, 0, 2)]
    assert [(p.day, p.cell.published) for p in later.points] == [(DAY3, 1)]  # the state the window starts from
    assert [(p.day, p.cell.articles, p.cell.published) for p in only_beta.points] == [(DAY1, 1, 0)]


def test_an_empty_history_has_empty_series(session):
    assert [(s.language, s.points) for s in coverage_history(session, LANGUAGES)] == [
        ("en", ()), ("ru", ()), ("kk", ())]
    assert [s.points for s in coverage_history(session, LANGUAGES, since=DAY1)] == [(), (), ()]


def test_concurrent_writers_in_one_section_leave_the_latest_state(recording, clock):
    with session_scope(recording) as session:
        alpha = make_section(session, "alpha")
        slugs = [make_article(session, section=alpha).slug for _ in range(4)]
    barrier = threading.Barrier(len(slugs))
    errors: list[BaseException] = []

    def write(slug: str) -> None:
        from library.content import service

        try:
            barrier.wait()
            with session_scope(recording) as session:
                translate(session, service.get_article(session, slug), "kk")
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(slug,)) for slug in slugs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _snapshots(recording)[("kk", "alpha", DAY1)].published == len(slugs)
