"""Plain-text views of variant HTML: word counts for coverage and translation cost."""

from __future__ import annotations

import html
import re

import nh3

#: A tag; it holds no "<", so the search for its ">" stops where the next tag could start (linear time).
_TAG = re.compile(r"<[^<>]*>")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def plain_text(markup: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub(" ", markup))


def count_words(*fragments: str) -> int:
    """Words in the given HTML fragments; hyphenated and apostrophe words count once."""
    return sum(len(_WORD.findall(plain_text(fragment))) for fragment in fragments)


def sanitise_html(markup: str) -> str:
    """Article HTML made safe to serve: scripts, event handlers and unsafe URLs removed (nh3/ammonia).

    Applied on every save, so no reader endpoint (API, page, export) can ever carry a script.
    """
    return nh3.clean(markup)
