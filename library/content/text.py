"""Plain-text views of variant HTML: word counts for coverage and translation cost."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def plain_text(markup: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub(" ", markup))


def count_words(*fragments: str) -> int:
    """Words in the given HTML fragments; hyphenated and apostrophe words count once."""
    return sum(len(_WORD.findall(plain_text(fragment))) for fragment in fragments)
