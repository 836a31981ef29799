"""Plural rules as written in a catalog header, and how they compare with CLDR and the expected formulas.

`msgfmt -c` accepts a Russian catalog declaring ``nplurals=2`` (see I18N-NOTES), so the library checks
the header itself: behaviourally, by evaluating the formula on whole numbers and comparing it with CLDR.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from babel import Locale
from babel.messages.plurals import get_plural

#: The Plural-Forms header each shipped catalog must carry (I18N-NOTES, "Plural forms").
EXPECTED_PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "ru": ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
    "kk": "nplurals=2; plural=(n != 1);",
}

#: Whole numbers on which rules are compared; covers every residue that CLDR integer rules look at.
SAMPLE = range(0, 1001)

_HEADER = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.DOTALL)


@dataclass(frozen=True)
class PluralRule:
    """A parsed ``Plural-Forms`` value: how many forms, and which form index a count takes."""

    nplurals: int
    expression: str
    _select: Callable[[int], int] = field(repr=False, compare=False)

    @classmethod
    def parse(cls, header: str) -> PluralRule:
        """Parse ``nplurals=N; plural=EXPR;``; anything else raises ValueError with a readable message."""
        match = _HEADER.match(header or "")
        if not match:
            raise ValueError(f"Plural-Forms {header!r} is not of the form 'nplurals=N; plural=EXPR;'")
        nplurals, expression = int(match.group(1)), match.group(2)
        try:
            select = gettext.c2py(expression)
        except (ValueError, SyntaxError, RecursionError) as exc:
            raise ValueError(f"Plural-Forms expression {expression!r} is not valid: {exc}") from None
        return cls(nplurals, expression, select)

    def __call__(self, n: int) -> int:
        return self._select(n)

    def forms_only_for_one(self) -> frozenset[int]:
        """Form indices chosen for n == 1 and no other sample number (where "one view" may omit the count)."""
        used: dict[int, set[int]] = {}
        for n in SAMPLE:
            used.setdefault(self(n), set()).add(n)
        return frozenset(index for index, numbers in used.items() if numbers == {1})


def expected_rule(language: str) -> PluralRule:
    """The rule a catalog of ``language`` should declare: ours where we ship one, else Babel's table."""
    header = EXPECTED_PLURAL_FORMS.get(language) or get_plural(language).plural_forms
    return PluralRule.parse(header)


def rule_problem(language: str, rule: PluralRule) -> str | None:
    """Why ``rule`` is wrong for ``language``, or None.

    The rule must select indices below nplurals, map CLDR's integer categories one-to-one onto form
    indices, and (for the languages we ship) choose the same index as the expected formula for every n.
    """
    cldr = Locale.parse(language).plural_form
    index_of: dict[str, set[int]] = {}
    for n in SAMPLE:
        index = rule(n)
        if not 0 <= index < rule.nplurals:
            return f"plural formula gives form {index} for n={n}, but nplurals={rule.nplurals}"
        index_of.setdefault(cldr(n), set()).add(index)
    categories = sorted(index_of)
    used = set().union(*index_of.values())
    if (
        len(categories) != rule.nplurals
        or len(used) != rule.nplurals
        or any(len(indices) != 1 for indices in index_of.values())
    ):
        return (
            f"Plural-Forms declares nplurals={rule.nplurals}, but CLDR gives {language!r} "
            f"{len(categories)} forms for whole numbers ({', '.join(categories)})"
        )
    if language in EXPECTED_PLURAL_FORMS:
        expected = expected_rule(language)
        wrong = [n for n in SAMPLE if rule(n) != expected(n)]
        if wrong:
            return (
                f"plural formula differs from the expected one (first at n={wrong[0]}): "
                f"use {EXPECTED_PLURAL_FORMS[language]}"
            )
    return None
