"""PostgreSQL's ``tsvector`` and ``tsquery`` of the analyzer's keys, written as literals in Python.

The keys are already what the index should hold (`library.search.analyzer`): letters and digits,
normalised and stemmed. Sending them as literals skips PostgreSQL's text search parser, which
``to_tsvector('simple', …)`` runs over every key again in the one backend that writes a reindex
(issue 17: that backend's share of 1,000,000 texts went from 57 to 28 s); the literal is built in
the worker processes that analyse the texts, and read by the COPY that writes them. The value is the
one PostgreSQL makes of
``setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'D')``
(`tests/search/test_tsvector.py` compares them in the database): each key with its places, a title's
marked with weight A, a body's counted on from the title's last place.
"""

from __future__ import annotations

LAST_PLACE = 16383
"""PostgreSQL keeps places up to 16,383; a later word is counted there (``LIMITPOS``)."""
_TITLE = [f"{n}A" for n in range(LAST_PLACE + 1)]
_BODY = [str(n) for n in range(LAST_PLACE + 1)]


def _escaped(keys: str) -> str:
    """``keys`` with quotes and backslashes doubled, as a quoted lexeme needs them (keys have none:
    this is a guard, and costs a scan of the string)."""
    if "'" in keys or "\\" in keys:
        return keys.replace("\\", "\\\\").replace("'", "''")
    return keys


def tsvector(title: str, body: str) -> str:
    """The ``tsvector`` literal of a text's title keys and body keys (each joined by spaces)."""
    places: dict[str, list[str]] = {}
    get = places.get
    title_keys = _escaped(title).split()
    for marks, keys, first in ((_TITLE, title_keys, 1),
                               (_BODY, _escaped(body).split(), min(len(title_keys), LAST_PLACE) + 1)):
        for n, key in enumerate(keys, first):
            mark = marks[n if n < LAST_PLACE else LAST_PLACE]
            found = get(key)
            if found is None:
                places[key] = [mark]
            else:
                found.append(mark)
    return " ".join([f"'{key}':{','.join(found)}" for key, found in places.items()])


def tsquery(key: str) -> str:
    """The ``tsquery`` literal matching one key."""
    return f"'{_escaped(key)}'"
