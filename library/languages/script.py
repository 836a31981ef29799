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


def has_latin_words(text: str, min_letters: int = 2) -> bool:
    """True when some word of at least ``min_letters`` letters is written entirely in Latin letters."""
    return any(len(word) >= min_letters and all(script_of(char) == "latin" for char in word) for word in words(text))
