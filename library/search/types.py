"""What a search returns: msgspec structs encoded as they are by the JSON API (field docstrings are
the OpenAPI descriptions)."""

from __future__ import annotations

import msgspec

from library.reading.types import ListedArticle


class SearchHit(ListedArticle, kw_only=True):
    """An article found by a search, resolved as listings resolve it: in the reader's language, or the
    language a reader of it is served by fallback (``fallback``), in which it was matched."""

    snippet: str
    """HTML: words of the served text around the matches, each match in ``<mark>``, everything else
    escaped; in ``language`` (mark it up with ``lang``)."""


class SearchPage(msgspec.Struct, kw_only=True):
    """One page of search results: results in the requested language first, then fallbacks."""

    query: str
    language: str
    """The requested language; each hit says which language it is served in."""
    total: int
    """Results over all pages (see ``exact``)."""
    exact: bool
    """False when a very common query matched more texts than are ranked (`CANDIDATES` per language):
    ``total`` then counts the ranked ones."""
    page: int
    per_page: int
    pages: int
    own: int
    """Results in the requested language (the others are fallbacks)."""
    items: list[SearchHit]
