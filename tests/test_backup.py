"""JSON Lines export and import: deterministic, validated first, all or nothing."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from library.backup import export_library, import_library, parse_library
from library.content.models import Article, Revision, Variant
from library.errors import Conflict, Invalid
from library.storage import create_engine_for, session_scope, upgrade


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


def test_round_trip_between_sqlite_and_postgresql(demo, db_kind, tmp_path, request):
    """SQLite -> file -> PostgreSQL -> file (or the reverse in the PostgreSQL run): identical files."""
    first = _export(demo)
    other_url = (f"sqlite:///{tmp_path / 'other.db'}" if db_kind == "postgres"
                 else request.getfixturevalue("postgres").create())
    other = create_engine_for(other_url)
    try:
        upgrade(other)
        _import(other, first)
        assert _export(other) == first
    finally:
        other.dispose()


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
    from datetime import UTC, datetime

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
