"""Script evidence used by the catalog checks (library.languages.script)."""

from __future__ import annotations

import pytest

from library.languages.script import has_latin_words


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
