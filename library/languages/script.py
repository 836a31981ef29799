"""Evidence about the script and language of a short text (an interface label, a sentence).

The letter-level facts that `library.languages.detect` (the one language detector) builds on. These
functions give evidence, never proof (a Kazakh word may lack Kazakh-only letters, a Latin acronym may be
correct in a Russian sentence): to judge a text's language, call `detect.check`.
"""

from __future__ import annotations

import re
import unicodedata

#: Cyrillic letters used in Kazakh and in no Russian word.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

_WORD = re.compile(r"[^\W\d_]+")


def script_of(char: str) -> str | None:
    """``"latin"``, ``"cyrillic"`` or None for a letter of another script (or not a letter)."""
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return "latin"
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    return None


def words(text: str) -> list[str]:
    """Runs of letters (digits, punctuation and underscores split words)."""
    return _WORD.findall(text)


def has_cyrillic(text: str) -> bool:
    return any(script_of(char) == "cyrillic" for char in text)


def has_latin_words(text: str, min_letters: int = 2) -> bool:
    """True when some word of at least ``min_letters`` letters is written entirely in Latin letters."""
    return any(len(word) >= min_letters and all(script_of(char) == "latin" for char in word) for word in words(text))


def kazakh_letters(text: str) -> set[str]:
    """The Kazakh-only letters present in ``text`` (evidence of Kazakh; absent from Russian)."""
    return {char for char in text if char in KAZAKH_LETTERS}


def mixed_script_words(text: str) -> list[str]:
    """Words mixing Latin and Cyrillic letters, usually a look-alike typed by mistake ("Cтатистика")."""
    return [word for word in words(text) if {"latin", "cyrillic"} <= {script_of(char) for char in word}]
