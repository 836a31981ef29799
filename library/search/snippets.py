"""Snippets: a few lines of the served text around the words a search matched, safely escaped.

The matched words are found with the same analyzer as the index (a word is marked when its key is one
of the query's keys), so "кітаптар" marks "кітапхананың" only if they share a key. The snippet is
HTML built here: every piece of text escaped, matches in ``<mark>``; a body holding ``<script>``
(stored escaped, or typed in a query) comes out as text.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from library.search.analyzer import normalise, tokens, word_keys
from library.search.index import plain_text

WORDS = 30
"""Words in a snippet."""
MAX_SCAN = 200_000
"""Characters of a body scanned for matches: a long text's snippet comes from its beginning."""


def snippet(body: str, language: str, wanted: set[str], transform: Callable[[str], str] | None = None) -> str:
    """HTML: about `WORDS` words of ``body`` (article HTML in ``language``) around the densest run of
    words whose keys are in ``wanted``, each match in ``<mark>``; ``transform`` (kk -> kk-Latn) is
    applied to the text before escaping. The start of the text when nothing matches."""
    text = " ".join(plain_text(body)[:MAX_SCAN].split())
    words = list(tokens(text))
    if not words:
        return ""
    seen: dict[str, bool] = {}  # a text repeats its words: each distinct one is analysed once
    matched = []
    for i, word in enumerate(words):
        found = seen.get(written := word.group())
        if found is None:
            found = seen[written] = not wanted.isdisjoint(word_keys(normalise(written), language))
        if found:
            matched.append(i)
    start = _best_window(matched)
    start = max(0, start - 3)
    end = min(len(words), start + WORDS)
    marked = set(matched)
    change = transform or (lambda part: part)
    out: list[str] = ["…" if start > 0 else ""]
    position = words[start].start()
    for i in range(start, end):
        word = words[i]
        out.append(str(escape(change(text[position : word.start()]))))
        piece = str(escape(change(word.group())))
        out.append(f"<mark>{piece}</mark>" if i in marked else piece)
        position = word.end()
    if end < len(words):
        out.append(str(escape(change(text[position : words[end].start()].rstrip()))) + "…")
    else:
        out.append(str(escape(change(text[position:]))))
    return Markup("".join(out))


def _best_window(matched: list[int]) -> int:
    """The first word of the `WORDS`-long window holding the most matches (0 without any)."""
    best, best_count, left = 0, 0, 0
    for right, position in enumerate(matched):
        while position - matched[left] >= WORDS:
            left += 1
        if right - left + 1 > best_count:
            best, best_count = matched[left], right - left + 1
    return best
