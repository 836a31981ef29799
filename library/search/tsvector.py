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


def _marks(table: list[str], first: int, count: int) -> list[str]:
    """The marks of ``count`` places from place ``first`` on: those past `LAST_PLACE` are counted there."""
    if first + count <= LAST_PLACE + 1:
        return table[first : first + count]
    head = table[first:LAST_PLACE]
    return head + [table[LAST_PLACE]] * (count - len(head))


def tsvector(title: str, body: str) -> str:
    """The ``tsvector`` literal of a text's title keys and body keys (each joined by spaces).

    A rebuild makes a million of these (issue 17), so it is one loop over keys and their marks: a key
    met again (rarely, in one text) has its marks joined as it goes."""
    title_keys = _escaped(title).split()
    body_keys = _escaped(body).split()
    places: dict[str, str] = {}
    get = places.get
    marks = _marks(_TITLE, 1, len(title_keys)) + _marks(_BODY, min(len(title_keys), LAST_PLACE) + 1, len(body_keys))
    for key, mark in zip(title_keys + body_keys, marks, strict=True):
        found = get(key)
        places[key] = mark if found is None else f"{found},{mark}"
    return " ".join([f"'{key}':{found}" for key, found in places.items()])


def tsquery(key: str) -> str:
    """The ``tsquery`` literal matching one key."""
    return f"'{_escaped(key)}'"
