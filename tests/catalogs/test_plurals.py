"""Plural rules from catalog headers, checked against CLDR and the formulas the project ships."""

from __future__ import annotations

import pytest

from library.catalogs.plurals import EXPECTED_PLURAL_FORMS, PluralRule, expected_rule, rule_problem


@pytest.mark.parametrize(
    ("n", "form"),
    [(1, 0), (2, 1), (5, 2), (21, 0), (22, 1), (25, 2), (111, 2), (0, 2), (11, 2), (12, 2), (14, 2), (101, 0)],
)
def test_russian_rule_selects_forms(n: int, form: int) -> None:
    assert expected_rule("ru")(n) == form


@pytest.mark.parametrize(("n", "form"), [(1, 0), (2, 1), (5, 1), (0, 1), (21, 1)])
def test_kazakh_rule_selects_forms(n: int, form: int) -> None:
    assert expected_rule("kk")(n) == form


@pytest.mark.parametrize("language", sorted(EXPECTED_PLURAL_FORMS))
def test_shipped_formulas_agree_with_cldr(language: str) -> None:
    assert rule_problem(language, expected_rule(language)) is None


@pytest.mark.parametrize(
    ("language", "header", "problem"),
    [
        ("ru", "nplurals=2; plural=(n != 1);", "CLDR gives 'ru' 3 forms"),
        ("kk", "nplurals=1; plural=0;", "CLDR gives 'kk' 2 forms"),
        ("kk", "nplurals=3; plural=(n != 1);", "nplurals=3"),
        ("en", "nplurals=2; plural=(n == 1);", "differs from the expected one"),
        (
            "ru",
            EXPECTED_PLURAL_FORMS["ru"].replace("? 1 : 2", "? 2 : 1"),
            "differs from the expected one (first at n=0)",
        ),
        ("ru", "nplurals=3; plural=(n > 1 ? 3 : n);", "gives form 3 for n=2"),
    ],
)
def test_wrong_headers_are_explained(language: str, header: str, problem: str) -> None:
    found = rule_problem(language, PluralRule.parse(header))
    assert found is not None and problem in found


@pytest.mark.parametrize("header", ["", "nplurals=2", "nplurals=x; plural=n;", "nplurals=2; plural=(n !!! 1);"])
def test_unparsable_headers_raise_value_error(header: str) -> None:
    with pytest.raises(ValueError):
        PluralRule.parse(header)


@pytest.mark.parametrize(("language", "forms"), [("en", {0}), ("kk", {0}), ("ru", set())])
def test_forms_used_only_for_one(language: str, forms: set[int]) -> None:
    # Russian form 0 also serves 21, 31...: it must keep the {count} placeholder.
    assert expected_rule(language).forms_only_for_one() == forms
