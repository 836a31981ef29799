"""A translation keeps the placeholders of its original: %(name)s, %s/%d and {name}."""

from __future__ import annotations

import pytest

from library.catalogs.placeholders import mismatch, strip_placeholders


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("{count} views", "{count} просмотров"),
        ("{name} must be between {low} and {high}.", "Значение {name} — от {low} до {high}."),
        ("{low}–{high} of {name}", "{name}: {high}, {low}"),  # reordered named fields
        ("%(count)s files", "%(count)s файлов"),
        ("%s of %d", "%s из %d"),
        ("50% of goals", "50% целей"),  # "% o" is not a directive here
        ("100%% done", "100%% готово"),
        ("{{literal}} braces", "{{буквальные}} скобки"),
        ("{count:,} views", "{count} просмотров"),  # format spec ignored
        ("Views", "Просмотры"),
    ],
)
def test_matching_placeholders(source: str, translation: str) -> None:
    assert mismatch(source, translation) is None


@pytest.mark.parametrize(
    ("source", "translation", "described"),
    [
        ("{count} views", "{n} просмотров", "the translation has {n}"),
        ("{count} views", "просмотров", "the translation has none"),
        ("Views", "{count} просмотров", "the original has none"),
        ("%(count)s files", "%(count)d файлов", "%(count)d"),
        ("%(count)s files", "{count} файлов", "the translation has {count}"),
        ("%s of %d", "%d из %s", "the original has %s, %d"),
        ("%s and %s", "%s", "the translation has %s"),
    ],
)
def test_mismatched_placeholders(source: str, translation: str, described: str) -> None:
    problem = mismatch(source, translation)
    assert problem is not None and described in problem


@pytest.mark.parametrize(
    ("translation", "ok"),
    [("один просмотр", True), ("{count} просмотр", True), ("{other} просмотр", False)],
)
def test_a_form_used_only_for_one_may_omit_but_not_invent(translation: str, ok: bool) -> None:
    assert (mismatch("{count} views", translation, may_omit=True) is None) is ok


def test_strip_placeholders_leaves_the_words() -> None:
    assert strip_placeholders("{count} of %(total)s %d").split() == ["of"]
