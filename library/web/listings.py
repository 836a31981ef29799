"""Listings for the API and the pages alike: the ordered ids of a listing's articles are kept per
content version (`ContentMemo`), so a reader's page of a listing, however deep, costs one statement."""

from __future__ import annotations

from typing import Any

from library import reading
from library.reading import ListingQuery
from library.reading.types import ArticlePage
from library.storage import read_only


def read_listing(state: Any, language: str, query: ListingQuery) -> ArticlePage:
    """The page ``query`` of a listing for a reader of ``language`` (in a worker thread: it may read)."""
    query.check()
    key = ("listing", query.section, query.year, query.month)
    ids = state.cache.memo.get(key, lambda: read_only(state.engine, reading.listed_ids, query))
    return read_only(state.engine, reading.list_articles, state.languages.get(language), query, ids)
