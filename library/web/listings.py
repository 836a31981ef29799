"""Listings and the archive for the API and the pages alike, from what is kept per content version
(`ContentMemo`): the ordered ids of a listing's articles, so a reader's page of a listing, however deep,
costs one statement; and the archive's counts per month, the same for every language. Read where
reader reads go (`state.readers`: the replica when it may answer)."""

from __future__ import annotations

from typing import Any

from library import reading
from library.reading import ListingQuery
from library.reading.types import Archive, ArticlePage


def read_listing(state: Any, language: str, query: ListingQuery) -> ArticlePage:
    """The page ``query`` of a listing for a reader of ``language`` (built by `off_the_loop`: it may read)."""
    query.check()
    key = ("listing", query.section, query.year, query.month)
    # Only listings with articles are kept: there are as many as the library has sections and months,
    # while a request may name any year (an empty one costs an index probe each time).
    ids = state.cache.memo.get(key, lambda: state.readers.read_rows(reading.listed_ids, query), keep=len)
    return state.readers.read_rows(reading.list_articles, state.languages.get(language), query, ids)


def read_archive_counts(state: Any, section: str | None) -> reading.MonthCounts:
    """Readable articles per month (built by `off_the_loop`: it may read). Unknown sections raise and are
    not kept, so the memo holds one entry per existing section at most."""
    return state.cache.memo.get(("archive", section), lambda: state.readers.read(reading.archive_counts, section))


def read_archive(state: Any, language: str, section: str | None) -> Archive:
    """The archive for a reader of ``language`` (built by `off_the_loop`: it may read)."""
    return reading.archive(None, state.languages.get(language), section, read_archive_counts(state, section))
