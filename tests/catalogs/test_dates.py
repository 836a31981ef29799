"""Babel's dates, months and numbers in en, ru and kk, pinned: the pages rely on these exact strings.

Narrow no-break space (U+202F) and no-break space (U+00A0) are spelled as escapes on purpose.
"""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date, get_month_names
from babel.numbers import format_decimal

DAY = date(2024, 5, 9)


@pytest.mark.parametrize(
    ("language", "style", "expected"),
    [
        ("en", "long", "May 9, 2024"),
        ("en", "short", "5/9/24"),
        ("en", "full", "Thursday, May 9, 2024"),
        ("ru", "long", "9 мая 2024\u202fг."),
        ("ru", "short", "09.05.2024"),
        ("ru", "full", "четверг, 9 мая 2024\u202fг."),
        ("kk", "long", "2024\u202fж. 9 мамыр"),
        ("kk", "short", "09.05.24"),
        ("kk", "full", "2024\u202fж. 9 мамыр, бейсенбі"),
    ],
)
def test_formatted_dates(language: str, style: str, expected: str) -> None:
    assert format_date(DAY, style, locale=language) == expected


@pytest.mark.parametrize(
    ("language", "context", "expected"),
    [
        ("ru", "format", "января"),  # genitive, inside a date
        ("ru", "stand-alone", "январь"),  # nominative, a calendar heading
        ("kk", "format", "қаңтар"),
        ("kk", "stand-alone", "Қаңтар"),
        ("en", "stand-alone", "January"),
    ],
)
def test_month_names(language: str, context: str, expected: str) -> None:
    assert get_month_names("wide", context, language)[1] == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,234,567.5"), ("ru", "1\u00a0234\u00a0567,5"), ("kk", "1\u00a0234\u00a0567,5")],
)
def test_grouped_numbers(language: str, expected: str) -> None:
    assert format_decimal(1234567.5, locale=language) == expected
