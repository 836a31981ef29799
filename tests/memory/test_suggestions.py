"""Suggestions: exact, then fuzzy from 70 %, ranked by similarity then recency, terms kept, tags as tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from library.memory import text as memtext
from library.memory.store import NewUnit, add_units
from library.memory.suggest import MAX_FUZZY_CHARS, suggest
from library.quality.checks import TermEntry
from library.storage import session_scope

DAY = datetime(2025, 3, 1, tzinfo=UTC)
SOURCE = "Совет министров утвердил национальный план развития на 2025 год."


def _store(engine, *units: tuple[str, str, int]) -> None:
    """(source, target, days after DAY) as ru->kk units."""
    with session_scope(engine) as session:
        add_units(session, [NewUnit("ru", "kk", source, target, changed_at=DAY + timedelta(days=days), origin="tmx")
                            for source, target, days in units])


def _suggest(engine, *segments: str, **options):
    with session_scope(engine, write=False) as session:
        return suggest(session, "ru", "kk", list(segments), **options)


def test_an_exact_match_comes_first_then_fuzzy_ones_by_similarity(engine):
    _store(engine, (SOURCE, "Министрлер кеңесі 2025 жылға арналған ұлттық даму жоспарын бекітті.", 0),
           ("Совет министров утвердил национальный план развития на 2024 год.", "2024 жылға арналған жоспар.", 5),
           ("Правительство утвердило региональный план развития на 2030 год.", "Өңірлік жоспар.", 9),
           ("Погода сегодня хорошая.", "Бүгін ауа райы жақсы.", 1))
    [found] = _suggest(engine, SOURCE)
    assert [(s.match, s.target[:10]) for s in found] == [
        (100, "Министрлер"), (98, "2024 жылға"), (77, "Өңірлік жо")]
    assert found[0].changes == [] and found[0].kind == "memory" and found[0].origin == "tmx"
    assert memtext.Change("delete", "2024") in found[1].changes
    assert memtext.Change("insert", "2025") in found[1].changes


def test_below_seventy_percent_nothing_is_suggested(engine):
    _store(engine, ("Совет министров собрался на заседание в Астане.", "Кеңес жиналды.", 0))
    assert _suggest(engine, SOURCE) == [[]]
    assert _suggest(engine, "") == [[]]


def test_equal_similarity_prefers_the_newest_and_each_translation_once(engine):
    _store(engine, (SOURCE, "Ескі аударма.", 0), (SOURCE, "Жаңа аударма.", 30), (SOURCE, "Ескі аударма.", 10))
    [found] = _suggest(engine, SOURCE)
    assert [s.target for s in found] == ["Жаңа аударма.", "Ескі аударма."]
    assert found[1].at == DAY + timedelta(days=10)


def test_tags_count_as_one_token_whatever_their_attributes(engine):
    stored = 'Доклад опубликован на <a href="/ru/reports/2024">сайте министерства</a> сегодня.'
    _store(engine, (stored, 'Баяндама <a href="/kk/reports/2024">министрлік сайтында</a> жарияланды.', 0))
    [found] = _suggest(engine, 'Доклад опубликован на <a href="/ru/reports/2025-new">сайте министерства</a> сегодня.')
    assert found and found[0].match == 100  # only the link's target differs: the same segment
    [untagged] = _suggest(engine, "Доклад опубликован на сайте министерства сегодня.")
    assert untagged and 90 <= untagged[0].match < 100  # two tags missing cost two characters, not forty


def test_a_suggestion_that_breaks_a_term_is_marked_and_ranked_after_one_that_keeps_it(engine):
    terms = [TermEntry("council", {"ru": "Совет министров", "kk": "Министрлер кеңесі"},
                       {"kk": ("Министрлер советі",)})]
    _store(engine, (SOURCE, "Министрлер советі жоспарды бекітті.", 20),
           (SOURCE, "Министрлер кеңесі жоспарды бекітті.", 0), (SOURCE, "Үкімет жоспарды бекітті.", 10))
    [found] = _suggest(engine, SOURCE, terms=terms)
    assert [(s.target, s.breaks_terms) for s in found] == [
        ("Министрлер кеңесі жоспарды бекітті.", ()),
        ("Министрлер советі жоспарды бекітті.", ("council",)),  # forbidden form
        ("Үкімет жоспарды бекітті.", ("council",))]  # the term's form is missing


def test_other_language_pairs_are_not_suggested(engine):
    _store(engine, (SOURCE, "Кеңес.", 0))
    with session_scope(engine, write=False) as session:
        assert suggest(session, "ru", "en", [SOURCE]) == [[]]
        assert suggest(session, "kk", "ru", [SOURCE]) == [[]]


def test_a_huge_segment_gets_exact_matches_only_and_quickly(engine):
    huge = " ".join(["Совет министров утвердил план"] * (MAX_FUZZY_CHARS // 10))
    _store(engine, (huge, "Үлкен.", 0), (huge + " Ещё.", "Үлкенірек.", 1))
    [found] = _suggest(engine, huge)
    assert [s.target for s in found] == ["Үлкен."]


@pytest.mark.parametrize("segment", ["<a href='x'>", "{name} %(count)s %s", "\u00a0\u00a0", "&amp;&lt;", "ё" * 5000])
def test_odd_segments_are_answered(engine, segment):
    _store(engine, (SOURCE, "Кеңес.", 0))
    assert _suggest(engine, segment) == [[]]


def test_placeholders_are_tokens():
    assert memtext.normalise("Hello {name}, %(count)s new") != memtext.normalise("Hello {user}, %(count)s new")
    assert len(memtext.normalise("{name}")) == 1
    assert memtext.normalise(" a&nbsp;b \n c ") == "a b c"
