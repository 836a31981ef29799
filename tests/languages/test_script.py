"""Script evidence used by the catalog checks (library.languages.script)."""

from __future__ import annotations

import pytest

from library.languages.script import has_cyrillic, has_latin_words, kazakh_letters, mixed_script_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Хорошая погода, не так ли?", True),
        ("Views", False),
        ("ЦУР", True),
        ("{count} 42", False),
        ("Статистика SDG", True),
    ],
)
def test_has_cyrillic(text: str, expected: bool) -> None:
    assert has_cyrillic(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Views", True),
        ("SDG statistics", True),
        ("E-mail", True),  # "mail"
        ("a 1", False),  # a single letter is not a word
        ("{count}", True),  # placeholders are the caller's to strip: "count" is a Latin word
        ("Просмотры", False),
        ("2024 – 2030", False),
    ],
)
def test_has_latin_words(text: str, expected: bool) -> None:
    assert has_latin_words(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Тұрақты даму мақсаттары туралы", {"ұ", "қ"}),
        ("Үйлестіру кеңесі", {"Ү", "і", "ң"}),
        ("Координационный совет", set()),
        ("Басты бетке оралу", set()),  # Kazakh without Kazakh-only letters: evidence, not proof
    ],
)
def test_kazakh_letters(text: str, expected: set[str]) -> None:
    assert kazakh_letters(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cтатистика ЦУР", ["Cтатистика"]),  # Latin C
        ("Статистика ЦУР", []),
        ("SDG статистикасы", []),
        ("E-mail пошта", []),
        ("pоссия", ["pоссия"]),  # Latin p
    ],
)
def test_mixed_script_words(text: str, expected: list[str]) -> None:
    assert mixed_script_words(text) == expected
